import Foundation
import GRDB
import LicenseCore

/// The embedded backend: one SQLite file in WAL mode, shared safely by the server and CLI processes.
///
/// Every decision runs in one IMMEDIATE transaction, so concurrent writers (threads or processes) queue on
/// SQLite's write lock and each sees what the one before committed.
public final class SQLiteLicenseStore: LicenseStoring {
    let pool: DatabasePool
    let sealer: Sealer
    public let path: String

    /// Opens (creating if needed) `<dataDirectory>/licensing.sqlite` with the installation key of that directory.
    public convenience init(dataDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let sealer = try InstallationKey.load(dataDirectory: dataDirectory, environment: environment)
        try self.init(path: dataDirectory.appendingPathComponent("licensing.sqlite").path, sealer: sealer)
    }

    public init(path: String, sealer: Sealer) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(60)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        self.sealer = sealer
        self.path = path
        try Schema.migrator.migrate(pool)
    }

    // MARK: - Transactions

    /// Runs `body` in an IMMEDIATE transaction: the write lock is taken before the first read.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.read(body)
    }

    // MARK: - Tenants

    public func createTenant(_ tenant: Tenant, actor: String) async throws {
        try tenant.validate()
        _ = try PackageVerifierProbe.trustRoot(tenant)
        try await write { db in
            if try TenantRecord.fetchOne(db, key: tenant.id) != nil {
                throw LicenseInputError.duplicate("tenant '\(tenant.id)'")
            }
            try TenantRecord(tenant: tenant, seal: self.sealer.seal(tenant.sealBytes)).insert(db)
            let head = TenantHead(version: 0, auditSequence: 0, auditSeal: "")
            try TenantHeadRecord(tenantID: tenant.id, head: head, seal: self.sealer.seal(head.sealBytes(tenant: tenant.id)))
                .insert(db)
            try self.appendAudit(
                db, tenant: tenant.id, actor: actor, action: "tenant.create", target: tenant.id, before: nil,
                after: "\(tenant.companyName) / \(tenant.serialNumber)", now: tenant.createdAt)
        }
    }

    public func tenantIDs() async throws -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT id FROM tenant ORDER BY id") }
    }

    public func tenant(_ id: String) async throws -> Tenant {
        try await read { db in try self.loadTenant(db, id).tenant }
    }

    public func version(of tenant: String) async throws -> Int64 {
        try await read { db in
            guard
                let version = try Int64.fetchOne(
                    db, sql: "SELECT version FROM tenant_head WHERE tenant_id = ?", arguments: [tenant])
            else { throw LicenseInputError.unknownTenant(tenant) }
            return version
        }
    }

    /// SQLite's own change counter, cheap to poll: it moves when another connection or process commits.
    public func dataVersion() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }

    // MARK: - Loading verified rows

    func loadTenant(_ db: Database, _ id: String) throws -> (tenant: Tenant, isIntact: Bool) {
        guard let record = try TenantRecord.fetchOne(db, key: id) else { throw LicenseInputError.unknownTenant(id) }
        return (record.tenant, sealer.isValid(record.seal, for: record.tenant.sealBytes))
    }

    /// The tenant, refusing to write on a tenant whose row has been tampered with.
    func requireIntactTenant(_ db: Database, _ id: String) throws -> Tenant {
        let (tenant, isIntact) = try loadTenant(db, id)
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

    func loadOwnerRows(_ db: Database, tenant: Tenant, only owner: String? = nil) throws -> [OwnerRows] {
        var sql = "SELECT * FROM license_owner WHERE tenant_id = ?"
        var arguments: StatementArguments = [tenant.id]
        if let owner {
            sql += " AND owner_name = ?"
            _ = arguments.append(contentsOf: [owner])
        }
        let owners = try OwnerRecord.fetchAll(db, sql: sql, arguments: arguments)
        return try owners.map { record in
            let modules = try ModuleRecord.fetchAll(
                db, sql: "SELECT * FROM module_license WHERE tenant_id = ? AND owner_name = ?",
                arguments: [tenant.id, record.header.owner]
            ).map(\.signed)
            let check = OwnerVerificationCache.shared.check(tenant: tenant, header: record.header, modules: modules)
            return OwnerRows(record: record, modules: modules, check: check)
        }
    }

    /// Owners whose rows verify, each with only its verified module rows.
    func loadOwners(_ db: Database, tenant: Tenant, only owner: String? = nil) throws -> [String: OwnerLicense] {
        var result: [String: OwnerLicense] = [:]
        for rows in try loadOwnerRows(db, tenant: tenant, only: owner) where rows.check.ownerProblem == nil {
            let good = rows.modules.filter { rows.check.badModules[$0.module.name] == nil }.map(\.module)
            result[rows.record.header.owner] = OwnerLicense(header: rows.record.header, modules: good)
        }
        return result
    }

    func loadUser(_ db: Database, tenant: String, userName: String) throws -> (user: User, isIntact: Bool)? {
        guard
            let record = try UserRecord.fetchOne(
                db, sql: "SELECT * FROM user WHERE tenant_id = ? AND user_name = ?", arguments: [tenant, userName])
        else { return nil }
        return (record.user, sealer.isValid(record.seal, for: record.user.sealBytes(tenant: tenant)))
    }

    /// A user whose row verifies, else an error that names the problem.
    func requireUser(_ db: Database, tenant: String, userName: String) throws -> User {
        guard let (user, isIntact) = try loadUser(db, tenant: tenant, userName: userName) else {
            throw LicenseInputError.unknownUser(userName)
        }
        guard isIntact else {
            throw LicenseRefusal(.integrity, "the row of user '\(userName)' has been tampered with (seal broken)")
        }
        return user
    }

    func loadAssignments(_ db: Database, tenant: String, userID: Int64? = nil) throws -> [Assignment] {
        var sql = "SELECT \(AssignmentRecord.columns) FROM assignment WHERE tenant_id = ?"
        var arguments: StatementArguments = [tenant]
        if let userID {
            sql += " AND user_id = ?"
            _ = arguments.append(contentsOf: [userID])
        }
        let verifier = sealer.makeBulkVerifier()
        var result: [Assignment] = []
        let cursor = try AssignmentRecord.fetchCursor(db, sql: sql, arguments: arguments)
        while let record = try cursor.next() {
            if verifier.isValid(record.seal, for: record.assignment.sealBytes(tenant: tenant)) {
                result.append(record.assignment)
            }
        }
        return result
    }

    /// Distinct users holding each module, over every stored row (forged ones too: a seat is never over-sold).
    func seatsInUse(_ db: Database, tenant: String, owner: String? = nil, modules: [String]? = nil) throws -> [ModuleKey: Int] {
        var sql = "SELECT owner_name, module_name, COUNT(DISTINCT user_id) FROM assignment WHERE tenant_id = ?"
        var arguments: StatementArguments = [tenant]
        if let owner {
            sql += " AND owner_name = ?"
            _ = arguments.append(contentsOf: [owner])
            if let modules {
                sql += " AND module_name IN (\(databaseQuestionMarks(count: modules.count)))"
                _ = arguments.append(contentsOf: StatementArguments(modules))
            }
        }
        sql += " GROUP BY owner_name, module_name"
        var result: [ModuleKey: Int] = [:]
        for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
            result[ModuleKey(owner: row[0], module: row[1])] = row[2]
        }
        var satelliteSQL =
            "SELECT owner_name, module_name, COUNT(*) FROM satellite_assignment WHERE tenant_id = ?"
        var satelliteArguments: StatementArguments = [tenant]
        if let owner {
            satelliteSQL += " AND owner_name = ?"
            _ = satelliteArguments.append(contentsOf: [owner])
        }
        satelliteSQL += " GROUP BY owner_name, module_name"
        for row in try Row.fetchAll(db, sql: satelliteSQL, arguments: satelliteArguments) {
            result[ModuleKey(owner: row[0], module: row[1]), default: 0] += row[2]
        }
        return result
    }

    func loadEvents(_ db: Database, tenant: String) throws -> (valid: [SystemEvent], void: [SystemEvent]) {
        var valid: [SystemEvent] = []
        var void: [SystemEvent] = []
        for record in try EventRecord.fetchAll(
            db, sql: "SELECT * FROM system_event WHERE tenant_id = ? ORDER BY id", arguments: [tenant])
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
        try await read { db in
            let (tenantValue, isIntact) = try self.loadTenant(db, tenant)
            let version =
                try Int64.fetchOne(db, sql: "SELECT version FROM tenant_head WHERE tenant_id = ?", arguments: [tenant]) ?? 0
            var owners: [String: OwnerLicense] = [:]
            var voidModules: Set<ModuleKey> = []
            for rows in try self.loadOwnerRows(db, tenant: tenantValue) {
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
            for record in try UserRecord.fetchAll(db, sql: "SELECT * FROM user WHERE tenant_id = ?", arguments: [tenant]) {
                if self.sealer.isValid(record.seal, for: record.user.sealBytes(tenant: tenant)) {
                    users[record.user.id] = record.user
                } else {
                    voidUsers.append(record.user)
                }
            }
            let assignments = try self.loadAssignments(db, tenant: tenant).filter { users[$0.userID] != nil }
            var satellites: [String: Satellite] = [:]
            for record in try SatelliteRecord.fetchAll(
                db, sql: "SELECT * FROM satellite WHERE tenant_id = ?", arguments: [tenant])
            where self.sealer.isValid(record.seal, for: record.satellite.sealBytes(tenant: tenant)) {
                satellites[record.satellite.name] = record.satellite
            }
            let satelliteAssignments = try SatelliteAssignmentRecord.fetchAll(
                db, sql: "SELECT * FROM satellite_assignment WHERE tenant_id = ?", arguments: [tenant]
            ).filter { self.sealer.isValid($0.seal, for: $0.assignment.sealBytes(tenant: tenant)) }.map(\.assignment)
            let state = TenantLicenseState(
                tenant: tenantValue, isTenantIntact: isIntact, owners: owners, users: users, assignments: assignments,
                seatsInUse: try self.seatsInUse(db, tenant: tenant), satellites: satellites,
                satelliteAssignments: satelliteAssignments, events: try self.loadEvents(db, tenant: tenant).valid)
            return TenantSnapshot(version: version, state: state, voidUsers: voidUsers, voidModules: voidModules)
        }
    }

    public func holders(tenant: String, module: ModuleKey) async throws -> [String] {
        try await read { db in try self.holders(db, tenant: tenant, module: module) }
    }

    func holders(_ db: Database, tenant: String, module: ModuleKey) throws -> [String] {
        let users = try String.fetchAll(
            db,
            sql: """
                SELECT DISTINCT u.user_name FROM assignment a JOIN user u ON u.tenant_id = a.tenant_id AND u.id = a.user_id
                WHERE a.tenant_id = ? AND a.owner_name = ? AND a.module_name = ? ORDER BY u.user_name
                """, arguments: [tenant, module.owner, module.module])
        let satellites = try String.fetchAll(
            db,
            sql:
                "SELECT satellite FROM satellite_assignment WHERE tenant_id = ? AND owner_name = ? AND module_name = ? ORDER BY satellite",
            arguments: [tenant, module.owner, module.module])
        return users + satellites
    }

    public func passwordHash(tenant: String, userName: String) async throws -> String? {
        try await read { db in
            guard
                let record = try UserRecord.fetchOne(
                    db, sql: "SELECT * FROM user WHERE tenant_id = ? AND user_name = ?", arguments: [tenant, userName]),
                self.sealer.isValid(record.seal, for: record.user.sealBytes(tenant: tenant)),
                record.user.isAdministrator
            else { return nil }
            return record.passwordHash
        }
    }

    // MARK: - Audit

    /// Appends a sealed entry chained to the previous one and bumps the tenant's version.
    func appendAudit(
        _ db: Database, tenant: String, actor: String, action: String, target: String, before: String?, after: String?,
        now: Date
    ) throws {
        guard var head = try TenantHeadRecord.fetchOne(db, key: tenant) else { throw LicenseInputError.unknownTenant(tenant) }
        let entry = AuditEntry(
            sequence: head.head.auditSequence + 1, at: now.wholeSeconds, actor: actor, action: action, target: target,
            before: before, after: after, previousSeal: head.head.auditSeal)
        let seal = sealer.seal(entry.sealBytes(tenant: tenant))
        try AuditRecord(tenantID: tenant, entry: entry, seal: seal).insert(db)
        head.head = TenantHead(
            version: head.head.version + 1, auditSequence: entry.sequence, auditSeal: seal, eventIDs: head.head.eventIDs)
        head.seal = sealer.seal(head.head.sealBytes(tenant: tenant))
        try head.update(db)
    }

    /// Records which event rows exist, in the sealed head, as the server adds or deletes them. Never recomputed from
    /// the table: a row deleted behind the server's back stays missing.
    func updateHeadEventIDs(_ db: Database, tenant: String, _ change: (inout [Int64]) -> Void) throws {
        guard var head = try TenantHeadRecord.fetchOne(db, key: tenant) else { throw LicenseInputError.unknownTenant(tenant) }
        change(&head.head.eventIDs)
        head.head.eventIDs.sort()
        head.seal = sealer.seal(head.head.sealBytes(tenant: tenant))
        try head.update(db)
    }

    public func audit(tenant: String, before: Int64?, limit: Int) async throws -> [AuditEntry] {
        try await read { db in
            _ = try self.loadTenant(db, tenant)
            return try AuditRecord.fetchAll(
                db,
                sql: "SELECT * FROM audit_entry WHERE tenant_id = ? AND sequence < ? ORDER BY sequence DESC LIMIT ?",
                arguments: [tenant, before ?? Int64.max, max(1, min(limit, 1_000))]
            ).map(\.entry)
        }
    }
}

/// Parses a tenant's trust root once at creation so a bad key is refused before anything is written.
enum PackageVerifierProbe {
    static func trustRoot(_ tenant: Tenant) throws -> Bool {
        _ = try SigningKeyJWK.parse(Data(tenant.trustRoot.utf8)).publicKey()
        return true
    }
}
