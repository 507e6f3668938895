import Foundation
import LicenseCore

/// Scenario a: the hot path, `TenantSnapshot.check` and `loginCheck`, on an in-memory snapshot.
enum CheckBench {
    struct Config {
        var users = 10_000
        var modules = 40
        var modulesPerUser = 20
        var calls = 1_000_000
        var batch = 1_000
    }

    static func run(_ config: Config, fixtures: BenchFixtures, table: inout Table) throws {
        say("\n== a. check on a snapshot of \(Format.count(config.users)) users × \(config.modules) modules")
        var rng = SplitMix64(seed: 42)
        let tenant = fixtures.tenant(id: "bench-memory")

        // A package issued and verified as activation would, then the state a store would load.
        let (owner, verifyTime): (OwnerLicense, Double) = try timed {
            let data = try fixtures.package(
                modules: config.modules, seats: { _ in config.users }, issuedAt: BenchFixtures.firstIssuedAt)
            let verified = try PackageVerifier.verify(data, for: tenant, now: BenchFixtures.now)
            return OwnerLicense(header: verified.header, modules: verified.moduleLicenses)
        }
        let names = BenchFixtures.moduleNames(config.modules)
        var users: [Int64: User] = [:]
        var assignments: [Assignment] = []
        assignments.reserveCapacity(config.users * config.modulesPerUser)
        var seats: [ModuleKey: Int] = [:]
        var pool = Array(0..<config.modules)
        for id in 1...config.users {
            users[Int64(id)] = User(id: Int64(id), userName: BenchFixtures.userName(id), canLogIn: true)
            for m in pool.drawDistinct(config.modulesPerUser, using: &rng) {
                let a = Assignment(
                    owner: BenchFixtures.owner, module: names[m], userID: Int64(id), createdAt: BenchFixtures.firstIssuedAt,
                    createdBy: BenchFixtures.actor)
                assignments.append(a)
                seats[a.key, default: 0] += 1
            }
        }
        let state = TenantLicenseState(
            tenant: tenant, owners: [owner.name: owner], users: users, assignments: assignments, seatsInUse: seats)
        let (snapshot, buildTime) = timed { TenantSnapshot(version: 1, state: state) }
        say(
            "   package of \(config.modules) modules issued + verified in \(Format.duration(verifyTime)); "
                + "\(Format.count(assignments.count)) assignments; snapshot built in \(Format.duration(buildTime))")
        table.add([
            "TenantSnapshot.init (\(Format.count(config.users)) users, \(Format.count(assignments.count)) assignments)",
            "1 run", Format.duration(buildTime), "", "", "", "", "(info)",
        ])

        // Pairs drawn in advance: indices into the user names and module keys.
        let userNames = (1...config.users).map(BenchFixtures.userName)
        let keys = names.map { ModuleKey(owner: BenchFixtures.owner, module: $0) }
        let userIndex = (0..<config.calls).map { _ in Int32.random(in: 0..<Int32(config.users), using: &rng) }
        let moduleIndex = (0..<config.calls).map { _ in Int16.random(in: 0..<Int16(config.modules), using: &rng) }
        let now = BenchFixtures.now

        // Sanity: the snapshot grants what was assigned.
        let probe = assignments[0]
        let probeDecision = snapshot.check(userName: users[probe.userID]!.userName, module: probe.key, now: now)
        if !probeDecision.granted { say("   WARNING: an assigned module is not granted (\(probeDecision.reason.rawValue))") }

        // check(…, now:) with a fixed date, as a server passes the request's time.
        var granted = 0
        let checkFixed = measure(calls: config.calls, batch: config.batch) { i in
            if snapshot.check(userName: userNames[Int(userIndex[i])], module: keys[Int(moduleIndex[i])], now: now).granted {
                granted &+= 1
            }
        }
        let share = Double(granted) / Double(config.calls * 2) * 100  // warm-up and measured pass both counted
        addRow(&table, "check(userName:module:now:) per call", checkFixed, config, goal: "median < 1 µs", goalNs: 1_000)
        say(String(format: "   check: %.1f %% of the random pairs granted", share))

        // check with the default `now: Date()`, i.e. reading the clock on every call.
        let checkClock = measure(calls: config.calls, batch: config.batch) { i in
            if snapshot.check(userName: userNames[Int(userIndex[i])], module: keys[Int(moduleIndex[i])]).granted {
                granted &+= 1
            }
        }
        addRow(&table, "check(userName:module:) now = Date() per call", checkClock, config, goal: "(info)", goalNs: nil)

        // loginCheck, alternating clients.
        var allowed = 0
        let clients = LoginClient.allCases
        let login = measure(calls: config.calls, batch: config.batch) { i in
            if snapshot.loginCheck(userName: userNames[Int(userIndex[i])], client: clients[i & 1], now: now).allowed {
                allowed &+= 1
            }
        }
        addRow(&table, "loginCheck(userName:client:now:) per call", login, config, goal: "(info)", goalNs: nil)
        say(String(format: "   loginCheck: %.1f %% allowed", Double(allowed) / Double(config.calls * 2) * 100))

        // loginCheck's module look-up goes through every module name: the same on a 2,000-module package.
        let wide = try wideSnapshot(fixtures: fixtures, tenant: tenant, users: 1_000, modules: 2_000, perUser: 20, rng: &rng)
        let wideLogin = measure(calls: config.calls / 4, batch: config.batch) { i in
            if wide.loginCheck(userName: userNames[Int(userIndex[i]) % 1_000], client: clients[i & 1], now: now).allowed {
                allowed &+= 1
            }
        }
        var wideConfig = config
        wideConfig.calls /= 4
        addRow(&table, "loginCheck, 2,000-module package, per call", wideLogin, wideConfig, goal: "(info)", goalNs: nil)

        // effectiveModules(of:) — what `user list` calls once per user.
        let sampleCount = min(200, config.users)
        var total = 0
        var effective = Samples()
        for i in 0..<sampleCount {
            let (n, ns) = timed { snapshot.effectiveModules(of: userNames[i], now: now).count }
            total &+= n
            effective.add(ns)
        }
        table.add([
            "effectiveModules(of:now:) per call", "\(sampleCount) calls", Format.duration(effective.median),
            Format.duration(effective.percentile(0.9)), Format.duration(effective.percentile(0.99)), "",
            Format.rate(Double(sampleCount), perNanoseconds: effective.sum, unit: "calls"),
            "≤ 5 µs" + (effective.median <= 5_000 ? "  (met)" : "  (NOT met)")
                + "; user list = users × this: \(Format.duration(effective.median * Double(config.users)))",
        ])
        if total == 0 { say("   WARNING: effectiveModules answered nothing") }

        // The users list (CLI `user list`, the API, the admin users page): every user with its effective modules.
        let lists = (0..<3).map { _ in timed { UserReport.all(in: snapshot, now: now).count } }
        let list = Samples(lists.map(\.1))
        if lists[0].0 != config.users { say("   WARNING: the users list has \(lists[0].0) users") }
        table.add([
            "users list (\(Format.count(config.users)) users, \(Format.count(assignments.count)) assignments)", "3 runs",
            Format.duration(list.median), "", Format.duration(list.max), "", "",
            "< 200 ms" + (list.median < 200e6 ? "  (met)" : "  (NOT met)"),
        ])
    }

    /// Issue 13: one write's change set (a plan: 4 rows for one user) applied to a snapshot of `users` × `perUser`
    /// assignments, each application on the same snapshot; and what building that snapshot costs.
    static func changeSet(users: Int, perUser: Int, fixtures: BenchFixtures, table: inout Table) throws {
        say("\n== change sets on a snapshot of \(Format.count(users * perUser)) assignments")
        var rng = SplitMix64(seed: 7)
        let tenant = fixtures.tenant(id: "bench-changes")
        let modules = perUser + 10
        let data = try fixtures.package(modules: modules, seats: { _ in users + 1 }, issuedAt: BenchFixtures.firstIssuedAt)
        let verified = try PackageVerifier.verify(data, for: tenant, now: BenchFixtures.now)
        let owner = OwnerLicense(header: verified.header, modules: verified.moduleLicenses)
        let names = BenchFixtures.moduleNames(modules)
        var byID: [Int64: User] = [:]
        var assignments: [Assignment] = []
        assignments.reserveCapacity(users * perUser)
        var seats: [ModuleKey: Int] = [:]
        for id in 1...users {
            byID[Int64(id)] = User(id: Int64(id), userName: BenchFixtures.userName(id), canLogIn: true)
            // The first `perUser` modules for everyone; the 10 after them are free for the change sets.
            for m in 0..<perUser {
                let row = Assignment(
                    owner: BenchFixtures.owner, module: names[m], userID: Int64(id), createdAt: BenchFixtures.firstIssuedAt,
                    createdBy: BenchFixtures.actor)
                assignments.append(row)
                seats[row.key, default: 0] += 1
            }
        }
        let state = TenantLicenseState(
            tenant: tenant, owners: [owner.name: owner], users: byID, assignments: assignments, seatsInUse: seats)
        let rssBefore = residentMemory()
        let (snapshot, buildNs) = timed { TenantSnapshot(version: 1, state: state) }
        let rssAfter = residentMemory()
        table.add([
            "TenantSnapshot.init (\(Format.count(users)) users, \(Format.count(assignments.count)) assignments)", "1 run",
            Format.duration(buildNs), "", "", "", Format.rate(Double(assignments.count), perNanoseconds: buildNs, unit: "rows"),
            "(info) resident memory \(rssBefore) before, \(rssAfter) after",
        ])
        // Change sets drawn in advance: 4 new rows for a random user each.
        let changes = (0..<1_000).map { _ -> SnapshotChange in
            let id = Int64.random(in: 1...Int64(users), using: &rng)
            var change = SnapshotChange(baseVersion: 1, version: 2)
            change.addedAssignments = (0..<4).map { k in
                Assignment(
                    owner: BenchFixtures.owner, module: names[perUser + k], userID: id, createdAt: BenchFixtures.now,
                    createdBy: BenchFixtures.actor)
            }
            return change
        }
        var applied = Samples()
        var refused = 0
        for change in changes {
            let (next, ns) = timed { snapshot.applying(change) }
            if next == nil { refused += 1 }
            applied.add(ns)
        }
        if refused > 0 { say("   WARNING: \(refused) change sets were not applied") }
        table.add([
            "applying one change set (4 rows) to it", "\(changes.count) calls", Format.duration(applied.median),
            Format.duration(applied.percentile(0.9)), Format.duration(applied.percentile(0.99)), "", "",
            "≤ 100 µs" + (applied.median <= 100_000 ? "  (met)" : "  (NOT met)"),
        ])
    }

    /// The process's resident memory, from /proc.
    static func residentMemory() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return "?" }
        return String(format: "%.0f MiB", kb / 1_024)
    }

    /// A snapshot of `users` users holding `perUser` of `modules` modules each.
    static func wideSnapshot(
        fixtures: BenchFixtures, tenant: Tenant, users: Int, modules: Int, perUser: Int, rng: inout SplitMix64
    ) throws -> TenantSnapshot {
        let data = try fixtures.package(modules: modules, seats: { _ in users }, issuedAt: BenchFixtures.firstIssuedAt)
        let verified = try PackageVerifier.verify(data, for: tenant, now: BenchFixtures.now)
        let owner = OwnerLicense(header: verified.header, modules: verified.moduleLicenses)
        let names = BenchFixtures.moduleNames(modules)
        var pool = Array(0..<modules)
        var byID: [Int64: User] = [:]
        var assignments: [Assignment] = []
        for id in 1...users {
            byID[Int64(id)] = User(id: Int64(id), userName: BenchFixtures.userName(id), canLogIn: true)
            // `user` and one client for most, so the login path runs to its end.
            var held = Set(pool.drawDistinct(perUser, using: &rng).map { names[$0] })
            if id % 4 != 0 { held.formUnion(["user", id % 2 == 0 ? "web" : "windows"]) }
            for name in held {
                assignments.append(
                    Assignment(
                        owner: BenchFixtures.owner, module: name, userID: Int64(id), createdAt: BenchFixtures.firstIssuedAt,
                        createdBy: BenchFixtures.actor))
            }
        }
        let state = TenantLicenseState(tenant: tenant, owners: [owner.name: owner], users: byID, assignments: assignments)
        return TenantSnapshot(version: 1, state: state)
    }

    /// Times `calls` calls of `body` in batches of `batch`, after one warm-up pass; answers per-call nanoseconds
    /// of each batch, and the total.
    static func measure(calls: Int, batch: Int, _ body: (Int) -> Void) -> (perCall: Samples, totalNs: Double, cpuNs: Double) {
        for i in 0..<calls { body(i) }  // warm-up: caches, page faults, lazy initialisation
        let cpu = processCPUNanoseconds()
        var samples = Samples()
        var total = 0.0
        var start = 0
        while start < calls {
            let end = min(calls, start + batch)
            let t0 = clock.now
            for i in start..<end { body(i) }
            let ns = (clock.now - t0).nanoseconds
            total += ns
            samples.add(ns / Double(end - start))
            start = end
        }
        return (samples, total, processCPUNanoseconds() - cpu)
    }

    static func addRow(
        _ table: inout Table, _ name: String, _ result: (perCall: Samples, totalNs: Double, cpuNs: Double), _ config: Config,
        goal: String,
        goalNs: Double?
    ) {
        let median = result.perCall.median
        var goalText = goal
        if let goalNs { goalText += median < goalNs ? "  (met)" : "  (NOT met)" }
        table.add([
            name, "\(Format.count(config.calls)) in batches of \(Format.count(config.batch))", Format.duration(median),
            Format.duration(result.perCall.percentile(0.9)), Format.duration(result.perCall.percentile(0.99)),
            Format.duration(result.cpuNs / Double(config.calls)),
            Format.rate(Double(config.calls), perNanoseconds: result.totalNs, unit: "calls"), goalText,
        ])
    }
}
