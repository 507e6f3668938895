import Foundation
import LicenseCore
import LicenseStore
import LicenseTestSupport
import Testing

private let acme = Fixtures.tenantID
private let actor = Fixtures.actor

/// What a test's progress callback saw, and what it did, from the import's task.
private final class Observed: @unchecked Sendable {
    private let lock = NSLock()
    private var _progress: [Int] = []
    private var _errors: [String] = []

    var progress: [Int] { lock.withLock { _progress } }
    var errors: [String] { lock.withLock { _errors } }
    func record(_ done: Int) { lock.withLock { _progress.append(done) } }
    func record(_ error: any Error) { lock.withLock { _errors.append("\(error)") } }
}

private func users(_ prefix: String, _ count: Int) -> [NewUser] {
    (1...count).map { NewUser(userName: "\(prefix)\(String(format: "%03d", $0))", canLogIn: true) }
}

private extension LicenseStoring {
    func importUsers(
        _ users: [NewUser], batchSize: Int, now: Date = Fixtures.now, progress: (@Sendable (Int) async -> Void)? = nil
    ) async throws -> UserImport {
        try await importUsers(
            tenant: acme, users, source: "users.csv", actor: actor, now: { now }, batchSize: batchSize, progress: progress)
    }

    func imports() async throws -> [SystemEvent] {
        try await events(tenant: acme, now: Fixtures.now).filter { $0.key == EventRule.userImport }
    }

    func userNames() async throws -> Set<String> {
        Set(try await loadSnapshot(tenant: acme).users().map(\.userName))
    }
}

@Suite("A user import in the store (SQLite and PostgreSQL): batches, its user-import event, finished or failed")
struct UserImportStoreTests {
    @Test(
        "an import of N users adds them in batches and finishes its user-import event with progress N of N",
        arguments: StoreBackend.allCases)
    func finishes(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            // Given a tenant with one user
            try await temporary.createTenant()
            try await temporary.addUsers(["alice"])
            let store = temporary.store
            let observed = Observed()

            // When 25 users are imported 10 at a time
            let result = try await store.importUsers(users("imp", 25), batchSize: 10) { observed.record($0) }

            // Then all are added, the progress was told after each batch, and the event finished with 25 of 25
            #expect(result.imported == 25)
            #expect(observed.progress == [10, 20, 25])
            #expect(try await store.userNames() == Set(["alice"] + users("imp", 25).map(\.userName)))
            let event = result.event
            #expect(event.key == EventRule.userImport)
            #expect(event.scope == .database)
            #expect(event.status == .finished)
            #expect((event.progressDone, event.progressTotal) == (25, 25))
            #expect(event.message == "Imported 25 users from users.csv")
            #expect(event.activatedBy == actor)
            #expect(event.finishedAt == Fixtures.now)
            #expect(try await store.imports() == [event])

            // And the audit log has the event's start, a user.add entry per batch and the finish, all intact
            let actions = try await store.audit(tenant: acme, before: nil, limit: 5).map(\.action)
            #expect(actions == ["event.finish", "user.add", "user.add", "user.add", "event.add"])
            let batch = try #require(try await store.audit(tenant: acme, before: nil, limit: 2).last)
            #expect(batch.target == "5 users (user-import #\(event.id), 25 of 25)")
            #expect(try await store.verify(tenant: acme).isEmpty)

            // And another import may follow
            #expect(try await store.importUsers(users("more", 3), batchSize: 500).event.status == .finished)
        }
    }

    @Test("an import's event shows its progress to readers while it runs", arguments: StoreBackend.allCases)
    func progressWhileRunning(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store
            let seen = Observed()

            // When each batch's progress callback reads the events as any reader would
            _ = try await store.importUsers(users("imp", 7), batchSize: 3) { _ in
                do {
                    for event in try await store.imports() where event.status == .active {
                        seen.record(event.progressDone ?? -1)
                    }
                } catch {
                    seen.record(error)
                }
            }

            // Then readers saw the event active with the progress of each committed batch
            #expect(seen.errors.isEmpty, "\(seen.errors)")
            #expect(seen.progress == [3, 6, 7])
        }
    }

    @Test("a bad row or a taken user name refuses the import before anything is written", arguments: StoreBackend.allCases)
    func refusesBeforeWriting(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            // Given a tenant with alice
            try await temporary.createTenant()
            try await temporary.addUsers(["alice"])
            let store = temporary.store
            let before = try await store.audit(tenant: acme, before: nil, limit: 200)
            let version = try await store.version(of: acme)

            // When the input has a bad row 3 of 600 (the first batch of 500 would be fine)
            var bad = users("imp", 600)
            bad[2].userName = "x/y"
            let invalid = try await #require(throws: LicenseInputError.self) {
                try await store.importUsers(bad, batchSize: 500)
            }
            #expect(invalid.description == "invalid row 3: invalid userName: must not contain slashes or control characters")

            // And when a user name of the last row is taken already
            let taken = users("imp", 600) + [NewUser(userName: "alice")]
            let duplicate = try await #require(throws: LicenseInputError.self) {
                try await store.importUsers(taken, batchSize: 500)
            }
            #expect(duplicate == .duplicate("user 'alice'"))

            // And when a name is twice in the input, or there is nothing to import
            await #expect(throws: LicenseInputError.invalid(field: "row 601", reason: "user 'imp001' is also on row 1")) {
                try await store.importUsers(users("imp", 600) + users("imp", 1), batchSize: 500)
            }
            await #expect(throws: LicenseInputError.invalid(field: "users", reason: "the import has no users")) {
                try await store.importUsers([], batchSize: 500)
            }

            // Then nothing was written: no event, no user, no audit entry, the same version
            #expect(try await store.imports().isEmpty)
            #expect(try await store.userNames() == ["alice"])
            #expect(try await store.audit(tenant: acme, before: nil, limit: 200) == before)
            #expect(try await store.version(of: acme) == version)
        }
    }

    @Test(
        "a batch that meets a user name added since the import began fails: the batches before it stay, the event is failed with the reason",
        arguments: StoreBackend.allCases)
    func failingBatch(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            // Given a tenant, and an import of 30 users, 10 a time, whose 26th is added by someone else once the first
            // batch is in (after the import checked every name)
            try await temporary.createTenant()
            let store = temporary.store
            let input = users("imp", 30)
            let late = input[25].userName
            let observed = Observed()

            // When it runs
            let failure = try await #require(throws: UserImportFailed.self) {
                try await store.importUsers(input, batchSize: 10, now: Fixtures.days(1)) { done in
                    observed.record(done)
                    guard done == 10 else { return }
                    do {
                        _ = try await store.addUsers(
                            tenant: acme, [NewUser(userName: late)], actor: "someone else", now: Fixtures.days(1))
                    } catch {
                        observed.record(error)
                    }
                }
            }

            // Then the third batch failed on that name: 20 users imported, and they stay
            #expect(observed.errors.isEmpty, "\(observed.errors)")
            #expect(observed.progress == [10, 20])
            #expect((failure.imported, failure.total) == (20, 30))
            #expect(failure.cause as? LicenseInputError == .duplicate("user '\(late)'"))
            let reason = EventRule.userImportFailure(
                imported: 20, total: 30, source: "users.csv", cause: "user '\(late)' already exists")
            #expect(failure.message == reason)
            #expect(try await store.userNames() == Set(input[..<20].map(\.userName) + [late]))

            // And the event is failed, with the reason as its message and the progress where it stopped
            let event = try #require(failure.event)
            #expect(event.status == .failed)
            #expect(event.message == reason)
            #expect(event.message.contains("The 20 users already added stay"))
            #expect((event.progressDone, event.progressTotal) == (20, 30))
            #expect(event.finishedAt == Fixtures.days(1))
            #expect(try await store.imports() == [event])
            #expect(!(try await store.loadSnapshot(tenant: acme).events.contains { $0.isActive(at: Fixtures.days(1)) }))
            #expect(try await store.audit(tenant: acme, before: nil, limit: 1).first?.action == "event.fail")
            #expect(try await store.verify(tenant: acme).isEmpty)

            // And a failed import does not block the next one
            let next = try await store.importUsers(Array(input[20...]).filter { $0.userName != late }, batchSize: 10)
            #expect(next.imported == 9)
            #expect(next.event.status == .finished)
        }
    }

    @Test(
        "finishing an import's event by hand stops the import at its next batch; the event stays as it was finished",
        arguments: StoreBackend.allCases)
    func finishedByHand(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store
            let observed = Observed()

            // When an administrator finishes the event after the first of three batches
            let failure = try await #require(throws: UserImportFailed.self) {
                try await store.importUsers(users("imp", 30), batchSize: 10) { done in
                    do {
                        let running = try #require(try await store.imports().first { $0.status == .active })
                        _ = try await store.finishEvent(tenant: acme, id: running.id, actor: "admin", now: Fixtures.now)
                    } catch {
                        observed.record(error)
                    }
                }
            }

            // Then the import stopped with 10 users in and the refusal as its cause; the event was not re-marked
            #expect(observed.errors.isEmpty, "\(observed.errors)")
            #expect(failure.imported == 10)
            #expect((failure.cause as? LicenseRefusal)?.code == .eventConflict)
            #expect(failure.event == nil)
            #expect(failure.description.hasSuffix("(its user-import event could not be marked failed)"))
            let event = try #require(try await store.imports().first)
            #expect(event.status == .finished)
            #expect((event.progressDone, event.progressTotal) == (10, 30))
            #expect(try await store.userNames().count == 10)
            #expect(try await store.verify(tenant: acme).isEmpty)
        }
    }

    @Test("a second import is refused while one's event is active", arguments: StoreBackend.allCases)
    func oneAtATime(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store
            let observed = Observed()

            _ = try await store.importUsers(users("imp", 20), batchSize: 10) { done in
                guard done == 10 else { return }
                do {
                    _ = try await store.importUsers(users("other", 5), batchSize: 10)
                    observed.record(done)
                } catch let refusal as LicenseRefusal {
                    observed.record(refusal)
                } catch {
                    observed.record(error)
                }
            }

            #expect(observed.progress.isEmpty, "the second import ran")
            #expect(observed.errors.count == 1)
            #expect(observed.errors.first?.contains("an active user-import event") == true, "\(observed.errors)")
            #expect(try await store.userNames().count == 20)
        }
    }
}
