import Foundation
import GRDB
import LicenseCore
import LicenseTestSupport
import Testing

/// The attacks of issue 12 (Why 1–5) against licensing.sqlite with SQL access but not the installation key: each is
/// named by `verify` (exit 3) and grants nothing; `repair --accept-current` then accepts the rows an operator has
/// inspected without granting beyond a count, and a wrong key writes nothing.
@Suite("Attacks on the state as a whole: replayed, restored and deleted rows")
struct IntegrityAttackTests {
    /// SUPEROFFICE's sample package with `web` sold `webCount` times, issued `hours` after the fixture's base time.
    static func package(_ fixture: Fixture, webCount: Int, hours: Double = 0) async throws -> String {
        try await fixture.issue(
            .sample(issuedAt: fixture.baseTime.addingTimeInterval(hours * 3_600), webCount: webCount),
            as: "web-\(webCount)-\(hours)")
    }

    /// Users holding user and web (in this order: the oldest first).
    static func holders(_ fixture: Fixture, _ names: [String]) async throws {
        for name in names {
            try await fixture.addUser(name)
            try await fixture.assign(name, "superoffice.user")
            try await fixture.assign(name, "superoffice.web")
        }
    }

    static func check(_ fixture: Fixture, _ user: String, _ module: String = "superoffice.web") async throws -> CheckJSON {
        try await fixture.licensing("check", "--user", user, "--module", module, "--json").json(CheckJSON.self)
    }

    static func verify(_ fixture: Fixture) async throws -> (exitCode: Int32, problems: [VerifyJSON.Problem]) {
        let result = try await fixture.licensing("verify", "--json")
        return (result.exitCode, try result.json(VerifyJSON.self).problems)
    }

    @Test("Why 1: a deleted assignment put back with its seal is named and grants nothing; after repair web has 3 holders")
    func replayedAssignment() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        try await fixture.initTenant()
        try await fixture.licensing("license", "activate", try await Self.package(fixture, webCount: 3)).requireSuccess()
        try await Self.holders(fixture, ["alice", "bob", "carol"])

        // When alice's web row is saved, she is unassigned, dave takes the seat, and her row is put back
        try DatabaseDump.tamper(fixture.dataDirectory) { db in
            try db.execute(
                sql:
                    "CREATE TABLE saved AS SELECT * FROM assignment WHERE module_name = 'web' AND user_id = (SELECT id FROM user WHERE user_name = 'alice')"
            )
        }
        try await fixture.licensing("unassign", "--user", "alice", "--module", "superoffice.web").requireSuccess()
        try await Self.holders(fixture, ["dave"])
        try DatabaseDump.tamper(fixture.dataDirectory) { db in
            try db.execute(sql: "INSERT INTO assignment SELECT * FROM saved")
            try db.execute(sql: "DROP TABLE saved")
        }

        // Then verify names the table, and nothing is granted: which of the rows is the extra one cannot be told
        let (exitCode, problems) = try await Self.verify(fixture)
        #expect(exitCode == 3 && problems.contains { $0.table == "assignment" }, "\(problems)")
        for user in ["alice", "bob", "carol", "dave"] {
            let answer = try await Self.check(fixture, user)
            #expect(!answer.granted && answer.reason == "tenant-integrity", "\(user): \(answer)")
        }

        // And when an operator accepts the rows with repair, they verify again, and web still has three holders: the
        // oldest three keep it, the fourth is denied module-integrity
        let repair = try await fixture.licensing("repair", "--accept-current", "--yes")
        #expect(repair.exitCode == 0, "\(repair)")
        #expect(try await Self.verify(fixture).exitCode == 0)
        var granted: [String] = []
        for user in ["alice", "bob", "carol", "dave"] {
            let answer = try await Self.check(fixture, user)
            if answer.granted { granted.append(user) } else { #expect(answer.reason == "module-integrity", "\(user): \(answer)") }
        }
        #expect(granted == ["alice", "bob", "carol"], "granted: \(granted)")
        #expect(try await fixture.licensing("audit", "--limit", "1").stdout.contains("integrity.repair"))
    }

    @Test("Why 2: an older package's rows put back are named and grant nothing; a write on them is refused")
    func restoredOlderPackage() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        try await fixture.initTenant()
        try await fixture.licensing("license", "activate", try await Self.package(fixture, webCount: 10)).requireSuccess()
        try await Self.holders(fixture, ["alice", "bob", "carol"])
        try DatabaseDump.tamper(fixture.dataDirectory) { db in
            try db.execute(sql: "CREATE TABLE saved_owner AS SELECT * FROM license_owner")
            try db.execute(sql: "CREATE TABLE saved_module AS SELECT * FROM module_license")
        }
        try await fixture.licensing("license", "activate", try await Self.package(fixture, webCount: 3, hours: 1))
            .requireSuccess()

        // When the older package's validly signed rows are put back
        try DatabaseDump.tamper(fixture.dataDirectory) { db in
            try db.execute(sql: "DELETE FROM module_license")
            try db.execute(sql: "DELETE FROM license_owner")
            try db.execute(sql: "INSERT INTO license_owner SELECT * FROM saved_owner")
            try db.execute(sql: "INSERT INTO module_license SELECT * FROM saved_module")
            try db.execute(sql: "DROP TABLE saved_owner")
            try db.execute(sql: "DROP TABLE saved_module")
        }

        // Then verify names the owner, its modules grant nothing, and a fourth seat cannot be taken on them
        let (exitCode, problems) = try await Self.verify(fixture)
        #expect(exitCode == 3 && problems.contains { $0.table == "license_owner" && $0.key == "SUPEROFFICE" }, "\(problems)")
        #expect(try await Self.check(fixture, "alice").reason == "module-integrity")
        try await fixture.addUser("dave")
        let before = try fixture.dump()
        let assign = try await fixture.licensing("assign", "--user", "dave", "--module", "superoffice.user")
        #expect(assign.exitCode != 0, "\(assign)")
        expectUnchanged(before, try fixture.dump(), "a refused assignment on restored rows")
    }

    @Test("Why 3: an owner's deleted rows are named, and the older package still cannot be activated")
    func deletedOwner() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        try await fixture.initTenant()
        let older = try await Self.package(fixture, webCount: 10)
        try await fixture.licensing("license", "activate", try await Self.package(fixture, webCount: 10, hours: 1))
            .requireSuccess()

        try DatabaseDump.tamper(fixture.dataDirectory) { db in
            try db.execute(sql: "DELETE FROM module_license")
            try db.execute(sql: "DELETE FROM license_owner")
        }

        let (exitCode, problems) = try await Self.verify(fixture)
        #expect(
            exitCode == 3 && problems.contains { $0.table == "license_owner" && $0.problem.contains("deleted") }, "\(problems)")
        let before = try fixture.dump()
        let activate = try await fixture.licensing("license", "activate", older)
        #expect(activate.exitCode == 1 && activate.stderr.contains("not newer than the one stored"), "\(activate)")
        expectUnchanged(before, try fixture.dump(), "a refused rollback")
    }

    @Test("Why 4: an edited tamper-detected event does not hide the report, and a wrong key writes nothing")
    func reportingNeverHides() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        try await fixture.initTenant()
        try await fixture.licensing("license", "activate", try await Self.package(fixture, webCount: 10)).requireSuccess()
        try await Self.holders(fixture, ["alice"])
        try DatabaseDump.tamper(fixture.dataDirectory) { db in try db.execute(sql: "UPDATE user SET is_administrator = 1") }
        #expect(try await Self.verify(fixture).exitCode == 3)

        // When the tamper-detected event's message is edited
        try DatabaseDump.tamper(fixture.dataDirectory) { db in
            try db.execute(sql: "UPDATE system_event SET message = 'all fine' WHERE key = 'tamper-detected'")
        }

        // Then verify still exits 3 and names the user row and the edited event, every time it runs
        for _ in 1...2 {
            let (exitCode, problems) = try await Self.verify(fixture)
            #expect(exitCode == 3, "\(problems)")
            #expect(problems.contains { $0.table == "user" && $0.key == "alice" }, "\(problems)")
            #expect(problems.contains { $0.table == "system_event" }, "\(problems)")
        }

        // And under another installation key verify and repair write nothing and say why
        let keyFile = fixture.dataDirectory.appendingPathComponent("installation.key")
        let key = try Data(contentsOf: keyFile)
        defer { try? key.write(to: keyFile) }
        try Data((String(repeating: "ab", count: 32) + "\n").utf8).write(to: keyFile)
        let before = try fixture.dump()
        for arguments in [["verify"], ["repair", "--accept-current", "--yes"]] {
            let result = try await fixture.licensing(arguments: arguments)
            #expect(result.exitCode == 3, "\(arguments): \(result)")
            #expect(result.stderr.contains("the installation key does not match this database"), "\(arguments): \(result)")
        }
        expectUnchanged(before, try fixture.dump(), "verify and repair under a wrong key")
    }

    // Why 5, a deleted or edited no-login event failing closed: TamperEdit.noLoginDeleted and .noLoginFinished.

    @Test("Why 6: a password hash copied from one administrator onto another is named, and the other's row is void")
    func copiedPasswordHash() async throws {
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }
        for (name, password) in [("boss", "correct horse battery staple"), ("eve", "another long passphrase")] {
            try await fixture.licensing(
                "user", "add", "--username", name, "--admin", "--can-log-in", "--password-stdin", stdin: Data(password.utf8)
            ).requireSuccess()
        }
        #expect(try await Self.verify(fixture).exitCode == 0)

        try DatabaseDump.tamper(fixture.dataDirectory) { db in
            try db.execute(
                sql:
                    "UPDATE user SET password_hash = (SELECT password_hash FROM user WHERE user_name = 'boss') WHERE user_name = 'eve'"
            )
        }

        let (exitCode, problems) = try await Self.verify(fixture)
        #expect(exitCode == 3 && problems.map(\.table) == ["user"] && problems.first?.key == "eve", "\(problems)")
        // The void row decides nothing: a write on eve is refused, boss is untouched
        let before = try fixture.dump()
        let update = try await fixture.licensing("user", "update", "--username", "eve", "--can-log-in", "false")
        #expect(update.exitCode == 3, "\(update)")
        expectUnchanged(before, try fixture.dump(), "a write on a void user")
    }

    @Test(
        "Why 7: an edited month aggregate or usage event is named, and no report or invoice is computed from it",
        arguments: ["UPDATE usage_month SET value = 0", "UPDATE usage_event SET quantity = 0 WHERE id = 'e-2'"])
    func editedUsage(_ sql: String) async throws {
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }
        let month = ISO8601.string(Date()).prefix(7)
        for id in ["e-1", "e-2", "e-3"] {
            try await fixture.licensing(
                "usage", "record", "--service", "mailing-emails", "--quantity", "250", "--id", id, "--at", ISO8601.string(Date())
            ).requireSuccess()
        }
        try await fixture.licensing("usage", "invoice", "--month", String(month)).requireSuccess()

        try DatabaseDump.tamper(fixture.dataDirectory) { db in try db.execute(sql: sql) }

        let (exitCode, problems) = try await Self.verify(fixture)
        let table = sql.contains("usage_month") ? "usage_month" : "usage_event"
        #expect(exitCode == 3 && problems.contains { $0.table == table && $0.problem.contains("edited") }, "\(problems)")
        if table == "usage_month" {
            for command in ["report", "invoice"] {
                let result = try await fixture.licensing("usage", command, "--month", String(month))
                #expect(result.exitCode == 3 && result.stderr.contains("tampered"), "\(command): \(result)")
            }
        }
    }

    @Test("an edited tenant head blocks writes and fails checks closed, naming the problem, until repair")
    func editedHead() async throws {
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }
        try await Self.holders(fixture, ["alice"])
        try DatabaseDump.tamper(fixture.dataDirectory) { db in try db.execute(sql: "UPDATE tenant_head SET event_ids = ''") }

        let (exitCode, problems) = try await Self.verify(fixture)
        #expect(exitCode == 3 && problems.contains { $0.table == "tenant_head" }, "\(problems)")
        #expect(try await Self.check(fixture, "alice").reason == "tenant-integrity")
        let before = try fixture.dump()
        let write = try await fixture.licensing("user", "add", "--username", "bob")
        #expect(write.exitCode == 3 && write.stderr.contains("sealed head"), "\(write)")
        expectUnchanged(before, try fixture.dump(), "a write on an edited head")

        try await fixture.licensing("repair", "--accept-current", "--yes").requireSuccess()
        #expect(try await Self.verify(fixture).exitCode == 0)
        #expect(try await Self.check(fixture, "alice").granted)
        try await fixture.addUser("bob")
    }

    @Test("repair needs --accept-current and a confirmation; without them nothing changes")
    func repairAsks() async throws {
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }
        try await fixture.addUser("alice")
        try DatabaseDump.tamper(fixture.dataDirectory) { db in try db.execute(sql: "UPDATE user SET can_log_in = 0") }
        let before = try fixture.dump()
        let bare = try await fixture.licensing("repair")
        #expect(bare.exitCode == 2 && bare.stderr.contains("--accept-current"), "\(bare)")
        let declined = try await fixture.licensing("repair", "--accept-current", stdin: Data("no\n".utf8))
        #expect(declined.exitCode == 1, "\(declined)")
        expectUnchanged(before, try fixture.dump(), "an unconfirmed repair")
        let confirmed = try await fixture.licensing("repair", "--accept-current", stdin: Data("accept\n".utf8))
        #expect(confirmed.exitCode == 0 && confirmed.stdout.contains("user 1"), "\(confirmed)")
        #expect(try await Self.verify(fixture).exitCode == 0)
    }
}
