import Foundation
import GRDB
import HTTPTypes
import LicenseCore
import LicenseTestSupport
import Synchronization
import Testing

/// Issue 13: snapshots follow writes by change sets; checks never wait for a write; the background verifier catches
/// what is edited behind the server's back.
@Suite("Change sets on a running server", .serialized)
struct ChangeSetServerTests {
    static let adaWeb = "\(StandardTenant.base)/users/ada/licenses/superoffice/web"
    static let cecilieUser = "\(StandardTenant.base)/users/cecilie/licenses/superoffice/user"

    static func decision(_ client: APIClient, _ path: String, _ token: String) async throws -> CheckDecision {
        let answer = try await client.get(path, token: token)
        guard answer.status == 200 else { throw HarnessError("a check answered \(answer)") }
        return try answer.decode(CheckDecision.self)
    }

    /// Whether a JSON value holds an object whose `key` is `key`, at any depth.
    static func containsEvent(_ value: Any, key: String) -> Bool {
        if let object = value as? [String: Any] {
            if object["key"] as? String == key { return true }
            return object.values.contains { containsEvent($0, key: key) }
        }
        if let array = value as? [Any] { return array.contains { containsEvent($0, key: key) } }
        return false
    }

    @Test(
        "the background verifier: an assignment edited with SQL stops granting within the interval, tamper-detected is raised, other users' checks keep answering"
    )
    func backgroundVerifier() async throws {
        try await TestInstallation.with { installation in
            let tenant = try await installation.seedStandard()
            try await withLiveServer(installation, upkeepInterval: nil, verifyInterval: .milliseconds(500)) { client in
                let token = tenant.checker.presented
                // Given ada's web seat granted from the snapshot, kept current by change sets
                #expect(try await Self.decision(client, Self.adaWeb, token) == .granted)

                // When her row is edited with SQL, its seal left as it was (the server is not told)
                let queue = try DatabaseQueue(path: installation.databasePath)
                try await queue.write { db in
                    try db.execute(
                        sql: """
                            UPDATE assignment SET created_by = 'someone else'
                            WHERE module_name = 'web' AND user_id = (SELECT id FROM user WHERE user_name = 'ada')
                            """)
                    #expect(db.changesCount == 1)
                }
                try queue.close()

                // Then within the interval (and a round's work) the edited row grants nothing, while cecilie's check
                // is answered and granted on every poll
                // (The documented bound is the interval plus one round's work; the limit here leaves room for a
                // machine busy with parallel tests. Without the verifier the row would grant until the next load.)
                let clock = ContinuousClock()
                let start = clock.now
                var denied: CheckDecision?
                while clock.now - start < .seconds(10) {
                    #expect(try await Self.decision(client, Self.cecilieUser, token) == .granted)
                    let answer = try await Self.decision(client, Self.adaWeb, token)
                    if answer != .granted {
                        denied = answer
                        break
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(denied != nil, "ada's edited row still granted web after 10 s")
                let events = try await client.get("\(StandardTenant.base)/events", token: tenant.admin.presented)
                #expect(events.status == 200)
                #expect(Self.containsEvent(try JSONSerialization.jsonObject(with: events.body), key: SystemEvent.tamperDetected))
                #expect(try await Self.decision(client, Self.cecilieUser, token) == .granted)
            }
        }
    }

    @Test(
        "while a write of the tenant waits for the database, its checks are answered from memory; once committed, the next check sees it"
    )
    func checksDoNotWaitForWrites() async throws {
        try await TestInstallation.with(requestTimeout: .seconds(10)) { installation in
            let tenant = try await installation.seedStandard()
            try await withLiveServer(installation, upkeepInterval: nil, verifyInterval: nil) { client in
                let token = tenant.checker.presented
                let bjornUser = "\(StandardTenant.base)/users/bjorn/licenses/superoffice/user"
                #expect(try await Self.decision(client, bjornUser, token) == .denied(.notLicensed))

                // Given another connection holding the database's write lock
                let lock = try SQLiteWriteLock(path: installation.databasePath)
                try lock.hold()

                // When bjorn is assigned `user` (the write waits for the lock)
                let writeDone = Flag()
                let write = Task {
                    defer { writeDone.set() }
                    return try await client.send(
                        .put, "\(StandardTenant.base)/users/bjorn/licenses/superoffice/user", token: tenant.admin.presented)
                }
                try await Task.sleep(for: .milliseconds(300))

                // Then checks of the same tenant are answered at once, from the snapshot as it was
                let clock = ContinuousClock()
                for _ in 0..<20 {
                    let started = clock.now
                    #expect(try await Self.decision(client, Self.adaWeb, token) == .granted)
                    #expect(try await Self.decision(client, bjornUser, token) == .denied(.notLicensed))
                    #expect(clock.now - started < .seconds(2), "a check waited")
                }
                #expect(!writeDone.isSet, "the write was answered before the lock was released")
                try lock.release()
                let written = try await write.value
                #expect(written.status == 200, "\(written)")

                // And the first check after the write's answer sees it
                #expect(try await Self.decision(client, bjornUser, token) == .granted)
            }
        }
    }
}

/// A flag one task sets and another reads.
private final class Flag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
