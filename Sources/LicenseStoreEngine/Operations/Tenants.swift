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

    public func loadSnapshot(tenant: String) async throws -> TenantSnapshot {
        try await read(timeout: .seconds(120)) { s in
            let (tenantValue, isIntact) = try self.loadTenant(s, tenant)
            let version = try self.loadHead(s, tenant: tenant).head.version
            var owners: [String: OwnerLicense] = [:]
            var voidModules: Set<ModuleKey> = []
            for rows in try self.loadOwnerRows(s, tenant: tenantValue) {
                let name = rows.record.header.owner
                guard let verified = rows.verified else {
                    voidModules.formUnion(rows.modules.map { ModuleKey(owner: name, module: $0.module.name) })
                    continue
                }
                voidModules.formUnion(rows.check.badModules.keys.map { ModuleKey(owner: name, module: $0) })
                owners[name] = verified
            }
            var users: [Int64: User] = [:]
            var voidUsers: [User] = []
            try s.forEachRow("SELECT * FROM \(s.dialect.userTable) WHERE tenant_id = ?", [.text(tenant)]) { row in
                let record = try UserRecord(row: row)
                if self.sealer.isValid(record.seal, for: record.user.sealBytes(tenant: tenant)) {
                    users[record.user.id] = record.user
                } else {
                    voidUsers.append(record.user)
                }
            }
            let assignments = try self.loadAssignments(s, tenant: tenant).filter { users[$0.userID] != nil }
            var satellites: [String: Satellite] = [:]
            for record in try s.fetchAll(SatelliteRecord.self, "SELECT * FROM satellite WHERE tenant_id = ?", [.text(tenant)])
            where self.sealer.isValid(record.seal, for: record.satellite.sealBytes(tenant: tenant)) {
                satellites[record.satellite.name] = record.satellite
            }
            let satelliteAssignments = try s.fetchAll(
                SatelliteAssignmentRecord.self, "SELECT * FROM satellite_assignment WHERE tenant_id = ?", [.text(tenant)]
            ).filter { self.sealer.isValid($0.seal, for: $0.assignment.sealBytes(tenant: tenant)) }.map(\.assignment)
            let state = TenantLicenseState(
                tenant: tenantValue, isTenantIntact: isIntact, owners: owners, users: users, assignments: assignments,
                seatsInUse: try self.seatsInUse(s, tenant: tenant), satellites: satellites,
                satelliteAssignments: satelliteAssignments, events: try self.loadEvents(s, tenant: tenant).valid)
            return TenantSnapshot(version: version, state: state, voidUsers: voidUsers, voidModules: voidModules)
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
