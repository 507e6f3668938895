import Foundation
import Hummingbird
import LicenseCore
import LicenseTestSupport
import Testing

/// The real `licensing serve` killed with SIGKILL while it assigns: nothing acknowledged is lost, nothing broken.
@Suite("Crash of the server process")
struct CrashTests {
    static let windowsSeats = 10
    static let acknowledgementsBeforeKill = 40

    @Test("a server killed with SIGKILL during assignments keeps every acknowledged one and verifies after restart")
    func killDuringAssignments() async throws {
        try await TestInstallation.with { installation in
            // Given 200 users, superoffice.user with room for all and superoffice.windows (needs user) with 10 seats,
            // served by the real binary
            let crowd = try await installation.seedCrowd(userCount: 200, userSeats: 300, windowsSeats: Self.windowsSeats)
            let server = try await ServerProcess.start(data: installation.directory)
            let client = server.client
            let token = crowd.admin.presented

            // When 4 clients stream assignments (user, then windows, per user) and the server is killed with SIGKILL
            // after 40 acknowledgements (windows is full by then), with requests still in flight
            let log = KillStreamLog<StreamedAssignment, HTTPResult>()
            let users = crowd.userNames
            let stream = try await KillStream.run(
                server, items: users.count, workers: 4, limit: .seconds(90),
                killWhen: { log.acknowledgedCount >= Self.acknowledgementsBeforeKill }
            ) { i in
                for module in ["user", "windows"] {
                    let result = try await client.send(.put, Crowd.assignPath(users[i], module), token: token)
                    let isRefusal = result.status == 409 && result.errorCode == "no-free-seat"
                    log.record(
                        StreamedAssignment(user: users[i], module: module), result,
                        as: result.isSuccess ? .acknowledged : isRefusal ? .refused : .unexpected)
                }
            }
            let acknowledged = Set(log.acknowledged.keys)
            #expect(stream.killed.signal == SIGKILL, "\(stream.killed)")
            #expect(stream.failures.isEmpty, "errors other than a lost connection: \(stream.failures.prefix(3))")
            try #require(
                acknowledged.count >= Self.acknowledgementsBeforeKill,
                "the stream was acknowledged only \(acknowledged.count) times in 90 s before the kill")
            #expect(log.unexpected.isEmpty, "\(log.unexpected.prefix(3))")
            // The users whose request was in flight at the kill: stored or not, never acknowledged.
            let inFlight = Set(stream.lost.map { users[$0] })

            // Then after a restart on the same data every acknowledged assignment is there
            let restarted = try await ServerProcess.start(data: installation.directory)
            let again = restarted.client
            for module in ["user", "windows"] {
                let details = try await again.get("\(StandardTenant.base)/licenses/superoffice/\(module)", token: token)
                let holders = Set(try details.object()["holders"] as? [String] ?? [])
                let expected = Set(acknowledged.filter { $0.module == module }.map(\.user))
                #expect(expected.isSubset(of: holders), "lost: \(expected.subtracting(holders).sorted())")
                // and nothing else but the assignment that was in flight when the server died (committed or not)
                let unacknowledged = holders.subtracting(expected)
                #expect(unacknowledged.isSubset(of: inFlight), "stored, never acknowledged nor in flight: \(unacknowledged)")
                let checks = try await again.get(
                    "\(StandardTenant.base)/users/\(expected.sorted().last ?? "u001")/licenses/superoffice/\(module)",
                    token: token)
                #expect(try checks.decode(CheckDecision.self) == .granted)
            }
            // And no module has more seats in use than it has, windows being exactly full
            let list = try await again.get("\(StandardTenant.base)/licenses", token: token).decode(LicenseListReport.self)
            for owner in list.owners {
                for module in owner.modules where !module.unrestricted && module.type != .site {
                    #expect(module.inUse <= module.total, "\(owner.name).\(module.name): \(module.inUse) of \(module.total)")
                }
            }
            let windows = list.owners.first { $0.name == Fixtures.superOffice }?.modules.first { $0.name == "windows" }
            #expect(windows?.inUse == Self.windowsSeats)
            let verifyOverHTTP = try await again.send(.post, "\(StandardTenant.base)/verify", token: token)
            #expect(try verifyOverHTTP.object()["ok"] as? Bool == true, "\(verifyOverHTTP)")

            // And `licensing verify` passes, and the restarted server stops gracefully on SIGTERM
            let stopped = try await restarted.stop()
            #expect(stopped.exitCode == 0 && !stopped.wasSignalled, "\(stopped)")
            let verify = try await Licensing.run(["verify", "--data", installation.directory.path, "--tenant", StandardTenant.id])
            #expect(verify.exitCode == 0, "\(verify)")
        }
    }
}

/// One assignment of the stream: a user and a module of SUPEROFFICE.
struct StreamedAssignment: Sendable, Hashable {
    var user: String
    var module: String
}
