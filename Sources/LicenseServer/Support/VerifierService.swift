import Foundation
import LicenseStore
import Logging
import ServiceLifecycle

/// Re-reads and verifies every cached tenant against its sealed head, one tenant at a time, every `interval` (issue
/// 13, Build 4).
///
/// Snapshots are kept current by change sets, not reloads, so a row edited with SQL behind the server's back would
/// otherwise keep the state it had: here `verify` finds it, `tamper-detected` is raised (idempotent per problem) and
/// the tenant is loaded again, whose checks against the head make the edit grant nothing. Off the hot path: checks keep
/// being answered from the current snapshot while a tenant is verified, and a round never verifies two tenants at once.
struct VerifierService: Service {
    let store: any LicenseStoring
    let snapshots: SnapshotCache
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await runOnce(now: Date())
        }
    }

    /// One round over the cached tenants; answers those found tampered with.
    @discardableResult
    func runOnce(now: Date) async -> [String] {
        var tampered: [String] = []
        for tenant in snapshots.cached.keys.sorted() {
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            do {
                let problems = try await store.verify(tenant: tenant)
                guard !problems.isEmpty else { continue }
                logger.error(
                    "the background verifier found rows that do not verify",
                    metadata: ["tenant": "\(tenant)", "problems": "\(problems.count)"])
                _ = try await store.recordTamper(tenant: tenant, problems: problems, now: now)
                snapshots.invalidate(tenant)
                tampered.append(tenant)
            } catch {
                logger.warning(
                    "the background verifier could not verify a tenant", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
            }
        }
        return tampered
    }
}
