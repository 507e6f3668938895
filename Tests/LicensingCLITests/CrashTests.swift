import Foundation
import Testing

@Suite("Crash safety of license activation")
struct CrashTests {
    /// Kills at random moments of a ~12 s activation; both outcomes must be seen (the old package when the kill came
    /// before the commit, the new one after it).
    static let iterations = 12
    static let bigModuleCount = 2_000
    /// Below the time limit, so that a machine too slow for 20 kills fails with a message rather than a timeout.
    static let budget = Duration.seconds(270)

    @Test("kill -9 during activation of a 2,000-module package leaves the old or the new package whole", .timeLimit(.minutes(5)))
    func killDuringActivation() async throws {
        let clock = ContinuousClock()
        let testStarted = clock.now
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

        // Given: how long one whole activation takes, measured on a copy.
        let measureData = try copyData(fixture, to: "measure")
        let started = clock.now
        try await CLI.run(["license", "activate", package, "--data", measureData]).requireSuccess()
        let duration = clock.now - started
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        let measured = try await state(measureData).package
        try #require(measured == new, "a completed activation holds the new package, found \(measured)")

        var outcomes: [String] = []
        for iteration in 1...Self.iterations {
            guard clock.now - testStarted < Self.budget else {
                Issue.record(
                    "only \(iteration - 1) of \(Self.iterations) kills fit in \(Self.budget) (one activation took \(duration))")
                break
            }
            // When: an activation is killed at a random moment of its run.
            let data = try copyData(fixture, to: "run-\(iteration)")
            let delay = Duration.nanoseconds(Int64.random(in: 0...nanoseconds))
            let process = try CLI.start(["license", "activate", package, "--data", data])
            try await Task.sleep(for: delay)
            process.kill9()
            let result = try await process.wait()
            #expect(result.signal == SIGKILL || result.exitCode == 0, "the run either was killed or completed: \(result)")

            // Then: the old package or the new one, whole; alice keeps her seat; every row verifies.
            let found = try await state(data)
            let context = "iteration \(iteration), killed after \(delay) of \(duration)"
            #expect(found.package == old || found.package == new, "\(context): found \(found.package)")
            outcomes.append(found.package == new ? "new" : found.package == old ? "old" : "torn")
            #expect(found.webInUse == 1, "\(context): alice's web seat is kept")
            let verify = try await CLI.run(["verify", "--json", "--data", data])
            #expect(verify.exitCode == 0, "\(context): \(verify)")
            try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: data).deletingLastPathComponent().path)
        }
        #expect(outcomes.count == Self.iterations, "outcomes: \(outcomes)")
        #expect(outcomes.contains("old") && outcomes.contains("new"), "both outcomes seen: \(outcomes)")
        print(
            "crash test: one activation takes \(duration); after \(Self.iterations) kills: \(outcomes.filter { $0 == "old" }.count) old, \(outcomes.filter { $0 == "new" }.count) new"
        )
    }

    /// Copies the fixture's data directory (database, WAL if any, installation key) into a fresh one.
    private func copyData(_ fixture: Fixture, to name: String) throws -> String {
        let target = fixture.sandbox.url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let data = target.appendingPathComponent("data")
        try FileManager.default.copyItem(at: fixture.dataDirectory, to: data)
        return data.path
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
