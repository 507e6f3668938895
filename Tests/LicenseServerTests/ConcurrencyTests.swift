import Foundation
import Hummingbird
import LicenseCore
import LicenseTestSupport
import Testing

/// Concurrent writers against exactly 50 free seats: over HTTP, and over HTTP and the CLI on one data directory.
/// Serialized so the heavy cases do not run at the same time on a small machine.
@Suite("Concurrent writers", .serialized)
struct ConcurrencyTests {
    static let seats = 50

    @Test("200 concurrent assignments for 50 free seats: exactly 50 succeed and 150 get 409")
    func concurrentHTTP() async throws {
        try await TestInstallation.with { installation in
            // Given 200 users and a module (superoffice.user) with 50 seats, none taken
            let crowd = try await installation.seedCrowd(userCount: 200, userSeats: Self.seats)
            try await withLiveServer(installation) { server in
                // Two hundred requests queue for one write lock; on a loaded machine the last waits a while.
                let client = APIClient(host: server.host, port: server.port, timeout: .seconds(120))
                // When 200 clients, each on its own connection, assign it to a different user at once
                let results = try await withThrowingTaskGroup(of: (String, HTTPResult).self) { group in
                    for user in crowd.userNames {
                        group.addTask {
                            (user, try await client.send(.put, Crowd.assignPath(user, "user"), token: crowd.admin.presented))
                        }
                    }
                    return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
                }
                // Then exactly 50 succeed, the other 150 are refused for want of a seat
                let succeeded = Set(results.filter { $0.value.status == 200 }.keys)
                let refused = results.values.filter { $0.status == 409 && $0.errorCode == "no-free-seat" }
                #expect(succeeded.count == Self.seats)
                #expect(refused.count == 200 - Self.seats)
                let other = results.values.filter { $0.status != 200 && $0.status != 409 }
                #expect(other.isEmpty, "\(other.prefix(3))")
                // And the API shows 50 of 50 in use, held by exactly the users whose request succeeded
                try await Self.expectInUse(
                    client, token: crowd.admin.presented, module: "user", inUse: Self.seats, total: Self.seats)
                let details = try await client.get(
                    "\(StandardTenant.base)/licenses/superoffice/user", token: crowd.admin.presented)
                #expect(Set(try details.object()["holders"] as? [String] ?? []) == succeeded)
                let verify = try await client.send(.post, "\(StandardTenant.base)/verify", token: crowd.admin.presented)
                #expect(try verify.object()["ok"] as? Bool == true, "\(verify)")
            }
        }
    }

    @Test("HTTP and CLI writers on one data directory share 50 seats exactly, and the server sees the CLI's writes")
    func httpAndCLI() async throws {
        try await TestInstallation.with { installation in
            // Given 200 users and 50 seats; u001–u100 are assigned over HTTP, u101–u200 by `licensing assign`
            let crowd = try await installation.seedCrowd(userCount: 200, userSeats: Self.seats)
            let httpUsers = Array(crowd.userNames[..<100])
            let cliUsers = Array(crowd.userNames[100...])
            let data = installation.directory.path
            try await withLiveServer(installation) { client in
                // When 16 workers each run one CLI process and one HTTP request side by side, pair after pair
                let next = Counter()
                let outcomes = try await withThrowingTaskGroup(of: [Outcome].self) { group in
                    for _ in 0..<16 {
                        group.addTask {
                            var outcomes: [Outcome] = []
                            while let i = next.take(below: 100) {
                                async let cli = Licensing.run([
                                    "assign", "--data", data, "--tenant", StandardTenant.id, "--user", cliUsers[i],
                                    "--module", "superoffice.user",
                                ])
                                let http = try await client.send(
                                    .put, Crowd.assignPath(httpUsers[i], "user"), token: crowd.admin.presented)
                                outcomes.append(.http(httpUsers[i], http))
                                outcomes.append(.cli(cliUsers[i], try await cli))
                            }
                            return outcomes
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                // Then exactly 50 writes succeed in all, each refusal is a refusal (HTTP 409, CLI exit 1)
                var succeeded = Set<String>()
                var cliSucceeded = Set<String>()
                for outcome in outcomes {
                    switch outcome {
                    case .http(let user, let result):
                        #expect(result.status == 200 || (result.status == 409 && result.errorCode == "no-free-seat"), "\(result)")
                        if result.status == 200 { succeeded.insert(user) }
                    case .cli(let user, let result):
                        #expect(result.exitCode == 0 || result.exitCode == 1, "\(result)")
                        if result.exitCode == 0 {
                            succeeded.insert(user)
                            cliSucceeded.insert(user)
                        }
                    }
                }
                #expect(outcomes.count == 200)
                #expect(succeeded.count == Self.seats)
                #expect(!cliSucceeded.isEmpty && cliSucceeded.count < Self.seats, "both kinds of writer got seats")
                // And within a second the server's list reflects the CLI's writes: the count, and exactly the winners
                // as holders (one request a poll, so the bound measures the server, not the number of checks)
                try await Self.expectInUse(
                    client, token: crowd.admin.presented, module: "user", inUse: Self.seats, total: Self.seats)
                let winners = succeeded
                try await expectEventually("the server lists the CLI's and its own assignments as holders") {
                    let holders = try await client.get(
                        "\(StandardTenant.base)/licenses/superoffice/user", token: crowd.admin.presented)
                    return Set(try holders.object()["holders"] as? [String] ?? []) == winners
                }
                // … and its checks, answered from the same snapshot, grant every one the CLI won
                for user in cliSucceeded {
                    let check = try await client.get(
                        "\(StandardTenant.base)/users/\(user)/licenses/superoffice/user", token: crowd.admin.presented)
                    #expect(try check.decode(CheckDecision.self) == .granted, "\(user): \(check)")
                }
            }
            // And the data verifies
            let verify = try await Licensing.run(["verify", "--data", data, "--tenant", StandardTenant.id])
            #expect(verify.exitCode == 0, "\(verify)")
        }
    }

    @Test("an assignment and an unassignment by the CLI show in the running server's check within a second")
    func cliChangeReachesServer() async throws {
        try await TestInstallation.with { installation in
            // Given a running server that has answered a check for u001 (so its snapshot is cached): denied
            let crowd = try await installation.seedCrowd(userCount: 3, userSeats: 5)
            let data = installation.directory.path
            try await withLiveServer(installation) { client in
                let path = Crowd.assignPath("u001", "user")
                let token = crowd.admin.presented
                #expect(try await client.get(path, token: token).decode(CheckDecision.self) == .denied(.notLicensed))
                let before = try await Metrics.snapshotUpdates(client)
                for (command, expected) in [("assign", CheckDecision.granted), ("unassign", .denied(.notLicensed))] {
                    // When the CLI, another process, changes u001's license
                    let result = try await Licensing.run([
                        command, "--data", data, "--tenant", StandardTenant.id, "--user", "u001", "--module", "superoffice.user",
                    ])
                    try #require(result.exitCode == 0, "\(result)")
                    // Then the server's hot check answers accordingly within a second
                    try await expectEventually("the check reflects the CLI's \(command)") {
                        try await client.get(path, token: token).decode(CheckDecision.self) == expected
                    }
                }
                // And it took them from the change log, without loading the tenant again (issue 13, Build 2)
                let after = try await Metrics.snapshotUpdates(client)
                #expect(after["load"] == before["load"], "\(before) → \(after)")
                #expect((after["change_log"] ?? 0) >= (before["change_log"] ?? 0) + 2, "\(before) → \(after)")
            }
        }
    }

    /// Expects the license list to show `inUse` of `total` for a SUPEROFFICE module within a second.
    static func expectInUse(
        _ client: APIClient, token: String, module: String, inUse: Int, total: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await expectEventually("GET licenses shows \(inUse) of \(total) in use for \(module)", sourceLocation: sourceLocation)
        {
            let list = try await client.get("\(StandardTenant.base)/licenses", token: token).decode(LicenseListReport.self)
            let entry = list.owners.first { $0.name == Fixtures.superOffice }?.modules.first { $0.name == module }
            return entry?.inUse == inUse && entry?.total == total && entry?.free == total - inUse
        }
    }
}

/// One writer's result.
enum Outcome: Sendable {
    case http(String, HTTPResult)
    case cli(String, ProcessResult)
}

/// Hands out 0, 1, 2, … to concurrent workers.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}
