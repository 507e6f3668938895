import Foundation
import LicenseCore
import LicenseServer
import LicenseStore
import LicenseTestSupport
import Testing

/// The snapshot cache on a store of its own, without a server: how it follows this process's writes and others'.
@Suite("Snapshot cache")
struct SnapshotCacheTests {
    static let tenant = Fixtures.tenantID
    static let user = Fixtures.key("user")

    @Test(
        "a write of this process on a snapshot marked stale by a change feed that had nothing new is applied at once, and the update that follows comes from the change log"
    )
    func ownWriteWhileStale() async throws {
        try await TemporaryStore.with(.sqlite) { temporary in
            try await temporary.createTenant()
            try await temporary.activate(Fixtures.sampleSpec(counts: ["user": 2]))
            try await temporary.addUsers(["alice"])
            let store = temporary.store
            let cache = SnapshotCache(store: store)
            let loaded = try await cache.snapshot(Self.tenant)
            #expect(loaded.check(userName: "alice", module: Self.user, now: Fixtures.now) == .denied(.notLicensed))

            // Given the snapshot marked stale by the change feed (a reconnection: nothing was written elsewhere)
            cache.invalidate(Self.tenant, background: true)
            // When this process assigns alice
            _ = try await store.assign(
                tenant: Self.tenant, userName: "alice", module: Self.user, actor: Fixtures.actor, now: Fixtures.now)

            // Then the cached snapshot has the write at once, before any reader asked (no load to wait for: checks
            // keep answering, with this write, also while the database cannot be reached)
            let held = try #require(cache.cached[Self.tenant])
            #expect(held.version == loaded.version + 1)
            #expect(held.check(userName: "alice", module: Self.user, now: Fixtures.now) == .granted)
            #expect(cache.updates.loads == 1 && cache.updates.fromChangeLog == 0 && cache.updates.appliedWrites == 1)

            // And the next reader's update comes from the change log (nothing new), never a second load
            let next = try await cache.snapshot(Self.tenant)
            #expect(next.version == held.version)
            #expect(next.check(userName: "alice", module: Self.user, now: Fixtures.now) == .granted)
            #expect(cache.updates.loads == 1)
        }
    }

    @Test("a write made by another store reaches the cache through the change log; rows found tampered with force a load")
    func otherStoreThenTamper() async throws {
        try await TemporaryStore.with(.sqlite) { temporary in
            try await temporary.createTenant()
            try await temporary.activate(Fixtures.sampleSpec(counts: ["user": 2]))
            try await temporary.addUsers(["alice", "bob"])
            let cache = SnapshotCache(store: temporary.store)
            let loaded = try await cache.snapshot(Self.tenant)

            // Given bob assigned by another process (a second store on the same file), which the version poll noticed
            try await temporary.withSecondStore { other in
                _ = try await other.assign(
                    tenant: Self.tenant, userName: "bob", module: Self.user, actor: Fixtures.actor, now: Fixtures.now)
            }
            cache.invalidateChanged(versions: try await temporary.store.tenantVersions())
            // When a reader asks, the update is read from the change log, not a load
            _ = try await cache.snapshot(Self.tenant)
            var current = try await cache.snapshot(Self.tenant)
            for _ in 0..<100 where current.version == loaded.version {
                try await Task.sleep(for: .milliseconds(10))
                current = try await cache.snapshot(Self.tenant)
            }
            #expect(current.version == loaded.version + 1)
            #expect(current.check(userName: "bob", module: Self.user, now: Fixtures.now) == .granted)
            #expect(cache.updates.loads == 1)
            #expect(cache.updates.fromChangeLog == 1)

            // And an invalidation after tampering was found (the verifier's) loads the whole tenant
            cache.invalidate(Self.tenant)
            _ = try await cache.snapshot(Self.tenant)
            #expect(cache.updates.loads == 2)
            #expect(cache.updates.fromChangeLog == 1)
        }
    }
}
