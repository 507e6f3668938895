import Foundation
import LicenseTestSupport
import Testing

@Suite("Concurrent licensing processes")
struct ConcurrencyTests {
    @Test("40 assign processes racing for 10 free seats: exactly 10 succeed, 30 get 'no free seat'", .timeLimit(.minutes(3)))
    func assignRace() async throws {
        // Given: a module with 10 seats and 40 users who want one.
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        try await fixture.initTenant()
        let spec = PackageSpecFile(
            owner: Fixture.owner, companyName: Fixture.company, serialNumber: Fixture.serial, issuedAt: iso(fixture.baseTime),
            modules: [ModuleSpec(name: "seat", type: "user", count: 10)])
        try await fixture.licensing("license", "activate", try await fixture.issue(spec, as: "seats")).requireSuccess()
        let users = (1...40).map { "user\($0)" }
        try Data((["userName,canLogIn"] + users.map { "\($0),true" }).joined(separator: "\n").utf8)
            .write(to: URL(fileURLWithPath: fixture.path("users.csv")))
        try await fixture.licensing("user", "import", "--csv", fixture.path("users.csv")).requireSuccess()

        // When: all 40 start before any is awaited.
        let processes = try users.map { user in
            try CLI.start(["assign", "--user", user, "--module", "superoffice.seat", "--data", fixture.dataPath])
        }
        var results: [ProcessResult] = []
        for process in processes { results.append(try await process.wait()) }

        // Then
        let succeeded = results.filter { $0.exitCode == 0 }
        let refused = results.filter { $0.exitCode == 1 }
        #expect(succeeded.count == 10, "\(succeeded.count) succeeded")
        #expect(refused.count == 30, "\(refused.count) refused")
        let unexpected = results.filter { $0.exitCode != 0 && $0.exitCode != 1 }
        #expect(unexpected.isEmpty, "unexpected outcomes: \(unexpected.prefix(3).map(\.description))")
        for result in refused {
            #expect(result.stderr.contains("no free seat"), "\(result)")
        }
        let list = try await fixture.licensing("license", "list", "--json").requireSuccess().json(LicenseListJSON.self)
        let seat = try list.owner(Fixture.owner).module("seat")
        #expect((seat.total, seat.inUse, seat.free) == (10, 10, 0))
        let holders = try await fixture.licensing("user", "list", "--json").requireSuccess().json(UserListJSON.self)
            .users.filter { user in user.modules.contains { $0.module == "superoffice.seat" } }.map(\.userName)
        let winners = succeeded.compactMap { result in result.arguments.firstIndex(of: "--user").map { result.arguments[$0 + 1] }
        }
        #expect(Set(holders) == Set(winners), "the users holding a seat are the ones whose assign succeeded")
        let verify = try await fixture.licensing("verify")
        #expect(verify.exitCode == 0, "\(verify)")
    }
}
