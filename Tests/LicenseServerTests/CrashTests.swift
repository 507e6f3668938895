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
            let log = AcknowledgementLog()
            let next = Counter()
            let users = crowd.userNames
            let streamDeadline = ContinuousClock.now + .seconds(90)
            let killed = try await withThrowingTaskGroup(of: ProcessResult?.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        while ContinuousClock.now < streamDeadline, let i = next.take(below: users.count) {
                            for module in ["user", "windows"] {
                                guard let result = try? await client.send(.put, Crowd.assignPath(users[i], module), token: token)
                                else { return nil }  // the server is gone
                                log.record(users[i], module, result)
                            }
                        }
                        return nil
                    }
                }
                group.addTask {
                    while log.acknowledged.count < Self.acknowledgementsBeforeKill && ContinuousClock.now < streamDeadline {
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    return await server.kill9()
                }
                var killed: ProcessResult?
                for try await result in group { killed = killed ?? result }
                return killed
            }
            let acknowledged = log.acknowledged
            #expect(killed?.wasSignalled == true && killed?.exitCode == SIGKILL, "\(String(describing: killed))")
            try #require(
                acknowledged.count >= Self.acknowledgementsBeforeKill,
                "the stream was acknowledged only \(acknowledged.count) times in 90 s before the kill")
            #expect(log.unexpected.isEmpty, "\(log.unexpected.prefix(3))")

            // Then after a restart on the same data every acknowledged assignment is there
            let restarted = try await ServerProcess.start(data: installation.directory)
            let again = restarted.client
            for module in ["user", "windows"] {
                let details = try await again.get("\(StandardTenant.base)/licenses/superoffice/\(module)", token: token)
                let holders = Set(try details.object()["holders"] as? [String] ?? [])
                let expected = Set(acknowledged.filter { $0.module == module }.map(\.user))
                #expect(expected.isSubset(of: holders), "lost: \(expected.subtracting(holders).sorted())")
                let checks = try await again.get(
                    "\(StandardTenant.base)/users/\(expected.sorted().last ?? "u001")/licenses/superoffice/\(module)", token: token)
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
            let stopped = await restarted.stop()
            #expect(stopped.exitCode == 0 && !stopped.wasSignalled, "\(stopped)")
            let verify = try await Licensing.run(["verify", "--data", installation.directory.path, "--tenant", StandardTenant.id])
            #expect(verify.exitCode == 0, "\(verify)")
        }
    }
}

/// The assignments the server acknowledged with a 2xx, and answers that were neither 2xx nor a refusal.
final class AcknowledgementLog: @unchecked Sendable {
    struct Entry: Sendable, Hashable {
        var user: String
        var module: String
    }

    private let lock = NSLock()
    private var entries: [Entry] = []
    private var others: [HTTPResult] = []

    func record(_ user: String, _ module: String, _ result: HTTPResult) {
        lock.withLock {
            if result.isSuccess {
                entries.append(Entry(user: user, module: module))
            } else if result.status != 409 {
                others.append(result)
            }
        }
    }

    var acknowledged: [Entry] { lock.withLock { entries } }
    var unexpected: [HTTPResult] { lock.withLock { others } }
}
