import Foundation
import LicenseCore
import LicenseStore

/// An owner's stored rows and what verifying them found.
struct OwnerRows {
    var record: OwnerRecord
    var modules: [SignedModule]
    var check: OwnerRowCheck

    /// The owner with only its verified module rows, or nil when the owner row itself fails.
    var verified: OwnerLicense? {
        guard check.ownerProblem == nil else { return nil }
        let good = modules.filter { check.badModules[$0.module.name] == nil }.map(\.module)
        return OwnerLicense(header: record.header, modules: good)
    }
}

// MARK: - Reading verified rows (inside a transaction)

extension LicenseEngine {
    func loadTenant(_ s: Backend.Session, _ id: String) throws -> (tenant: Tenant, isIntact: Bool) {
        guard let record = try s.fetchOne(TenantRecord.self, "SELECT * FROM tenant WHERE id = ?", [.text(id)]) else {
            throw LicenseInputError.unknownTenant(id)
        }
        return (record.tenant, sealer.isValid(record.seal, for: record.tenant.sealBytes))
    }

    /// The tenant, refusing to write on a tenant whose row has been tampered with.
    func requireIntactTenant(_ s: Backend.Session, _ id: String) throws -> Tenant {
        let (tenant, isIntact) = try loadTenant(s, id)
        try IntegrityRule.requireIntactTenant(id, isIntact: isIntact)
        return tenant
    }

    func loadHead(_ s: Backend.Session, tenant: String) throws -> TenantHeadRecord {
        try loadCheckedHead(s, tenant: tenant).record
    }

    /// The tenant's head as stored and whether its seal holds. The row the backend locked at the start of the write is
    /// taken when there is one (no second read); the same stored values are parsed and checked once (`HeadMemo`).
    func loadCheckedHead(_ s: Backend.Session, tenant: String) throws -> (record: TenantHeadRecord, isIntact: Bool) {
        let row: SQLRow
        if let locked = s.changes.takeLockedHead(tenant: tenant) {
            row = locked
        } else {
            guard let stored = try s.row("SELECT * FROM tenant_head WHERE tenant_id = ?", [.text(tenant)]) else {
                throw LicenseInputError.unknownTenant(tenant)
            }
            row = stored
        }
        let values = HeadMemo.Values(row)
        if let known = headMemo.lookup(tenant: tenant, values) { return known }
        let record = try TenantHeadRecord(row: row)
        let isIntact = sealer.isValid(record.seal, for: record.head.sealBytes(tenant: tenant))
        headMemo.remember(tenant: tenant, values, record: record, isIntact: isIntact)
        return (record, isIntact)
    }

    /// The owners' rows and their module rows, checked. The stored package file (large) is read only `withPackage`.
    func loadOwnerRows(
        _ s: Backend.Session, tenant: Tenant, only owner: String? = nil, withPackage: Bool = false
    ) throws -> [OwnerRows] {
        var sql =
            "SELECT " + (withPackage ? "*" : OwnerRecord.columnsWithoutPackage) + " FROM license_owner WHERE tenant_id = ?"
        var arguments: [SQLValue] = [.text(tenant.id)]
        if let owner {
            sql += " AND owner_name = ?"
            arguments.append(.text(owner))
        }
        return try s.fetchAll(OwnerRecord.self, sql + " ORDER BY owner_name", arguments).map { record in
            let modules = try s.fetchAll(
                ModuleRecord.self, "SELECT * FROM module_license WHERE tenant_id = ? AND owner_name = ? ORDER BY module_name",
                [.text(tenant.id), .text(record.header.owner)]
            ).map(\.signed)
            let check = OwnerVerificationCache.shared.check(tenant: tenant, header: record.header, modules: modules)
            return OwnerRows(record: record, modules: modules, check: check)
        }
    }

    /// Owners whose rows verify and whose package is the one the sealed head records (an older package's rows put
    /// back grant nothing to a write either), each with only its verified module rows.
    func loadOwners(_ s: Backend.Session, tenant: Tenant, only owner: String? = nil) throws -> [String: OwnerLicense] {
        let commitment = try (s.changes.head ?? loadHead(s, tenant: tenant.id)).head.commitment
        var result: [String: OwnerLicense] = [:]
        for rows in try loadOwnerRows(s, tenant: tenant, only: owner) {
            let name = rows.record.header.owner
            if let commitment, commitment.owners[name]?.highestIssuedAt != rows.record.header.issuedAt.epochSeconds { continue }
            if let verified = rows.verified { result[name] = verified }
        }
        return result
    }

    func loadUser(_ s: Backend.Session, tenant: String, userName: String) throws -> (record: UserRecord, isIntact: Bool)? {
        guard
            let record = try s.fetchOne(
                UserRecord.self, "SELECT * FROM \(s.dialect.userTable) WHERE tenant_id = ? AND user_name = ?",
                [.text(tenant), .text(userName)])
        else { return nil }
        return (record, record.isSealValid(sealer.isValid, legacy: try isLegacyHead(s, tenant: tenant)))
    }

    /// Whether the tenant's head predates the state commitment (its users may still carry version-1 seals).
    func isLegacyHead(_ s: Backend.Session, tenant: String) throws -> Bool {
        if let head = s.changes.head { return head.head.commitment == nil }
        return try s.scalar(
            Int64.self, "SELECT COUNT(*) AS n FROM tenant_head WHERE tenant_id = ? AND commitment IS NULL", [.text(tenant)])
            == 1
    }

    /// A user whose row verifies, else an error that names the problem.
    func requireUser(_ s: Backend.Session, tenant: String, userName: String) throws -> UserRecord {
        guard let (record, isIntact) = try loadUser(s, tenant: tenant, userName: userName) else {
            throw LicenseInputError.unknownUser(userName)
        }
        try IntegrityRule.requireIntactUser(userName, isIntact: isIntact)
        return record
    }

    /// Assignment rows with their seals, read by position.
    func forEachAssignment(
        _ s: Backend.Session, tenant: String, userID: Int64? = nil, _ body: (AssignmentRecord) throws -> Void
    ) throws {
        var sql = "SELECT \(AssignmentRecord.selection) FROM assignment WHERE tenant_id = ?"
        var arguments: [SQLValue] = [.text(tenant)]
        if let userID {
            sql += " AND user_id = ?"
            arguments.append(.integer(userID))
        }
        try s.forEachRow(sql, arguments) { try body(AssignmentRecord(row: $0)) }
    }

    /// The assignments whose seal holds.
    func loadAssignments(_ s: Backend.Session, tenant: String, userID: Int64? = nil) throws -> [Assignment] {
        let verifier = sealer.makeBulkVerifier()
        var result: [Assignment] = []
        try forEachAssignment(s, tenant: tenant, userID: userID) { record in
            if verifier.isValid(record.seal, for: record.assignment.sealBytes(tenant: tenant)) {
                result.append(record.assignment)
            }
        }
        return result
    }

    /// The seats in use of `owner`'s modules (`modules` only, when given) for a decision: the counts the sealed head
    /// keeps (issue 13), else, in a head from before they were kept, counted from the rows.
    func seatCounts(
        _ s: Backend.Session, tenant: String, owner: String, modules: [String]? = nil
    ) throws -> [ModuleKey: Int] {
        guard let seats = try (s.changes.head ?? loadHead(s, tenant: tenant)).head.commitment?.seats else {
            return try seatsInUse(s, tenant: tenant, owner: owner, modules: modules)
        }
        let owner = owner.uppercased()
        let wanted = modules.flatMap { $0.isEmpty ? nil : Set($0) }
        return seats.filter { key, _ in key.owner == owner && (wanted?.contains(key.module) ?? true) }
    }

    /// Distinct users holding each module, over every stored row (forged ones too: a seat is never over-sold).
    func seatsInUse(
        _ s: Backend.Session, tenant: String, owner: String? = nil, modules: [String]? = nil
    ) throws -> [ModuleKey: Int] {
        var filter = ""
        var arguments: [SQLValue] = [.text(tenant)]
        if let owner {
            filter += " AND owner_name = ?"
            arguments.append(.text(owner))
            if let modules, !modules.isEmpty {
                filter += " AND module_name IN (" + modules.map { _ in "?" }.joined(separator: ", ") + ")"
                arguments += modules.map { .text($0) }
            }
        }
        var result: [ModuleKey: Int] = [:]
        try s.forEachRow(
            "SELECT owner_name, module_name, COUNT(DISTINCT user_id) AS n FROM assignment WHERE tenant_id = ?\(filter)"
                + " GROUP BY owner_name, module_name", arguments
        ) { row in
            result[ModuleKey(owner: try row["owner_name"], module: try row["module_name"])] = try row["n"]
        }
        try s.forEachRow(
            "SELECT owner_name, module_name, COUNT(*) AS n FROM satellite_assignment WHERE tenant_id = ?\(filter)"
                + " GROUP BY owner_name, module_name", arguments
        ) { row in
            result[ModuleKey(owner: try row["owner_name"], module: try row["module_name"]), default: 0] += try row["n"]
        }
        return result
    }

    func loadEvents(_ s: Backend.Session, tenant: String) throws -> (valid: [SystemEvent], void: [SystemEvent]) {
        var tally: CommitmentTally?
        return try loadEvents(s, tenant: tenant, tally: &tally)
    }

    /// The events whose seal holds and those whose seal fails; each row's element added to `tally` when given.
    func loadEvents(
        _ s: Backend.Session, tenant: String, tally: inout CommitmentTally?
    ) throws -> (valid: [SystemEvent], void: [SystemEvent]) {
        var valid: [SystemEvent] = []
        var void: [SystemEvent] = []
        for row in try s.rows("SELECT * FROM system_event WHERE tenant_id = ? ORDER BY id", [.text(tenant)]) {
            let record = try EventRecord(row: row)
            tally?.add("system_event", seal: record.seal)
            if sealer.isValid(record.seal, for: record.event.sealBytes(tenant: tenant)) {
                valid.append(record.event)
            } else {
                void.append(record.event)
            }
        }
        return (valid, void)
    }

    func holders(_ s: Backend.Session, tenant: String, module: ModuleKey) throws -> [String] {
        let arguments: [SQLValue] = [.text(tenant), .text(module.owner), .text(module.module)]
        let users = try s.scalars(
            String.self,
            """
            SELECT DISTINCT u.user_name FROM assignment a JOIN \(s.dialect.userTable) u ON u.tenant_id = a.tenant_id AND u.id = a.user_id
            WHERE a.tenant_id = ? AND a.owner_name = ? AND a.module_name = ? ORDER BY u.user_name
            """, arguments)
        let satellites = try s.scalars(
            String.self,
            "SELECT satellite FROM satellite_assignment WHERE tenant_id = ? AND owner_name = ? AND module_name = ? ORDER BY satellite",
            arguments)
        return users + satellites
    }
}

// MARK: - Writing: the audit chain

extension LicenseEngine {
    /// Appends a sealed entry chained to the previous one, bumps the tenant's version and tells other processes
    /// (delivered when the transaction commits, and only then).
    func appendAudit(
        _ s: Backend.Session, tenant: String, actor: String, action: String, target: String, before: String?,
        after: String?, now: Date
    ) throws {
        let head = try pendingHead(s, tenant: tenant)
        let entry = AuditEntry(
            sequence: head.head.auditSequence + 1, at: now.wholeSeconds, actor: actor, action: action, target: target,
            before: before, after: after, previousSeal: head.head.auditSeal)
        let seal = sealer.seal(entry.sealBytes(tenant: tenant))
        try add(s, tenant: tenant, AuditRecord(tenantID: tenant, entry: entry, seal: seal))
        try updateHead(s, tenant: tenant) { head in
            head.head.auditSequence = entry.sequence
            head.head.auditSeal = seal
        }
        noteAudited(s)
    }
}
