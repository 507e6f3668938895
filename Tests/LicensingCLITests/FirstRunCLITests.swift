import Foundation
import LicenseTestSupport
import Testing

/// What a new administrator meets on the command line (issue 17, items 6–8 and 10).
@Suite("First run: the CLI")
struct FirstRunCLITests {
    // MARK: - Fencing (item 6)

    @Test("fencing lists the modules at 85 % in use or more; --all lists the others too")
    func fencingShowsModulesNearTheirMaximum() async throws {
        // Given web at 2 of 2 (reached) and user at 2 of 10
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        try await fixture.initTenant()
        let package = try await fixture.issue(.sample(issuedAt: fixture.baseTime, webCount: 2), as: "sample")
        try await fixture.licensing("license", "activate", package).requireSuccess()
        for user in ["alice", "bob"] {
            try await fixture.addUser(user)
            try await fixture.assign(user, "superoffice.user")
            try await fixture.assign(user, "superoffice.web")
        }

        // When fencing is asked for, with and without --all
        let nearing = try await fixture.licensing("fencing").requireSuccess()
        let all = try await fixture.licensing("fencing", "--all").requireSuccess()
        let json = try await fixture.licensing("fencing", "--json").requireSuccess().jsonObject()

        // Then only web shows by default, and every restricted module with --all
        #expect(nearing.stdout.contains("superoffice.web: 2 of 2  maximum reached"), "\(nearing)")
        #expect(!nearing.stdout.contains("superoffice.user:"), "\(nearing)")
        #expect(all.stdout.contains("superoffice.user: 2 of 10"), "\(all)")
        #expect(all.stdout.contains("superoffice.web: 2 of 2  maximum reached"), "\(all)")
        let modules = try #require(json["modules"] as? [[String: Any]])
        #expect(modules.compactMap { $0["module"] as? String } == ["web"], "\(json)")
    }

    @Test("fencing says so when no module is near its maximum")
    func fencingWithNothingNear() async throws {
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }
        let result = try await fixture.licensing("fencing").requireSuccess()
        #expect(result.stdout.contains("no module is nearing its maximum"), "\(result)")
    }

    // MARK: - Unrestricted modules (item 7)

    @Test("license list shows an unrestricted module's use and 'unrestricted', not a total of 1")
    func unrestrictedInTheList() async throws {
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }
        try await fixture.addUser("alice")
        try await fixture.assign("alice", "superoffice.user")
        try await fixture.assign("alice", "superoffice.visible-for")

        let result = try await fixture.licensing("license", "list").requireSuccess()

        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("visible-for") }, "\(result)")
        #expect(line.contains("1 in use, unrestricted"), "\(line)")
        #expect(!line.contains("/1") && !line.contains("free"), "\(line)")
        let saint = try #require(result.stdout.split(separator: "\n").first { $0.contains("saint") }, "\(result)")
        #expect(saint.contains("enabled"), "\(saint)")
    }

    // MARK: - Actors (item 8)

    @Test("--actor names the actor in the audit log")
    func actorOption() async throws {
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }
        try await fixture.licensing("user", "add", "--username", "alice", "--actor", "ops-bot").requireSuccess()
        let audit = try await fixture.licensing("audit", "--limit", "1").requireSuccess()
        #expect(audit.stdout.contains("cli:ops-bot user.add"), "\(audit)")
    }

    @Test("without $USER and LICENSING_ACTOR the audit log names the OS account, not 'unknown'")
    func actorFromTheAccount() async throws {
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }
        var environment = CLI.environment
        environment["USER"] = nil
        environment["LOGNAME"] = nil
        environment["LICENSING_ACTOR"] = nil
        let process = try ChildProcess(
            ["user", "add", "--username", "alice", "--data", fixture.dataPath], environment: environment)
        try await process.wait().requireSuccess()

        let account = try #require(getpwuid(geteuid())).pointee.pw_name.map { String(cString: $0) }
        let audit = try await fixture.licensing("audit", "--limit", "1").requireSuccess()
        #expect(audit.stdout.contains("cli:\(try #require(account)) user.add"), "\(audit)")
        #expect(!audit.stdout.contains("cli:unknown"), "\(audit)")
    }

    // MARK: - Conventions (item 10)

    @Test("licensing --version prints the version and the commit it was built from")
    func version() async throws {
        let result = try await CLI.run(["--version"]).requireSuccess()
        let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let pattern = #"^licensing [0-9]+\.[0-9]+\.[0-9]+ \(commit [0-9a-f]{12}(-dirty)?\)$"#
        #expect(line.range(of: pattern, options: .regularExpression) != nil, "\(result)")
    }

    @Test("help issuer issue documents the spec's fields")
    func issueHelp() async throws {
        let result = try await CLI.run(["help", "issuer", "issue"]).requireSuccess()
        for field in [
            "owner", "companyName", "serialNumber", "issuedAt", "expiresAt", "graceUntil", "allowedUserTypes",
            "prerequisite", "hidden", "unrestricted", "sortOrder", "extraFlags", "extraInfo",
        ] {
            #expect(result.stdout.contains(field), "help issuer issue does not mention \(field)")
        }
    }

    @Test("token create --help lists every role")
    func tokenRoles() async throws {
        let result = try await CLI.run(["token", "create", "--help"]).requireSuccess()
        for role in ["admin", "checker", "reader", "operator"] {
            #expect(result.stdout.contains("\(role) ("), "token create --help does not describe \(role)\n\(result)")
        }
    }

    @Test("an address already in use is named, with --port and --host")
    func addressInUse() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        try await fixture.initTenant()
        // Given a socket listening on a loopback port
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 1) == 0
            }
        }
        try #require(bound)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))

        // When the server is asked to listen there
        let result = try await fixture.licensing("serve", "--host", "127.0.0.1", "--port", String(port))

        // Then it exits 2 and says why and what to change
        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stderr.contains("127.0.0.1:\(port) is already in use"), "\(result)")
        #expect(result.stderr.contains("--port") && result.stderr.contains("--host"), "\(result)")
    }
}
