import Foundation
import LicenseTestSupport
import Testing

@Suite("Round trip through the licensing binary")
struct RoundTripTests {
    @Test("a package goes from root key to checks, counts and a clean verify", arguments: StoreBackend.allCases)
    func roundTrip(backend: StoreBackend) async throws {
        try await CLI.on(backend) { try await roundTripSteps() }
    }

    func roundTripSteps() async throws {
        // Given: a vendor's root key, an owner key it certifies, and a package issued to Acme AS.
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        for privateKey in [fixture.rootKey, fixture.ownerKey()] {
            let mode = try FileManager.default.attributesOfItem(atPath: privateKey)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(privateKey) should be readable by its owner only")
        }
        #expect(FileManager.default.fileExists(atPath: fixture.rootPublicKey))
        #expect(FileManager.default.fileExists(atPath: fixture.ownerPublicKey()))
        let package = try await fixture.issue(.sample(issuedAt: fixture.baseTime), as: "sample")
        try await fixture.initTenant()

        // When: the customer previews and activates it.
        let preview = try await fixture.licensing("license", "preview", package, "--json").requireSuccess().json(PreviewJSON.self)
        #expect(preview.canBeActivated)
        #expect(preview.reason == nil)
        #expect(Set(preview.modules.map(\.name)) == ["user", "web", "chat-cal", "sales-premium", "saint", "visible-for"])
        for module in preview.modules {
            #expect(module.owner == Fixture.owner)
            #expect(module.currentTotal == 0 && module.inUse == 0 && module.mustRemove == 0 && module.holders.isEmpty)
            #expect(module.added == module.newTotal && module.newFree == module.newTotal)
        }
        #expect(preview.modules.first { $0.name == "web" }?.newTotal == 10)
        try await fixture.licensing("license", "activate", package).requireSuccess()

        // Then: the list shows every module as issued.
        let list = try await fixture.licensing("license", "list", "--json").requireSuccess().json(LicenseListJSON.self)
        #expect(list.companyName == Fixture.company)
        #expect(list.serialNumber == Fixture.serial)
        let owner = try list.owner(Fixture.owner)
        #expect(owner.modules.count == 6)
        let web = try owner.module("web")
        #expect((web.type, web.total, web.inUse, web.free, web.prerequisite) == ("user", 10, 0, 10, "user"))
        let plan = try owner.module("sales-premium")
        #expect((plan.extraFlags, plan.extraInfo, plan.total) == (1, "set=user,web,chat-cal", 5))
        let saint = try owner.module("saint")
        #expect((saint.type, saint.hidden) == ("site", true))
        #expect(try owner.module("visible-for").unrestricted)
        #expect(try owner.module("chat-cal").hidden)

        // When: users are added (one an administrator whose password comes on stdin) and one gets the plan.
        try await fixture.addUser("alice")
        try await fixture.addUser("bob")
        try await fixture.addUser("carol", canLogIn: false)
        try await fixture.licensing(
            "user", "add", "--username", "root-admin", "--admin", "--can-log-in", "--password-stdin",
            stdin: Data("correct horse battery staple\n".utf8)
        ).requireSuccess()
        let assigned = try await fixture.licensing("assign", "--user", "alice", "--module", "superoffice.sales-premium")
            .requireSuccess()
        for module in ["sales-premium", "user", "web", "chat-cal"] {
            #expect(assigned.stdout.contains("superoffice.\(module)"), "the plan's modules are named: \(assigned.stdout)")
        }

        // Then: checks answer from the plan, for granted and denied users alike.
        let granted = try await fixture.licensing("check", "--user", "alice", "--module", "superoffice.web", "--json")
        #expect(granted.exitCode == 0, "\(granted)")
        #expect(try granted.json(CheckJSON.self).granted)
        #expect(try granted.json(CheckJSON.self).reason == "granted")
        let hidden = try await fixture.licensing("check", "--user", "alice", "--module", "superoffice.chat-cal", "--json")
        #expect(hidden.exitCode == 0, "a hidden module comes with the plan: \(hidden)")
        let denied = try await fixture.licensing("check", "--user", "bob", "--module", "superoffice.web", "--json")
        #expect(denied.exitCode == 1, "\(denied)")
        #expect(try denied.json(CheckJSON.self).granted == false)
        #expect(try denied.json(CheckJSON.self).reason == "not-licensed")
        let site = try await fixture.licensing("check", "--user", "bob", "--module", "superoffice.saint", "--json")
        #expect(site.exitCode == 0, "a site module applies to every user: \(site)")
        let text = try await fixture.licensing("check", "--user", "bob", "--module", "superoffice.web")
        #expect(text.exitCode == 1 && text.stdout.contains("not-licensed"), "\(text)")

        let login = try await fixture.licensing("login-check", "--user", "alice", "--client", "web", "--json")
        #expect(login.exitCode == 0, "\(login)")
        let allowed = try login.json(LoginCheckJSON.self)
        #expect(allowed.allowed && allowed.reasons.isEmpty && allowed.messageOfTheDay == nil)
        #expect(try login.jsonObject().keys.contains("messageOfTheDay"), "messageOfTheDay is always present")
        let noClient = try await fixture.licensing("login-check", "--user", "alice", "--client", "windows", "--json")
        #expect(noClient.exitCode == 1, "\(noClient)")
        #expect(try noClient.json(LoginCheckJSON.self).reasons == ["missing-client-license"])
        let bobLogin = try await fixture.licensing("login-check", "--user", "bob", "--client", "web", "--json")
        #expect(bobLogin.exitCode == 1, "\(bobLogin)")
        #expect(try bobLogin.json(LoginCheckJSON.self).reasons.contains("missing-user-license"))
        let carolLogin = try await fixture.licensing("login-check", "--user", "carol", "--client", "web", "--json")
        #expect(carolLogin.exitCode == 1, "\(carolLogin)")
        #expect(try carolLogin.json(LoginCheckJSON.self).reasons.contains("cannot-log-in"))

        // Then: counts, the user list with each module's source, and the license list agree.
        let counts = try await fixture.licensing("count-users", "--json").requireSuccess().json(CountUsersJSON.self)
        #expect(counts.userWeb == .init(purchased: 10, inUse: 1))
        #expect(counts.plans == .init(purchased: 5, inUse: 1))

        let users = try await fixture.licensing("user", "list", "--json").requireSuccess().json(UserListJSON.self)
        #expect(Set(users.users.map(\.userName)) == ["alice", "bob", "carol", "root-admin"])
        let alice = try users.user("alice")
        #expect((alice.type, alice.canLogIn, alice.retired) == ("employee", true, false))
        let sources = Dictionary(alice.modules.map { ($0.module, $0.source) }, uniquingKeysWith: { first, _ in first })
        #expect(
            sources == [
                "superoffice.sales-premium": "assigned", "superoffice.user": "plan", "superoffice.web": "plan",
                "superoffice.chat-cal": "plan", "superoffice.saint": "site",
            ])
        let bob = try users.user("bob")
        #expect(bob.modules.map(\.module) == ["superoffice.saint"])
        #expect(bob.modules.map(\.source) == ["site"])
        #expect(try users.user("carol").canLogIn == false)

        let after = try await fixture.licensing("license", "list", "--json").requireSuccess().json(LicenseListJSON.self)
        let webAfter = try after.owner(Fixture.owner).module("web")
        #expect((webAfter.inUse, webAfter.free) == (1, 9))
        #expect(try after.owner(Fixture.owner).module("sales-premium").inUse == 1)

        let verify = try await fixture.licensing("verify", "--json")
        #expect(verify.exitCode == 0, "\(verify)")
        let report = try verify.json(VerifyJSON.self)
        #expect(report.ok && report.problems.isEmpty, "\(report.problems)")
    }

    @Test("license list --json carries every key the CLI contract names, null when unset")
    func licenseListKeys() async throws {
        // Given: an active package without dates, with modules lacking extraInfo and prerequisite.
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }

        // When
        let object = try await fixture.licensing("license", "list", "--json").requireSuccess().jsonObject()

        // Then
        for key in ["companyName", "serialNumber", "owners"] { #expect(object[key] != nil, "missing \(key)") }
        let owners = try #require(object["owners"] as? [[String: Any]])
        let owner = try #require(owners.first)
        var missing = ["name", "expiresAt", "graceUntil", "modules"].filter { !owner.keys.contains($0) }.map { "owners[].\($0)" }
        let moduleKeys = [
            "name", "type", "total", "inUse", "free", "unrestricted", "hidden", "extraFlags", "extraInfo", "prerequisite",
        ]
        for module in try #require(owner["modules"] as? [[String: Any]]) {
            let name = module["name"] as? String ?? "?"
            missing += moduleKeys.filter { !module.keys.contains($0) }.map { "modules[\(name)].\($0)" }
        }
        #expect(
            missing.isEmpty,
            "keys of the contract missing from `license list --json` (a null must be written as null): \(missing)")
    }
}
