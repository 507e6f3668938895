import Foundation
import LicenseStore
import Logging
import ServiceLifecycle

/// Notices writes made outside this process (the CLI on the same data directory, another node) and marks those
/// tenants' snapshots stale.
///
/// With a backend that pushes changes (PostgreSQL's LISTEN/NOTIFY) a notification invalidates the tenant at once, and
/// the feed reports `.all` after a reconnection, when notifications may have been missed; polling each tenant's
/// version continues as a safety net. SQLite has no push, so there the poll every `interval` is the mechanism.
struct ChangeWatcher: Service {
    let store: any LicenseStoring
    let snapshots: SnapshotCache
    let tokens: TokenCache
    let interval: Duration
    let logger: Logger

    /// The poll interval beside a change feed.
    static let safetyNetInterval: Duration = .seconds(2)

    func run() async throws {
        guard let feed = store.changeFeed else { return await poll(every: interval) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.follow(feed) }
            group.addTask { await self.poll(every: max(self.interval, Self.safetyNetInterval)) }
            await group.next()
            group.cancelAll()
        }
    }

    private func follow(_ feed: AsyncStream<StoreChange>) async {
        for await change in feed {
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            switch change {
            case .tenant(let tenant, let version):
                // This process's own writes are already applied (their change sets): only a newer version reloads.
                snapshots.invalidate(tenant, unlessAt: version, background: true)
            case .tokens:
                tokens.clear()
            case .all:
                tokens.clear()
                for tenant in snapshots.cached.keys { snapshots.invalidate(tenant, background: true) }
            }
        }
    }

    private func poll(every interval: Duration) async {
        var fingerprint = ""
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let versions = try await store.tenantVersions()
                if !snapshots.tenantsBehind(versions: versions).isEmpty {
                    // A write of this process may have committed after the versions were read and before its change
                    // set was applied: look again a moment later, so only other processes' writes reload.
                    try? await Task.sleep(for: .milliseconds(20))
                    snapshots.invalidateChanged(versions: versions)
                }
                let current = try await store.tokensFingerprint()
                if current != fingerprint {
                    if !fingerprint.isEmpty { tokens.clear() }
                    fingerprint = current
                }
            } catch {
                logger.warning("change watcher could not read the store", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
