import Foundation
import LicenseCore
import LicenseStore

// MARK: - Tenants and snapshots

extension LicenseEngine {
    public func createTenant(_ tenant: Tenant, actor: String) async throws {
        try tenant.validate()
        try TrustRootProbe.check(tenant)
        try await write(tenant: nil) { s in
            if s.dialect.locksTenantTable { try s.execute("LOCK TABLE tenant IN SHARE ROW EXCLUSIVE MODE", []) }
            if try s.exists("SELECT 1 FROM tenant WHERE id = ?", [.text(tenant.id)]) {
                throw LicenseInputError.duplicate("tenant '\(tenant.id)'")
            }
            try self.add(s, tenant: tenant.id, TenantRecord(tenant: tenant, seal: self.sealer.seal(tenant.sealBytes)))
            var head = TenantHeadRecord(
                tenantID: tenant.id, head: TenantHead(version: 0, auditSequence: 0, auditSeal: "", commitment: StateCommitment()),
                seal: "")
            head.seal = self.sealer.seal(head.head.sealBytes(tenant: tenant.id))
            try s.insert(head)
            try self.appendAudit(
                s, tenant: tenant.id, actor: actor, action: "tenant.create", target: tenant.id, before: nil,
                after: "\(tenant.companyName) / \(tenant.serialNumber)", now: tenant.createdAt)
        }
    }

    public func tenantIDs() async throws -> [String] {
        try await read { s in try s.scalars(String.self, "SELECT id FROM tenant ORDER BY id") }
    }

    public func tenant(_ id: String) async throws -> Tenant {
        try await read { s in try self.loadTenant(s, id).tenant }
    }

    public func version(of tenant: String) async throws -> Int64 {
        try await read { s in
            guard let version = try s.scalar(Int64.self, "SELECT version FROM tenant_head WHERE tenant_id = ?", [.text(tenant)])
            else { throw LicenseInputError.unknownTenant(tenant) }
            return version
        }
    }

    public func tenantVersions() async throws -> [String: Int64] {
        try await read { s in
            var result: [String: Int64] = [:]
            try s.forEachRow("SELECT tenant_id, version FROM tenant_head", []) { row in
                result[try row["tenant_id"]] = try row["version"]
            }
            return result
        }
    }

    /// The tenant as checks see it: verified rows only, held against the sealed head (DESIGN §6a). A head that does
    /// not verify, or a user, assignment or satellite table whose rows are not the ones the head commits to (a row put
    /// in, taken out or put back), makes the whole tenant fail closed (`tenant-integrity`) until an administrator has
    /// looked (`verify`, `repair --accept-current`): which of the rows is the extra one cannot be told, so none grants.
    /// An edited row whose seal was left keeps the digest and is void by itself. An owner whose stored package is not
    /// the one the head records grants nothing (`module-integrity`); events that are not the committed ones block
    /// logins (`event-integrity`); a module whose stored holders exceed its count grants only its oldest holders.
    public func loadSnapshot(tenant: String) async throws -> TenantSnapshot {
        try await read(timeout: .seconds(120)) { s in
            let (tenantValue, isTenantRowIntact) = try self.loadTenant(s, tenant)
            let headRecord = try self.loadHead(s, tenant: tenant)
            let head = headRecord.head
            let isHeadIntact = self.sealer.isValid(headRecord.seal, for: head.sealBytes(tenant: tenant))
            let legacy = head.commitment == nil
            var owners: [String: OwnerLicense] = [:]
            var voidModules: Set<ModuleKey> = []
            var storedOwners: [String: Int64] = [:]
            for rows in try self.loadOwnerRows(s, tenant: tenantValue) {
                let name = rows.record.header.owner
                storedOwners[name] = rows.record.header.issuedAt.epochSeconds
                guard let verified = rows.verified else {
                    voidModules.formUnion(rows.modules.map { ModuleKey(owner: name, module: $0.module.name) })
                    continue
                }
                voidModules.formUnion(rows.check.badModules.keys.map { ModuleKey(owner: name, module: $0) })
                owners[name] = verified
            }
            var tally = CommitmentTally(digester: self.sealer.makeDigester())
            var users: [Int64: User] = [:]
            var voidUsers: [User] = []
            try s.forEachRow("SELECT * FROM \(s.dialect.userTable) WHERE tenant_id = ?", [.text(tenant)]) { row in
                let record = try UserRecord(row: row)
                tally.add("user", seal: record.seal)
                if record.isSealValid(self.sealer.isValid, legacy: legacy) {
                    users[record.user.id] = record.user
                } else {
                    voidUsers.append(record.user)
                }
            }
            let verifier = self.sealer.makeBulkVerifier()
            // Rows left out (void, or of a void user): a snapshot that left rows out is not changed by change sets.
            var leftOut = 0
            var records: [AssignmentRecord] = []
            try s.forEachRow("SELECT \(AssignmentRecord.selection) FROM assignment WHERE tenant_id = ?", [.text(tenant)]) {
                row in records.append(try AssignmentRecord(row: row))
            }
            // The seals, the bulk of a load, are checked on every core while the rows stay in order.
            let (isValid, digest) = AssignmentSealCheck.check(records, sealer: self.sealer, tenant: tenant)
            tally.add("assignment", sum: digest)
            var assignments: [Assignment] = []
            assignments.reserveCapacity(records.count)
            for (index, record) in records.enumerated() {
                if isValid[index], users[record.assignment.userID] != nil {
                    assignments.append(record.assignment)
                } else {
                    leftOut += 1
                }
            }
            records = []
            var satellites: [String: Satellite] = [:]
            for row in try s.rows("SELECT * FROM satellite WHERE tenant_id = ?", [.text(tenant)]) {
                let record = try SatelliteRecord(row: row)
                tally.add("satellite", seal: record.seal)
                if verifier.isValid(record.seal, for: record.satellite.sealBytes(tenant: tenant)) {
                    satellites[record.satellite.name] = record.satellite
                } else {
                    leftOut += 1
                }
            }
            var satelliteAssignments: [SatelliteAssignment] = []
            for row in try s.rows("SELECT * FROM satellite_assignment WHERE tenant_id = ?", [.text(tenant)]) {
                let record = try SatelliteAssignmentRecord(row: row)
                tally.add("satellite_assignment", seal: record.seal)
                if verifier.isValid(record.seal, for: record.assignment.sealBytes(tenant: tenant)) {
                    satelliteAssignments.append(record.assignment)
                } else {
                    leftOut += 1
                }
            }
            var eventTally: CommitmentTally? = CommitmentTally(digester: self.sealer.makeDigester())
            let events = try self.loadEvents(s, tenant: tenant, tally: &eventTally)
            let storedEventIDs = Set((events.valid + events.void).map(\.id))

            // Held against the sealed head (a head that predates the commitment has only its seal and event ids).
            var eventsHold = isHeadIntact && events.void.isEmpty && storedEventIDs == Set(head.eventIDs)
            var grantsHold = isHeadIntact
            if isHeadIntact, let commitment = head.commitment {
                for table in ["user", "assignment", "satellite", "satellite_assignment"] where grantsHold {
                    grantsHold = try self.matches(s, tenant: tenant, table: table, sum: tally.sum(table), commitment)
                }
                for (name, issuedAt) in storedOwners where commitment.owners[name]?.highestIssuedAt != issuedAt {
                    if let owner = owners.removeValue(forKey: name) {
                        voidModules.formUnion(owner.modules.keys.map { ModuleKey(owner: name, module: $0) })
                    }
                }
                if eventsHold, let eventTally {
                    eventsHold = try self.matches(
                        s, tenant: tenant, table: "system_event", sum: eventTally.sum("system_event"), commitment)
                }
            }
            // The seats in use: the sealed head's counts when the grant tables are the ones it commits to (they are
            // the rows' counts then), else counted from the rows.
            let seats: [ModuleKey: Int]
            if grantsHold, let counted = head.commitment?.seats {
                seats = counted
            } else {
                seats = try self.seatsInUse(s, tenant: tenant)
            }
            let state = TenantLicenseState(
                tenant: tenantValue, isTenantIntact: isTenantRowIntact && grantsHold, owners: owners, users: users,
                assignments: assignments, seatsInUse: seats, satellites: satellites,
                satelliteAssignments: satelliteAssignments, events: events.valid, areEventsIntact: eventsHold)
            return TenantSnapshot(
                version: head.version, state: state, voidUsers: voidUsers, voidModules: voidModules,
                acceptsChanges: !legacy && leftOut == 0 && storedOwners.count == owners.count)
        }
    }

    public func holders(tenant: String, module: ModuleKey) async throws -> [String] {
        try await read { s in try self.holders(s, tenant: tenant, module: module) }
    }

    public func passwordHash(tenant: String, userName: String) async throws -> String? {
        try await read { s in
            guard let (record, isIntact) = try self.loadUser(s, tenant: tenant, userName: userName), isIntact,
                record.user.isAdministrator
            else { return nil }
            return record.passwordHash
        }
    }

    public func audit(tenant: String, before: Int64?, limit: Int) async throws -> [AuditEntry] {
        try await read { s in
            _ = try self.loadTenant(s, tenant)
            return try s.fetchAll(
                AuditRecord.self,
                "SELECT * FROM audit_entry WHERE tenant_id = ? AND sequence < ? ORDER BY sequence DESC LIMIT ?",
                [.text(tenant), .integer(before ?? Int64.max), .integer(Int64(max(1, min(limit, 1_000))))]
            ).map(\.entry)
        }
    }
}
