import Foundation
import LicenseCore
import LicenseStore
import Logging

/// Per-tenant snapshots for checks (DESIGN §4): the hot path reads one under a lock and never the database.
///
/// A write marks its tenant stale; the next reader reloads it once (concurrent readers share the load). A load
/// that raced with a newer write is installed but stays stale, so the write is never missed.
public final class SnapshotCache: @unchecked Sendable {
    private struct Entry {
        var snapshot: TenantSnapshot?
        var isStale = true
        var generation = 0
        var loading: Task<TenantSnapshot, any Error>?
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    let store: any LicenseStoring

    public init(store: any LicenseStoring) {
        self.store = store
    }

    public func snapshot(_ tenant: String) async throws -> TenantSnapshot {
        enum Lookup {
            case fresh(TenantSnapshot)
            case loading(Task<TenantSnapshot, any Error>)
        }
        let lookup = lock.withLock { () -> Lookup in
            var entry = entries[tenant] ?? Entry()
            if let snapshot = entry.snapshot, !entry.isStale { return .fresh(snapshot) }
            if let loading = entry.loading { return .loading(loading) }
            let generation = entry.generation
            let store = self.store
            let task = Task { () throws -> TenantSnapshot in
                do {
                    let snapshot = try await store.loadSnapshot(tenant: tenant)
                    self.install(snapshot, tenant: tenant, generation: generation)
                    return snapshot
                } catch {
                    self.lock.withLock { self.entries[tenant]?.loading = nil }
                    throw error
                }
            }
            entry.loading = task
            entries[tenant] = entry
            return .loading(task)
        }
        switch lookup {
        case .fresh(let snapshot): return snapshot
        case .loading(let task): return try await task.value
        }
    }

    private func install(_ snapshot: TenantSnapshot, tenant: String, generation: Int) {
        lock.withLock {
            var entry = entries[tenant] ?? Entry()
            entry.snapshot = snapshot
            entry.loading = nil
            entry.isStale = entry.generation != generation
            entries[tenant] = entry
        }
    }

    /// Marks a tenant stale after a committed write.
    public func invalidate(_ tenant: String) {
        lock.withLock {
            var entry = entries[tenant] ?? Entry()
            entry.generation += 1
            entry.isStale = true
            entry.loading = nil
            entries[tenant] = entry
        }
    }

    /// Marks stale every cached tenant whose stored version moved (a write by the CLI or another node).
    public func invalidateChanged(versions: [String: Int64]) {
        let changed = lock.withLock {
            entries.compactMap { tenant, entry -> String? in
                guard let snapshot = entry.snapshot, !entry.isStale else { return nil }
                return versions[tenant] != snapshot.version ? tenant : nil
            }
        }
        for tenant in changed { invalidate(tenant) }
    }

    /// The cached snapshots, fresh or not, for metrics.
    public var cached: [String: TenantSnapshot] {
        lock.withLock { entries.compactMapValues(\.snapshot) }
    }
}

/// API tokens by id, cached; dropped whenever the stored tokens change.
final class TokenCache: @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: [String: APIToken?] = [:]
    let store: any LicenseStoring

    init(store: any LicenseStoring) {
        self.store = store
    }

    func token(id: String) async throws -> APIToken? {
        if let hit = lock.withLock({ tokens[id] }) { return hit }
        let token = try await store.token(id: id)
        lock.withLock {
            if tokens.count > 10_000 { tokens.removeAll() }
            tokens[id] = .some(token)
        }
        return token
    }

    func clear() { lock.withLock { tokens.removeAll() } }
}
