import Foundation
import LicenseStore
import Logging
import ServiceLifecycle

/// Writes down what time has done, for every tenant (issue 11, Build 6): events past their expected finish are
/// finished and `license-expiring` is raised for owners past their admin-warning date.
///
/// Reads never do this (a `GET` or a page render writes nothing; they show an event past its finish as finished from
/// the clock), so the server does it here: once at start, then every `interval`. What it writes reaches the snapshots
/// as its change sets. A failure is logged and the next round tries again.
struct UpkeepService: Service {
    let store: any LicenseStoring
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
                // What it writes reaches the snapshots as change sets, as every write of this process does.
                if try await store.upkeep(tenant: tenant, now: now) { changed.append(tenant) }
            } catch {
                logger.warning("upkeep failed for a tenant", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
            }
        }
        return changed
    }
}
