import Foundation
import LicenseCore

/// The one table of direct database edits (issue 18, Build 2), run on SQLite and on PostgreSQL: each edit, the
/// problems `verify` must name (table and key, exactly), what the edit tries to grant (refused, with the exact
/// answer), what it leaves untouched (still working), and a `tamper-detected` event per problem.
///
/// The tenant the edits start from (seeded by the CLI tests' `TamperBase`): the owners SUPEROFFICE (the CLI tests'
/// sample package, `web` cut to 6 seats) and PARTNER (`addon`, 5 seats); users alice (user, web), bob (nothing), carol
/// (the plan sales-premium, so user, web, chat-cal), dave (user, web, partner.addon), eve (user, web, may not log in),
/// frank (user, web; a no-login event names him) and root (user, web; an administrator with a password). `web` is
/// full.
public enum TamperEdit: String, CaseIterable, Sendable, CustomStringConvertible {
    case moduleCountRaised = "a module's count raised"
    case moduleRowInserted = "a site module inserted with a real row's signature"
    case moduleRowDeleted = "a module row deleted"
    case assignmentMoved = "an assignment's user changed"
    case assignmentCopied = "an assignment inserted for another user with a real one's seal"
    case assignmentForModule = "an assignment inserted for another module with a real one's seal"
    case tenantSerialChanged = "the tenant's serial number changed"
    case canLogInSet = "a user's can_log_in flag set"
    case administratorMade = "a user made administrator with another's password hash"
    case auditEntryEdited = "an audit entry edited"
    case auditEntryDeletedInTheMiddle = "an audit entry in the middle deleted"
    case auditEntryDeletedAtTheEnd = "the last audit entry deleted"
    case noLoginDeleted = "a user's no-login event deleted"
    case noLoginFinished = "a user's no-login event marked finished"

    public var description: String { rawValue }

    /// The CLI commands (without `--data`/`--database`) that make the tenant every edit starts from, after `init`.
    public static let users = ["alice", "bob", "carol", "dave", "frank"]
    public static let rootPassword = "correct horse battery staple"

    // MARK: - The edit

    /// Commands to run before the edit, on the copy it edits (the probe of an administrator right needs a
    /// system-wide no-login event).
    public var preparation: [[String]] {
        self == .administratorMade ? [["events", "add", "--key", "no-login", "--message", "Maintenance"]] : []
    }

    /// The SQL statements of the edit; `user` is the user table's name (`user` on SQLite, `app_user` on PostgreSQL).
    /// Each statement changes exactly one row.
    public func statements(userTable user: String) -> [String] {
        let tenant = "tenant_id = 'acme'"
        func id(_ name: String) -> String { "(SELECT id FROM \(user) WHERE \(tenant) AND user_name = '\(name)')" }
        let aliceWeb = "\(tenant) AND user_id = \(id("alice")) AND owner_name = 'SUPEROFFICE' AND module_name = 'web'"
        let assignmentColumns =
            "tenant_id, owner_name, module_name, user_id, via_plan, count, comment, created_at, created_by, seal"
        let lastAudit = "(SELECT MAX(sequence) FROM audit_entry WHERE \(tenant))"
        let frankEvent =
            "\(tenant) AND key = 'no-login' AND scope = 'user' AND scope_owner = 'frank' AND status = 'active'"
        switch self {
        case .moduleCountRaised:
            return [
                "UPDATE module_license SET count = 1000 WHERE \(tenant) AND owner_name = 'SUPEROFFICE' AND module_name = 'web'"
            ]
        case .moduleRowInserted:
            return [
                """
                INSERT INTO module_license (tenant_id, owner_name, module_name, description, tooltip, version, type, count,
                allowed_user_types, extra_flags, extra_info, sort_order, unrestricted, hidden, prerequisite, signature)
                SELECT tenant_id, owner_name, 'forged', description, tooltip, version, 'site', count, allowed_user_types,
                extra_flags, extra_info, sort_order, unrestricted, hidden, NULL, signature
                FROM module_license WHERE \(tenant) AND owner_name = 'SUPEROFFICE' AND module_name = 'visible-for'
                """
            ]
        case .moduleRowDeleted:
            return ["DELETE FROM module_license WHERE \(tenant) AND owner_name = 'SUPEROFFICE' AND module_name = 'saint'"]
        case .assignmentMoved:
            return ["UPDATE assignment SET user_id = \(id("bob")) WHERE \(aliceWeb)"]
        case .assignmentCopied:
            return [
                """
                INSERT INTO assignment (\(assignmentColumns))
                SELECT tenant_id, owner_name, module_name, \(id("bob")), via_plan, count, comment, created_at, created_by, seal
                FROM assignment WHERE \(aliceWeb)
                """
            ]
        case .assignmentForModule:
            return [
                """
                INSERT INTO assignment (\(assignmentColumns))
                SELECT tenant_id, owner_name, 'chat-cal', user_id, via_plan, count, comment, created_at, created_by, seal
                FROM assignment WHERE \(aliceWeb)
                """
            ]
        case .tenantSerialChanged:
            return ["UPDATE tenant SET serial_number = '9999-0001' WHERE id = 'acme'"]
        case .canLogInSet:
            return ["UPDATE \(user) SET can_log_in = 1 WHERE \(tenant) AND user_name = 'eve'"]
        case .administratorMade:
            return [
                """
                UPDATE \(user) SET is_administrator = 1,
                password_hash = (SELECT password_hash FROM \(user) WHERE \(tenant) AND user_name = 'root')
                WHERE \(tenant) AND user_name = 'carol'
                """
            ]
        case .auditEntryEdited:
            return ["UPDATE audit_entry SET actor = 'mallory' WHERE \(tenant) AND sequence = 3"]
        case .auditEntryDeletedInTheMiddle:
            return ["DELETE FROM audit_entry WHERE \(tenant) AND sequence = 10"]
        case .auditEntryDeletedAtTheEnd:
            return ["DELETE FROM audit_entry WHERE \(tenant) AND sequence = \(lastAudit)"]
        case .noLoginDeleted:
            return ["DELETE FROM system_event WHERE \(frankEvent)"]
        case .noLoginFinished:
            return ["UPDATE system_event SET status = 'finished' WHERE \(frankEvent)"]
        }
    }

    // MARK: - What must follow

    /// The problems `verify` must report: exactly these tables and keys, in any order. `(the table's rows)` is the
    /// table's digest in the sealed head; `tenant_head MODULE` its count of the module's seats in use. `lastAudit` is
    /// the last audit sequence before the edit, `frankEvent` the id of frank's no-login event.
    public func named(lastAudit: Int, frankEvent: Int) -> Set<TamperProblem> {
        let rows = "(the table's rows)"
        switch self {
        case .moduleCountRaised: return [.init("module_license", "superoffice.web"), .init("module_license", rows)]
        case .moduleRowInserted:
            return [
                .init("license_owner", "SUPEROFFICE"), .init("module_license", "superoffice.forged"),
                .init("module_license", rows),
            ]
        case .moduleRowDeleted:
            return [
                .init("license_owner", "SUPEROFFICE"), .init("module_license", "superoffice.saint"),
                .init("module_license", rows),
            ]
        case .assignmentMoved: return [.init("assignment", "superoffice.web → bob")]
        case .assignmentCopied:
            return [.init("assignment", "superoffice.web → bob"), .init("tenant_head", "superoffice.web")]
        case .assignmentForModule:
            return [.init("assignment", "superoffice.chat-cal → alice"), .init("tenant_head", "superoffice.chat-cal")]
        case .tenantSerialChanged:
            // The packages are bound to the company and serial number: every row of both owners fails with it.
            let modules = ["user", "web", "chat-cal", "sales-premium", "saint", "visible-for"].map {
                TamperProblem("module_license", "superoffice.\($0)")
            }
            return Set(
                modules + [
                    .init("tenant", "acme"), .init("tenant", rows), .init("license_owner", "SUPEROFFICE"),
                    .init("license_owner", "PARTNER"), .init("module_license", "partner.addon"),
                ])
        case .canLogInSet: return [.init("user", "eve")]
        case .administratorMade: return [.init("user", "carol")]
        // The seal was left with the edited row, so the table's digest in the head still holds.
        case .auditEntryEdited: return [.init("audit_entry", "#3")]
        case .auditEntryDeletedInTheMiddle: return [.init("audit_entry", "#11"), .init("audit_entry", rows)]
        case .auditEntryDeletedAtTheEnd: return [.init("audit_entry", "#\(lastAudit)"), .init("audit_entry", rows)]
        case .noLoginDeleted: return [.init("system_event", "#\(frankEvent)"), .init("system_event", rows)]
        case .noLoginFinished: return [.init("system_event", "#\(frankEvent) no-login")]
        }
    }

    /// What `verify` must report after a further write (`TamperProbe.writeThenVerify`): the same, except that when the
    /// newest audit entry was deleted, the gap is then named by the entry written after it.
    public func namedAfterAWrite(lastAudit: Int, frankEvent: Int) -> Set<TamperProblem> {
        guard self == .auditEntryDeletedAtTheEnd else { return named(lastAudit: lastAudit, frankEvent: frankEvent) }
        return [.init("audit_entry", "#\(lastAudit + 1)"), .init("audit_entry", "(the table's rows)")]
    }

    /// What the edit tries to grant, each refused with the answer given.
    public var grant: [TamperProbe] {
        switch self {
        case .moduleCountRaised:
            // The raised count would give bob a seat of the full module.
            return [.assign("bob", "superoffice.web", refusedWith: 3), .check("alice", "superoffice.web", .moduleIntegrity)]
        case .moduleRowInserted: return [.check("bob", "superoffice.forged", .moduleIntegrity)]
        case .moduleRowDeleted: return [.check("alice", "superoffice.user", .moduleIntegrity)]
        case .assignmentMoved, .assignmentCopied: return [.check("bob", "superoffice.web", .notLicensed)]
        case .assignmentForModule: return [.check("alice", "superoffice.chat-cal", .notLicensed)]
        case .tenantSerialChanged:
            return [
                .check("alice", "superoffice.web", .tenantIntegrity),
                .login("alice", [.tenantIntegrity, .missingUserLicense, .missingClientLicense]),
            ]
        // A void user row takes its licenses with it; the flag it claims is not believed.
        case .canLogInSet: return [.login("eve", [.userIntegrity, .missingUserLicense, .missingClientLicense])]
        // The administrator right lets a user in during a no-login event: carol's void row is refused, for itself and
        // for its licenses, and not for the event (the claimed right is not the refusal's reason either).
        case .administratorMade: return [.login("carol", [.userIntegrity, .missingUserLicense, .missingClientLicense])]
        // A rewritten history is not laundered by the next write: verify still names it afterwards.
        case .auditEntryEdited, .auditEntryDeletedInTheMiddle, .auditEntryDeletedAtTheEnd:
            return [.writeThenVerify(["assign", "--user", "bob", "--module", "superoffice.user"])]
        case .noLoginDeleted, .noLoginFinished: return [.login("frank", [.eventIntegrity])]
        }
    }

    /// What the edit does not touch: still granted (checks) or allowed (logins), or refused as before.
    public var untouched: [TamperProbe] {
        let partner = TamperProbe.check("dave", "partner.addon", .granted)
        switch self {
        case .moduleCountRaised: return [.check("alice", "superoffice.user", .granted), partner]
        case .moduleRowInserted, .moduleRowDeleted: return [partner]
        case .assignmentMoved:
            return [
                .check("alice", "superoffice.user", .granted), .check("carol", "superoffice.web", .granted), .login("dave", []),
            ]
        case .assignmentCopied: return [.check("alice", "superoffice.web", .granted), .login("alice", [])]
        case .assignmentForModule: return [.check("alice", "superoffice.web", .granted), .login("carol", [])]
        case .tenantSerialChanged: return []
        case .canLogInSet, .auditEntryEdited, .auditEntryDeletedInTheMiddle, .auditEntryDeletedAtTheEnd:
            return [.check("alice", "superoffice.web", .granted), .login("alice", []), partner]
        case .administratorMade: return [.login("root", []), .login("alice", [.noLoginEvent])]
        case .noLoginDeleted, .noLoginFinished: return [.check("frank", "superoffice.web", .granted), partner]
        }
    }
}

/// A problem `verify` reports, by table and key.
public struct TamperProblem: Hashable, Sendable, CustomStringConvertible {
    public var table: String
    public var key: String

    public init(_ table: String, _ key: String) {
        self.table = table
        self.key = key
    }

    public var description: String { "\(table) \(key)" }
}

/// A question put to the CLI after an edit, with the exact answer expected.
public enum TamperProbe: Sendable, CustomStringConvertible {
    /// `check --user --module --json`: `granted` with `reason` (exit 0 when granted, 1 when not).
    case check(String, String, CheckReason)
    /// `login-check --user --client web --json`: allowed when `reasons` is empty (exit 0), else denied for exactly
    /// these reasons (exit 1).
    case login(String, [CheckReason])
    /// `assign --user --module`: refused with this exit code, and the user does not hold the module afterwards.
    case assign(String, String, refusedWith: Int32)
    /// A write that succeeds (exit 0), after which `verify` still names every problem it named before.
    case writeThenVerify([String])

    public var description: String {
        switch self {
        case .check(let user, let module, let reason): "check \(user) \(module) → \(reason.rawValue)"
        case .login(let user, let reasons):
            "login-check \(user) → \(reasons.isEmpty ? "allowed" : reasons.map(\.rawValue).joined(separator: ","))"
        case .assign(let user, let module, let code): "assign \(user) \(module) → exit \(code)"
        case .writeThenVerify(let arguments): "\(arguments.joined(separator: " ")) → exit 0, then verify names the rows still"
        }
    }

    /// The command's arguments (without `--data`/`--database`).
    public var arguments: [String] {
        switch self {
        case .check(let user, let module, _): ["check", "--user", user, "--module", module, "--json"]
        case .login(let user, _): ["login-check", "--user", user, "--client", "web", "--json"]
        case .assign(let user, let module, _): ["assign", "--user", user, "--module", module, "--json"]
        case .writeThenVerify(let arguments): arguments + ["--json"]
        }
    }

    /// Whether `result` is the expected answer; nil when it is, else what is wrong.
    public func mismatch(_ result: ProcessResult) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            return "no JSON answer: \(result)"
        }
        switch self {
        case .check(_, _, let reason):
            let granted = reason == .granted
            guard object["granted"] as? Bool == granted, object["reason"] as? String == reason.rawValue,
                result.exitCode == (granted ? 0 : 1)
            else { return "expected \(reason.rawValue): \(result)" }
        case .login(_, let reasons):
            let allowed = reasons.isEmpty
            guard object["allowed"] as? Bool == allowed, object["reasons"] as? [String] == reasons.map(\.rawValue),
                result.exitCode == (allowed ? 0 : 1)
            else { return "expected \(allowed ? "allowed" : "\(reasons.map(\.rawValue))"): \(result)" }
        case .assign(_, _, let code):
            guard result.exitCode == code, (object["error"] as? [String: Any])?["code"] is String else {
                return "expected exit \(code) with an error: \(result)"
            }
        case .writeThenVerify:
            guard result.exitCode == 0 else { return "expected the write to succeed: \(result)" }
        }
        return nil
    }
}
