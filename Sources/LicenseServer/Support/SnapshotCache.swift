import Foundation
import LicenseCore
import LicenseStore
import Logging
import Prometheus

/// Per-tenant snapshots for checks (DESIGN §4): the hot path reads one under a lock and never the database.
///
/// A write of this process hands its change set over as it commits (`ChangeSetListeners`), and the cached snapshot is
/// replaced by the snapshot with the change applied: readers never wait for a write (issue 13). A change that cannot
/// be applied, or a write by another process, marks the tenant stale; the next reader brings it up to date once
/// (concurrent readers share the work): from the change log when the stale snapshot can take the change sets written
/// since its version (another process's writes: the current snapshot answers meanwhile), else by loading the tenant.
/// Change sets of this process's writes that commit while the tenant is stale are kept and applied to the snapshot the
/// update brings (those it already includes are skipped), so writes that keep coming do not keep a tenant reloading;
/// an invalidation while an update runs makes its result stale, so nothing is missed.
public final class SnapshotCache: @unchecked Sendable {
    private struct Entry {
        var snapshot: TenantSnapshot?
        var isStale = true
        var generation = 0
        var loading: Task<TenantSnapshot, any Error>?
        /// Whether readers wait for the next load: a write of this process that its change set could not describe
        /// must be seen by the next check. A change made elsewhere (another process, another node) is loaded in the
        /// background while the current snapshot keeps answering.
        var mustWait = true
        /// Change sets of this process's writes committed while stale, for the load of this generation to apply.
        var pending: [SnapshotChange] = []
        /// Whether the next update must load the whole tenant, not take the change log: asked for by `invalidate`
        /// after rows were found tampered with (the log records what the server wrote, not what was edited since).
        var mustLoad = false
    }

    /// Change sets kept for a load at most; beyond them the tenant is simply loaded again.
    static let pendingLimit = 10_000

    /// How snapshots were brought up to date since the start, by way.
    public struct Updates: Sendable, Equatable {
        /// Whole tenants read from the database.
        public var loads = 0
        /// Updates made of change sets read from the change log (writes of other processes).
        public var fromChangeLog = 0
        /// Change sets of this process's writes applied as they committed.
        public var appliedWrites = 0
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private var counts = Updates()
    private let counters: (load: Prometheus.Counter, changeLog: Prometheus.Counter, write: Prometheus.Counter)
    let store: any LicenseStoring

    public init(store: any LicenseStoring, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.store = store
        func counter(_ way: String) -> Prometheus.Counter {
            registry.makeCounter(descriptor: MetricNames.snapshotUpdates, labels: [("way", way)])
        }
        counters = (counter("load"), counter("change_log"), counter("write"))
        store.changeSets.add { [weak self] tenant, change in self?.apply(change, tenant: tenant) }
    }

    /// How snapshots were brought up to date so far.
    public var updates: Updates { lock.withLock { counts } }

    /// Applies a committed write's change set to the tenant's snapshot, or marks the tenant stale when it cannot be
    /// applied (not cached fresh, another version, or a change only a load can judge). Runs on the writing thread.
    func apply(_ change: SnapshotChange, tenant: String) {
        lock.withLock {
            guard var entry = entries[tenant] else { return }
            if let snapshot = entry.snapshot, !entry.isStale {
                if snapshot.version >= change.version { return }
                if let next = snapshot.applying(change) {
                    entry.snapshot = next
                    entries[tenant] = entry
                    counts.appliedWrites += 1
                    counters.write.increment()
                    return
                }
                markStale(&entry, background: false)
            } else if !change.requiresLoad && entry.pending.count < Self.pendingLimit {
                // Stale: the next update brings the rows up to some version; this change goes on top of it.
                entry.pending.append(change)
                if let snapshot = entry.snapshot, snapshot.version == change.baseVersion,
                    let next = snapshot.applying(change)
                {
                    // Nothing was committed between the snapshot and this write: with it applied, the snapshot is
                    // current as of this write, and readers that need not wait keep answering from it (also while the
                    // database cannot be reached) until the update comes.
                    entry.snapshot = next
                    counts.appliedWrites += 1
                    counters.write.increment()
                } else {
                    // Readers wait for the update: this process's write must be seen by its next check.
                    entry.mustWait = true
                }
            } else {
                markStale(&entry, background: false)
            }
            entries[tenant] = entry
        }
    }

    private func markStale(_ entry: inout Entry, background: Bool) {
        entry.generation += 1
        entry.isStale = true
        entry.loading = nil
        entry.mustWait = entry.mustWait || !background || entry.snapshot == nil
        // A load started from now on includes every change committed so far.
        entry.pending = []
    }

    public func snapshot(_ tenant: String) async throws -> TenantSnapshot {
        enum Lookup {
            case fresh(TenantSnapshot)
            case loading(Task<TenantSnapshot, any Error>)
        }
        let lookup = lock.withLock { () -> Lookup in
            var entry = entries[tenant] ?? Entry()
            if let snapshot = entry.snapshot, !entry.isStale { return .fresh(snapshot) }
            if let loading = entry.loading {
                if !entry.mustWait, let snapshot = entry.snapshot { return .fresh(snapshot) }
                return .loading(loading)
            }
            let generation = entry.generation
            let base = entry.mustLoad ? nil : entry.snapshot
            let task = Task { () throws -> TenantSnapshot in
                do {
                    let snapshot = try await self.update(tenant, from: base)
                    self.install(snapshot, tenant: tenant, generation: generation)
                    return snapshot
                } catch {
                    self.lock.withLock {
                        if self.entries[tenant]?.generation == generation { self.entries[tenant]?.loading = nil }
                    }
                    throw error
                }
            }
            entry.loading = task
            entries[tenant] = entry
            // A change made elsewhere: the current snapshot answers while the tenant loads.
            if !entry.mustWait, let snapshot = entry.snapshot { return .fresh(snapshot) }
            return .loading(task)
        }
        switch lookup {
        case .fresh(let snapshot): return snapshot
        case .loading(let task): return try await task.value
        }
    }

    /// The tenant as stored now: `base` with the change sets written since its version, when the change log has them
    /// all and each applies; else the tenant loaded.
    private func update(_ tenant: String, from base: TenantSnapshot?) async throws -> TenantSnapshot {
        if let base, base.acceptsChanges, let changes = try? await store.changeSets(tenant: tenant, since: base.version) {
            var current: TenantSnapshot? = base
            for change in changes { current = current?.applying(change) }
            if let current {
                lock.withLock { counts.fromChangeLog += 1 }
                counters.changeLog.increment()
                return current
            }
        }
        let snapshot = try await store.loadSnapshot(tenant: tenant)
        lock.withLock { counts.loads += 1 }
        counters.load.increment()
        return snapshot
    }

    private func install(_ snapshot: TenantSnapshot, tenant: String, generation: Int) {
        lock.withLock {
            var entry = entries[tenant] ?? Entry()
            guard entry.generation == generation else {
                // An update whose generation has passed: it only replaces an older snapshot (the current generation's
                // update is still to come).
                if entry.snapshot.map({ $0.version < snapshot.version }) ?? true { entry.snapshot = snapshot }
                entries[tenant] = entry
                return
            }
            // The changes committed while it ran, on top of it (those it includes already skipped).
            var current = snapshot
            var complete = true
            for change in entry.pending where change.version > current.version {
                guard let next = current.applying(change) else {
                    complete = false
                    break
                }
                current = next
            }
            entry.loading = nil
            if complete && current.version >= entry.snapshot?.version ?? 0 {
                entry.snapshot = current
                entry.isStale = false
                entry.mustWait = false
                entry.mustLoad = false
                entry.pending = []
            } else {
                if entry.snapshot.map({ $0.version < current.version }) ?? true { entry.snapshot = current }
                markStale(&entry, background: false)
            }
            entries[tenant] = entry
        }
    }

    /// Marks a tenant stale; with `version`, not when the cached snapshot is at it already.
    /// `background`: a write made elsewhere, so readers keep the current snapshot while the change log (or a load)
    /// brings it up to date. Otherwise the next reader waits for the whole tenant to be loaded (rows were found
    /// tampered with, or a write's outcome is not known).
    public func invalidate(_ tenant: String, unlessAt version: Int64? = nil, background: Bool = false) {
        lock.withLock {
            if let version, let entry = entries[tenant], !entry.isStale, let snapshot = entry.snapshot,
                snapshot.version >= version
            {
                return
            }
            var entry = entries[tenant] ?? Entry()
            markStale(&entry, background: background)
            if !background { entry.mustLoad = true }
            entries[tenant] = entry
        }
    }

    /// Marks stale every cached tenant whose stored version moved (a write by the CLI or another node); readers keep
    /// the current snapshot while it loads.
    public func invalidateChanged(versions: [String: Int64]) {
        for tenant in tenantsBehind(versions: versions) { invalidate(tenant, background: true) }
    }

    /// The cached, fresh tenants whose stored version is newer than their snapshot's (or that are gone).
    public func tenantsBehind(versions: [String: Int64]) -> [String] {
        lock.withLock {
            entries.compactMap { tenant, entry -> String? in
                // Versions only grow: a stored version the snapshot has passed (read before this process's own
                // write was applied) is no change.
                guard let snapshot = entry.snapshot, !entry.isStale else { return nil }
                guard let stored = versions[tenant] else { return tenant }  // the tenant is gone
                return stored > snapshot.version ? tenant : nil
            }
        }
    }

    /// The cached snapshots, fresh or not, for metrics.
    public var cached: [String: TenantSnapshot] {
        lock.withLock { entries.compactMapValues(\.snapshot) }
    }
}

/// API tokens by id, and the `Authorization` headers already verified, cached; both dropped whenever the stored tokens
/// change (the change watcher compares the tokens' fingerprint), so a revoked token is refused within its interval.
final class TokenCache: @unchecked Sendable {
    /// Verified headers kept at most; beyond it the map starts over, so a flood of distinct tokens cannot grow it.
    static let verifiedLimit = 1_024

    private let lock = NSLock()
    private var tokens: [String: APIToken?] = [:]
    /// `Authorization` header text → the token it proved, unrevoked: a hit skips parsing and hashing the secret.
    private var verified: [String: APIToken] = [:]
    /// Bumped by `clear()`: a look-up that began before a clear does not store what it read after it.
    private var generation = 0
    let store: any LicenseStoring

    init(store: any LicenseStoring) {
        self.store = store
    }

    func token(id: String) async throws -> APIToken? {
        let (hit, generation) = lock.withLock { (tokens[id], self.generation) }
        if let hit { return hit }
        let token = try await store.token(id: id)
        lock.withLock {
            guard generation == self.generation else { return }
            if tokens.count > 10_000 { tokens.removeAll() }
            tokens[id] = .some(token)
        }
        return token
    }

    /// The token that `header` (the whole `Authorization` value) proved since the last change of the stored tokens.
    func verifiedToken(header: String) -> APIToken? {
        lock.withLock { verified[header] }
    }

    /// The current generation, to pass to `remember` after verifying a header.
    var currentGeneration: Int { lock.withLock { generation } }

    /// Remembers that `header` proved `token`, unless the tokens changed since `generation` was read.
    func remember(_ token: APIToken, header: String, generation: Int) {
        lock.withLock {
            guard generation == self.generation else { return }
            if verified.count >= Self.verifiedLimit { verified.removeAll() }
            verified[header] = token
        }
    }

    func clear() {
        lock.withLock {
            tokens.removeAll()
            verified.removeAll()
            generation += 1
        }
    }
}
