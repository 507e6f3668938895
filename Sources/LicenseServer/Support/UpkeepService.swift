import Foundation
import LicenseStore
import Logging
import ServiceLifecycle

/// Writes down what time has done, for every tenant (issue 11, Build 6): events past their expected finish are
/// finished and `license-expiring` is raised for owners past their admin-warning date.
///
/// Reads never do this (a `GET` or a page render writes nothing; they show an event past its finish as finished from
/// the clock), so the server does it here: once at start, then every `interval`. A tenant whose upkeep changed
/// something gets a fresh snapshot. A failure is logged and the next round tries again.
struct UpkeepService: Service {
    let store: any LicenseStoring
    let snapshots: SnapshotCache
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await runOnce(now: Date())
            // A graceful shutdown ends the wait at once rather than after up to a whole interval.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One round over every tenant; answers the tenants it changed.
    @discardableResult
    func runOnce(now: Date) async -> [String] {
        let tenants: [String]
        do {
            tenants = try await store.tenantIDs()
        } catch {
            logger.warning("upkeep could not list the tenants", metadata: ["error": "\(error)"])
            return []
        }
        var changed: [String] = []
        for tenant in tenants {
            if Task.isCancelled { break }
            do {
                if try await store.upkeep(tenant: tenant, now: now) {
                    snapshots.invalidate(tenant)
                    changed.append(tenant)
                }
            } catch {
                logger.warning("upkeep failed for a tenant", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
            }
        }
        return changed
    }
}
