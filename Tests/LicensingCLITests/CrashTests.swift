import Foundation
import LicenseTestSupport
import Testing

@Suite("Crash safety of license activation")
struct CrashTests {
    static let bigModuleCount = 2_000

    /// Where the kill lands: the debug build's test pause points (docs/operations.md), so each outcome is reached by
    /// construction rather than by a random delay.
    enum Kill: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case midWrite = "activation-mid-write"
        case afterCommit = "activation-committed"

        var testDescription: String {
            switch self {
            case .midWrite: "inside the transaction, half of the module rows written: the old package stays whole"
            case .afterCommit: "after the commit: the new package is whole"
            }
        }
    }

    @Test(
        "kill -9 during activation of a 2,000-module package leaves the old or the new package whole",
        .timeLimit(.minutes(5)), arguments: Kill.allCases)
    func killDuringActivation(_ kill: Kill) async throws {
        // Given: the 6-module sample package active, alice holding user and web, and a newer 2,000-module package.
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        try await fixture.initTenant()
        let small = PackageSpecFile.sample(issuedAt: fixture.baseTime)
        try await fixture.licensing("license", "activate", try await fixture.issue(small, as: "small")).requireSuccess()
        try await fixture.addUser("alice")
        try await fixture.assign("alice", "superoffice.user")
        try await fixture.assign("alice", "superoffice.web")
        var big = PackageSpecFile.sample(issuedAt: fixture.baseTime.addingTimeInterval(3_600))
        for number in 1...(Self.bigModuleCount - big.modules.count) {
            big.modules.append(
                ModuleSpec(name: String(format: "module-%04d", number), type: "user", count: 25, description: "Module \(number)"))
        }
        let package = try await fixture.issue(big, as: "big")
        let old = PackageState(issuedAt: iso(fixture.baseTime), modules: small.modules.count)
        let new = PackageState(issuedAt: big.issuedAt ?? "", modules: Self.bigModuleCount)

        // When: the activation is killed with SIGKILL while it waits at the pause point.
        let process = try ChildProcess(
            ["license", "activate", package, "--data", fixture.dataPath],
            environment: CLI.environment.merging(["LICENSING_TEST_PAUSE": kill.rawValue]) { _, added in added })
        let marker = "licensing: test pause \(kill.rawValue)"
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(120)
        while !process.stderrSoFar.contains(marker) && !process.hasEnded && clock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let reachedPause = process.stderrSoFar.contains(marker)
        process.kill9()
        let result = try await process.wait()
        try #require(reachedPause, "the activation never reached the pause point \(kill.rawValue) (a release build?): \(result)")
        #expect(result.signal == SIGKILL, "the run was killed at the pause: \(result)")

        // Then: the package the kill's moment decides, whole; alice keeps her seat; every row verifies.
        let found = try await state(fixture.dataPath)
        #expect(found.package == (kill == .midWrite ? old : new), "found \(found.package)")
        #expect(found.webInUse == 1, "alice's web seat is kept")
        let verify = try await CLI.run(["verify", "--json", "--data", fixture.dataPath])
        #expect(verify.exitCode == 0, "\(verify)")

        // And: running the activation again completes it after the mid-write kill, and is refused as not newer (exit 1)
        // after the post-commit kill, the package being active already.
        let again = try await fixture.licensing("license", "activate", package)
        if kill == .midWrite {
            #expect(again.exitCode == 0, "\(again)")
        } else {
            #expect(again.exitCode == 1 && again.stderr.contains("not after the active one"), "\(again)")
        }
        #expect(try await state(fixture.dataPath).package == new)
    }

    /// The active SUPEROFFICE package as `license list` shows it.
    private func state(_ data: String) async throws -> ActiveState {
        let list = try await CLI.run(["license", "list", "--json", "--data", data]).requireSuccess().json(LicenseListJSON.self)
        let owner = try list.owner(Fixture.owner)
        return ActiveState(
            package: PackageState(issuedAt: owner.issuedAt ?? "", modules: owner.modules.count),
            webInUse: try owner.module("web").inUse)
    }
}

struct PackageState: Equatable, CustomStringConvertible {
    var issuedAt: String
    var modules: Int
    var description: String { "\(modules) modules issued \(issuedAt)" }
}

struct ActiveState {
    var package: PackageState
    var webInUse: Int
}
