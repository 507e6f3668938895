import Foundation
import GRDB
import LicenseCore
import LicenseStore
import LicenseStoreEngine
import LicenseStorePostgres
import LicenseStoreSQLite

/// Scenarios b–d: activation, verify and loadSnapshot on a SQLite store in a temporary directory.
final class StoreBench {
    let directory: URL
    let store: SQLiteLicenseStore
    let sealer: Sealer
    let fixtures: BenchFixtures
    let tenantID: String
    let modules: Int
    private(set) var issuedAt = BenchFixtures.firstIssuedAt
    private(set) var assignmentCount = 0
    private(set) var seatsInUse: [String: Int] = [:]

    /// Opens a store in a new temporary directory, with an installation key given the way
    /// `LICENSING_INSTALLATION_KEY` gives it, creates the tenant and activates a first package of `modules` modules.
    init(label: String, fixtures: BenchFixtures, modules: Int) async throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("licensing-bench-\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let hex = Sealer.makeSecret().map { String(format: "%02x", $0) }.joined()
        sealer = try InstallationKey.load(
            dataDirectory: directory, environment: [InstallationKey.environmentVariable: hex])
        store = try SQLiteLicenseStore(path: directory.appendingPathComponent("licensing.sqlite").path, sealer: sealer)
        self.fixtures = fixtures
        self.modules = modules
        tenantID = "bench-\(label)"
        try await store.createTenant(fixtures.tenant(id: tenantID), actor: BenchFixtures.actor)
        let first = try fixtures.package(modules: modules, seats: { _ in 10_000_000 }, issuedAt: issuedAt)
        let preview = try await store.activate(
            tenant: tenantID, package: first, actor: BenchFixtures.actor, now: BenchFixtures.now)
        guard preview.canBeActivated else { throw BenchError("the first package was refused: \(preview.reason ?? "?")") }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Adds `users` users through the store's API (in chunks) and `perUser` distinct random modules each by direct
    /// SQL inserts carrying valid seals. Answers the two populate times.
    func populate(users: Int, perUser: Int, seed: UInt64) async throws -> (usersNs: Double, assignmentsNs: Double) {
        let chunk = 5_000
        let (_, usersNs) = try await timed {
            var start = 1
            while start <= users {
                let end = min(users, start + chunk - 1)
                _ = try await store.addUsers(
                    tenant: tenantID, (start...end).map { NewUser(userName: BenchFixtures.userName($0), canLogIn: true) },
                    actor: BenchFixtures.actor, now: BenchFixtures.now)
                start = end + 1
            }
        }
        // User ids as the store gave them.
        let queue = try DatabaseQueue(path: store.path)
        let tenant = tenantID
        let ids = try await queue.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM user WHERE tenant_id = ? ORDER BY id", arguments: [tenant])
        }
        let names = BenchFixtures.moduleNames(modules)
        let sealer = self.sealer
        let createdAt = BenchFixtures.now.wholeSeconds
        var rng = SplitMix64(seed: seed)
        var pool = Array(0..<modules)
        var counts: [String: Int] = [:]
        let (inserted, assignmentsNs) = try timed {
            try queue.write { db -> Int in
                let statement = try db.makeStatement(
                    sql: """
                        INSERT INTO assignment (tenant_id, owner_name, module_name, user_id, via_plan, count, comment,
                            created_at, created_by, seal)
                        VALUES (?, ?, ?, ?, '', 1, NULL, ?, ?, ?)
                        """)
                var n = 0
                for id in ids {
                    for m in pool.drawDistinct(perUser, using: &rng) {
                        let a = Assignment(
                            owner: BenchFixtures.owner, module: names[m], userID: id, createdAt: createdAt,
                            createdBy: BenchFixtures.actor)
                        let seal = sealer.seal(a.sealBytes(tenant: tenant))
                        try statement.execute(arguments: [
                            tenant, a.owner, a.module, id, Int64(createdAt.timeIntervalSince1970), a.createdBy, seal,
                        ])
                        counts[a.module, default: 0] += 1
                        n += 1
                    }
                }
                return n
            }
        }
        try queue.close()
        assignmentCount += inserted
        for (k, v) in counts { seatsInUse[k, default: 0] += v }
        // Rows put in with SQL are beyond the sealed head's commitment: accept them, as an operator would (untimed), so
        // what is measured next is an intact tenant's.
        _ = try await store.repairAcceptingCurrent(tenant: tenantID, actor: BenchFixtures.actor, now: BenchFixtures.now)
        return (usersNs, assignmentsNs)
    }

    /// Counts seats taken through the store's own `assign`, so later packages keep counts ≥ in use.
    func recordAssigned(_ rows: Int) {
        guard rows > 0 else { return }
        seatsInUse = [:]
        let counts =
            (try? DatabaseQueue(path: store.path).read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT module_name, COUNT(DISTINCT user_id) FROM assignment WHERE tenant_id = ? GROUP BY module_name",
                    arguments: [tenantID])
            }) ?? []
        for row in counts { seatsInUse[row[0]] = row[1] }
        assignmentCount += rows
    }

    /// Issues the next package (newer `issuedAt`), counts at what is in use plus `headroom`: not yet timed.
    func nextPackage(headroom: Int) throws -> Data {
        issuedAt = issuedAt.addingTimeInterval(86_400)
        return try fixtures.package(modules: modules, seats: { self.seatsInUse[$0, default: 0] + headroom }, issuedAt: issuedAt)
    }

    func activate(_ package: Data) async throws -> Run<ActivationPreview> {
        try await measured {
            try await store.activate(tenant: tenantID, package: package, actor: BenchFixtures.actor, now: BenchFixtures.now)
        }
    }

    func verify() async throws -> Run<[IntegrityProblem]> {
        try await measured { try await store.verify(tenant: tenantID) }
    }

    func loadSnapshot() async throws -> Run<TenantSnapshot> {
        try await measured { try await store.loadSnapshot(tenant: tenantID) }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
