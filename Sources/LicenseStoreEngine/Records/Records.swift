import Foundation
import LicenseCore
import LicenseStore

// One record type per table, internal to the engine, mapped to core values at the boundary (DESIGN §14).
// Dates are stored as whole seconds since 1970 UTC; booleans as 0 or 1.

/// A table's row as the engine reads and writes it.
protocol StoredRecord {
    static var table: String { get }
    init(row: SQLRow) throws
    /// Every column with its value, in the order they are inserted.
    var columns: [(name: String, value: SQLValue)] { get }
}

struct TenantRecord: StoredRecord {
    static let table = "tenant"
    var tenant: Tenant
    var seal: String

    init(tenant: Tenant, seal: String) {
        self.tenant = tenant
        self.seal = seal
    }

    init(row: SQLRow) throws {
        let type: String = try row["database_type"]
        tenant = Tenant(
            id: try row["id"], companyName: try row["company_name"], serialNumber: try row["serial_number"],
            databaseType: DatabaseType(rawValue: type) ?? .central, databaseOwner: try row["database_owner"],
            trustRoot: try row["trust_root"], createdAt: try row.date("created_at"))
        seal = try row["seal"]
    }

    var columns: [(name: String, value: SQLValue)] {
        [
            ("id", tenant.id.sqlValue), ("company_name", tenant.companyName.sqlValue),
            ("serial_number", tenant.serialNumber.sqlValue), ("database_type", tenant.databaseType.rawValue.sqlValue),
            ("database_owner", tenant.databaseOwner.sqlValue), ("trust_root", tenant.trustRoot.sqlValue),
            ("created_at", tenant.createdAt.epochSeconds.sqlValue), ("seal", seal.sqlValue),
        ]
    }
}

struct TenantHeadRecord: StoredRecord {
    static let table = "tenant_head"
    var tenantID: String
    var head: TenantHead
    /// The highest event id ever issued (never reused).
    var eventSequence: Int64
    var seal: String

    init(tenantID: String, head: TenantHead, eventSequence: Int64 = 0, seal: String) {
        self.tenantID = tenantID
        self.head = head
        self.eventSequence = eventSequence
        self.seal = seal
    }

    init(row: SQLRow) throws {
        tenantID = try row["tenant_id"]
        let ids: String = try row["event_ids"]
        let commitment: String? = try row["commitment"]
        head = TenantHead(
            version: try row["version"], auditSequence: try row["audit_sequence"], auditSeal: try row["audit_seal"],
            eventIDs: ids.split(separator: ",").compactMap { Int64($0) },
            commitment: commitment.map { StateCommitment(canonicalText: $0) ?? Self.unreadable })
        eventSequence = try row["event_sequence"]
        seal = try row["seal"]
    }

    var columns: [(name: String, value: SQLValue)] { columns(commitmentText: head.commitment?.canonicalText) }

    /// The columns, with the commitment's text already made (`head.commitment?.canonicalText`).
    func columns(commitmentText: String?) -> [(name: String, value: SQLValue)] {
        [
            ("tenant_id", tenantID.sqlValue), ("version", head.version.sqlValue),
            ("audit_sequence", head.auditSequence.sqlValue), ("audit_seal", head.auditSeal.sqlValue),
            ("event_ids", head.eventIDs.map(String.init).joined(separator: ",").sqlValue),
            ("event_sequence", eventSequence.sqlValue), ("commitment", commitmentText.sqlValue),
            ("seal", seal.sqlValue),
        ]
    }

    /// Stands for a stored commitment that does not parse: it matches no rows, and the head's seal fails.
    static let unreadable = StateCommitment(
        owners: [:], tables: ["(unreadable)": MultisetDigest(hex: String(repeating: "f", count: 64))!])
}

struct OwnerRecord: StoredRecord {
    static let table = "license_owner"
    var tenantID: String
    var header: PackageHeader
    var rawPackage: String
    var activatedAt: Date

    init(tenantID: String, header: PackageHeader, rawPackage: String, activatedAt: Date) {
        self.tenantID = tenantID
        self.header = header
        self.rawPackage = rawPackage
        self.activatedAt = activatedAt
    }

    init(row: SQLRow) throws {
        tenantID = try row["tenant_id"]
        header = PackageHeader(
            owner: try row["owner_name"], description: try row["description"], licenseURL: try row["license_url"],
            deploymentType: try row["deployment_type"], productType: try row["product_type"],
            extraFlags: try row["extra_flags"], extraInfo: try row["extra_info"], companyName: "", serialNumber: "",
            issuedAt: try row.date("issued_at"), expiresAt: try row.optionalDate("expires_at"),
            graceUntil: try row.optionalDate("grace_until"), maintenanceUntil: try row.optionalDate("maintenance_until"),
            adminWarningAt: try row.optionalDate("admin_warning_at"), nextCheckAt: try row.optionalDate("next_check_at"),
            ownerCertificate: try row["owner_certificate"], ownerSignature: try row["package_signature"])
        rawPackage = try row["raw_package"]
        activatedAt = try row.date("activated_at")
    }

    /// Every column but the stored package file, which only `verify` reads.
    static let columnsWithoutPackage =
        "tenant_id, owner_name, description, license_url, deployment_type, product_type, extra_flags, extra_info, "
        + "issued_at, expires_at, grace_until, maintenance_until, admin_warning_at, next_check_at, owner_certificate, "
        + "package_signature, activated_at, '' AS raw_package"

    var columns: [(name: String, value: SQLValue)] {
        [
            ("tenant_id", tenantID.sqlValue), ("owner_name", header.owner.sqlValue),
            ("description", header.description.sqlValue), ("license_url", header.licenseURL.sqlValue),
            ("deployment_type", header.deploymentType.sqlValue), ("product_type", header.productType.sqlValue),
            ("extra_flags", header.extraFlags.sqlValue), ("extra_info", header.extraInfo.sqlValue),
            ("issued_at", header.issuedAt.epochSeconds.sqlValue),
            ("expires_at", header.expiresAt?.epochSeconds.sqlValue ?? .null),
            ("grace_until", header.graceUntil?.epochSeconds.sqlValue ?? .null),
            ("maintenance_until", header.maintenanceUntil?.epochSeconds.sqlValue ?? .null),
            ("admin_warning_at", header.adminWarningAt?.epochSeconds.sqlValue ?? .null),
            ("next_check_at", header.nextCheckAt?.epochSeconds.sqlValue ?? .null),
            ("owner_certificate", header.ownerCertificate.sqlValue), ("package_signature", header.ownerSignature.sqlValue),
            ("raw_package", rawPackage.sqlValue), ("activated_at", activatedAt.epochSeconds.sqlValue),
        ]
    }
}

struct ModuleRecord: StoredRecord {
    static let table = "module_license"
    var tenantID: String
    var owner: String
    var signed: SignedModule

    init(tenantID: String, owner: String, signed: SignedModule) {
        self.tenantID = tenantID
        self.owner = owner
        self.signed = signed
    }

    init(row: SQLRow) throws {
        tenantID = try row["tenant_id"]
        owner = try row["owner_name"]
        let types: String = try row["allowed_user_types"]
        let module = ModuleLicense(
            name: try row["module_name"], description: try row["description"], tooltip: try row["tooltip"],
            version: try row["version"], type: ModuleType(rawValue: try row["type"]) ?? .site, count: try row["count"],
            allowedUserTypes: types.split(separator: ",").compactMap { UserType(rawValue: String($0)) },
            extraFlags: try row["extra_flags"], extraInfo: try row["extra_info"], sortOrder: try row["sort_order"],
            unrestricted: try row["unrestricted"], hidden: try row["hidden"], prerequisite: try row["prerequisite"])
        signed = SignedModule(module: module, signature: try row["signature"])
    }

    var columns: [(name: String, value: SQLValue)] {
        let m = signed.module
        return [
            ("tenant_id", tenantID.sqlValue), ("owner_name", owner.sqlValue), ("module_name", m.name.sqlValue),
            ("description", m.description.sqlValue), ("tooltip", m.tooltip.sqlValue), ("version", m.version.sqlValue),
            ("type", m.type.rawValue.sqlValue), ("count", m.count.sqlValue),
            ("allowed_user_types", m.allowedUserTypes.map(\.rawValue).joined(separator: ",").sqlValue),
            ("extra_flags", m.extraFlags.sqlValue), ("extra_info", m.extraInfo.sqlValue), ("sort_order", m.sortOrder.sqlValue),
            ("unrestricted", m.unrestricted.sqlValue), ("hidden", m.hidden.sqlValue), ("prerequisite", m.prerequisite.sqlValue),
            ("signature", signed.signature.sqlValue),
        ]
    }
}

struct UserRecord: StoredRecord {
    static let table = "user"
    var tenantID: String
    var user: User
    var passwordHash: String?
    var lastLoginAt: Date?
    var createdAt: Date
    var seal: String

    init(tenantID: String, user: User, passwordHash: String?, lastLoginAt: Date?, createdAt: Date, seal: String) {
        self.tenantID = tenantID
        self.user = user
        self.passwordHash = passwordHash
        self.lastLoginAt = lastLoginAt
        self.createdAt = createdAt
        self.seal = seal
    }

    init(row: SQLRow) throws {
        tenantID = try row["tenant_id"]
        user = User(
            id: try row["id"], userName: try row["user_name"], displayName: try row["display_name"],
            email: try row["email"], type: UserType(rawValue: try row["type"]) ?? .system, canLogIn: try row["can_log_in"],
            retired: try row["retired"], waitingForApproval: try row["waiting_for_approval"],
            isAdministrator: try row["is_administrator"])
        passwordHash = try row["password_hash"]
        lastLoginAt = try row.optionalDate("last_login_at")
        createdAt = try row.date("created_at")
        seal = try row["seal"]
    }

    var columns: [(name: String, value: SQLValue)] {
        [
            ("tenant_id", tenantID.sqlValue), ("id", user.id.sqlValue), ("user_name", user.userName.sqlValue),
            ("display_name", user.displayName.sqlValue), ("email", user.email.sqlValue), ("type", user.type.rawValue.sqlValue),
            ("can_log_in", user.canLogIn.sqlValue), ("retired", user.retired.sqlValue),
            ("waiting_for_approval", user.waitingForApproval.sqlValue), ("is_administrator", user.isAdministrator.sqlValue),
            ("password_hash", passwordHash.sqlValue), ("last_login_at", lastLoginAt?.epochSeconds.sqlValue ?? .null),
            ("created_at", createdAt.epochSeconds.sqlValue), ("seal", seal.sqlValue),
        ]
    }

    /// What the seal covers: the user and the password hash.
    var sealBytes: [UInt8] { user.sealBytes(tenant: tenantID, passwordHash: passwordHash) }

    /// Whether the seal holds; `legacy`: the tenant's head predates the commitment, and version-1 seals still count.
    func isSealValid(_ isValid: (String, [UInt8]) -> Bool, legacy: Bool) -> Bool {
        isValid(seal, sealBytes) || (legacy && isValid(seal, user.legacySealBytes(tenant: tenantID)))
    }
}

struct AssignmentRecord: StoredRecord {
    static let table = "assignment"
    var tenantID: String
    var assignment: Assignment
    var seal: String

    init(tenantID: String, assignment: Assignment, seal: String) {
        self.tenantID = tenantID
        self.assignment = assignment
        self.seal = seal
    }

    /// The columns in the order `init(row:)` reads them by position (the table snapshots and `verify` read most).
    static let selection = "tenant_id, owner_name, module_name, user_id, via_plan, comment, created_at, created_by, seal, count"
    static let selectionNames = selection.split(separator: ", ").map(String.init)

    init(row: SQLRow) throws {
        tenantID = try row[0]
        let viaPlan: String = try row[4]
        assignment = Assignment(
            owner: try row[1], module: try row[2], userID: try row[3], viaPlan: viaPlan.isEmpty ? nil : viaPlan,
            createdAt: Date(epochSeconds: try row[6]), createdBy: try row[7], comment: try row[5])
        seal = try row[8]
    }

    var columns: [(name: String, value: SQLValue)] {
        [
            ("tenant_id", tenantID.sqlValue), ("owner_name", assignment.owner.sqlValue),
            ("module_name", assignment.module.sqlValue), ("user_id", assignment.userID.sqlValue),
            ("via_plan", (assignment.viaPlan ?? "").sqlValue), ("count", Int64(1).sqlValue),
            ("comment", assignment.comment.sqlValue), ("created_at", assignment.createdAt.epochSeconds.sqlValue),
            ("created_by", assignment.createdBy.sqlValue), ("seal", seal.sqlValue),
        ]
    }
}

struct SatelliteRecord: StoredRecord {
    static let table = "satellite"
    var tenantID: String
    var satellite: Satellite
    var seal: String

    init(tenantID: String, satellite: Satellite, seal: String) {
        self.tenantID = tenantID
        self.satellite = satellite
        self.seal = seal
    }

    init(row: SQLRow) throws {
        tenantID = try row["tenant_id"]
        satellite = Satellite(name: try row["name"], createdAt: try row.date("created_at"))
        seal = try row["seal"]
    }

    var columns: [(name: String, value: SQLValue)] {
        [
            ("tenant_id", tenantID.sqlValue), ("name", satellite.name.sqlValue),
            ("created_at", satellite.createdAt.epochSeconds.sqlValue), ("seal", seal.sqlValue),
        ]
    }
}

struct SatelliteAssignmentRecord: StoredRecord {
    static let table = "satellite_assignment"
    var tenantID: String
    var assignment: SatelliteAssignment
    var seal: String

    init(tenantID: String, assignment: SatelliteAssignment, seal: String) {
        self.tenantID = tenantID
        self.assignment = assignment
        self.seal = seal
    }

    init(row: SQLRow) throws {
        tenantID = try row["tenant_id"]
        assignment = SatelliteAssignment(
            owner: try row["owner_name"], module: try row["module_name"], satellite: try row["satellite"],
            createdAt: try row.date("created_at"), createdBy: try row["created_by"])
        seal = try row["seal"]
    }

    var columns: [(name: String, value: SQLValue)] {
        [
            ("tenant_id", tenantID.sqlValue), ("owner_name", assignment.owner.sqlValue),
            ("module_name", assignment.module.sqlValue), ("satellite", assignment.satellite.sqlValue),
            ("created_at", assignment.createdAt.epochSeconds.sqlValue), ("created_by", assignment.createdBy.sqlValue),
            ("seal", seal.sqlValue),
        ]
    }
}

struct EventRecord: StoredRecord {
    static let table = "system_event"
    var tenantID: String
    var event: SystemEvent
    var seal: String

    init(tenantID: String, event: SystemEvent, seal: String) {
        self.tenantID = tenantID
        self.event = event
        self.seal = seal
    }

    init(row: SQLRow) throws {
        tenantID = try row["tenant_id"]
        let owner: String = try row["scope_owner"]
        event = SystemEvent(
            id: try row["id"], key: try row["key"], scope: SystemEvent.Scope(rawValue: try row["scope"]) ?? .system,
            scopeOwner: owner.isEmpty ? nil : owner,
            status: SystemEvent.Status(rawValue: try row["status"]) ?? .cancelled, message: try row["message"],
            activatedAt: try row.date("activated_at"), activatedBy: try row["activated_by"],
            expectedFinish: try row.optionalDate("expected_finish"), finishedAt: try row.optionalDate("finished_at"),
            systemWide: try row["system_wide"], progressDone: try row["progress_done"],
            progressTotal: try row["progress_total"])
        seal = try row["seal"]
    }

    var columns: [(name: String, value: SQLValue)] {
        [
            ("tenant_id", tenantID.sqlValue), ("id", event.id.sqlValue), ("key", event.key.sqlValue),
            ("scope", event.scope.rawValue.sqlValue), ("scope_owner", (event.scopeOwner ?? "").sqlValue),
            ("status", event.status.rawValue.sqlValue), ("message", event.message.sqlValue),
            ("activated_at", event.activatedAt.epochSeconds.sqlValue), ("activated_by", event.activatedBy.sqlValue),
            ("expected_finish", event.expectedFinish?.epochSeconds.sqlValue ?? .null),
            ("finished_at", event.finishedAt?.epochSeconds.sqlValue ?? .null), ("system_wide", event.systemWide.sqlValue),
            ("progress_done", event.progressDone.sqlValue), ("progress_total", event.progressTotal.sqlValue),
            ("seal", seal.sqlValue),
        ]
    }
}

struct AuditRecord: StoredRecord {
    static let table = "audit_entry"
    var tenantID: String
    var entry: AuditEntry
    var seal: String

    init(tenantID: String, entry: AuditEntry, seal: String) {
        self.tenantID = tenantID
        self.entry = entry
        self.seal = seal
    }

    init(row: SQLRow) throws {
        tenantID = try row["tenant_id"]
        entry = AuditEntry(
            sequence: try row["sequence"], at: try row.date("at"), actor: try row["actor"], action: try row["action"],
            target: try row["target"], before: try row["before"], after: try row["after"],
            previousSeal: try row["previous_seal"])
        seal = try row["seal"]
    }

    var columns: [(name: String, value: SQLValue)] {
        [
            ("tenant_id", tenantID.sqlValue), ("sequence", entry.sequence.sqlValue), ("at", entry.at.epochSeconds.sqlValue),
            ("actor", entry.actor.sqlValue), ("action", entry.action.sqlValue), ("target", entry.target.sqlValue),
            ("before", entry.before.sqlValue), ("after", entry.after.sqlValue),
            ("previous_seal", entry.previousSeal.sqlValue), ("seal", seal.sqlValue),
        ]
    }
}

struct TokenRecord: StoredRecord {
    static let table = "api_token"
    /// Operator tokens belong to no tenant.
    static let operatorTenant = "*"
    var token: APIToken
    var seal: String

    init(token: APIToken, seal: String) {
        self.token = token
        self.seal = seal
    }

    init(row: SQLRow) throws {
        let tenant: String = try row["tenant_id"]
        token = APIToken(
            id: try row["id"], tenant: tenant == Self.operatorTenant ? nil : tenant,
            role: APIToken.Role(rawValue: try row["role"]) ?? .reader, name: try row["name"],
            secretHash: try row["secret_hash"], createdAt: try row.date("created_at"), createdBy: try row["created_by"],
            revokedAt: try row.optionalDate("revoked_at"))
        seal = try row["seal"]
    }

    var columns: [(name: String, value: SQLValue)] {
        [
            ("tenant_id", (token.tenant ?? Self.operatorTenant).sqlValue), ("id", token.id.sqlValue),
            ("role", token.role.rawValue.sqlValue), ("name", token.name.sqlValue), ("secret_hash", token.secretHash.sqlValue),
            ("created_at", token.createdAt.epochSeconds.sqlValue), ("created_by", token.createdBy.sqlValue),
            ("revoked_at", token.revokedAt?.epochSeconds.sqlValue ?? .null), ("seal", seal.sqlValue),
        ]
    }
}

// MARK: - Statements built from records

extension StoreSession {
    func fetchAll<Record: StoredRecord>(_ type: Record.Type, _ sql: String, _ arguments: [SQLValue] = []) throws -> [Record] {
        var result: [Record] = []
        try forEachRow(sql, arguments) { result.append(try Record(row: $0)) }
        return result
    }

    func fetchOne<Record: StoredRecord>(_ type: Record.Type, _ sql: String, _ arguments: [SQLValue] = []) throws -> Record? {
        try fetchAll(type, sql, arguments).first
    }

    func insert<Record: StoredRecord>(_ record: Record, orIgnore: Bool = false) throws {
        try insert(table: Record.table, record.columns, orIgnore: orIgnore)
    }

    /// Inserts a row; with `orIgnore`, a row whose key is taken is left out. Answers how many rows were inserted.
    @discardableResult
    func insert(table: String, _ columns: [(name: String, value: SQLValue)], orIgnore: Bool = false) throws -> Int {
        try execute(
            "INSERT INTO \(dialect.table(table)) (\(columns.map(\.name).joined(separator: ", "))) VALUES ("
                + columns.map { _ in "?" }.joined(separator: ", ") + ")" + (orIgnore ? " ON CONFLICT DO NOTHING" : ""),
            columns.map(\.value))
    }

    /// Inserts, or replaces every other column of the row with the same `key`.
    func upsert<Record: StoredRecord>(_ record: Record, key: [String]) throws {
        let columns = record.columns
        let others = columns.map(\.name).filter { !key.contains($0) }
        try execute(
            "INSERT INTO \(dialect.table(Record.table)) (\(columns.map(\.name).joined(separator: ", "))) VALUES ("
                + columns.map { _ in "?" }.joined(separator: ", ")
                + ") ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET "
                + others.map { "\($0) = excluded.\($0)" }.joined(separator: ", "),
            columns.map(\.value))
    }

    /// Updates the row with the record's `key` columns to the record's other columns.
    func update<Record: StoredRecord>(_ record: Record, key: [String]) throws {
        try update(table: Record.table, record.columns, key: key)
    }

    /// Updates the row with the `key` columns' values to the other columns' values.
    func update(table: String, _ columns: [(name: String, value: SQLValue)], key: [String]) throws {
        let others = columns.filter { !key.contains($0.name) }
        let keys = key.map { name in columns.first { $0.name == name }!.value }
        try execute(
            "UPDATE \(dialect.table(table)) SET " + others.map { "\($0.name) = ?" }.joined(separator: ", ")
                + " WHERE " + key.map { "\($0) = ?" }.joined(separator: " AND "),
            others.map(\.value) + keys)
    }
}

struct UsageMonthRecord: StoredRecord {
    static let table = "usage_month"
    var tenantID: String
    var row: UsageMonthRow
    var seal: String

    init(tenantID: String, row: UsageMonthRow, seal: String) {
        self.tenantID = tenantID
        self.row = row
        self.seal = seal
    }

    init(row sqlRow: SQLRow) throws {
        tenantID = try sqlRow["tenant_id"]
        row = UsageMonthRow(
            month: try sqlRow["month"], service: try sqlRow["service"], value: try sqlRow["value"],
            events: try sqlRow["events"], users: try sqlRow["users"])
        seal = try sqlRow["seal"]
    }

    var columns: [(name: String, value: SQLValue)] {
        [
            ("tenant_id", tenantID.sqlValue), ("month", row.month.sqlValue), ("service", row.service.sqlValue),
            ("value", row.value.sqlValue), ("events", row.events.sqlValue), ("users", row.users.sqlValue),
            ("seal", seal.sqlValue),
        ]
    }

    /// Whether the seal holds; in a tenant whose head predates the commitment an unsealed row (written before seals)
    /// still counts.
    func isSealValid(_ isValid: (String, [UInt8]) -> Bool, legacy: Bool) -> Bool {
        (legacy && seal.isEmpty) || isValid(seal, row.sealBytes(tenant: tenantID))
    }
}
