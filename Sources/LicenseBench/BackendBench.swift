import Foundation
import LicenseCore
import LicenseStore
import LicenseStoreEngine
import LicenseStorePostgres
import LicenseStoreSQLite

/// Issue 6, acceptance 6: the assignment write rate and the check on SQLite and on PostgreSQL, side by side.
///
/// Each backend gets the same tenant (a 20-module package with seats to spare), the same users, and the same
/// assignments made by `writers` concurrent tasks through the store API (one transaction each, the way the server
/// makes them). Checks are answered from the in-memory snapshot, so they cost the same on both; the snapshot load
/// that feeds them is timed too.
enum BackendBench {
    struct Config {
        var users = 2_000
        var writes = 4_000
        var writers = 8
        var checks = 1_000_000
    }

    /// The table rows, per backend: assign, loadSnapshot, check.
    static func run(_ config: Config, postgresURL: String?, fixtures: BenchFixtures) async throws -> [[String]] {
        say("\n== Backends: \(Format.count(config.writes)) assignments by \(config.writers) concurrent writers, then checks")
        var backends: [(String, any LicenseStoring, () async -> Void)] = []
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("licensing-bench-backends-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sealer = try Sealer(secret: Sealer.makeSecret())
        backends.append(
            (
                "SQLite", try SQLiteLicenseStore(path: directory.appendingPathComponent("licensing.sqlite").path, sealer: sealer),
                {}
            ))
        if let postgresURL {
            let postgres = try await PostgresLicenseStore.connect(
                url: postgresURL, sealer: sealer, requestTimeout: .seconds(60), maximumConnections: config.writers + 2)
            backends.append(("PostgreSQL", postgres, { await postgres.close() }))
        } else {
            say("   PostgreSQL skipped: set LICENSING_BENCH_POSTGRES_URL (scripts/bench-backends starts one)")
        }
        var rows: [[String]] = []
        for (name, store, close) in backends {
            do {
                rows += try await measure(name, store: store, config: config, fixtures: fixtures)
                await close()
            } catch {
                await close()
                throw error
            }
        }
        return rows
    }

    private static func measure(
        _ name: String, store: any LicenseStoring, config: Config, fixtures: BenchFixtures
    ) async throws -> [[String]] {
        var table: [[String]] = []
        let tenant = "bench-backends"
        try await store.createTenant(fixtures.tenant(id: tenant), actor: BenchFixtures.actor)
        let package = try fixtures.package(modules: 20, seats: { _ in 1_000_000 }, issuedAt: BenchFixtures.firstIssuedAt)
        _ = try await store.activate(tenant: tenant, package: package, actor: BenchFixtures.actor, now: BenchFixtures.now)
        let names = (1...config.users).map(BenchFixtures.userName)
        for start in stride(from: 0, to: names.count, by: 1_000) {
            _ = try await store.addUsers(
                tenant: tenant,
                names[start..<min(start + 1_000, names.count)].map { NewUser(userName: $0, canLogIn: true) },
                actor: BenchFixtures.actor, now: BenchFixtures.now)
        }
        // Distinct (user, module) pairs: user i gets modules user, web, windows, m004, … in turn.
        let modules = BenchFixtures.moduleNames(20)
        let pairs = (0..<config.writes).map { i in
            (names[i % names.count], ModuleKey(owner: BenchFixtures.owner, module: modules[(i / names.count) % modules.count]))
        }
        let start = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for writer in 0..<config.writers {
                group.addTask {
                    var samples: [Double] = []
                    for index in stride(from: writer, to: pairs.count, by: config.writers) {
                        let (user, module) = pairs[index]
                        let t0 = clock.now
                        _ = try await store.assign(
                            tenant: tenant, userName: user, module: module, actor: BenchFixtures.actor, now: BenchFixtures.now)
                        samples.append((clock.now - t0).nanoseconds)
                    }
                    return samples
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }
        }
        let wall = (clock.now - start).nanoseconds
        let samples = Samples(latencies)
        table.append([
            "\(name): assign, \(config.writers) concurrent writers", "\(Format.count(config.writes)) calls",
            Format.duration(samples.median), Format.duration(samples.percentile(0.9)),
            Format.duration(samples.percentile(0.99)), "-",
            Format.rate(Double(config.writes), perNanoseconds: wall, unit: "writes"),
            "(side by side)",
        ])

        let load = try await measured { try await store.loadSnapshot(tenant: tenant) }
        let snapshot = load.result
        table.append([
            "\(name): loadSnapshot, \(Format.count(config.writes)) assignments", "1 run", Format.duration(load.wallNs), "-",
            "-", Format.duration(load.cpuNs), Format.rate(Double(config.writes), perNanoseconds: load.wallNs, unit: "rows"),
            "(side by side)",
        ])

        var granted = 0
        let checks = measured {
            for i in 0..<config.checks {
                let (user, module) = pairs[i % pairs.count]
                if snapshot.check(userName: user, module: module, now: BenchFixtures.now).granted { granted += 1 }
            }
        }
        if granted != config.checks { say("   WARNING: \(config.checks - granted) checks of \(name) were not granted") }
        table.append([
            "\(name): check from the snapshot", "\(Format.count(config.checks)) calls",
            Format.duration(checks.wallNs / Double(config.checks)), "-", "-",
            Format.duration(checks.cpuNs / Double(config.checks)),
            Format.rate(Double(config.checks), perNanoseconds: checks.wallNs, unit: "checks"), "(side by side)",
        ])
        let problems = try await store.verify(tenant: tenant)
        if !problems.isEmpty { say("   WARNING: verify on \(name) found \(problems.count) problems") }
        return table
    }
}
