import Foundation
import LicenseCore
import LicenseStore
import LicenseStoreEngine
import LicenseStorePostgres
import LicenseStoreSQLite

// licensing-bench: prints figures for DESIGN §12/§13 and issue 2, acceptance item 9. It never asserts them.
//
//   licensing-bench                  full run (10k×40 snapshot, 1 M checks, 100 k and 1 M assignments)
//   licensing-bench --quick          a smaller run (about a tenth), for a quick look
//   licensing-bench --only check,activate,verify,snapshot,verify-1m   just those scenarios
//                                    (verify and verify-1m include the per-row parts of a seal check)
//   licensing-bench --runs N         timed repetitions of each store scenario (default 5, quick 3)
//   licensing-bench raw-insert --database FILE [--events N] [--schema usage_event]
//                                    the raw GRDB insert scripts/bench-ingest compares HTTP ingestion with
//   licensing-bench --only backends  assignment writes and checks on SQLite and, with LICENSING_BENCH_POSTGRES_URL,
//                                    on PostgreSQL side by side (scripts/bench-backends starts a PostgreSQL)

struct Options {
    var quick = false
    var only: Set<String> = []
    var runs: Int?

    static let scenarios: Set<String> = ["check", "activate", "verify", "snapshot", "verify-1m", "backends", "change-set"]

    func wants(_ scenario: String) -> Bool { only.isEmpty || only.contains(scenario) }

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var rest = arguments[...]
        func fail(_ message: String) -> Never {
            FileHandle.standardError.write(Data("licensing-bench: \(message)\n\(usage)\n".utf8))
            exit(64)
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--quick": options.quick = true
            case "--only":
                guard let value = rest.popFirst() else { fail("--only needs a list of scenarios") }
                let names = Set(value.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
                let unknown = names.subtracting(scenarios)
                guard unknown.isEmpty else { fail("unknown scenario(s): \(unknown.sorted().joined(separator: ", "))") }
                options.only.formUnion(names)
            case "--runs":
                guard let value = rest.popFirst(), let n = Int(value), (1...100).contains(n) else {
                    fail("--runs needs a number from 1 to 100")
                }
                options.runs = n
            case "-h", "--help":
                print(usage)
                exit(0)
            default: fail("unknown option '\(argument)'")
            }
        }
        return options
    }

    static let usage = """
        usage: licensing-bench [--quick] [--only SCENARIOS] [--runs N]
          --quick          smaller sizes (about a tenth) for a quick look
          --only LIST      comma-separated: \(scenarios.sorted().joined(separator: ","))
          --runs N         timed repetitions of each store scenario (default 5; 3 with --quick)
        """
}

if CommandLine.arguments.dropFirst().first == "raw-insert" {
    do {
        try RawInsert.run(Array(CommandLine.arguments.dropFirst(2)))
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("licensing-bench: \(error)\n".utf8))
        exit(64)
    }
}

for (command, run) in [
    ("onboarding-seed", Onboarding.seed), ("onboarding-drive", Onboarding.drive),
] as [(String, @Sendable ([String]) async throws -> Void)] where CommandLine.arguments.dropFirst().first == command {
    do {
        try await run(Array(CommandLine.arguments.dropFirst(2)))
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("licensing-bench: \(error)\n".utf8))
        exit(1)
    }
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))

// MARK: - Machine facts

#if DEBUG
let configuration = "debug (figures are not representative; use scripts/bench)"
#else
let configuration = "release"
#endif

func machineFacts() -> [(String, String)] {
    let info = ProcessInfo.processInfo
    var facts: [(String, String)] = []
    facts.append(("build configuration", configuration))
    facts.append(("processors (nproc)", "\(info.activeProcessorCount) active of \(info.processorCount)"))
    if let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let line = cpu.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
        let name = line.split(separator: ":", maxSplits: 1).last
    {
        facts.append(("cpu", name.trimmingCharacters(in: .whitespaces)))
    }
    facts.append(("memory", String(format: "%.1f GiB", Double(info.physicalMemory) / 1_073_741_824)))
    facts.append(("os", info.operatingSystemVersionString))
    if let load = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) {
        facts.append(("load average (1/5/15 min)", load.split(separator: " ").prefix(3).joined(separator: " ")))
    }
    facts.append(("temporary directory", FileManager.default.temporaryDirectory.path))
    facts.append(("started", Date().formatted(.iso8601)))
    facts.append(("mode", options.quick ? "quick (reduced sizes)" : "full"))
    return facts
}

say("licensing-bench — figures only, nothing is asserted")
let facts = machineFacts()
let factWidth = facts.map(\.0.count).max() ?? 0
for (name, value) in facts { say("  \(name.padding(toLength: factWidth, withPad: " ", startingAt: 0))  \(value)") }

// MARK: - Sizes

let quick = options.quick
let runs = options.runs ?? (quick ? 3 : 5)
var checkConfig = CheckBench.Config()
if quick { checkConfig.calls = 200_000 }
let smallUsers = quick ? 1_000 : 10_000  // × 10 modules each: the "100 k" tenant
let largeUsers = quick ? 5_000 : 50_000  // × 20 modules each: the "1 M" tenant
let packageModules = 200

var table = Table(["scenario", "n", "median", "p90", "p99", "cpu", "throughput", "goal"])
let fixtures = try BenchFixtures()
let overall = clock.now

// MARK: - a. Checks

if options.wants("check") {
    try CheckBench.run(checkConfig, fixtures: fixtures, table: &table)
}

if options.wants("change-set") {
    try CheckBench.changeSet(users: largeUsers, perUser: 20, fixtures: fixtures, table: &table)
}

// MARK: - b, c, d. The store, with smallUsers × 10 assignments

/// One row for a store scenario: wall-time percentiles of the runs, median CPU time, rows per second of the median.
func storeRow(
    _ name: String, _ runs: [Run<some Any>], rows: Int?, unit: String = "rows", goal: String, goalNs: Double?
) -> [String] {
    let wall = Samples(runs.map(\.wallNs))
    let cpu = Samples(runs.map(\.cpuNs))
    var goalText = goal
    if let goalNs { goalText += wall.median < goalNs ? "  (met)" : "  (NOT met)" }
    return [
        name, wall.count == 1 ? "1 run" : "\(wall.count) runs", Format.duration(wall.median),
        Format.duration(wall.percentile(0.9)), Format.duration(wall.percentile(0.99)), Format.duration(cpu.median),
        rows.map { Format.rate(Double($0), perNanoseconds: wall.median, unit: unit) } ?? "-", goalText,
    ]
}

func warnIfProblems(_ problems: [IntegrityProblem]) {
    if !problems.isEmpty { say("   WARNING: verify found \(problems.count) problems, first: \(problems[0])") }
}

if options.wants("activate") || options.wants("verify") || options.wants("snapshot") {
    let label = quick ? "10k" : "100k"
    say("\n== b–d. SQLite store: \(Format.count(smallUsers)) users × 10 of \(packageModules) modules")
    let bench = try await StoreBench(label: label, fixtures: fixtures, modules: packageModules)
    defer { bench.remove() }
    let (usersNs, assignmentsNs) = try await bench.populate(users: smallUsers, perUser: 10, seed: 7)
    say(
        "   populated: \(Format.count(smallUsers)) users via addUsers in \(Format.duration(usersNs)); "
            + "\(Format.count(bench.assignmentCount)) sealed assignments via SQL in \(Format.duration(assignmentsNs))")

    if options.wants("activate") {
        // The store's assign, as one decision on this tenant costs (informational).
        let assigns = quick ? 50 : 200
        var rng = SplitMix64(seed: 11)
        let names = BenchFixtures.moduleNames(packageModules)
        var assignRuns: [Run<[Assignment]>] = []
        for _ in 0..<assigns {
            let user = BenchFixtures.userName(Int.random(in: 1...smallUsers, using: &rng))
            let module = ModuleKey(owner: BenchFixtures.owner, module: names[Int.random(in: 0..<packageModules, using: &rng)])
            assignRuns.append(
                try await measured {
                    try await bench.store.assign(
                        tenant: bench.tenantID, userName: user, module: module, actor: BenchFixtures.actor, now: BenchFixtures.now
                    )
                })
        }
        bench.recordAssigned(assignRuns.reduce(0) { $0 + $1.result.count })
        table.add(
            storeRow(
                "assign (store API) on the \(label) tenant, per call", assignRuns, rows: 1, unit: "calls", goal: "(info)",
                goalNs: nil))

        say("   activating \(runs) newer \(packageModules)-module packages (counts ≥ in use)…")
        var activations: [Run<ActivationPreview>] = []
        for run in 0..<runs {
            let package = try bench.nextPackage(headroom: run % 2 == 0 ? 0 : 100)
            let activation = try await bench.activate(package)
            if !activation.result.canBeActivated { say("   WARNING: activation refused: \(activation.result.reason ?? "?")") }
            activations.append(activation)
        }
        table.add(
            storeRow(
                "activate \(packageModules)-module package, \(Format.count(bench.assignmentCount)) assignments", activations,
                rows: nil, goal: "< 2 s", goalNs: 2e9))
    }

    if options.wants("snapshot") {
        var loads: [Run<TenantSnapshot>] = []
        for _ in 0..<runs { loads.append(try await bench.loadSnapshot()) }
        let users = loads.last?.result.users().count ?? 0
        if users != smallUsers { say("   WARNING: the snapshot holds \(users) users, expected \(smallUsers)") }
        table.add(
            storeRow(
                "loadSnapshot, \(Format.count(bench.assignmentCount)) assignments", loads, rows: bench.assignmentCount,
                goal: "(info)", goalNs: nil))
        if let state = loads.last?.result.licenseState() {
            // The part of loadSnapshot that is TenantSnapshot.init over the loaded rows (no database).
            let builds = (0..<runs).map { _ in measured { TenantSnapshot(version: 0, state: state) } }
            table.add(
                storeRow(
                    "  of which TenantSnapshot.init (in memory)", builds, rows: bench.assignmentCount, goal: "(info)",
                    goalNs: nil))
        }
    }

    if options.wants("verify") {
        var verifies: [Run<[IntegrityProblem]>] = []
        for _ in 0..<runs {
            let run = try await bench.verify()
            warnIfProblems(run.result)
            verifies.append(run)
        }
        table.add(
            storeRow(
                "verify, \(Format.count(bench.assignmentCount)) assignments", verifies, rows: bench.assignmentCount,
                goal: "(info)", goalNs: nil))
    }
}

// MARK: - Backends side by side (issue 6)

if options.wants("backends") {
    var config = BackendBench.Config()
    if quick {
        config.users = 500
        config.writes = 1_000
        config.checks = 200_000
    }
    let url = ProcessInfo.processInfo.environment["LICENSING_BENCH_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    for row in try await BackendBench.run(config, postgresURL: url, fixtures: fixtures) { table.add(row) }
}

// MARK: - c. verify of largeUsers × 20 assignments

if options.wants("verify") || options.wants("verify-1m") {
    try SealBench.run(rows: quick ? 50_000 : 200_000, batch: 1_000, table: &table)
}

if options.wants("verify") || options.wants("verify-1m") {
    let label = quick ? "100k" : "1m"
    say("\n== c. SQLite store: \(Format.count(largeUsers)) users × 20 of \(packageModules) modules")
    let bench = try await StoreBench(label: label, fixtures: fixtures, modules: packageModules)
    defer { bench.remove() }
    let (usersNs, assignmentsNs) = try await bench.populate(users: largeUsers, perUser: 20, seed: 13)
    say(
        "   populated: \(Format.count(largeUsers)) users via addUsers in \(Format.duration(usersNs)); "
            + "\(Format.count(bench.assignmentCount)) sealed assignments via SQL in \(Format.duration(assignmentsNs))")
    var verifies: [Run<[IntegrityProblem]>] = []
    for _ in 0..<max(1, min(runs, 3)) {
        let run = try await bench.verify()
        warnIfProblems(run.result)
        verifies.append(run)
    }
    table.add(
        storeRow(
            "verify, \(Format.count(bench.assignmentCount)) assignments", verifies, rows: bench.assignmentCount,
            goal: quick ? "(1 M: < 5 s)" : "< 5 s", goalNs: quick ? nil : 5e9))
    let load = try await bench.loadSnapshot()
    table.add(
        storeRow(
            "loadSnapshot, \(Format.count(bench.assignmentCount)) assignments", [load], rows: bench.assignmentCount,
            goal: "(info)", goalNs: nil))
    let build = measured { TenantSnapshot(version: 0, state: load.result.licenseState()) }
    table.add(
        storeRow(
            "  of which TenantSnapshot.init (in memory)", [build], rows: bench.assignmentCount, goal: "(info)", goalNs: nil))
}

say(
    """

    == results
       checks: per call, from batches of calls timed together; cpu = process CPU time per call over the whole pass
       store: per run (wall clock); cpu = median process CPU time of a run; throughput = rows per second of the median

    """)
say(table.render())
say("\ntotal wall time \(Format.duration((clock.now - overall).nanoseconds))")
