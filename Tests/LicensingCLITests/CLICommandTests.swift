import Foundation
import GRDB
import LicenseTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The commands README names under "Other commands" and the session, each driven through the binary and judged by
/// the state it leaves: tokens, satellites, fencing, counts, cascades, pruning, user updates and the audit log.
@Suite("CLI commands do what their help says")
struct CLICommandTests {
    // MARK: - Tokens

    struct TokenJSON: Decodable {
        var token: String
        var id: String
        var role: String
        var tenant: String
    }

    struct TokenListJSON: Decodable {
        struct Token: Decodable {
            var id: String
            var role: String
            var name: String
            var tenant: String?
            var secretHash: String
            var createdBy: String
            var revokedAt: String?
        }
        var tokens: [Token]
    }

    @Test("token create prints a token once, list never shows a secret, revoke marks it revoked and the server refuses it")
    func tokenLifecycle() async throws {
        // Given
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }
        try await fixture.addUser("alice")

        // When: two tokens are created
        let checker = try await fixture.licensing("token", "create", "--role", "checker", "--name", "ci", "--json")
            .requireSuccess().json(TokenJSON.self)
        let reader = try await fixture.licensing("token", "create", "--role", "reader", "--name", "dashboard", "--json")
            .requireSuccess().json(TokenJSON.self)

        // Then: lic_<12 hex>_<secret>, with the role and tenant asked for
        for (token, role) in [(checker, "checker"), (reader, "reader")] {
            #expect(token.token.hasPrefix("lic_\(token.id)_") && token.token.count > 4 + 12 + 1 + 20, "\(token.token)")
            #expect(token.id.count == 12 && token.id.allSatisfy(\.isHexDigit))
            #expect((token.role, token.tenant) == (role, Fixture.tenant))
        }
        let listed = try await fixture.licensing("token", "list", "--json").requireSuccess()
        let tokens = try listed.json(TokenListJSON.self).tokens
        #expect(Set(tokens.map(\.id)) == [checker.id, reader.id])
        #expect(tokens.allSatisfy { $0.secretHash.isEmpty && $0.revokedAt == nil && $0.createdBy == "cli:cli-tests" })
        #expect(Set(tokens.map(\.name)) == ["ci", "dashboard"])
        let secret = String(checker.token.split(separator: "_").last ?? "")
        #expect(!listed.stdout.contains(secret), "token list must not show a secret")

        // When: one is revoked
        let revoked = try await fixture.licensing("token", "revoke", checker.id, "--json").requireSuccess()
        #expect(try revoked.jsonObject()["revoked"] as? String == checker.id)

        // Then: it is listed as revoked, the other not
        let after = try await fixture.licensing("token", "list", "--json").requireSuccess().json(TokenListJSON.self).tokens
        #expect(after.first { $0.id == checker.id }?.revokedAt != nil, "\(after.map(\.id))")
        #expect(after.first { $0.id == reader.id }?.revokedAt == nil)

        // Then: a server on the data refuses the revoked token and accepts the other
        let path = "/api/v1/tenants/\(Fixture.tenant)/users/alice/licenses/superoffice/web"
        let statuses = try await ServerProcess.with(fixture) { server in
            [
                try await server.get(path, token: checker.token), try await server.get(path, token: reader.token),
                try await server.get(path, token: "lic_\(reader.id)_wrong"),
            ]
        }
        #expect(statuses == [401, 200, 401], "revoked, active, wrong secret")
    }

    @Test(
        "token revoke refuses an id that is not 12 hex digits or names no token",
        arguments: ["12345", "zzzzzzzzzzzz", "0123456789ab"])
    func tokenRevokeUnknown(_ id: String) async throws {
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }
        let before = try fixture.dump()
        let result = try await fixture.licensing("token", "revoke", id)
        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stderr.contains(id.count == 12 && id.allSatisfy(\.isHexDigit) ? id : "12 hex digits"), "\(result)")
        expectUnchanged(before, try fixture.dump(), "token revoke \(id)")
    }

    // MARK: - Satellites

    /// The sample package plus a satellite module with one seat.
    static func satellitePackage(_ fixture: Fixture) -> PackageSpecFile {
        var spec = PackageSpecFile.sample(issuedAt: fixture.baseTime)
        spec.modules.append(ModuleSpec(name: "travel", type: "satellite", count: 1))
        return spec
    }

    @Test("satellite add and assign --satellite: one seat each, the count kept, user and satellite modules kept apart")
    func satellites() async throws {
        // Given: a satellite module with one seat and two satellites
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        try await fixture.initTenant()
        let package = try await fixture.issue(Self.satellitePackage(fixture), as: "satellite")
        try await fixture.licensing("license", "activate", package).requireSuccess()
        try await fixture.addUser("alice")
        let added = try await fixture.licensing("satellite", "add", "--name", "oslo", "--json").requireSuccess().jsonObject()
        #expect(added["name"] as? String == "oslo")
        try await fixture.licensing("satellite", "add", "--name", "bergen").requireSuccess()
        let again = try await fixture.licensing("satellite", "add", "--name", "oslo", "--json")
        #expect(try again.exitCode == 2 && again.errorJSON().code == "duplicate", "\(again)")

        // When: the one seat goes to oslo (twice: the second changes nothing)
        let assigned = try await fixture.licensing("assign", "--satellite", "oslo", "--module", "superoffice.travel", "--json")
            .requireSuccess().jsonObject()
        #expect(assigned["assigned"] as? String == "superoffice.travel" && assigned["satellite"] as? String == "oslo")
        try await fixture.licensing("assign", "--satellite", "oslo", "--module", "superoffice.travel").requireSuccess()

        // Then: it is in use once; bergen finds no free seat; the wrong kinds and names are refused
        let list = try await fixture.licensing("license", "list", "--json").requireSuccess().json(LicenseListJSON.self)
        let travel = try list.owner(Fixture.owner).module("travel")
        #expect((travel.type, travel.total, travel.inUse, travel.free) == ("satellite", 1, 1, 0))
        let before = try fixture.dump()
        let refusals: [([String], Int32, String)] = [
            (["--satellite", "bergen", "--module", "superoffice.travel"], 1, "no-free-seat"),
            (["--satellite", "oslo", "--module", "superoffice.web"], 1, "wrong-module-type"),
            (["--satellite", "trondheim", "--module", "superoffice.travel"], 2, "unknown-satellite"),
            (["--user", "alice", "--module", "superoffice.travel"], 1, "wrong-module-type"),
        ]
        for (arguments, exitCode, code) in refusals {
            let result = try await fixture.licensing(arguments: ["assign"] + arguments + ["--json"])
            #expect(result.exitCode == exitCode, "\(result)")
            #expect(try result.errorJSON().code == code, "\(result)")
        }
        expectUnchanged(before, try fixture.dump(), "the refused satellite assignments")
        let fencing = try await fixture.licensing("fencing", "--json").requireSuccess().json(FencingJSON.self)
        #expect(fencing.modules.map(\.module) == ["travel"], "a satellite module at its maximum is fenced")
        #expect(fencing.modules.first?.level == "reached")
    }

    // MARK: - Fencing

    struct FencingJSON: Decodable {
        struct Entry: Decodable {
            var owner: String
            var module: String
            var total: Int
            var inUse: Int
            var level: String
        }
        var modules: [Entry]
    }

    @Test("fencing: 16 of 20 seats is not listed, 17 (85 %) is nearing, 20 reached; --all lists every level")
    func fencingEdges() async throws {
        // Given: a module with 20 seats and 16 users holding one
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        try await fixture.initTenant()
        let spec = PackageSpecFile(
            owner: Fixture.owner, companyName: Fixture.company, serialNumber: Fixture.serial, issuedAt: iso(fixture.baseTime),
            modules: [
                ModuleSpec(name: "seat", type: "user", count: 20), ModuleSpec(name: "spare", type: "user", count: 5),
                ModuleSpec(name: "everyone", type: "site", count: 1),
            ])
        try await fixture.licensing("license", "activate", try await fixture.issue(spec, as: "seats")).requireSuccess()
        let csv = "userName\n" + (1...20).map { "u\($0)" }.joined(separator: "\n") + "\n"
        try Data(csv.utf8).write(to: URL(fileURLWithPath: fixture.path("users.csv")))
        try await fixture.licensing("user", "import", "--csv", fixture.path("users.csv")).requireSuccess()
        for user in 1...16 { try await fixture.assign("u\(user)", "superoffice.seat") }

        func fencing(_ arguments: String...) async throws -> [String: String] {
            let report = try await fixture.licensing(arguments: ["fencing", "--json"] + arguments).requireSuccess()
                .json(FencingJSON.self)
            return Dictionary(uniqueKeysWithValues: report.modules.map { ("\($0.module) \($0.inUse)/\($0.total)", $0.level) })
        }

        // Then: 80 % is below the line
        #expect(try await fencing() == [:])
        #expect(try await fencing("--all") == ["seat 16/20": "ok", "spare 0/5": "ok"], "a site module is never fenced")

        // When/then: 85 % is nearing, 95 % still nearing, 100 % reached
        try await fixture.assign("u17", "superoffice.seat")
        #expect(try await fencing() == ["seat 17/20": "nearing"])
        for user in 18...19 { try await fixture.assign("u\(user)", "superoffice.seat") }
        #expect(try await fencing() == ["seat 19/20": "nearing"])
        try await fixture.assign("u20", "superoffice.seat")
        #expect(try await fencing() == ["seat 20/20": "reached"])
        #expect(try await fencing("--all") == ["seat 20/20": "reached", "spare 0/5": "ok"])
        let text = try await fixture.licensing("fencing").requireSuccess()
        #expect(text.stdout == "superoffice.seat: 20 of 20  maximum reached\n", "\(text)")
    }

    // MARK: - Counting users

    struct CountsJSON: Decodable, Equatable {
        struct Count: Decodable, Equatable {
            var purchased: Int
            var inUse: Int
        }
        var userWeb: Count
        var plans: Count
        var activeOnly: Bool
    }

    @Test("count-users --active-only leaves out users who may not log in or are retired")
    func countUsersActiveOnly() async throws {
        // Given: alice and bob (user, web; bob retired), carol (user, web; may not log in), dave (the plan)
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }
        for name in ["alice", "bob", "dave"] { try await fixture.addUser(name) }
        try await fixture.addUser("carol", canLogIn: false)
        for name in ["alice", "bob", "carol"] {
            try await fixture.assign(name, "superoffice.user")
            try await fixture.assign(name, "superoffice.web")
        }
        try await fixture.assign("dave", "superoffice.sales-premium")
        try await fixture.licensing("user", "update", "--username", "bob", "--retired", "true").requireSuccess()

        // When
        let all = try await fixture.licensing("count-users", "--json").requireSuccess().json(CountsJSON.self)
        let active = try await fixture.licensing("count-users", "--active-only", "--json").requireSuccess().json(CountsJSON.self)

        // Then: every holder is counted, then only alice and dave
        #expect(
            all == CountsJSON(userWeb: .init(purchased: 10, inUse: 4), plans: .init(purchased: 5, inUse: 1), activeOnly: false))
        #expect(
            active == CountsJSON(userWeb: .init(purchased: 10, inUse: 2), plans: .init(purchased: 5, inUse: 1), activeOnly: true))

        // When dave may no longer log in, his plan seat leaves the active count, not the other
        try await fixture.licensing("user", "update", "--username", "dave", "--can-log-in", "false").requireSuccess()
        let fewer = try await fixture.licensing("count-users", "--active-only", "--json").requireSuccess().json(CountsJSON.self)
        #expect(fewer.userWeb.inUse == 1 && fewer.plans.inUse == 0, "\(fewer)")
        let stillAll = try await fixture.licensing("count-users", "--json").requireSuccess().json(CountsJSON.self)
        #expect(stillAll == all)
        let text = try await fixture.licensing("count-users", "--active-only").requireSuccess()
        #expect(text.stdout == "user/web: 1 in use of 10 purchased\nplans:    0 in use of 5 purchased\n", "\(text)")
    }

    // MARK: - Unassigning

    @Test("unassign refuses a prerequisite others need, --cascade removes it with its dependents")
    func unassignCascade() async throws {
        // Given: alice holds user and web (web requires user); bob holds user
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }
        for name in ["alice", "bob"] {
            try await fixture.addUser(name)
            try await fixture.assign(name, "superoffice.user")
        }
        try await fixture.assign("alice", "superoffice.web")
        let before = try fixture.dump()

        // When: without --cascade
        let refused = try await fixture.licensing("unassign", "--user", "alice", "--module", "superoffice.user")

        // Then: refused, nothing removed
        #expect(refused.exitCode == 1, "\(refused)")
        #expect(refused.stderr.contains("superoffice.web") && refused.stderr.contains("cascade"), "\(refused)")
        expectUnchanged(before, try fixture.dump(), "unassign without --cascade")

        // When: with --cascade
        let cascaded = try await fixture.licensing(
            "unassign", "--user", "alice", "--module", "superoffice.user", "--cascade", "--json"
        ).requireSuccess().jsonObject()

        // Then: both are gone from alice, bob keeps his
        let removed = (cascaded["removed"] as? String ?? "").components(separatedBy: ", ")
        #expect(Set(removed) == ["superoffice.user", "superoffice.web"], "\(cascaded)")
        for module in ["superoffice.user", "superoffice.web"] {
            let check = try await fixture.licensing("check", "--user", "alice", "--module", module)
            #expect(check.exitCode == 1, "\(check)")
        }
        #expect(try await fixture.licensing("check", "--user", "bob", "--module", "superoffice.user").exitCode == 0)
        let list = try await fixture.licensing("license", "list", "--json").requireSuccess().json(LicenseListJSON.self)
        #expect(try list.owner(Fixture.owner).module("user").inUse == 1)
        #expect(try list.owner(Fixture.owner).module("web").inUse == 0)
    }

    @Test("unassigning a plan takes what came with it, and the seats are free again")
    func unassignPlan() async throws {
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }
        try await fixture.addUser("carol")
        try await fixture.assign("carol", "superoffice.sales-premium")

        let result = try await fixture.licensing("unassign", "--user", "carol", "--module", "superoffice.sales-premium")
            .requireSuccess()

        #expect(result.stdout.contains("superoffice.web (via sales-premium)"), "\(result)")
        let users = try await fixture.licensing("user", "list", "--json").requireSuccess().json(UserListJSON.self)
        #expect(try users.user("carol").modules.map(\.source) == ["site"], "only the site module is left")
        let list = try await fixture.licensing("license", "list", "--json").requireSuccess().json(LicenseListJSON.self)
        for module in ["sales-premium", "user", "web", "chat-cal"] {
            #expect(try list.owner(Fixture.owner).module(module).inUse == 0, "\(module)")
        }
    }

    // MARK: - Usage pruning

    @Test("usage prune deletes raw events older than the months kept, never the month aggregates")
    func usagePrune() async throws {
        // Given: an event now, and raw events 3 and 14 months back
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }
        try await fixture.licensing("usage", "record", "--service", "mailing-emails", "--quantity", "7", "--id", "now")
            .requireSuccess()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let thisMonth = calendar.date(from: calendar.dateComponents([.year, .month], from: Date()))!
        func monthsBack(_ months: Int) -> Int64 {
            Int64(calendar.date(byAdding: DateComponents(month: -months, day: 2), to: thisMonth)!.timeIntervalSince1970)
        }
        try DatabaseDump.tamper(fixture.dataDirectory) { db in
            for (id, at) in [("three-months", monthsBack(3)), ("fourteen-months", monthsBack(14))] {
                try db.execute(
                    sql: """
                        INSERT INTO usage_event (tenant_id, id, service, quantity, occurred_at, subject, received_at)
                        VALUES ('acme', ?, 'mailing-emails', 1, ?, NULL, ?)
                        """, arguments: [id, at, at])
            }
        }
        func rows() throws -> (events: [String], months: [String]) {
            try DatabaseDump.tamper(fixture.dataDirectory) { db in
                (
                    try String.fetchAll(db, sql: "SELECT id FROM usage_event ORDER BY occurred_at"),
                    try String.fetchAll(db, sql: "SELECT month || ' ' || service || ' ' || value FROM usage_month ORDER BY month")
                )
            }
        }
        let months = try rows().months
        #expect(months.count == 1)

        // When/then: the default keeps 13 months, so only the 14-month-old event goes
        let byDefault = try await fixture.licensing("usage", "prune", "--json").requireSuccess().jsonObject()
        #expect(byDefault["removed"] as? Int == 1, "\(byDefault)")
        #expect(try rows().events == ["three-months", "now"])

        // When/then: out of range is refused and deletes nothing
        for keep in ["0", "121"] {
            let refused = try await fixture.licensing("usage", "prune", "--keep-months", keep, "--json")
            #expect(try refused.exitCode == 2 && refused.errorJSON().code == "invalid-input", "\(refused)")
        }
        #expect(try rows().events == ["three-months", "now"])

        // When/then: keeping one month deletes the event 3 months back, keeps this month's and every aggregate
        let text = try await fixture.licensing("usage", "prune", "--keep-months", "1").requireSuccess()
        #expect(text.stdout == "removed 1 raw usage events\n", "\(text)")
        #expect(try rows().events == ["now"])
        #expect(try rows().months == months)
        let report = try await fixture.licensing("usage", "report", "--json").requireSuccess().jsonObject()
        let services = try #require(report["services"] as? [[String: Any]])
        #expect(services.first { $0["service"] as? String == "mailing-emails" }?["usage"] as? Int == 7)
    }

    // MARK: - Updating users

    struct UserJSON: Decodable {
        var userName: String
        var type: String
        var canLogIn: Bool
        var retired: Bool
        var waitingForApproval: Bool
    }

    @Test("user update changes only the flags given, and login-check follows")
    func userUpdate() async throws {
        // Given: alice can log in from the web
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }
        try await fixture.addUser("alice")
        try await fixture.assign("alice", "superoffice.user")
        try await fixture.assign("alice", "superoffice.web")
        try await fixture.licensing("login-check", "--user", "alice", "--client", "web").requireSuccess()

        // When: her login is switched off
        let updated = try await fixture.licensing("user", "update", "--username", "alice", "--can-log-in", "false", "--json")
            .requireSuccess().json(UserJSON.self)

        // Then: only that flag moved, and she is denied for it
        #expect((updated.userName, updated.type, updated.canLogIn, updated.retired) == ("alice", "employee", false, false))
        #expect(!updated.waitingForApproval)
        let denied = try await fixture.licensing("login-check", "--user", "alice", "--client", "web", "--json")
        #expect(try denied.exitCode == 1 && denied.json(LoginCheckJSON.self).reasons == ["cannot-log-in"], "\(denied)")

        // When: she is retired, made external and allowed again
        let text = try await fixture.licensing(
            "user", "update", "--username", "alice", "--retired", "true", "--type", "external", "--can-log-in", "true"
        ).requireSuccess()
        #expect(text.stdout.contains("canLogIn true, retired true"), "\(text)")
        let user = try await fixture.licensing("user", "list", "--json").requireSuccess().json(UserListJSON.self).user("alice")
        #expect((user.type, user.canLogIn, user.retired) == ("external", true, true))

        // Then: the changes are audited with before and after
        let audit = try await fixture.licensing("audit", "--limit", "2", "--json").requireSuccess().json(AuditJSON.self)
        #expect(audit.entries.map(\.action) == ["user.update", "user.update"])
        #expect(audit.entries.allSatisfy { $0.target == "alice" && $0.before != nil && $0.after != nil })

        // Then: nothing to change, or nobody to change, is invalid input and writes nothing
        let before = try fixture.dump()
        let nothing = try await fixture.licensing("user", "update", "--username", "alice")
        #expect(nothing.exitCode == 2 && nothing.stderr.contains("nothing to change"), "\(nothing)")
        let nobody = try await fixture.licensing("user", "update", "--username", "zed", "--retired", "true")
        #expect(nobody.exitCode == 2 && nobody.stderr == "error: unknown user 'zed'\n", "\(nobody)")
        expectUnchanged(before, try fixture.dump(), "refused user updates")
    }

    // MARK: - The audit log

    struct AuditJSON: Decodable {
        struct Entry: Decodable {
            var sequence: Int64
            var at: String
            var actor: String
            var action: String
            var target: String
            var before: String?
            var after: String?
        }
        var entries: [Entry]
    }

    @Test("audit lists every write newest first, pages with --limit and --before, and refuses a limit out of range")
    func audit() async throws {
        // Given: known writes after the tenant's creation and activation
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }
        try await fixture.addUser("alice")
        try await fixture.assign("alice", "superoffice.user")
        try await fixture.licensing("satellite", "add", "--name", "oslo", "--actor", "ops-bot").requireSuccess()
        try await fixture.licensing("unassign", "--user", "alice", "--module", "superoffice.user").requireSuccess()

        // When
        let all = try await fixture.licensing("audit", "--json").requireSuccess().json(AuditJSON.self).entries

        // Then: newest first, numbered without gaps, the last four writes as made
        #expect(all.map(\.sequence) == Array((1...Int64(all.count)).reversed()), "\(all.map(\.sequence))")
        #expect(
            all.prefix(4).map(\.action) == ["license.unassign", "satellite.add", "license.assign", "user.add"],
            "\(all.map(\.action))")
        #expect(all.prefix(4).map(\.actor) == ["cli:cli-tests", "cli:ops-bot", "cli:cli-tests", "cli:cli-tests"])
        #expect(all[1].target == "oslo" && all[3].target == "alice")
        #expect(all.allSatisfy { ISO8601DateFormatter().date(from: $0.at) != nil })

        // When/then: pages
        let page = try await fixture.licensing("audit", "--limit", "2", "--json").requireSuccess().json(AuditJSON.self)
        #expect(page.entries.map(\.sequence) == all.prefix(2).map(\.sequence))
        let older = try await fixture.licensing("audit", "--limit", "2", "--before", String(all[1].sequence), "--json")
            .requireSuccess().json(AuditJSON.self)
        #expect(older.entries.map(\.sequence) == [all[2].sequence, all[3].sequence])
        let text = try await fixture.licensing("audit", "--limit", "1").requireSuccess()
        #expect(
            text.stdout.hasPrefix("#\(all[0].sequence) ")
                && text.stdout.contains(" cli:cli-tests license.unassign superoffice.user ✕ alice"), "\(text)")

        for limit in ["0", "1001"] {
            let refused = try await fixture.licensing("audit", "--limit", limit)
            #expect(refused.exitCode == 2 && refused.stderr.contains("--limit must be between 1 and 1000"), "\(refused)")
        }
    }
}

// MARK: - A server on a fixture's data

/// `licensing serve --port 0` on a fixture's data directory (LicenseTestSupport's ServerProcess).
extension ServerProcess {
    /// Runs `body` with a server on the fixture's data, killed and reaped afterwards whatever happens.
    static func with<T>(_ fixture: Fixture, _ body: (ServerProcess) async throws -> T) async throws -> T {
        let server = try await start(data: fixture.dataDirectory, actor: "cli-tests")
        do {
            let result = try await body(server)
            _ = try await server.kill9()
            return result
        } catch {
            _ = try? await server.kill9()
            throw error
        }
    }

    /// GET `path` with a bearer token; the status code.
    func get(_ path: String, token: String) async throws -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? -1
    }
}
