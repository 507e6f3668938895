import Foundation
import LicenseStore
import Logging
import ServiceLifecycle

/// Notices writes made outside this process (the CLI on the same data directory, another node) by polling each
/// tenant's version, and marks those tenants' snapshots stale.
struct ChangeWatcher: Service {
    let store: any LicenseStoring
    let snapshots: SnapshotCache
    let tokens: TokenCache
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var fingerprint = ""
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                snapshots.invalidateChanged(versions: try await store.tenantVersions())
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
