import Foundation
import GRDB
import Testing

/// A question put to the binary after tampering.
enum Probe: Sendable, CustomStringConvertible {
    case check(user: String, module: String)
    case login(user: String, client: String)

    var arguments: [String] {
        switch self {
        case .check(let user, let module): ["check", "--user", user, "--module", module, "--json"]
        case .login(let user, let client): ["login-check", "--user", user, "--client", client, "--json"]
        }
    }

    var description: String { arguments.dropLast().joined(separator: " ") }

    /// Runs the probe; returns whether it was granted (or allowed) according to the JSON answer.
    func run(_ fixture: Fixture) async throws -> (isGranted: Bool, result: CLIResult) {
        let result = try await fixture.licensing(arguments: arguments)
        switch self {
        case .check: return (try result.json(CheckJSON.self).granted, result)
        case .login: return (try result.json(LoginCheckJSON.self).allowed, result)
        }
    }
}

/// One direct edit of licensing.sqlite, what `verify` must report, and what it must (not) grant afterwards.
enum Tamper: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case moduleCountChanged = "a module's count changed"
    case moduleRowInserted = "a module row inserted"
    case moduleRowDeleted = "a module row deleted"
    case assignmentUserChanged = "an assignment's user_id changed"
    case assignmentInserted = "an assignment inserted with a real one's seal"
    case tenantSerialChanged = "the tenant's serial_number changed"
    case userCanLogInSet = "a user's can_log_in flag set"
    case auditEntryEdited = "an audit entry edited"
    case auditEntryDeletedInTheMiddle = "an audit entry in the middle deleted"
    case auditEntryDeletedAtTheEnd = "the last audit entry deleted"

    var testDescription: String { rawValue }

    static let alice = "(SELECT id FROM user WHERE user_name = 'alice')"
    static let bob = "(SELECT id FROM user WHERE user_name = 'bob')"

    /// Edits the database; returns the table `verify` must name (nil: any) and words its problem must contain.
    func apply(_ db: Database) throws -> (table: String?, words: [String]) {
        switch self {
        case .moduleCountChanged:
            try db.execute(sql: "UPDATE module_license SET count = 1000 WHERE owner_name = 'SUPEROFFICE' AND module_name = 'web'")
            return ("module_license", ["superoffice.web"])
        case .moduleRowInserted:
            // A site module (it would apply to every user) carrying a real row's signature.
            try db.execute(
                sql: """
                    INSERT INTO module_license SELECT tenant_id, owner_name, 'forged', description, tooltip, version, 'site',
                    count, allowed_user_types, extra_flags, extra_info, sort_order, unrestricted, hidden, NULL, signature
                    FROM module_license WHERE owner_name = 'SUPEROFFICE' AND module_name = 'visible-for'
                    """)
            return ("module_license", ["superoffice.forged"])
        case .moduleRowDeleted:
            try db.execute(sql: "DELETE FROM module_license WHERE owner_name = 'SUPEROFFICE' AND module_name = 'web'")
            return (nil, ["web"])
        case .assignmentUserChanged:
            try db.execute(
                sql: "UPDATE assignment SET user_id = \(Self.bob) WHERE user_id = \(Self.alice) AND owner_name = 'SUPEROFFICE' AND module_name = 'web'")
            #expect(db.changesCount == 1)
            return ("assignment", ["superoffice.web", "bob"])
        case .assignmentInserted:
            try db.execute(
                sql: """
                    INSERT INTO assignment SELECT tenant_id, owner_name, module_name, \(Self.bob), via_plan, count, comment,
                    created_at, created_by, seal FROM assignment
                    WHERE user_id = \(Self.alice) AND owner_name = 'SUPEROFFICE' AND module_name = 'web'
                    """)
            #expect(db.changesCount == 1)
            return ("assignment", ["superoffice.web", "bob"])
        case .tenantSerialChanged:
            try db.execute(sql: "UPDATE tenant SET serial_number = '9999-0001'")
            return ("tenant", [Fixture.tenant])
        case .userCanLogInSet:
            try db.execute(sql: "UPDATE user SET can_log_in = 1 WHERE user_name = 'eve'")
            return ("user", ["eve"])
        case .auditEntryEdited:
            try db.execute(sql: "UPDATE audit_entry SET actor = 'mallory' WHERE sequence = 3")
            return ("audit_entry", ["#3:"])
        case .auditEntryDeletedInTheMiddle:
            let last = try Int.fetchOne(db, sql: "SELECT MAX(sequence) FROM audit_entry") ?? 0
            let middle = last / 2
            try db.execute(sql: "DELETE FROM audit_entry WHERE sequence = ?", arguments: [middle])
            return ("audit_entry", ["#\(middle)", "missing"])
        case .auditEntryDeletedAtTheEnd:
            let last = try Int.fetchOne(db, sql: "SELECT MAX(sequence) FROM audit_entry") ?? 0
            try db.execute(sql: "DELETE FROM audit_entry WHERE sequence = ?", arguments: [last])
            return ("audit_entry", ["#\(last):"])
        }
    }

    /// What the edit tries to grant (or, for deletions, a grant resting on the damaged rows): must be denied, exit 1.
    var forged: [Probe] {
        switch self {
        case .moduleCountChanged: [.check(user: "alice", module: "superoffice.web")]
        case .moduleRowInserted: [.check(user: "bob", module: "superoffice.forged")]
        case .moduleRowDeleted: [.check(user: "alice", module: "superoffice.user")]
        case .assignmentUserChanged, .assignmentInserted: [.check(user: "bob", module: "superoffice.web")]
        case .tenantSerialChanged: [.check(user: "alice", module: "superoffice.web")]
        case .userCanLogInSet: [.login(user: "eve", client: "web"), .check(user: "eve", module: "superoffice.web")]
        case .auditEntryEdited, .auditEntryDeletedInTheMiddle, .auditEntryDeletedAtTheEnd: []
        }
    }

    /// Rows the edit did not touch: still granted, exit 0.
    var untouched: [Probe] {
        let partner = Probe.check(user: "dave", module: "partner.addon")
        switch self {
        case .moduleCountChanged: return [.check(user: "alice", module: "superoffice.user"), partner]
        case .moduleRowInserted, .moduleRowDeleted: return [partner]
        case .assignmentUserChanged:
            return [
                .check(user: "alice", module: "superoffice.user"), .check(user: "carol", module: "superoffice.web"),
                .login(user: "dave", client: "web"),
            ]
        case .assignmentInserted: return [.check(user: "alice", module: "superoffice.web"), .login(user: "alice", client: "web")]
        case .tenantSerialChanged: return []
        case .userCanLogInSet, .auditEntryEdited, .auditEntryDeletedInTheMiddle, .auditEntryDeletedAtTheEnd:
            return [.check(user: "alice", module: "superoffice.web"), .login(user: "alice", client: "web"), partner]
        }
    }

    /// Denied by design: a forged tenant row blocks every login.
    var deniedByDesign: [Probe] {
        self == .tenantSerialChanged ? [.login(user: "alice", client: "web"), .login(user: "dave", client: "web")] : []
    }
}

@Suite("Tampering with licensing.sqlite is found by verify and grants nothing")
struct TamperTests {
    /// Two owners (SUPEROFFICE and PARTNER) and users: alice (user, web), bob (nothing), carol (plan),
    /// dave (user, web, partner.addon) and eve (user, web, but may not log in).
    static func populated() async throws -> Fixture {
        let (fixture, _) = try await Fixture.licensed(owners: [Fixture.owner, "PARTNER"])
        let partner = PackageSpecFile(
            owner: "PARTNER", description: "A partner's add-on", companyName: Fixture.company, serialNumber: Fixture.serial,
            issuedAt: iso(fixture.baseTime), modules: [ModuleSpec(name: "addon", type: "user", count: 5)])
        try await fixture.licensing("license", "activate", try await fixture.issue(partner, as: "partner")).requireSuccess()
        for name in ["alice", "bob", "carol", "dave"] { try await fixture.addUser(name) }
        try await fixture.addUser("eve", canLogIn: false)
        for name in ["alice", "dave", "eve"] {
            try await fixture.assign(name, "superoffice.user")
            try await fixture.assign(name, "superoffice.web")
        }
        try await fixture.assign("carol", "superoffice.sales-premium")
        try await fixture.assign("dave", "partner.addon")
        return fixture
    }

    @Test("verify exits 3 naming the row, the forged grant is denied, untouched rows keep working", arguments: Tamper.allCases)
    func tampered(_ tamper: Tamper) async throws {
        // Given: a clean, populated tenant.
        let fixture = try await Self.populated()
        defer { fixture.remove() }
        try await fixture.licensing("verify").requireSuccess()

        // When
        let expected = try DatabaseDump.tamper(fixture.dataDirectory) { db in try tamper.apply(db) }

        // Then: verify names the row.
        let verify = try await fixture.licensing("verify", "--json")
        #expect(verify.exitCode == 3, "\(verify)")
        let report = try verify.json(VerifyJSON.self)
        #expect(!report.ok)
        let named = report.problems.contains { problem in
            (expected.table.map { problem.table == $0 } ?? true)
                && expected.words.allSatisfy { "\(problem.key): \(problem.problem)".contains($0) }
        }
        #expect(
            named,
            "verify should name \(expected.table ?? "the table") with \(expected.words); it reported \(report.problems)")
        let text = try await fixture.licensing("verify")
        #expect(text.exitCode == 3 && !text.stderr.isEmpty, "\(text)")

        // Then: the forged grant is denied, untouched rows still work.
        for probe in tamper.forged + tamper.deniedByDesign {
            let (isGranted, result) = try await probe.run(fixture)
            #expect(!isGranted, "`\(probe)` must be denied after \(tamper.rawValue): \(result)")
            #expect(result.exitCode == 1, "`\(probe)` must exit 1 (denied by a rule): \(result)")
        }
        for probe in tamper.untouched {
            let (isGranted, result) = try await probe.run(fixture)
            #expect(isGranted && result.exitCode == 0, "`\(probe)` touches no tampered row and must still work: \(result)")
        }
    }
}
