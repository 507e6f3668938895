import Foundation
import GRDB
import LicenseCore

// One record type per table, internal to the store, mapped to core values at the boundary.
// Dates are stored as whole seconds since 1970 UTC.

extension Date {
    var epochSeconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }
    init(epochSeconds: Int64) { self.init(timeIntervalSince1970: TimeInterval(epochSeconds)) }
}

struct TenantRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "tenant"
    var tenant: Tenant
    var seal: String

    init(tenant: Tenant, seal: String) {
        self.tenant = tenant
        self.seal = seal
    }

    init(row: Row) throws {
        let type: String = row["database_type"]
        tenant = Tenant(
            id: row["id"], companyName: row["company_name"], serialNumber: row["serial_number"],
            databaseType: DatabaseType(rawValue: type) ?? .central, databaseOwner: row["database_owner"],
            trustRoot: row["trust_root"], createdAt: Date(epochSeconds: row["created_at"]))
        seal = row["seal"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["id"] = tenant.id
        container["company_name"] = tenant.companyName
        container["serial_number"] = tenant.serialNumber
        container["database_type"] = tenant.databaseType.rawValue
        container["database_owner"] = tenant.databaseOwner
        container["trust_root"] = tenant.trustRoot
        container["created_at"] = tenant.createdAt.epochSeconds
        container["seal"] = seal
    }
}

struct TenantHeadRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "tenant_head"
    var tenantID: String
    var head: TenantHead
    var seal: String

    init(tenantID: String, head: TenantHead, seal: String) {
        self.tenantID = tenantID
        self.head = head
        self.seal = seal
    }

    init(row: Row) throws {
        tenantID = row["tenant_id"]
        let ids: String = row["event_ids"]
        head = TenantHead(
            version: row["version"], auditSequence: row["audit_sequence"], auditSeal: row["audit_seal"],
            eventIDs: ids.split(separator: ",").compactMap { Int64($0) })
        seal = row["seal"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["tenant_id"] = tenantID
        container["version"] = head.version
        container["audit_sequence"] = head.auditSequence
        container["audit_seal"] = head.auditSeal
        container["event_ids"] = head.eventIDs.map(String.init).joined(separator: ",")
        container["seal"] = seal
    }
}

struct OwnerRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "license_owner"
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

    /// Company and serial number are not stored per owner: verification binds the rows to the tenant's.
    init(row: Row) throws {
        tenantID = row["tenant_id"]
        header = PackageHeader(
            owner: row["owner_name"], description: row["description"], licenseURL: row["license_url"],
            deploymentType: row["deployment_type"], productType: row["product_type"], extraFlags: row["extra_flags"],
            extraInfo: row["extra_info"], companyName: "", serialNumber: "",
            issuedAt: Date(epochSeconds: row["issued_at"]),
            expiresAt: (row["expires_at"] as Int64?).map(Date.init(epochSeconds:)),
            graceUntil: (row["grace_until"] as Int64?).map(Date.init(epochSeconds:)),
            maintenanceUntil: (row["maintenance_until"] as Int64?).map(Date.init(epochSeconds:)),
            adminWarningAt: (row["admin_warning_at"] as Int64?).map(Date.init(epochSeconds:)),
            nextCheckAt: (row["next_check_at"] as Int64?).map(Date.init(epochSeconds:)),
            ownerCertificate: row["owner_certificate"], ownerSignature: row["package_signature"])
        rawPackage = row["raw_package"]
        activatedAt = Date(epochSeconds: row["activated_at"])
    }

    func encode(to container: inout PersistenceContainer) {
        container["tenant_id"] = tenantID
        container["owner_name"] = header.owner
        container["description"] = header.description
        container["license_url"] = header.licenseURL
        container["deployment_type"] = header.deploymentType
        container["product_type"] = header.productType
        container["extra_flags"] = header.extraFlags
        container["extra_info"] = header.extraInfo
        container["issued_at"] = header.issuedAt.epochSeconds
        container["expires_at"] = header.expiresAt?.epochSeconds
        container["grace_until"] = header.graceUntil?.epochSeconds
        container["maintenance_until"] = header.maintenanceUntil?.epochSeconds
        container["admin_warning_at"] = header.adminWarningAt?.epochSeconds
        container["next_check_at"] = header.nextCheckAt?.epochSeconds
        container["owner_certificate"] = header.ownerCertificate
        container["package_signature"] = header.ownerSignature
        container["raw_package"] = rawPackage
        container["activated_at"] = activatedAt.epochSeconds
    }
}

struct ModuleRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "module_license"
    var tenantID: String
    var owner: String
    var signed: SignedModule

    init(tenantID: String, owner: String, signed: SignedModule) {
        self.tenantID = tenantID
        self.owner = owner
        self.signed = signed
    }

    /// A row whose enumerated columns hold unknown values decodes with a placeholder the signature will not match.
    init(row: Row) throws {
        tenantID = row["tenant_id"]
        owner = row["owner_name"]
        let types: String = row["allowed_user_types"]
        let module = ModuleLicense(
            name: row["module_name"], description: row["description"], tooltip: row["tooltip"],
            version: row["version"], type: ModuleType(rawValue: row["type"]) ?? .site, count: row["count"],
            allowedUserTypes: types.split(separator: ",").compactMap { UserType(rawValue: String($0)) },
            extraFlags: row["extra_flags"], extraInfo: row["extra_info"], sortOrder: row["sort_order"],
            unrestricted: row["unrestricted"], hidden: row["hidden"], prerequisite: row["prerequisite"])
        signed = SignedModule(module: module, signature: row["signature"])
    }

    func encode(to container: inout PersistenceContainer) {
        let m = signed.module
        container["tenant_id"] = tenantID
        container["owner_name"] = owner
        container["module_name"] = m.name
        container["description"] = m.description
        container["tooltip"] = m.tooltip
        container["version"] = m.version
        container["type"] = m.type.rawValue
        container["count"] = m.count
        container["allowed_user_types"] = m.allowedUserTypes.map(\.rawValue).joined(separator: ",")
        container["extra_flags"] = m.extraFlags
        container["extra_info"] = m.extraInfo
        container["sort_order"] = m.sortOrder
        container["unrestricted"] = m.unrestricted
        container["hidden"] = m.hidden
        container["prerequisite"] = m.prerequisite
        container["signature"] = signed.signature
    }
}

struct UserRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "user"
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

    init(row: Row) throws {
        tenantID = row["tenant_id"]
        user = User(
            id: row["id"], userName: row["user_name"], displayName: row["display_name"], email: row["email"],
            type: UserType(rawValue: row["type"]) ?? .system, canLogIn: row["can_log_in"], retired: row["retired"],
            waitingForApproval: row["waiting_for_approval"], isAdministrator: row["is_administrator"])
        passwordHash = row["password_hash"]
        lastLoginAt = (row["last_login_at"] as Int64?).map(Date.init(epochSeconds:))
        createdAt = Date(epochSeconds: row["created_at"])
        seal = row["seal"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["tenant_id"] = tenantID
        container["id"] = user.id
        container["user_name"] = user.userName
        container["display_name"] = user.displayName
        container["email"] = user.email
        container["type"] = user.type.rawValue
        container["can_log_in"] = user.canLogIn
        container["retired"] = user.retired
        container["waiting_for_approval"] = user.waitingForApproval
        container["is_administrator"] = user.isAdministrator
        container["password_hash"] = passwordHash
        container["last_login_at"] = lastLoginAt?.epochSeconds
        container["created_at"] = createdAt.epochSeconds
        container["seal"] = seal
    }
}

struct AssignmentRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "assignment"
    var tenantID: String
    var assignment: Assignment
    var seal: String

    init(tenantID: String, assignment: Assignment, seal: String) {
        self.tenantID = tenantID
        self.assignment = assignment
        self.seal = seal
    }

    /// Columns by position: this is the record `verify` reads a million of.
    static let columns = "tenant_id, owner_name, module_name, user_id, via_plan, comment, created_at, created_by, seal"

    init(row: Row) throws {
        tenantID = row[0]
        let viaPlan: String = row[4]
        assignment = Assignment(
            owner: row[1], module: row[2], userID: row[3], viaPlan: viaPlan.isEmpty ? nil : viaPlan,
            createdAt: Date(epochSeconds: row[6]), createdBy: row[7], comment: row[5])
        seal = row[8]
    }

    func encode(to container: inout PersistenceContainer) {
        container["tenant_id"] = tenantID
        container["owner_name"] = assignment.owner
        container["module_name"] = assignment.module
        container["user_id"] = assignment.userID
        container["via_plan"] = assignment.viaPlan ?? ""
        container["count"] = 1
        container["comment"] = assignment.comment
        container["created_at"] = assignment.createdAt.epochSeconds
        container["created_by"] = assignment.createdBy
        container["seal"] = seal
    }
}

struct SatelliteRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "satellite"
    var tenantID: String
    var satellite: Satellite
    var seal: String

    init(tenantID: String, satellite: Satellite, seal: String) {
        self.tenantID = tenantID
        self.satellite = satellite
        self.seal = seal
    }

    init(row: Row) throws {
        tenantID = row["tenant_id"]
        satellite = Satellite(name: row["name"], createdAt: Date(epochSeconds: row["created_at"]))
        seal = row["seal"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["tenant_id"] = tenantID
        container["name"] = satellite.name
        container["created_at"] = satellite.createdAt.epochSeconds
        container["seal"] = seal
    }
}

struct SatelliteAssignmentRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "satellite_assignment"
    var tenantID: String
    var assignment: SatelliteAssignment
    var seal: String

    init(tenantID: String, assignment: SatelliteAssignment, seal: String) {
        self.tenantID = tenantID
        self.assignment = assignment
        self.seal = seal
    }

    init(row: Row) throws {
        tenantID = row["tenant_id"]
        assignment = SatelliteAssignment(
            owner: row["owner_name"], module: row["module_name"], satellite: row["satellite"],
            createdAt: Date(epochSeconds: row["created_at"]), createdBy: row["created_by"])
        seal = row["seal"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["tenant_id"] = tenantID
        container["owner_name"] = assignment.owner
        container["module_name"] = assignment.module
        container["satellite"] = assignment.satellite
        container["created_at"] = assignment.createdAt.epochSeconds
        container["created_by"] = assignment.createdBy
        container["seal"] = seal
    }
}

struct EventRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "system_event"
    var tenantID: String
    var event: SystemEvent
    var seal: String

    init(tenantID: String, event: SystemEvent, seal: String) {
        self.tenantID = tenantID
        self.event = event
        self.seal = seal
    }

    init(row: Row) throws {
        tenantID = row["tenant_id"]
        let owner: String = row["scope_owner"]
        event = SystemEvent(
            id: row["id"], key: row["key"], scope: SystemEvent.Scope(rawValue: row["scope"]) ?? .system,
            scopeOwner: owner.isEmpty ? nil : owner, status: SystemEvent.Status(rawValue: row["status"]) ?? .cancelled,
            message: row["message"], activatedAt: Date(epochSeconds: row["activated_at"]),
            activatedBy: row["activated_by"],
            expectedFinish: (row["expected_finish"] as Int64?).map(Date.init(epochSeconds:)),
            finishedAt: (row["finished_at"] as Int64?).map(Date.init(epochSeconds:)), systemWide: row["system_wide"],
            progressDone: row["progress_done"], progressTotal: row["progress_total"])
        seal = row["seal"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["tenant_id"] = tenantID
        container["id"] = event.id
        container["key"] = event.key
        container["scope"] = event.scope.rawValue
        container["scope_owner"] = event.scopeOwner ?? ""
        container["status"] = event.status.rawValue
        container["message"] = event.message
        container["activated_at"] = event.activatedAt.epochSeconds
        container["activated_by"] = event.activatedBy
        container["expected_finish"] = event.expectedFinish?.epochSeconds
        container["finished_at"] = event.finishedAt?.epochSeconds
        container["system_wide"] = event.systemWide
        container["progress_done"] = event.progressDone
        container["progress_total"] = event.progressTotal
        container["seal"] = seal
    }
}

struct AuditRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "audit_entry"
    var tenantID: String
    var entry: AuditEntry
    var seal: String

    init(tenantID: String, entry: AuditEntry, seal: String) {
        self.tenantID = tenantID
        self.entry = entry
        self.seal = seal
    }

    init(row: Row) throws {
        tenantID = row["tenant_id"]
        entry = AuditEntry(
            sequence: row["sequence"], at: Date(epochSeconds: row["at"]), actor: row["actor"], action: row["action"],
            target: row["target"], before: row["before"], after: row["after"], previousSeal: row["previous_seal"])
        seal = row["seal"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["tenant_id"] = tenantID
        container["sequence"] = entry.sequence
        container["at"] = entry.at.epochSeconds
        container["actor"] = entry.actor
        container["action"] = entry.action
        container["target"] = entry.target
        container["before"] = entry.before
        container["after"] = entry.after
        container["previous_seal"] = entry.previousSeal
        container["seal"] = seal
    }
}
