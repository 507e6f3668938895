import Foundation
import GRDB
import LicenseCore
import Logging
import PostgresNIO

/// The shared backend: several stateless server nodes on one PostgreSQL database (DESIGN §4, §12).
///
/// Every write runs in one transaction that first locks the tenant's head row (`SELECT … FOR UPDATE`): every write
/// appends to the tenant's sealed audit chain in that row, so a tenant's writers queue there whatever node they run
/// on, and each decides on what the one before committed, as SQLite's IMMEDIATE transactions do on one machine.
/// Seat decisions also lock the module rows they count and activation the owner row. Each commit bumps the tenant's
/// version and sends `NOTIFY licensing_changes`, which every node's `changeFeed` turns into a snapshot reload.
public final class PostgresLicenseStore: LicenseStoring {
    let client: PostgresClient
    let sealer: Sealer
    let logger: Logger
    let requestTimeout: Duration
    public let changeFeed: AsyncStream<StoreChange>?
    private let background: [Task<Void, Never>]
    /// A tenant's writers on this node queue here before they take a connection.
    private let gates = TenantGates()
    /// Open while the database is known to be unreachable: requests fail at once instead of each waiting out the
    /// timeout; a probe closes it when the database answers again.
    private let outage = Outage()

    static let channel = "licensing_changes"

    /// Connects (the pool connects lazily), applies pending migrations and, when `listen`, starts the change feed.
    ///
    /// - Parameters:
    ///   - url: `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]`.
    ///   - requestTimeout: how long a request waits for the database before failing with `StoreUnavailable`.
    public static func connect(
        url: String, sealer: Sealer, logger: Logger = Logger(label: "licensing.postgres"),
        requestTimeout: Duration = .seconds(5), maximumConnections: Int = 20, listen: Bool = false
    ) async throws -> PostgresLicenseStore {
        let configuration = try PostgresURL.configuration(
            url, connectTimeout: requestTimeout, maximumConnections: maximumConnections)
        let store = PostgresLicenseStore(
            client: PostgresClient(configuration: configuration, backgroundLogger: logger), sealer: sealer, logger: logger,
            requestTimeout: requestTimeout, listen: listen)
        do {
            try await store.migrate()
        } catch {
            await store.shutdown()
            throw error
        }
        return store
    }

    private init(client: PostgresClient, sealer: Sealer, logger: Logger, requestTimeout: Duration, listen: Bool) {
        self.client = client
        self.sealer = sealer
        self.logger = logger
        self.requestTimeout = requestTimeout
        var background = [Task { await client.run() }]
        if listen {
            let (stream, continuation) = AsyncStream.makeStream(of: StoreChange.self, bufferingPolicy: .bufferingNewest(1_000))
            changeFeed = stream
            background.append(Task { await Self.listen(client: client, logger: logger, continuation: continuation) })
        } else {
            changeFeed = nil
        }
        self.background = background
    }

    /// Stops the change feed and closes the pool.
    public func shutdown() async {
        outage.stop()
        for task in background.reversed() {
            task.cancel()
            await task.value
        }
    }

    /// Holds one connection that LISTENs; after every (re)connection it reports `.all`, since notifications sent
    /// while it was away are lost.
    private static func listen(
        client: PostgresClient, logger: Logger, continuation: AsyncStream<StoreChange>.Continuation
    )
        async
    {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        continuation.yield(.all)
                        for try await notification in notifications {
                            continuation.yield(notification.payload.isEmpty ? .tokens : .tenant(notification.payload))
                        }
                    }
                }
            } catch {
                if Task.isCancelled { break }
                logger.warning("change feed lost its connection; reconnecting", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
        continuation.finish()
    }

    // MARK: - Transactions

    /// Runs `body` in a transaction; with `tenant`, the tenant's head row is locked first, so the tenant's writers
    /// queue. A failure rolls back; a connection that cannot roll back is closed, never reused mid-transaction.
    @discardableResult
    func write<T: Sendable>(
        tenant: String?, timeout: Duration? = nil, _ body: @escaping @Sendable (PostgresSession) async throws -> T
    ) async throws -> T {
        if let tenant { await gates.enter(tenant) }
        defer { if let tenant { gates.leave(tenant) } }
        return try await transaction(begin: "BEGIN", timeout: timeout) { session in
            if let tenant {
                guard
                    try await session.execute("SELECT 1 FROM tenant_head WHERE tenant_id = ? FOR UPDATE", [tenant]) == 1
                else { throw LicenseInputError.unknownTenant(tenant) }
            }
            return try await body(session)
        }
    }

    /// A read-only transaction that sees one consistent state of the database.
    func read<T: Sendable>(
        timeout: Duration? = nil, _ body: @escaping @Sendable (PostgresSession) async throws -> T
    )
        async throws -> T
    {
        try await transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", timeout: timeout, body)
    }

    private func transaction<T: Sendable>(
        begin: String, timeout: Duration?, _ body: @escaping @Sendable (PostgresSession) async throws -> T
    ) async throws -> T {
        let logger = self.logger
        if let message = outage.message { throw StoreUnavailable(message) }
        let leased = LeaseWatch()
        do {
            return try await runTransaction(begin: begin, timeout: timeout, leased: leased, logger: logger, body)
        } catch let error as StoreUnavailable {
            outage.begin(error.message) { [client, requestTimeout] in
                try await Self.probe(client: client, timeout: requestTimeout)
            }
            throw error
        }
    }

    private func runTransaction<T: Sendable>(
        begin: String, timeout: Duration?, leased: LeaseWatch, logger: Logger,
        _ body: @escaping @Sendable (PostgresSession) async throws -> T
    ) async throws -> T {
        try await withDeadlines(connect: requestTimeout, finish: timeout ?? requestTimeout, leased: leased) {
            [client] in
            try await client.withConnection { connection in
                leased.set(connection)
                defer { leased.release(connection) }
                let session = PostgresSession(connection: connection, logger: logger)
                try await session.execute(begin)
                do {
                    let value = try await body(session)
                    try await session.execute("COMMIT")
                    return value
                } catch {
                    do {
                        try await session.execute("ROLLBACK")
                    } catch {
                        try? await connection.close()
                    }
                    throw error
                }
            }
        }
    }

    /// One `SELECT 1` within `timeout`.
    private static func probe(client: PostgresClient, timeout: Duration) async throws {
        try await race {
            _ = try await client.withConnection { try await $0.query("SELECT 1", logger: Logger(label: "licensing.probe")) }
        } deadline: {
            try await Task.sleep(for: timeout)
            return StoreUnavailable("probe timed out")
        }
    }

    /// Fails with `StoreUnavailable` when no connection is had within `connect` (the database is down or every
    /// connection is busy), when the work does not end within `finish`, or when the connection breaks.
    private func withDeadlines<T: Sendable>(
        connect: Duration, finish: Duration, leased: LeaseWatch, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await Self.race(body, lost: leased.whenLost) {
            try await Task.sleep(for: connect)
            guard leased.isSet else { return StoreUnavailable("no database connection within \(connect.seconds) s") }
            if finish > connect { try await Task.sleep(for: finish - connect) }
            return StoreUnavailable("the database did not finish within \(finish.seconds) s")
        }
    }

    /// The answer of `body`, or the error `deadline` returns first. The loser is cancelled and not waited for: a
    /// connection lease or a query that ignores cancellation must not hold the caller past its deadline.
    ///
    /// `lost` is handed a function that fails the race at once (the connection closed under the work).
    static func race<T: Sendable>(
        _ body: @escaping @Sendable () async throws -> T,
        lost: (@escaping @Sendable () -> Void) -> Void = { _ in },
        deadline: @escaping @Sendable () async throws -> StoreUnavailable
    ) async throws -> T {
        let outcome = RaceOutcome<T>()
        lost { outcome.resolve(.failure(StoreUnavailable("the connection to the database was lost"))) }
        return try await withCheckedThrowingContinuation { continuation in
            outcome.install(continuation)
            let work = Task {
                do {
                    outcome.resolve(.success(try await body()))
                } catch let error as PSQLError {
                    switch error.code {
                    case .server, .queryCancelled, .tooManyParameters, .invalidCommandTag:
                        outcome.resolve(.failure(error))
                    default:
                        outcome.resolve(.failure(StoreUnavailable("the database is unreachable (\(error.code))")))
                    }
                } catch {
                    outcome.resolve(.failure(error))
                }
            }
            let timer = Task {
                guard let error = try? await deadline() else { return }
                outcome.resolve(.failure(error))
                work.cancel()
            }
            outcome.onResolve {
                timer.cancel()
                work.cancel()
            }
        }
    }

    // MARK: - Migrations

    /// Applies the migrations not yet recorded in `schema_migration`, under an advisory lock so nodes starting
    /// together apply each one once.
    public func migrate() async throws {
        try await write(tenant: nil, timeout: .seconds(120)) { session in
            try await session.execute("SELECT pg_advisory_xact_lock(7140512)")
            try await session.execute(
                "CREATE TABLE IF NOT EXISTS schema_migration (id TEXT NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)")
            let applied = Set(try await session.scalars(String.self, "SELECT id FROM schema_migration"))
            for migration in PostgresSchema.migrations where !applied.contains(migration.id) {
                for statement in migration.sql.components(separatedBy: ";")
                where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    try await session.execute(statement)
                }
                try await session.execute(
                    "INSERT INTO schema_migration (id, applied_at) VALUES (?, ?)", [migration.id, Date().epochSeconds])
            }
            return true
        }
    }

    // MARK: - Tenants

    public func createTenant(_ tenant: Tenant, actor: String) async throws {
        try tenant.validate()
        _ = try PackageVerifierProbe.trustRoot(tenant)
        try await write(tenant: nil) { session in
            try await session.execute("LOCK TABLE tenant IN SHARE ROW EXCLUSIVE MODE")
            if try await session.execute("SELECT 1 FROM tenant WHERE id = ?", [tenant.id]) > 0 {
                throw LicenseInputError.duplicate("tenant '\(tenant.id)'")
            }
            try await session.insert(TenantRecord(tenant: tenant, seal: self.sealer.seal(tenant.sealBytes)))
            let head = TenantHead(version: 0, auditSequence: 0, auditSeal: "")
            try await session.insert(
                TenantHeadRecord(tenantID: tenant.id, head: head, seal: self.sealer.seal(head.sealBytes(tenant: tenant.id))))
            try await self.appendAudit(
                session, tenant: tenant.id, actor: actor, action: "tenant.create", target: tenant.id, before: nil,
                after: "\(tenant.companyName) / \(tenant.serialNumber)", now: tenant.createdAt)
        }
    }

    public func tenantIDs() async throws -> [String] {
        try await read { session in try await session.scalars(String.self, "SELECT id FROM tenant ORDER BY id") }
    }

    public func tenant(_ id: String) async throws -> Tenant {
        try await read { session in try await self.loadTenant(session, id).tenant }
    }

    public func version(of tenant: String) async throws -> Int64 {
        try await read { session in
            guard
                let version = try await session.scalar(
                    Int64.self, "SELECT version FROM tenant_head WHERE tenant_id = ?", [tenant])
            else { throw LicenseInputError.unknownTenant(tenant) }
            return version
        }
    }

    public func tenantVersions() async throws -> [String: Int64] {
        try await read { session in
            var result: [String: Int64] = [:]
            for row in try await session.rows("SELECT tenant_id, version FROM tenant_head") {
                result[row["tenant_id"]] = row["version"]
            }
            return result
        }
    }

    // MARK: - Loading verified rows

    func loadTenant(_ session: PostgresSession, _ id: String) async throws -> (tenant: Tenant, isIntact: Bool) {
        guard let record = try await session.fetchOne(TenantRecord.self, "SELECT * FROM tenant WHERE id = ?", [id]) else {
            throw LicenseInputError.unknownTenant(id)
        }
        return (record.tenant, sealer.isValid(record.seal, for: record.tenant.sealBytes))
    }

    /// The tenant, refusing to write on a tenant whose row has been tampered with.
    func requireIntactTenant(_ session: PostgresSession, _ id: String) async throws -> Tenant {
        let (tenant, isIntact) = try await loadTenant(session, id)
        guard isIntact else {
            throw LicenseRefusal(
                .integrity, "the tenant row of '\(id)' has been tampered with (seal broken); run 'licensing verify'")
        }
        return tenant
    }

    struct OwnerRows {
        var record: OwnerRecord
        var modules: [SignedModule]
        var check: OwnerRowCheck
    }

    /// The owners' rows and their module rows, checked. The stored package file (large) is read only `withPackage`.
    func loadOwnerRows(
        _ session: PostgresSession, tenant: Tenant, only owner: String? = nil, lock: Bool = false, withPackage: Bool = false
    ) async throws -> [OwnerRows] {
        var sql =
            "SELECT tenant_id, owner_name, description, license_url, deployment_type, product_type, extra_flags, "
            + "extra_info, issued_at, expires_at, grace_until, maintenance_until, admin_warning_at, next_check_at, "
            + "owner_certificate, package_signature, activated_at, "
            + (withPackage ? "raw_package" : "'' AS raw_package") + " FROM license_owner WHERE tenant_id = ?"
        var arguments: SQLArguments = [tenant.id]
        if let owner {
            sql += " AND owner_name = ?"
            arguments.append(owner)
        }
        if lock { sql += " FOR UPDATE" }
        var result: [OwnerRows] = []
        for record in try await session.fetchAll(OwnerRecord.self, sql, arguments) {
            let modules = try await session.fetchAll(
                ModuleRecord.self,
                "SELECT * FROM module_license WHERE tenant_id = ? AND owner_name = ?"
                    + (lock ? " FOR UPDATE" : ""), [tenant.id, record.header.owner]
            ).map(\.signed)
            let check = OwnerVerificationCache.shared.check(tenant: tenant, header: record.header, modules: modules)
            result.append(OwnerRows(record: record, modules: modules, check: check))
        }
        return result
    }

    /// Owners whose rows verify, each with only its verified module rows.
    func loadOwners(
        _ session: PostgresSession, tenant: Tenant, only owner: String? = nil, lock: Bool = false
    )
        async throws -> [String: OwnerLicense]
    {
        var result: [String: OwnerLicense] = [:]
        for rows in try await loadOwnerRows(session, tenant: tenant, only: owner, lock: lock)
        where rows.check.ownerProblem == nil {
            let good = rows.modules.filter { rows.check.badModules[$0.module.name] == nil }.map(\.module)
            result[rows.record.header.owner] = OwnerLicense(header: rows.record.header, modules: good)
        }
        return result
    }

    func loadUser(_ session: PostgresSession, tenant: String, userName: String) async throws -> (user: User, isIntact: Bool)? {
        guard
            let record = try await session.fetchOne(
                UserRecord.self, "SELECT * FROM app_user WHERE tenant_id = ? AND user_name = ?", [tenant, userName])
        else { return nil }
        return (record.user, sealer.isValid(record.seal, for: record.user.sealBytes(tenant: tenant)))
    }

    /// A user whose row verifies, else an error that names the problem.
    func requireUser(_ session: PostgresSession, tenant: String, userName: String) async throws -> User {
        guard let (user, isIntact) = try await loadUser(session, tenant: tenant, userName: userName) else {
            throw LicenseInputError.unknownUser(userName)
        }
        guard isIntact else {
            throw LicenseRefusal(.integrity, "the row of user '\(userName)' has been tampered with (seal broken)")
        }
        return user
    }

    static let assignmentColumns = "owner_name, module_name, user_id, via_plan, comment, created_at, created_by, seal"

    /// Assignment rows with their seals, decoded by position (the table `verify` and snapshots read most of).
    func assignmentRows(
        _ session: PostgresSession, tenant: String, userID: Int64? = nil
    ) async throws
        -> [(assignment: Assignment, seal: String)]
    {
        var sql = "SELECT \(Self.assignmentColumns) FROM assignment WHERE tenant_id = ?"
        var arguments: SQLArguments = [tenant]
        if let userID {
            sql += " AND user_id = ?"
            arguments.append(userID)
        }
        var result: [(assignment: Assignment, seal: String)] = []
        for try await row in try await session.query(sql, arguments) {
            let (owner, module, userID, viaPlan, comment, createdAt, createdBy, seal) = try row.decode(
                (String, String, Int64, String, String?, Int64, String, String).self)
            result.append(
                (
                    Assignment(
                        owner: owner, module: module, userID: userID, viaPlan: viaPlan.isEmpty ? nil : viaPlan,
                        createdAt: Date(epochSeconds: createdAt), createdBy: createdBy, comment: comment), seal
                ))
        }
        return result
    }

    func loadAssignments(_ session: PostgresSession, tenant: String, userID: Int64? = nil) async throws -> [Assignment] {
        let verifier = sealer.makeBulkVerifier()
        return try await assignmentRows(session, tenant: tenant, userID: userID).compactMap { row in
            verifier.isValid(row.seal, for: row.assignment.sealBytes(tenant: tenant)) ? row.assignment : nil
        }
    }

    /// Distinct users holding each module, over every stored row (forged ones too: a seat is never over-sold).
    func seatsInUse(
        _ session: PostgresSession, tenant: String, owner: String? = nil, modules: [String]? = nil
    )
        async throws -> [ModuleKey: Int]
    {
        var sql = "SELECT owner_name, module_name, COUNT(DISTINCT user_id) AS n FROM assignment WHERE tenant_id = ?"
        var arguments: SQLArguments = [tenant]
        if let owner {
            sql += " AND owner_name = ?"
            arguments.append(owner)
            if let modules {
                sql += " AND module_name IN (" + modules.map { _ in "?" }.joined(separator: ", ") + ")"
                arguments += modules.map { $0 }
            }
        }
        sql += " GROUP BY owner_name, module_name"
        var result: [ModuleKey: Int] = [:]
        for row in try await session.rows(sql, arguments) {
            result[ModuleKey(owner: row["owner_name"], module: row["module_name"])] = row["n"]
        }
        var satelliteSQL = "SELECT owner_name, module_name, COUNT(*) AS n FROM satellite_assignment WHERE tenant_id = ?"
        var satelliteArguments: SQLArguments = [tenant]
        if let owner {
            satelliteSQL += " AND owner_name = ?"
            satelliteArguments.append(owner)
        }
        satelliteSQL += " GROUP BY owner_name, module_name"
        for row in try await session.rows(satelliteSQL, satelliteArguments) {
            result[ModuleKey(owner: row["owner_name"], module: row["module_name"]), default: 0] += row["n"]
        }
        return result
    }

    func loadEvents(_ session: PostgresSession, tenant: String) async throws -> (valid: [SystemEvent], void: [SystemEvent]) {
        var valid: [SystemEvent] = []
        var void: [SystemEvent] = []
        for record in try await session.fetchAll(
            EventRecord.self, "SELECT * FROM system_event WHERE tenant_id = ? ORDER BY id", [tenant])
        {
            if sealer.isValid(record.seal, for: record.event.sealBytes(tenant: tenant)) {
                valid.append(record.event)
            } else {
                void.append(record.event)
            }
        }
        return (valid, void)
    }

    // MARK: - Snapshot

    public func loadSnapshot(tenant: String) async throws -> TenantSnapshot {
        try await read(timeout: .seconds(120)) { session in
            let (tenantValue, isIntact) = try await self.loadTenant(session, tenant)
            let version =
                try await session.scalar(Int64.self, "SELECT version FROM tenant_head WHERE tenant_id = ?", [tenant]) ?? 0
            var owners: [String: OwnerLicense] = [:]
            var voidModules: Set<ModuleKey> = []
            for rows in try await self.loadOwnerRows(session, tenant: tenantValue) {
                let name = rows.record.header.owner
                if rows.check.ownerProblem != nil {
                    voidModules.formUnion(rows.modules.map { ModuleKey(owner: name, module: $0.module.name) })
                    continue
                }
                voidModules.formUnion(rows.check.badModules.keys.map { ModuleKey(owner: name, module: $0) })
                let good = rows.modules.filter { rows.check.badModules[$0.module.name] == nil }.map(\.module)
                owners[name] = OwnerLicense(header: rows.record.header, modules: good)
            }
            var users: [Int64: User] = [:]
            var voidUsers: [User] = []
            for record in try await session.fetchAll(UserRecord.self, "SELECT * FROM app_user WHERE tenant_id = ?", [tenant]) {
                if self.sealer.isValid(record.seal, for: record.user.sealBytes(tenant: tenant)) {
                    users[record.user.id] = record.user
                } else {
                    voidUsers.append(record.user)
                }
            }
            let assignments = try await self.loadAssignments(session, tenant: tenant).filter { users[$0.userID] != nil }
            var satellites: [String: Satellite] = [:]
            for record in try await session.fetchAll(
                SatelliteRecord.self, "SELECT * FROM satellite WHERE tenant_id = ?", [tenant])
            where self.sealer.isValid(record.seal, for: record.satellite.sealBytes(tenant: tenant)) {
                satellites[record.satellite.name] = record.satellite
            }
            let satelliteAssignments = try await session.fetchAll(
                SatelliteAssignmentRecord.self, "SELECT * FROM satellite_assignment WHERE tenant_id = ?", [tenant]
            ).filter { self.sealer.isValid($0.seal, for: $0.assignment.sealBytes(tenant: tenant)) }.map(\.assignment)
            let state = TenantLicenseState(
                tenant: tenantValue, isTenantIntact: isIntact, owners: owners, users: users, assignments: assignments,
                seatsInUse: try await self.seatsInUse(session, tenant: tenant), satellites: satellites,
                satelliteAssignments: satelliteAssignments, events: try await self.loadEvents(session, tenant: tenant).valid)
            return TenantSnapshot(version: version, state: state, voidUsers: voidUsers, voidModules: voidModules)
        }
    }

    public func holders(tenant: String, module: ModuleKey) async throws -> [String] {
        try await read { session in try await self.holders(session, tenant: tenant, module: module) }
    }

    func holders(_ session: PostgresSession, tenant: String, module: ModuleKey) async throws -> [String] {
        let users = try await session.scalars(
            String.self,
            """
            SELECT DISTINCT u.user_name FROM assignment a JOIN app_user u ON u.tenant_id = a.tenant_id AND u.id = a.user_id
            WHERE a.tenant_id = ? AND a.owner_name = ? AND a.module_name = ? ORDER BY u.user_name
            """, [tenant, module.owner, module.module])
        let satellites = try await session.scalars(
            String.self,
            "SELECT satellite FROM satellite_assignment WHERE tenant_id = ? AND owner_name = ? AND module_name = ? ORDER BY satellite",
            [tenant, module.owner, module.module])
        return users + satellites
    }

    public func passwordHash(tenant: String, userName: String) async throws -> String? {
        try await read { session in
            guard
                let record = try await session.fetchOne(
                    UserRecord.self, "SELECT * FROM app_user WHERE tenant_id = ? AND user_name = ?", [tenant, userName]),
                self.sealer.isValid(record.seal, for: record.user.sealBytes(tenant: tenant)),
                record.user.isAdministrator
            else { return nil }
            return record.passwordHash
        }
    }

    // MARK: - Audit

    /// Appends a sealed entry chained to the previous one, bumps the tenant's version and notifies the other nodes
    /// (PostgreSQL delivers the notification when the transaction commits, and only then).
    func appendAudit(
        _ session: PostgresSession, tenant: String, actor: String, action: String, target: String, before: String?,
        after: String?, now: Date
    ) async throws {
        guard
            var head = try await session.fetchOne(
                TenantHeadRecord.self, "SELECT * FROM tenant_head WHERE tenant_id = ?", [tenant])
        else { throw LicenseInputError.unknownTenant(tenant) }
        let entry = AuditEntry(
            sequence: head.head.auditSequence + 1, at: now.wholeSeconds, actor: actor, action: action, target: target,
            before: before, after: after, previousSeal: head.head.auditSeal)
        let seal = sealer.seal(entry.sealBytes(tenant: tenant))
        try await session.insert(AuditRecord(tenantID: tenant, entry: entry, seal: seal))
        head.head = TenantHead(
            version: head.head.version + 1, auditSequence: entry.sequence, auditSeal: seal, eventIDs: head.head.eventIDs)
        head.seal = sealer.seal(head.head.sealBytes(tenant: tenant))
        try await session.update(head, key: ["tenant_id"])
        try await session.execute("SELECT pg_notify(?, ?)", [Self.channel, tenant])
    }

    /// Records which event rows exist, in the sealed head, as the server adds or deletes them.
    func updateHeadEventIDs(_ session: PostgresSession, tenant: String, _ change: (inout [Int64]) -> Void) async throws {
        guard
            var head = try await session.fetchOne(
                TenantHeadRecord.self, "SELECT * FROM tenant_head WHERE tenant_id = ?", [tenant])
        else { throw LicenseInputError.unknownTenant(tenant) }
        change(&head.head.eventIDs)
        head.head.eventIDs.sort()
        head.seal = sealer.seal(head.head.sealBytes(tenant: tenant))
        try await session.update(head, key: ["tenant_id"])
    }

    public func audit(tenant: String, before: Int64?, limit: Int) async throws -> [AuditEntry] {
        try await read { session in
            _ = try await self.loadTenant(session, tenant)
            return try await session.fetchAll(
                AuditRecord.self,
                "SELECT * FROM audit_entry WHERE tenant_id = ? AND sequence < ? ORDER BY sequence DESC LIMIT ?",
                [tenant, before ?? Int64.max, Int64(max(1, min(limit, 1_000)))]
            ).map(\.entry)
        }
    }
}

/// The first of two outcomes, delivered once.
final class RaceOutcome<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var result: Result<T, any Error>?
    private var cleanup: (@Sendable () -> Void)?

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    /// Runs `action` once resolved (at once when already resolved).
    func onResolve(_ action: @escaping @Sendable () -> Void) {
        let now = lock.withLock { () -> Bool in
            if result != nil { return true }
            cleanup = action
            return false
        }
        if now { action() }
    }

    func resolve(_ outcome: Result<T, any Error>) {
        let (continuation, cleanup) = lock.withLock { () -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard result == nil else { return (nil, nil) }
            result = outcome
            defer {
                self.continuation = nil
                self.cleanup = nil
            }
            return (self.continuation, self.cleanup)
        }
        continuation?.resume(with: outcome)
        cleanup?()
    }
}

/// An async lock per tenant: writers of one tenant take turns in arrival order.
final class TenantGates: @unchecked Sendable {
    private let lock = NSLock()
    private var queues: [String: [CheckedContinuation<Void, Never>]] = [:]
    private var busy: Set<String> = []

    func enter(_ tenant: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = lock.withLock {
                if busy.insert(tenant).inserted { return true }
                queues[tenant, default: []].append(continuation)
                return false
            }
            if admitted { continuation.resume() }
        }
    }

    func leave(_ tenant: String) {
        let next = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            guard var waiting = queues[tenant], !waiting.isEmpty else {
                busy.remove(tenant)
                queues[tenant] = nil
                return nil
            }
            let first = waiting.removeFirst()
            queues[tenant] = waiting
            return first
        }
        next?.resume()
    }
}

/// The database is known to be unreachable; one probe at a time checks every half second whether it is back.
final class Outage: @unchecked Sendable {
    private let lock = NSLock()
    private var current: String?
    private var probing = false
    private var stopped = false

    /// Ends the probing (the store shuts down).
    func stop() { lock.withLock { stopped = true } }

    var message: String? { lock.withLock { current } }

    func begin(_ message: String, probe: @escaping @Sendable () async throws -> Void) {
        let start = lock.withLock { () -> Bool in
            current = message
            if probing { return false }
            probing = true
            return true
        }
        guard start else { return }
        Task {
            while !lock.withLock({ stopped }) {
                try? await Task.sleep(for: .milliseconds(500))
                if (try? await probe()) != nil { break }
            }
            lock.withLock {
                current = nil
                probing = false
            }
        }
    }
}

/// Whether the work got a connection, and who to tell when that connection closes under it: a query whose
/// connection the server ended does not always fail by itself.
final class LeaseWatch: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    private var onLost: (@Sendable () -> Void)?

    var isSet: Bool { lock.withLock { value } }

    func whenLost(_ action: @escaping @Sendable () -> Void) { lock.withLock { onLost = action } }

    func set(_ connection: PostgresConnection) {
        let action = lock.withLock { () -> (@Sendable () -> Void)? in
            value = true
            return onLost
        }
        if let action { ConnectionWatch.shared.attach(connection, action) }
    }

    func release(_ connection: PostgresConnection) { ConnectionWatch.shared.detach(connection) }
}

/// Calls the handler of the transaction a connection is serving when the connection closes. One close callback per
/// connection, registered the first time it is seen, so long-lived pool connections gather nothing.
final class ConnectionWatch: @unchecked Sendable {
    static let shared = ConnectionWatch()
    private let lock = NSLock()
    private var handlers: [ObjectIdentifier: @Sendable () -> Void] = [:]
    private var watched: Set<ObjectIdentifier> = []

    func attach(_ connection: PostgresConnection, _ handler: @escaping @Sendable () -> Void) {
        let id = ObjectIdentifier(connection)
        let first = lock.withLock { () -> Bool in
            handlers[id] = handler
            return watched.insert(id).inserted
        }
        guard first else { return }
        connection.closeFuture.whenComplete { _ in
            let handler = self.lock.withLock { () -> (@Sendable () -> Void)? in
                self.watched.remove(id)
                return self.handlers.removeValue(forKey: id)
            }
            handler?()
        }
    }

    func detach(_ connection: PostgresConnection) {
        _ = lock.withLock { handlers.removeValue(forKey: ObjectIdentifier(connection)) }
    }
}

extension Duration {
    /// Whole seconds, for messages.
    var seconds: Int64 { components.seconds }
}
