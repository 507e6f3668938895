import Foundation
import Hummingbird
import LicenseCore
import LicenseTestSupport
import Testing

/// Issue 6, acceptance 2–5: several `licensing serve` processes on one PostgreSQL database. Every process is the real
/// binary; the data is written through the real CLI with `--database`. Serialized so the heavy cases do not run at
/// the same time on a small machine.
@Suite("Several nodes on one PostgreSQL", .serialized)
struct PostgresNodesTests {
    /// The nodes' default time limit for a request that needs the database.
    static let requestTimeout = Duration.seconds(5)
    static let seats = 100
    static let requests = 400

    // MARK: - Exact seats across nodes (acceptance 2)

    /// What 400 requests race for: a module's 100 seats, or a plan whose implied module `web` has 100.
    enum SeatRace: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case module = "a module with 100 free seats"
        case plan = "a plan whose implied module web has 100 free seats"

        var testDescription: String { rawValue }

        var counts: [String: Int] {
            switch self {
            case .module: ["user": PostgresNodesTests.seats]
            case .plan:
                [
                    "user": PostgresNodesTests.requests, "web": PostgresNodesTests.seats,
                    "chat-cal": PostgresNodesTests.requests, "sales-premium": PostgresNodesTests.requests,
                ]
            }
        }

        /// The module each request assigns.
        var requested: String { self == .module ? "user" : "sales-premium" }
        /// The module whose seats run out.
        var limited: String { self == .module ? "user" : "web" }
        /// The modules a winner holds afterwards: the plan's own row and its implied ones.
        var held: [String] { self == .module ? ["user"] : ["sales-premium", "user", "web", "chat-cal"] }
    }

    @Test(
        "400 concurrent assignments split across two nodes for 100 free seats: exactly 100 succeed, the rest get 409",
        arguments: SeatRace.allCases)
    func exactSeatsAcrossNodes(_ race: SeatRace) async throws {
        try await PostgresInstallation.with { installation in
            // Given 400 users who hold nothing and 100 free seats, and two nodes on the database
            let crowd = try await installation.seedCrowd(userCount: Self.requests, counts: race.counts)
            let token = crowd.admin.presented
            try await installation.withNodes(2) { nodes in
                let clients = nodes.map(\.client)
                // When all 400 ask at once, even users through node A and odd ones through node B
                let results = try await withThrowingTaskGroup(of: (String, Int, HTTPResult).self) { group in
                    for (index, user) in crowd.userNames.enumerated() {
                        let node = index % 2
                        let client = clients[node]
                        group.addTask {
                            (user, node, try await client.send(.put, Crowd.assignPath(user, race.requested), token: token))
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                print(
                    results.map(\.2.status).reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 })
                // Then exactly 100 succeed, through both nodes, and the other 300 are refused for want of a seat
                let succeeded = Set(results.filter { $0.2.isSuccess }.map(\.0))
                let refused = results.filter { $0.2.status == 409 && $0.2.errorCode == "no-free-seat" }
                #expect(results.count == Self.requests)
                #expect(succeeded.count == Self.seats)
                #expect(refused.count == Self.requests - Self.seats)
                let other = results.map(\.2).filter { !$0.isSuccess && $0.status != 409 }
                #expect(other.count == 0, "neither success nor 409, e.g.: \(other.prefix(3))")
                for node in 0..<2 {
                    #expect(results.contains { $0.1 == node && $0.2.isSuccess }, "node \(node) made none of the assignments")
                }
                // And the database holds one row per winner and module, and nothing for anyone else
                for module in race.held {
                    #expect(try await installation.holders(of: module) == succeeded, "holders of \(module)")
                    let rows = try await installation.integer(
                        """
                        SELECT count(*) FROM assignment
                        WHERE tenant_id = '\(StandardTenant.id)' AND owner_name = 'SUPEROFFICE' AND module_name = '\(module)'
                        """)
                    #expect(rows == Self.seats, "rows of \(module)")
                }
                let total = try await installation.integer(
                    "SELECT count(*) FROM assignment WHERE tenant_id = '\(StandardTenant.id)'")
                #expect(total == Self.seats * race.held.count)
                // And both nodes show 100 of 100 in use within a second
                for client in clients {
                    try await ConcurrencyTests.expectInUse(
                        client, token: token, module: race.limited, inUse: Self.seats, total: Self.seats)
                }
            }
            // And `licensing verify` passes on the database
            let verify = try await installation.licensing(["verify", "--tenant", StandardTenant.id])
            #expect(verify.exitCode == 0, "\(verify)")
        }
    }

    // MARK: - Freshness across nodes (acceptance 3)

    @Test("an assignment on one node and its removal show in the other node's check within a second")
    func crossNodeFreshness() async throws {
        try await PostgresInstallation.with { installation in
            // Given two nodes, each having answered a check for the user (so each has the tenant's snapshot loaded)
            let crowd = try await installation.seedCrowd(userCount: 3, counts: ["user": 5])
            let token = crowd.admin.presented
            try await installation.withNodes(2) { nodes in
                var before: [[String: Int]] = []
                for node in nodes { before.append(try await Metrics.snapshotUpdates(node.client)) }
                for (writer, reader, user) in [(0, 1, "u001"), (1, 0, "u002")] {
                    let path = Crowd.assignPath(user, "user")
                    let (a, b) = (nodes[writer].client, nodes[reader].client)
                    #expect(try await a.get(path, token: token).decode(CheckDecision.self) == .denied(.notLicensed))
                    #expect(try await b.get(path, token: token).decode(CheckDecision.self) == .denied(.notLicensed))
                    for (method, expected) in [(HTTPRequest.Method.put, CheckDecision.granted), (.delete, .denied(.notLicensed))]
                    {
                        // When node `writer` changes the user's license
                        let write = try await a.send(method, path, token: token)
                        try #require(write.isSuccess, "\(write)")
                        // Then node `reader`'s check answers accordingly within a second
                        try await expectEventually("node \(reader) reflects node \(writer)'s \(method) for \(user)") {
                            try await b.get(path, token: token).decode(CheckDecision.self) == expected
                        }
                    }
                }
                // And each node loaded the tenant once, at its first check, and took the other's writes from the change
                // log (issue 13, Build 2)
                for (index, node) in nodes.enumerated() {
                    let after = try await Metrics.snapshotUpdates(node.client)
                    #expect(after["load"] == (before[index]["load"] ?? 0) + 1, "node \(index): \(before[index]) → \(after)")
                    #expect(
                        (after["change_log"] ?? 0) >= (before[index]["change_log"] ?? 0) + 2,
                        "node \(index): \(before[index]) → \(after)")
                }
            }
        }
    }

    // MARK: - The database stops under load (acceptance 4)

    @Test(
        "PostgreSQL stopped for 5 s under load: every answer within the timeout, writes get 503, checks and /health answer from memory, the nodes recover by themselves and keep every acknowledged write"
    )
    func databaseOutage() async throws {
        let server = try await PostgresTestServer.start()
        do {
            try await Self.outage(server)
        } catch {
            await server.remove()
            throw error
        }
        await server.remove()
    }

    static func outage(_ server: PostgresTestServer) async throws {
        try await PostgresInstallation.with(server: server) { installation in
            // Given two nodes on a private PostgreSQL and seats for every user
            let userCount = 3_000
            let crowd = try await installation.seedCrowd(userCount: userCount, counts: ["user": userCount])
            let token = crowd.admin.presented
            let users = crowd.userNames
            let load = OutageLoad()
            try await installation.withNodes(2) { nodes in
                let clients = nodes.map(\.client)
                // When 4 workers assign (a new user each time) through one node and check through the other, and
                // PostgreSQL is stopped for 5 s once 20 writes are acknowledged, then started again
                let next = Counter()
                let hardDeadline = ContinuousClock.now + .seconds(150)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<4 {
                        group.addTask {
                            let (writer, checker) = (worker % 2, (worker + 1) % 2)
                            while !load.isFinished && ContinuousClock.now < hardDeadline, let i = next.take(below: users.count) {
                                let path = Crowd.assignPath(users[i], "user")
                                let write = await load.send(.write, user: users[i], node: writer) {
                                    try await clients[writer].send(.put, path, token: token)
                                }
                                _ = await load.send(.check, user: users[i], node: checker) {
                                    try await clients[checker].get(path, token: token)
                                }
                                // Refusals come fast; do not burn through the users while the database is away.
                                if !write.isSuccess { try await Task.sleep(for: .milliseconds(50)) }
                            }
                        }
                    }
                    group.addTask {
                        defer { load.finish() }
                        try await load.runOutage(server: server, downFor: .seconds(5)) {
                            // While it is down, each node's health check is asked once
                            for (node, client) in clients.enumerated() {
                                let answer = await firstAnswer(within: OutageLoad.noAnswerLimit) {
                                    try await client.get("/health")
                                }
                                load.record(health: answer, node: node)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let answers = load.answers

                // Then every request got an HTTP answer, within the timeout and a second
                let broken = answers.filter { $0.failure != nil }
                #expect(broken.count == 0, "requests without an answer, e.g.: \(broken.prefix(3))")
                let limit = requestTimeout + .seconds(1)
                let slow = answers.filter { $0.latency > limit }
                #expect(slow.count == 0, "answers slower than \(limit), e.g.: \(slow.prefix(3))")
                // And before the stop everything worked
                let before = answers.filter { $0.ended == .before }
                #expect(before.filter { $0.kind == .write }.count >= 20)
                let failedBefore = before.filter { !$0.isSuccess }
                #expect(failedBefore.count == 0, "failed before the stop, e.g.: \(failedBefore.prefix(3))")
                // And while PostgreSQL was down, writes were answered 503 database-unavailable with a clear message
                let outageWrites = answers.filter { $0.kind == .write && $0.started == .down && $0.ended == .down }
                #expect(outageWrites.count >= 4, "only \(outageWrites.count) writes were tried while the database was down")
                let unclear = outageWrites.filter { !$0.isDatabaseUnavailable }
                #expect(unclear.count == 0, "outage writes not refused as database-unavailable, e.g.: \(unclear.prefix(3))")
                // And until the database was back, checks were answered from memory: 200, and while it was down "not
                // licensed" for each user whose assignment the outage refused. (Once it is back, a node that reconnects
                // reloads its tenants and verifies tokens again, which needs the database: 503 is allowed there.)
                let checks = answers.filter { $0.kind == .check }
                let fromMemory = checks.filter { $0.failure == nil && $0.ended <= .restarting }
                let refusedDuringOutage = Set(outageWrites.filter(\.isDatabaseUnavailable).map(\.user))
                let outageChecks = fromMemory.filter {
                    $0.started == .down && $0.ended == .down && refusedDuringOutage.contains($0.user)
                }
                #expect(outageChecks.count >= 4, "only \(outageChecks.count) checks were made while the database was down")
                let failedChecks = fromMemory.filter { $0.result?.status != 200 }
                #expect(failedChecks.count == 0, "checks not answered 200, e.g.: \(failedChecks.prefix(3))")
                let wrongChecks = outageChecks.filter {
                    (try? $0.result?.decode(CheckDecision.self)) != .denied(.notLicensed)
                }
                #expect(wrongChecks.count == 0, "outage checks not answered not-licensed, e.g.: \(wrongChecks.prefix(3))")
                let recoveringChecks = checks.filter { $0.failure == nil && $0.ended > .restarting }
                let unexpectedChecks = recoveringChecks.filter { $0.result?.status != 200 && !$0.isDatabaseUnavailable }
                #expect(unexpectedChecks.count == 0, "checks neither 200 nor 503, e.g.: \(unexpectedChecks.prefix(3))")
                // And writes were answered success or 503 database-unavailable, nothing else
                let unexpected = answers.filter {
                    $0.kind == .write && $0.failure == nil && !$0.isSuccess && !$0.isDatabaseUnavailable
                }
                #expect(unexpected.count == 0, "writes neither successful nor 503, e.g.: \(unexpected.prefix(3))")
                // And while it was down each node's /health answered 200 {"status": "ok"}: it does not ask the
                // database, so an outage does not take every node out of the balancer (docs/operations.md)
                let health = load.health
                #expect(health.map(\.node).sorted() == [0, 1], "\(health)")
                for probe in health {
                    let result = try? probe.outcome?.get()
                    #expect(result?.status == 200, "node \(probe.node): \(probe)")
                    #expect(try result?.object() as? [String: String] == ["status": "ok"], "node \(probe.node): \(probe)")
                }
                // And both nodes recovered by themselves within a few seconds, and everything worked afterwards
                let recovery = try #require(load.recovery, "the nodes did not recover within 30 s of the restart")
                #expect(recovery < .seconds(10), "recovery took \(recovery)")
                let after = answers.filter { $0.started == .after }
                #expect(!after.isEmpty)
                let failedAfter = after.filter { !$0.isSuccess }
                #expect(failedAfter.count == 0, "failed after the recovery, e.g.: \(failedAfter.prefix(3))")

                // And every acknowledged write is in the database (and nothing that was never asked for)
                let acknowledged = Set(answers.filter { $0.kind == .write && $0.isSuccess }.map(\.user))
                let attempted = Set(answers.filter { $0.kind == .write }.map(\.user))
                let stored = try await installation.holders(of: "user")
                #expect(acknowledged.isSubset(of: stored), "lost: \(acknowledged.subtracting(stored).sorted().prefix(20))")
                #expect(stored.isSubset(of: attempted), "never asked for: \(stored.subtracting(attempted).sorted().prefix(20))")
                // And both nodes list every stored holder (a node reloads its tenants after reconnecting)
                for (node, client) in clients.enumerated() {
                    try await expectEventually("node \(node) lists every stored holder") {
                        let details = try await client.get("\(StandardTenant.base)/licenses/superoffice/user", token: token)
                        return Set(try details.object()["holders"] as? [String] ?? []) == stored
                    }
                }
            }
            // And the database verifies
            let verify = try await installation.licensing(["verify", "--tenant", StandardTenant.id])
            #expect(verify.exitCode == 0, "\(verify)")
        }
    }

    // MARK: - Attacks with psql (acceptance 5; the edits of one row are TamperTests' table, run on PostgreSQL by the
    // CLI tests)

    @Test(
        "issue 12 with psql: a replayed, restored or deleted row, a hash written onto a user and an edited month are named by verify and grant nothing",
        arguments: PostgresStateAttack.allCases)
    func stateAttack(_ attack: PostgresStateAttack) async throws {
        let base = try await TamperBase.shared.seeded()
        try await PostgresInstallation.with(copying: base.installation) { installation in
            // Given a copy of the clean tenant; when the attack is carried out with psql (and the CLI for its history)
            try await attack.carryOut(installation)

            // Then verify exits 3 naming the table
            let verify = try await installation.licensing(["verify", "--json", "--tenant", StandardTenant.id])
            #expect(verify.exitCode == 3, "\(verify)")
            let report = try verify.json(VerifyJSON.self)
            #expect(
                report.problems.contains { attack.tables.contains($0.table) && $0.key.contains(attack.key) },
                "verify should name \(attack.tables) \(attack.key); it reported \(report.problems)")

            // And a node grants nothing the attack was after
            try await installation.withNodes(1) { nodes in
                for probe in attack.denied {
                    let isGranted = try await probe.isGranted(nodes[0].client, token: base.token)
                    #expect(!isGranted, "\(probe) after \(attack)")
                }
            }
        }
    }
}

/// The attacks of issue 12 (Why 1–3, 6, 7) on PostgreSQL, with psql.
enum PostgresStateAttack: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case assignmentReplayed = "an unassigned assignment put back with its seal"
    case olderPackageRestored = "an older package's rows put back"
    case ownerDeleted = "an owner's rows deleted"
    case passwordHashWritten = "a password hash written onto a user"
    case usageMonthEdited = "a month aggregate edited"

    var testDescription: String { rawValue }

    static let tenant = "tenant_id = '\(StandardTenant.id)'"
    static let alice = "(SELECT id FROM app_user WHERE \(tenant) AND user_name = 'alice')"
    static let aliceWeb = "\(tenant) AND user_id = \(alice) AND owner_name = 'SUPEROFFICE' AND module_name = 'web'"

    func carryOut(_ installation: PostgresInstallation) async throws {
        let tenant = Self.tenant
        switch self {
        case .assignmentReplayed:
            try await installation.sql("CREATE TABLE saved AS SELECT * FROM assignment WHERE \(Self.aliceWeb)")
            try await installation.cli(
                "unassign", "--user", "alice", "--module", "superoffice.web", "--tenant", StandardTenant.id)
            try #require(try await installation.sql("INSERT INTO assignment SELECT * FROM saved RETURNING 1") == "1")
        case .olderPackageRestored:
            try await installation.sql(
                "CREATE TABLE saved_owner AS SELECT * FROM license_owner WHERE \(tenant) AND owner_name = 'SUPEROFFICE'")
            try await installation.sql(
                "CREATE TABLE saved_module AS SELECT * FROM module_license WHERE \(tenant) AND owner_name = 'SUPEROFFICE'")
            var newer = Fixtures.sampleSpec()
            newer.issuedAt = Fixtures.issuedAt.addingTimeInterval(3_600)
            try await installation.activate(newer)
            try await installation.sql(
                """
                DELETE FROM module_license WHERE \(tenant) AND owner_name = 'SUPEROFFICE';
                DELETE FROM license_owner WHERE \(tenant) AND owner_name = 'SUPEROFFICE';
                INSERT INTO license_owner SELECT * FROM saved_owner;
                INSERT INTO module_license SELECT * FROM saved_module
                """)
        case .ownerDeleted:
            try await installation.sql(
                """
                DELETE FROM module_license WHERE \(tenant) AND owner_name = 'PARTNER';
                DELETE FROM license_owner WHERE \(tenant) AND owner_name = 'PARTNER'
                """)
        case .passwordHashWritten:
            let changed = try await installation.sql(
                "UPDATE app_user SET password_hash = '$2b$10$forged' WHERE \(tenant) AND user_name = 'alice' RETURNING 1")
            try #require(changed == "1")
        case .usageMonthEdited:
            try await installation.cli(
                "usage", "record", "--service", "mailing-emails", "--quantity", "250", "--id", "e-1", "--tenant",
                StandardTenant.id)
            let changed = try await installation.sql("UPDATE usage_month SET value = 0 WHERE \(tenant) RETURNING 1")
            try #require(changed == "1")
        }
    }

    /// The tables a problem may name, and a word of its key.
    var tables: Set<String> {
        switch self {
        case .assignmentReplayed: ["assignment"]
        case .olderPackageRestored, .ownerDeleted: ["license_owner"]
        case .passwordHashWritten: ["user", "app_user"]
        case .usageMonthEdited: ["usage_month"]
        }
    }

    var key: String {
        switch self {
        case .assignmentReplayed: IntegrityProblem.wholeTable
        case .olderPackageRestored: "SUPEROFFICE"
        case .ownerDeleted: "PARTNER"
        case .passwordHashWritten: "alice"
        case .usageMonthEdited: "mailing-emails"
        }
    }

    /// What must be denied afterwards.
    var denied: [NodeProbe] {
        switch self {
        case .assignmentReplayed: [.check("alice", "web"), .check("dave", "web")]
        case .olderPackageRestored: [.check("alice", "web")]
        case .ownerDeleted: [.check("dave", "addon", owner: "partner")]
        case .passwordHashWritten: [.login(user: "alice", client: "web")]
        case .usageMonthEdited: []
        }
    }
}

// MARK: - Outage load

/// The stages of the outage, in order.
enum OutagePhase: Int, Comparable, Sendable {
    case before, stopping, down, restarting, recovering, after

    static func < (lhs: OutagePhase, rhs: OutagePhase) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One request of the outage load and its answer.
struct OutageAnswer: Sendable, CustomStringConvertible {
    enum Kind: Sendable { case write, check }

    var kind: Kind
    var user: String
    var node: Int
    var started: OutagePhase
    var ended: OutagePhase
    var latency: Duration
    var result: HTTPResult?
    var failure: String?

    var isSuccess: Bool { result?.isSuccess == true }

    /// 503 `{"error": {"code": "database-unavailable", "message": "… database …"}}`.
    var isDatabaseUnavailable: Bool {
        guard let result, result.status == 503, result.hasErrorShape, result.errorCode == "database-unavailable",
            let error = (try? result.object())?["error"] as? [String: Any], let message = error["message"] as? String
        else { return false }
        return message.lowercased().contains("database")
    }

    var description: String {
        "\(kind) \(user) on node \(node) (\(started)→\(ended), \(latency)): "
            + (result.map { "\($0.status) \($0.text.prefix(200))" } ?? failure ?? "")
    }
}

/// The answers of the outage load and the phase it is in; the controller stops and restarts PostgreSQL.
final class OutageLoad: @unchecked Sendable {
    private let lock = NSLock()
    private var phase = OutagePhase.before
    private var recorded: [OutageAnswer] = []
    private var finished = false
    private var recoveryTime: Duration?

    var answers: [OutageAnswer] { lock.withLock { recorded } }
    var isFinished: Bool { lock.withLock { finished } }
    var recovery: Duration? { lock.withLock { recoveryTime } }
    var currentPhase: OutagePhase { lock.withLock { phase } }

    func finish() { lock.withLock { finished = true } }

    private func set(_ new: OutagePhase) { lock.withLock { phase = new } }

    /// How long a request may go unanswered before it counts as hung (the load then goes on without it).
    static let noAnswerLimit = PostgresNodesTests.requestTimeout + .seconds(5)

    /// Sends one request, timing it and noting the phase at its start and end.
    func send(
        _ kind: OutageAnswer.Kind, user: String, node: Int, _ request: @escaping @Sendable () async throws -> HTTPResult
    ) async -> OutageAnswer {
        let clock = ContinuousClock()
        let started = currentPhase
        let start = clock.now
        var result: HTTPResult?
        var failure: String?
        switch await firstAnswer(within: Self.noAnswerLimit, request) {
        case .success(let answer): result = answer
        case .failure(let error): failure = "\(error)"
        case nil: failure = "no answer within \(Self.noAnswerLimit)"
        }
        let answer = OutageAnswer(
            kind: kind, user: user, node: node, started: started, ended: currentPhase, latency: clock.now - start,
            result: result, failure: failure)
        lock.withLock { recorded.append(answer) }
        return answer
    }

    /// A node's answer to `GET /health` while the database was down (nil: none within the limit).
    struct HealthProbe: Sendable, CustomStringConvertible {
        var node: Int
        var outcome: Result<HTTPResult, any Error>?

        var description: String {
            switch outcome {
            case .success(let result): "\(result)"
            case .failure(let error): "\(error)"
            case nil: "no answer within \(OutageLoad.noAnswerLimit)"
            }
        }
    }

    private var probes: [HealthProbe] = []

    var health: [HealthProbe] { lock.withLock { probes } }

    func record(health outcome: Result<HTTPResult, any Error>?, node: Int) {
        lock.withLock { probes.append(HealthProbe(node: node, outcome: outcome)) }
    }

    /// Waits for 20 acknowledged writes, stops PostgreSQL for `downFor` (running `whileDown` once it has stopped),
    /// starts it again, waits until both nodes have acknowledged a write begun after the restart, and lets the load
    /// run 2 s more.
    func runOutage(
        server: PostgresTestServer, downFor: Duration, whileDown: @Sendable () async -> Void
    ) async throws {
        let warm = try await eventually(within: .seconds(60)) {
            self.answers.filter { $0.kind == .write && $0.isSuccess }.count >= 20
        }
        guard warm != nil else { throw HarnessError("fewer than 20 writes were acknowledged in 60 s: \(answers.suffix(3))") }
        set(.stopping)
        try await server.stop()
        set(.down)
        let downSince = ContinuousClock.now
        await whileDown()
        try await Task.sleep(until: downSince + downFor, clock: .continuous)
        set(.restarting)
        try await server.restart()
        set(.recovering)
        let recovered = try await eventually(within: .seconds(30)) {
            let writes = self.answers.filter { $0.kind == .write && $0.started >= .recovering && $0.isSuccess }
            return Set(writes.map(\.node)).count == 2
        }
        lock.withLock { recoveryTime = recovered }
        set(.after)
        try await Task.sleep(for: .seconds(2))
    }
}

/// Runs `operation` and returns its outcome, or nil once `limit` has passed without one; the operation then goes on
/// unobserved (a request stays open until the server answers or closes the connection), so a request the server
/// never answers cannot hang the test.
func firstAnswer<T: Sendable>(
    within limit: Duration, _ operation: @escaping @Sendable () async throws -> T
) async -> Result<T, any Error>? {
    let gate = ResumeOnce<Result<T, any Error>?>()
    return await withCheckedContinuation { continuation in
        gate.continuation = continuation
        let timer = Task {
            try? await Task.sleep(for: limit)
            gate.resume(nil)
        }
        Task {
            do {
                gate.resume(.success(try await operation()))
            } catch {
                gate.resume(.failure(error))
            }
            timer.cancel()
        }
    }
}

/// A continuation resumed by whichever comes first.
final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var waiting: CheckedContinuation<T, Never>?

    var continuation: CheckedContinuation<T, Never>? {
        get { lock.withLock { waiting } }
        set { lock.withLock { waiting = newValue } }
    }

    func resume(_ value: T) {
        let continuation = lock.withLock {
            defer { waiting = nil }
            return waiting
        }
        continuation?.resume(returning: value)
    }
}

// MARK: - Tampering

/// The populated tenant the tamper cases copy: seeded once through the CLI, then copied per case.
///
/// Two owners (SUPEROFFICE with the sample package, PARTNER with `addon`) and users alice (user, web), bob (nothing),
/// carol (the plan sales-premium), dave (user, web, partner.addon) and eve (user, web, but may not log in).
actor TamperBase {
    static let shared = TamperBase()

    struct Seeded: Sendable {
        var installation: PostgresInstallation
        var token: String
    }

    private var seeding: Task<Seeded, any Error>?

    func seeded() async throws -> Seeded {
        if let seeding { return try await seeding.value }
        let task = Task { try await Self.seed() }
        seeding = task
        return try await task.value
    }

    private static func seed() async throws -> Seeded {
        let base = try await PostgresInstallation.template()
        defer { base.removeFiles() }
        try await base.initTenant()
        try await base.activate(Fixtures.sampleSpec())
        var partner = Fixtures.emptySpec(owner: "PARTNER")
        partner.description = "A partner's add-on"
        partner.issuedAt = Fixtures.issuedAt
        partner.modules = [ModuleLicense(name: "addon", description: "Add-on", type: .user, count: 5, sortOrder: 1)]
        try await base.activate(partner, ownerKey: try Fixtures.makeOwnerKey("PARTNER"))
        for name in ["alice", "bob", "carol", "dave"] {
            try await base.cli("user", "add", "--username", name, "--can-log-in", "--tenant", StandardTenant.id)
        }
        try await base.cli("user", "add", "--username", "eve", "--tenant", StandardTenant.id)
        var assignments = [("carol", "superoffice.sales-premium"), ("dave", "partner.addon")]
        for name in ["alice", "dave", "eve"] {
            assignments = [(name, "superoffice.user"), (name, "superoffice.web")] + assignments
        }
        for (user, module) in assignments {
            try await base.cli("assign", "--user", user, "--module", module, "--tenant", StandardTenant.id)
        }
        let token = try await base.makeToken()
        try await base.cli("verify", "--tenant", StandardTenant.id)
        return Seeded(installation: base, token: token)
    }
}

/// A question put to a node after tampering.
enum NodeProbe: Sendable, CustomStringConvertible {
    case check(user: String, owner: String, module: String)
    case login(user: String, client: String)

    static func check(_ user: String, _ module: String, owner: String = "superoffice") -> NodeProbe {
        .check(user: user, owner: owner, module: module)
    }

    var description: String {
        switch self {
        case .check(let user, let owner, let module): "check \(user) \(owner).\(module)"
        case .login(let user, let client): "login-check \(user) \(client)"
        }
    }

    /// Whether the node grants the check (or allows the login).
    func isGranted(_ client: APIClient, token: String) async throws -> Bool {
        switch self {
        case .check(let user, let owner, let module):
            let result = try await client.get("\(StandardTenant.base)/users/\(user)/licenses/\(owner)/\(module)", token: token)
            return try result.decode(CheckDecision.self).granted
        case .login(let user, let loginClient):
            let result = try await client.send(
                .post, "\(StandardTenant.base)/users/\(user)/login-check", token: token, json: #"{"client":"\#(loginClient)"}"#)
            return try result.decode(LoginDecision.self).allowed
        }
    }
}
