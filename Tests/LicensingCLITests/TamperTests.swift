import Foundation
import GRDB
import LicenseCore
import LicenseTestSupport
import Testing

/// The tenant of `TamperEdit`, seeded once per backend through the binary and copied for each edit.
actor TamperBase {
    static let shared = TamperBase()

    /// A seeded tenant: the SQLite data directory's files, or a PostgreSQL database to copy and its installation key.
    struct Seeded: Sendable {
        var files: [String: Data]
        var databaseURL: String?
        var installationKey: String?
        var lastAudit: Int
        var frankEvent: Int
    }

    private var seeding: [StoreBackend: Task<Seeded, any Error>] = [:]

    func seeded(_ backend: StoreBackend) async throws -> Seeded {
        if let task = seeding[backend] { return try await task.value }
        let task = Task { try await Self.seed(backend) }
        seeding[backend] = task
        return try await task.value
    }

    private static func seed(_ backend: StoreBackend) async throws -> Seeded {
        var environment: [String: String] = [:]
        var databaseURL: String?
        if backend == .postgres {
            let url = try await PostgresTestServer.shared.makeDatabase()
            databaseURL = url
            environment = [
                "LICENSING_DATABASE": url,
                "LICENSING_INSTALLATION_KEY": Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255) }),
            ]
        }
        return try await CLI.$extraEnvironment.withValue(environment) {
            let fixture = try await Fixture.make(owners: [Fixture.owner, "PARTNER"])
            defer { fixture.remove() }
            try await fixture.initTenant()
            let sample = try await fixture.issue(.sample(issuedAt: fixture.baseTime, webCount: 6), as: "sample")
            try await fixture.licensing("license", "activate", sample).requireSuccess()
            let partner = PackageSpecFile(
                owner: "PARTNER", description: "A partner's add-on", companyName: Fixture.company, serialNumber: Fixture.serial,
                issuedAt: iso(fixture.baseTime), modules: [ModuleSpec(name: "addon", type: "user", count: 5)])
            try await fixture.licensing("license", "activate", try await fixture.issue(partner, as: "partner")).requireSuccess()
            for name in TamperEdit.users { try await fixture.addUser(name) }
            try await fixture.addUser("eve", canLogIn: false)
            try await fixture.licensing(
                "user", "add", "--username", "root", "--can-log-in", "--admin", "--password-stdin",
                stdin: Data((TamperEdit.rootPassword + "\n").utf8)
            ).requireSuccess()
            for name in ["alice", "dave", "eve", "frank", "root"] {
                try await fixture.assign(name, "superoffice.user")
                try await fixture.assign(name, "superoffice.web")
            }
            try await fixture.assign("carol", "superoffice.sales-premium")
            try await fixture.assign("dave", "partner.addon")
            let frank = try await fixture.licensing(
                "events", "add", "--key", "no-login", "--scope", "user", "--owner", "frank", "--message", "Not you", "--json"
            ).requireSuccess().json(EventJSON.self)
            let audit = try await fixture.licensing("audit", "--limit", "1", "--json").requireSuccess()
                .json(CLICommandTests.AuditJSON.self)
            try await fixture.licensing("verify").requireSuccess()

            var files: [String: Data] = [:]
            if backend == .sqlite {
                for name in try FileManager.default.contentsOfDirectory(atPath: fixture.dataPath) {
                    files[name] = try Data(contentsOf: fixture.dataDirectory.appendingPathComponent(name))
                }
            }
            return Seeded(
                files: files, databaseURL: databaseURL, installationKey: environment["LICENSING_INSTALLATION_KEY"],
                lastAudit: Int(audit.entries.first?.sequence ?? 0), frankEvent: Int(frank.id))
        }
    }
}

@Suite("Tampering with the database is named by verify, raises tamper-detected and grants nothing")
struct TamperTests {
    @Test(
        "verify exits 3 naming exactly the edited rows, the edit's grant is refused, untouched rows keep working",
        arguments: StoreBackend.allCases, TamperEdit.allCases)
    func tampered(_ backend: StoreBackend, _ edit: TamperEdit) async throws {
        // Given: a copy of the seeded tenant
        let base = try await TamperBase.shared.seeded(backend)
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let data = sandbox.url.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for (name, contents) in base.files { try contents.write(to: data.appendingPathComponent(name)) }
        guard let template = base.databaseURL, let key = base.installationKey else {
            return try await Self.tamper(edit, base: base, data: data, environment: [:], copy: nil)
        }
        let copy = try await PostgresTestServer.shared.makeDatabase(copying: template)
        do {
            try await Self.tamper(
                edit, base: base, data: data, environment: ["LICENSING_DATABASE": copy, "LICENSING_INSTALLATION_KEY": key],
                copy: copy)
            try await PostgresTestServer.shared.dropDatabase(copy)
        } catch {
            try? await PostgresTestServer.shared.dropDatabase(copy)
            throw error
        }
    }

    /// Edits the copy in `data` (and the PostgreSQL database `copy`) and checks what must follow.
    static func tamper(
        _ edit: TamperEdit, base: TamperBase.Seeded, data: URL, environment: [String: String], copy: String?
    ) async throws {
        let backend: StoreBackend = copy == nil ? .sqlite : .postgres
        func licensing(_ arguments: [String]) async throws -> ProcessResult {
            try await CLI.$extraEnvironment.withValue(environment) { try await CLI.run(arguments + ["--data", data.path]) }
        }
        for command in edit.preparation { try await licensing(command).requireSuccess() }

        // When: the rows are edited behind the binary's back
        for statement in edit.statements(userTable: backend == .sqlite ? "user" : "app_user") {
            if let copy {
                let changed = try await PostgresTestServer.psql(copy, statement + " RETURNING 1")
                #expect(changed == "1", "\(statement) changed \(changed) rows")
            } else {
                try DatabaseDump.tamper(data) { db in
                    try db.execute(sql: statement)
                    #expect(db.changesCount == 1, "\(statement) changed \(db.changesCount) rows")
                }
            }
        }

        // Then: verify exits 3 naming exactly the edited rows
        let verify = try await licensing(["verify", "--json"])
        #expect(verify.exitCode == 3, "\(verify)")
        let problems = try verify.json(VerifyJSON.self).problems
        let named = Set(problems.map { TamperProblem($0.table, $0.key) })
        #expect(named == edit.named(lastAudit: base.lastAudit, frankEvent: base.frankEvent), "\(problems)")

        // And: a tamper-detected event names each of them
        let events = try await licensing(["events", "list", "--json"]).requireSuccess().json(EventListJSON.self)
        let raised = Set(events.withKey(SystemEvent.tamperDetected).filter { $0.status == "active" }.compactMap(\.scopeOwner))
        #expect(raised == Set(named.map { "\($0.table):\($0.key)" }), "\(events.withKey(SystemEvent.tamperDetected))")

        // And: what the edit tries to grant is refused, exactly as expected
        for probe in edit.grant {
            let result = try await licensing(probe.arguments)
            #expect(probe.mismatch(result) == nil, "`\(probe)` after \(edit): \(probe.mismatch(result) ?? "")")
            switch probe {
            case .assign(let user, let module, _):
                let check = try await licensing(["check", "--user", user, "--module", module, "--json"])
                #expect(try check.json(CheckJSON.self).granted == false, "the refused assignment grants nothing: \(check)")
            case .writeThenVerify:
                let again = try await licensing(["verify", "--json"])
                #expect(again.exitCode == 3, "\(again)")
                let still = Set(try again.json(VerifyJSON.self).problems.map { TamperProblem($0.table, $0.key) })
                #expect(still == edit.namedAfterAWrite(lastAudit: base.lastAudit, frankEvent: base.frankEvent), "\(again)")
            case .check, .login: break
            }
        }
        // And: what it did not touch keeps working
        for probe in edit.untouched {
            let result = try await licensing(probe.arguments)
            #expect(probe.mismatch(result) == nil, "`\(probe)` touches no edited row: \(probe.mismatch(result) ?? "")")
        }
    }
}
