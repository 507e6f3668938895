import Foundation
import GRDB
import LicenseTestSupport
import Testing

/// The CLI's error contract (README "The CLI"): exit 2 naming an unknown user or module, exit 3 for a write to a
/// tampered tenant with nothing written, and `--json` giving one JSON document on stdout for an error too.
@Suite("CLI errors: exit codes, messages and --json")
struct CLIErrorTests {
    /// A licensed tenant with alice (user, web), bob (nothing) and eve (user; may not log in).
    static func populated() async throws -> Fixture {
        let (fixture, _) = try await Fixture.licensed()
        try await fixture.addUser("alice")
        try await fixture.addUser("bob")
        try await fixture.addUser("eve", canLogIn: false)
        try await fixture.assign("alice", "superoffice.user")
        try await fixture.assign("alice", "superoffice.web")
        try await fixture.assign("eve", "superoffice.user")
        return fixture
    }

    // MARK: - Unknown users and modules: exit 2

    /// What `--json` prints for an unknown name: the command's own answer, or the error document.
    enum JSONAnswer: Sendable {
        case check(reason: String)
        case login(reasons: [String])
        case error(code: String)
    }

    struct UnknownCase: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        /// The message stderr must show.
        var message: String
        var json: JSONAnswer
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let unknownCases: [UnknownCase] = [
        UnknownCase(
            arguments: ["check", "--user", "zed", "--module", "superoffice.web"], message: "unknown user 'zed'",
            json: .check(reason: "unknown-user")),
        UnknownCase(
            arguments: ["check", "--user", "alice", "--module", "superoffice.nope"],
            message: "unknown module 'superoffice.nope'", json: .check(reason: "unknown-module")),
        UnknownCase(
            arguments: ["check", "--user", "alice", "--module", "nobody.web"], message: "unknown module 'nobody.web'",
            json: .check(reason: "unknown-module")),
        UnknownCase(
            arguments: ["assign", "--user", "zed", "--module", "superoffice.web"], message: "unknown user 'zed'",
            json: .error(code: "unknown-user")),
        UnknownCase(
            arguments: ["assign", "--user", "bob", "--module", "superoffice.nope"],
            message: "unknown module 'superoffice.nope'", json: .error(code: "unknown-module")),
        UnknownCase(
            arguments: ["login-check", "--user", "zed", "--client", "web"], message: "unknown user 'zed'",
            json: .login(reasons: ["unknown-user"])),
    ]

    @Test("an unknown user or module exits 2, names it on stderr and writes nothing", arguments: unknownCases)
    func unknownName(_ example: UnknownCase) async throws {
        // Given
        let fixture = try await Self.populated()
        defer { fixture.remove() }
        let before = try fixture.dump()

        // When: asked in text and in JSON
        let text = try await fixture.licensing(arguments: example.arguments)
        let json = try await fixture.licensing(arguments: example.arguments + ["--json"])

        // Then: exit 2 (invalid input, not "denied"), the name on stderr, and nothing written
        #expect(text.exitCode == 2, "\(text)")
        #expect(text.stderr == "error: \(example.message)\n", "\(text)")
        #expect(json.exitCode == 2, "\(json)")
        #expect(json.stderr == "error: \(example.message)\n", "\(json)")
        switch example.json {
        case .check(let reason):
            let answer = try json.json(CheckJSON.self)
            #expect(!answer.granted && answer.reason == reason, "\(json)")
        case .login(let reasons):
            let answer = try json.json(LoginCheckJSON.self)
            #expect(!answer.allowed && answer.reasons == reasons, "\(json)")
        case .error(let code):
            let error = try json.errorJSON()
            #expect(error.code == code && error.message == example.message, "\(json)")
        }
        expectUnchanged(before, try fixture.dump(), example.testDescription)
    }

    // MARK: - --json on errors

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var exitCode: Int32
        var code: String
        /// A piece of the message.
        var words: String
        var testDescription: String { "\(arguments.joined(separator: " ")) → \(exitCode) \(code)" }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(
            arguments: ["assign", "--user", "bob", "--module", "superoffice.web"], exitCode: 1, code: "prerequisite-missing",
            words: "superoffice.web requires superoffice.user, which bob does not have"),
        ErrorCase(
            arguments: ["unassign", "--user", "alice", "--module", "superoffice.user"], exitCode: 1, code: "has-dependents",
            words: "superoffice.web of alice"),
        ErrorCase(
            arguments: ["unassign", "--user", "bob", "--module", "superoffice.web"], exitCode: 1, code: "not-assigned",
            words: "bob"),
        ErrorCase(arguments: ["user", "add", "--username", "alice"], exitCode: 2, code: "duplicate", words: "alice"),
        ErrorCase(arguments: ["audit", "--limit", "0"], exitCode: 2, code: "invalid-input", words: "--limit"),
        ErrorCase(
            arguments: ["assign", "--user", "bob", "--module", "no-dot"], exitCode: 2, code: "invalid-input",
            words: "OWNER.MODULE"),
        ErrorCase(
            arguments: ["user", "list", "--tenant", "nope"], exitCode: 2, code: "unknown-tenant", words: "unknown tenant 'nope'"),
        ErrorCase(
            arguments: ["token", "revoke", "0123456789ab"], exitCode: 2, code: "invalid-input", words: "0123456789ab"),
    ]

    @Test("--json prints an error as one document {error: {code, message}}, its message also on stderr", arguments: errorCases)
    func jsonError(_ example: ErrorCase) async throws {
        // Given
        let fixture = try await Self.populated()
        defer { fixture.remove() }
        let before = try fixture.dump()

        // When
        let result = try await fixture.licensing(arguments: example.arguments + ["--json"])

        // Then
        #expect(result.exitCode == example.exitCode, "\(result)")
        let error = try result.errorJSON()
        #expect(error.code == example.code, "\(result)")
        #expect(error.message.contains(example.words), "\(result)")
        expectUnchanged(before, try fixture.dump(), example.testDescription)
    }

    // MARK: - Writes to a tampered tenant: exit 3, nothing written

    enum RowEdit: String, Sendable, CaseIterable {
        case tenantSerial = "the tenant's serial number"
        case userCanLogIn = "eve's can_log_in flag"

        func apply(_ db: Database) throws {
            switch self {
            case .tenantSerial: try db.execute(sql: "UPDATE tenant SET serial_number = '9999-0001'")
            case .userCanLogIn: try db.execute(sql: "UPDATE user SET can_log_in = 1 WHERE user_name = 'eve'")
            }
            #expect(db.changesCount == 1)
        }

        var message: String {
            switch self {
            case .tenantSerial: "the tenant row of 'acme' has been tampered with"
            case .userCanLogIn: "the row of user 'eve' has been tampered with"
            }
        }
    }

    struct TamperedWrite: Sendable, CustomTestStringConvertible {
        var edit: RowEdit
        var arguments: [String]
        var testDescription: String { "\(arguments.joined(separator: " ")) after editing \(edit.rawValue)" }
    }

    static let tamperedWrites: [TamperedWrite] = [
        TamperedWrite(edit: .tenantSerial, arguments: ["user", "add", "--username", "zoe", "--can-log-in"]),
        TamperedWrite(edit: .tenantSerial, arguments: ["assign", "--user", "bob", "--module", "superoffice.user"]),
        TamperedWrite(edit: .tenantSerial, arguments: ["unassign", "--user", "alice", "--module", "superoffice.web"]),
        TamperedWrite(edit: .tenantSerial, arguments: ["user", "update", "--username", "bob", "--retired", "true"]),
        TamperedWrite(edit: .tenantSerial, arguments: ["satellite", "add", "--name", "branch"]),
        TamperedWrite(edit: .tenantSerial, arguments: ["token", "create", "--role", "admin"]),
        TamperedWrite(edit: .userCanLogIn, arguments: ["assign", "--user", "eve", "--module", "superoffice.web"]),
        TamperedWrite(edit: .userCanLogIn, arguments: ["unassign", "--user", "eve", "--module", "superoffice.user"]),
        TamperedWrite(edit: .userCanLogIn, arguments: ["user", "update", "--username", "eve", "--retired", "true"]),
    ]

    @Test("a write resting on a tampered row exits 3, names the row and writes nothing", arguments: tamperedWrites)
    func tamperedWrite(_ example: TamperedWrite) async throws {
        // Given: a row edited behind the binary's back
        let fixture = try await Self.populated()
        defer { fixture.remove() }
        try DatabaseDump.tamper(fixture.dataDirectory) { db in try example.edit.apply(db) }
        let before = try fixture.dump()

        // When: the write is tried, in text and in JSON
        let text = try await fixture.licensing(arguments: example.arguments)
        let json = try await fixture.licensing(arguments: example.arguments + ["--json"])

        // Then: exit 3 (integrity), the tampered row named, not a single row written
        #expect(text.exitCode == 3, "\(text)")
        #expect(text.stderr.contains(example.edit.message), "\(text)")
        #expect(json.exitCode == 3, "\(json)")
        let error = try json.errorJSON()
        #expect(error.code == "integrity" && error.message.contains(example.edit.message), "\(json)")
        expectUnchanged(before, try fixture.dump(), example.testDescription)
    }

    @Test("after a user row is tampered with, writes for other users still go through")
    func untouchedUserStillWritable() async throws {
        // Given
        let fixture = try await Self.populated()
        defer { fixture.remove() }
        try DatabaseDump.tamper(fixture.dataDirectory) { db in try RowEdit.userCanLogIn.apply(db) }

        // When
        let assigned = try await fixture.licensing("assign", "--user", "bob", "--module", "superoffice.user", "--json")

        // Then
        #expect(assigned.exitCode == 0, "\(assigned)")
        #expect(try assigned.json(AssignResultJSON.self).assigned == ["superoffice.user"])
        let check = try await fixture.licensing("check", "--user", "bob", "--module", "superoffice.user")
        #expect(check.exitCode == 0, "\(check)")
    }
}

/// `assign --json`.
struct AssignResultJSON: Decodable {
    var user: String
    var module: String
    var assigned: [String]
}
