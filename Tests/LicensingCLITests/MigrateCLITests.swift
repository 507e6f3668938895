import Foundation
import GRDB
import LicenseTestSupport
import Testing

/// `licensing migrate` and `licensing migrate-data` (docs/postgresql.md) against the tests' PostgreSQL.
@Suite("CLI migrations to PostgreSQL")
struct MigrateCLITests {
    /// Runs `body` with a new, empty PostgreSQL database, dropped afterwards.
    static func withDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
        let url = try await PostgresTestServer.shared.makeDatabase()
        do {
            let result = try await body(url)
            try? await PostgresTestServer.shared.dropDatabase(url)
            return result
        } catch {
            try? await PostgresTestServer.shared.dropDatabase(url)
            throw error
        }
    }

    /// The tables of PostgreSQL's schema (`app_user`: `user` is a reserved word there).
    static let tables = [
        "api_token", "assignment", "audit_entry", "license_owner", "metered_service", "module_license", "satellite",
        "satellite_assignment", "system_event", "tenant", "tenant_head", "usage_event", "usage_month", "usage_subject",
        "usage_tariff", "app_user",
    ]

    static func tablesIn(_ url: String) async throws -> [String] {
        try await PostgresTestServer.psql(
            url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"
        ).split(separator: "\n").map(String.init)
    }

    @Test("migrate creates the schema on an empty database, again changes nothing, and the CLI can then use it")
    func migrate() async throws {
        try await Self.withDatabase { url in
            // Given an empty database
            let fixture = try await Fixture.make()
            defer { fixture.remove() }
            #expect(try await Self.tablesIn(url).isEmpty)

            // When: migrated twice
            let first = try await CLI.run(["migrate", "--database", url])
            let second = try await CLI.run(["migrate", "--database", url])

            // Then: every table is there, the second run succeeds and changes nothing
            #expect(first.exitCode == 0 && first.stdout.hasPrefix("migrated postgres://"), "\(first)")
            #expect(second.exitCode == 0, "\(second)")
            let tables = try await Self.tablesIn(url)
            #expect(Set(Self.tables).isSubset(of: Set(tables)), "\(tables)")
            #expect(try await PostgresTestServer.psql(url, "SELECT count(*) FROM tenant") == "0", "migrate writes no data")
            try await fixture.licensing(
                "init", "--tenant", Fixture.tenant, "--company", Fixture.company, "--serial", Fixture.serial, "--trust-root",
                fixture.rootPublicKey, "--database", url
            ).requireSuccess()
            #expect(try await PostgresTestServer.psql(url, "SELECT id FROM tenant") == Fixture.tenant)
        }
    }

    @Test("six migrate runs started at once on an empty database all succeed, applying each migration once (advisory lock)")
    func concurrentMigrations() async throws {
        try await Self.withDatabase { url in
            // When six processes migrate the same empty database at once
            let processes = try (0..<6).map { _ in try CLI.start(["migrate", "--database", url]) }
            var results: [ProcessResult] = []
            for process in processes { results.append(try await process.wait()) }

            // Then every one succeeds, the schema is whole, and each migration is recorded once
            for result in results {
                #expect(result.exitCode == 0 && result.stdout.hasPrefix("migrated postgres://"), "\(result)")
            }
            #expect(Set(Self.tables).isSubset(of: Set(try await Self.tablesIn(url))))
            let recorded = try await PostgresTestServer.psql(url, "SELECT id FROM schema_migration ORDER BY id")
                .split(separator: "\n").map(String.init)
            #expect(!recorded.isEmpty && Set(recorded).count == recorded.count, "\(recorded)")
            // as many as a single run on another empty database records
            try await Self.withDatabase { single in
                try await CLI.run(["migrate", "--database", single]).requireSuccess()
                let once = try await PostgresTestServer.psql(single, "SELECT id FROM schema_migration ORDER BY id")
                #expect(recorded == once.split(separator: "\n").map(String.init))
            }
        }
    }

    @Test(
        "migrate refuses anything but a postgres:// URL with exit 2",
        arguments: [[], ["--database", "sqlite:/tmp/x"], ["--database", "mysql://localhost/x"]])
    func migrateNeedsPostgres(_ arguments: [String]) async throws {
        let result = try await CLI.run(["migrate"] + arguments)
        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stderr.contains("postgres://"), "\(result)")
    }

    /// alice (user, web), carol (the plan), an event of usage and a satellite.
    static func populated() async throws -> Fixture {
        let (fixture, _) = try await Fixture.licensed()
        try await fixture.addUser("alice")
        try await fixture.addUser("carol")
        try await fixture.assign("alice", "superoffice.user")
        try await fixture.assign("alice", "superoffice.web")
        try await fixture.assign("carol", "superoffice.sales-premium")
        try await fixture.licensing("satellite", "add", "--name", "oslo").requireSuccess()
        try await fixture.licensing("usage", "record", "--service", "mailing-emails", "--quantity", "12", "--id", "m-1")
            .requireSuccess()
        return fixture
    }

    struct MigrationJSON: Decodable {
        struct Problem: Decodable {
            var table: String
            var key: String
            var problem: String
        }
        var rows: [String: Int]
        var problems: [String: [Problem]]
    }

    @Test("migrate-data copies a tenant with its seals intact: the same answers, counts and audit log on PostgreSQL")
    func migrateData() async throws {
        try await Self.withDatabase { url in
            // Given a populated SQLite tenant
            let fixture = try await Self.populated()
            defer { fixture.remove() }
            let before = try fixture.dump()
            let sqliteAudit = try await fixture.licensing("audit", "--json").requireSuccess().stdout

            // When
            let result = try await CLI.run(["migrate-data", "--from", "sqlite:\(fixture.dataPath)", "--to", url, "--json"])

            // Then: every row counted, the copy verifies, the source is untouched
            #expect(result.exitCode == 0, "\(result)")
            let report = try result.json(MigrationJSON.self)
            #expect(report.problems.mapValues(\.count) == [Fixture.tenant: 0], "\(result)")
            #expect(report.rows["tenant"] == 1 && report.rows["user"] == 2 && report.rows["satellite"] == 1, "\(report.rows)")
            #expect(report.rows["assignment"] == 6, "user and web for alice, the plan and its three modules for carol")
            // tenant.create, license.activate, two user.add, three license.assign, satellite.add (usage is not audited)
            #expect(report.rows["audit_entry"] == 8, "\(report.rows)")
            #expect(report.rows["usage_event"] == 1 && report.rows["usage_month"] == 1 && report.rows["module_license"] == 6)
            expectUnchanged(before, try fixture.dump(), "migrate-data on its source")

            // Then: the PostgreSQL copy, with the source's key, answers as the source did
            let onPostgres = { (arguments: [String]) in
                try await fixture.licensing(arguments: arguments + ["--database", url])
            }
            try await onPostgres(["verify"]).requireSuccess()
            #expect(try await onPostgres(["check", "--user", "alice", "--module", "superoffice.web"]).exitCode == 0)
            #expect(try await onPostgres(["check", "--user", "carol", "--module", "superoffice.chat-cal"]).exitCode == 0)
            #expect(try await onPostgres(["check", "--user", "carol", "--module", "superoffice.saint"]).exitCode == 0)
            let counts = try await onPostgres(["count-users", "--json"]).requireSuccess().json(CountUsersJSON.self)
            #expect(counts.userWeb == .init(purchased: 10, inUse: 2) && counts.plans == .init(purchased: 5, inUse: 1))
            #expect(try await onPostgres(["audit", "--json"]).requireSuccess().stdout == sqliteAudit)
            let assigned = try await onPostgres(["assign", "--user", "alice", "--module", "superoffice.visible-for"])
            #expect(assigned.exitCode == 0, "the copy takes writes: \(assigned)")
        }
    }

    @Test("migrate-data exits 3 naming the rows when the source does not verify", arguments: [false, true])
    func migrateTamperedData(json: Bool) async throws {
        try await Self.withDatabase { url in
            // Given a source whose web count was raised behind the binary's back
            let fixture = try await Self.populated()
            defer { fixture.remove() }
            try DatabaseDump.tamper(fixture.dataDirectory) { db in
                try db.execute(sql: "UPDATE module_license SET count = 1000 WHERE module_name = 'web'")
            }

            // When
            let result = try await CLI.run(
                ["migrate-data", "--from", "sqlite:\(fixture.dataPath)", "--to", url] + (json ? ["--json"] : []))

            // Then: exit 3, the problem named; with --json the report is stdout's one document
            #expect(result.exitCode == 3, "\(result)")
            #expect(result.stderr == "error: the copied data does not verify (it did not on the source either)\n", "\(result)")
            if json {
                let problems = try result.json(MigrationJSON.self).problems[Fixture.tenant] ?? []
                #expect(problems.contains { $0.table == "module_license" && $0.key.contains("superoffice.web") }, "\(result)")
            } else {
                #expect(result.stdout.contains("verified \(Fixture.tenant): "), "\(result)")
                #expect(!result.stdout.contains("intact"), "\(result)")
            }
            // And the forged count grants nothing on the copy either
            let check = try await fixture.licensing("verify", "--database", url)
            #expect(check.exitCode == 3, "\(check)")
        }
    }

    @Test(
        "migrate-data refuses a wrong source or target with exit 2",
        arguments: [
            (["--from", "/tmp/data", "--to", "postgres://localhost/x"], "sqlite:"),
            (["--from", "sqlite:/nonexistent-licensing-data", "--to", "postgres://localhost/x"], "no licensing data"),
            (["--from", "sqlite:/tmp", "--to", "sqlite:/tmp"], "postgres://"),
        ])
    func migrateDataInput(_ arguments: [String], _ words: String) async throws {
        let result = try await CLI.run(["migrate-data"] + arguments + ["--json"])
        #expect(result.exitCode == 2, "\(result)")
        #expect(try result.errorJSON().message.contains(words), "\(result)")
    }
}
