import Foundation
import GRDB
import LicenseCore

// MARK: - Activation

extension SQLiteLicenseStore {
    public func previewActivation(tenant: String, package: Data, now: Date) async throws -> ActivationPreview {
        try await read { db in try self.preview(db, tenant: tenant, package: package, now: now).preview }
    }

    public func activate(tenant: String, package: Data, actor: String, now: Date) async throws -> ActivationPreview {
        try await write { db in
            let (preview, verified) = try self.preview(db, tenant: tenant, package: package, now: now)
            guard preview.canBeActivated else { return preview }
            let owner = verified.owner
            try db.execute(sql: "DELETE FROM module_license WHERE tenant_id = ? AND owner_name = ?", arguments: [tenant, owner])
            try OwnerRecord(tenantID: tenant, header: verified.header, rawPackage: verified.raw, activatedAt: now.wholeSeconds)
                .upsert(db)
            for module in verified.modules {
                try ModuleRecord(tenantID: tenant, owner: owner, signed: module).insert(db)
            }
            let changes = preview.modules.filter { $0.added != 0 }.map {
                "\(owner.lowercased()).\($0.name) \($0.currentTotal)→\($0.newTotal)"
            }
            let summary =
                "License of \(owner) issued \(ISO8601.string(verified.header.issuedAt)) activated"
                + (changes.isEmpty ? "" : ": " + changes.joined(separator: ", "))
            try self.raiseEvent(
                db, tenant: tenant, draft: EventDraft(key: SystemEvent.licenseActivated, message: String(summary.prefix(2_000))),
                actor: actor, now: now, replacingActive: true)
            try self.appendAudit(
                db, tenant: tenant, actor: actor, action: "license.activate", target: owner,
                before: preview.previousIssuedAt.map { "issuedAt \(ISO8601.string($0))" },
                after: "issuedAt \(ISO8601.string(verified.header.issuedAt)), \(verified.modules.count) modules", now: now)
            return preview
        }
    }

    func preview(
        _ db: Database, tenant: String, package: Data, now: Date
    ) throws -> (preview: ActivationPreview, package: VerifiedPackage) {
        let tenantValue = try requireIntactTenant(db, tenant)
        let verified = try PackageVerifier.verify(package, for: tenantValue, now: now)
        let current = try loadOwners(db, tenant: tenantValue, only: verified.owner)[verified.owner]
        let storedIssuedAt = try Int64.fetchOne(
            db, sql: "SELECT issued_at FROM license_owner WHERE tenant_id = ? AND owner_name = ?",
            arguments: [tenant, verified.owner])
        var preview = try ActivationRule.preview(
            verified, current: current, storedIssuedAt: storedIssuedAt.map(Date.init(epochSeconds:)),
            seatsInUse: try seatsInUse(db, tenant: tenant, owner: verified.owner))
        for index in preview.modules.indices where preview.modules[index].mustRemove > 0 {
            preview.modules[index].holders = try holders(
                db, tenant: tenant, module: ModuleKey(owner: verified.owner, module: preview.modules[index].name))
        }
        return (preview, verified)
    }
}

// MARK: - Users

extension SQLiteLicenseStore {
    public func addUsers(tenant: String, _ users: [NewUser], actor: String, now: Date) async throws -> [User] {
        for user in users { try user.validate() }
        let names = users.map(\.userName)
        if let duplicate = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw LicenseInputError.duplicate("user '\(duplicate)' (twice in the input)")
        }
        return try await write { db in
            _ = try self.requireIntactTenant(db, tenant)
            var nextID =
                (try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM user WHERE tenant_id = ?", arguments: [tenant]) ?? 0) + 1
            var created: [User] = []
            for draft in users {
                if try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM user WHERE tenant_id = ? AND user_name = ?", arguments: [tenant, draft.userName])
                    != nil
                {
                    throw LicenseInputError.duplicate("user '\(draft.userName)'")
                }
                let user = User(
                    id: nextID, userName: draft.userName, displayName: draft.displayName, email: draft.email,
                    type: draft.type, canLogIn: draft.canLogIn, isAdministrator: draft.isAdministrator)
                nextID += 1
                try UserRecord(
                    tenantID: tenant, user: user, passwordHash: draft.passwordHash, lastLoginAt: nil,
                    createdAt: now.wholeSeconds, seal: self.sealer.seal(user.sealBytes(tenant: tenant))
                ).insert(db)
                created.append(user)
            }
            let target = created.count == 1 ? created[0].userName : "\(created.count) users"
            try self.appendAudit(
                db, tenant: tenant, actor: actor, action: "user.add", target: target, before: nil,
                after: created.prefix(20).map { "\($0.userName) (\($0.type.rawValue), canLogIn \($0.canLogIn))" }
                    .joined(separator: ", "), now: now)
            return created
        }
    }

    public func updateUser(tenant: String, userName: String, changes: UserChanges, actor: String, now: Date) async throws -> User
    {
        if let name = changes.displayName { try Validate.text(name, field: "displayName", limit: 200) }
        if let email = changes.email { try Validate.text(email, field: "email", limit: 254) }
        return try await write { db in
            _ = try self.requireIntactTenant(db, tenant)
            let before = try self.requireUser(db, tenant: tenant, userName: userName)
            guard
                var record = try UserRecord.fetchOne(
                    db, sql: "SELECT * FROM user WHERE tenant_id = ? AND id = ?", arguments: [tenant, before.id])
            else { throw LicenseInputError.unknownUser(userName) }
            var user = before
            if let value = changes.canLogIn { user.canLogIn = value }
            if let value = changes.retired { user.retired = value }
            if let value = changes.waitingForApproval { user.waitingForApproval = value }
            if let value = changes.isAdministrator { user.isAdministrator = value }
            if let value = changes.type { user.type = value }
            if let value = changes.displayName { user.displayName = value }
            if let value = changes.email { user.email = value }
            record.user = user
            if let hash = changes.passwordHash { record.passwordHash = hash }
            record.seal = self.sealer.seal(user.sealBytes(tenant: tenant))
            try record.update(db)
            try self.appendAudit(
                db, tenant: tenant, actor: actor, action: "user.update", target: userName, before: AuditText.user(before),
                after: AuditText.user(user), now: now)
            return user
        }
    }

    public func deleteUser(tenant: String, userName: String, actor: String, now: Date) async throws {
        try await write { db in
            _ = try self.requireIntactTenant(db, tenant)
            guard let (user, _) = try self.loadUser(db, tenant: tenant, userName: userName) else {
                throw LicenseInputError.unknownUser(userName)
            }
            let removed =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM assignment WHERE tenant_id = ? AND user_id = ?", arguments: [tenant, user.id])
                ?? 0
            try db.execute(sql: "DELETE FROM assignment WHERE tenant_id = ? AND user_id = ?", arguments: [tenant, user.id])
            try db.execute(sql: "DELETE FROM user WHERE tenant_id = ? AND id = ?", arguments: [tenant, user.id])
            try self.appendAudit(
                db, tenant: tenant, actor: actor, action: "user.delete", target: userName, before: AuditText.user(user),
                after: "deleted with \(removed) assignments", now: now)
        }
    }

}

// MARK: - Assignments

extension SQLiteLicenseStore {
    /// Reads what the assignment rules need for one user and one owner, inside the write transaction.
    func decisionState(_ db: Database, tenant: String, user: User, owner: String, modules: [String]?) throws -> TenantLicenseState
    {
        let tenantValue = try requireIntactTenant(db, tenant)
        let owners = try loadOwners(db, tenant: tenantValue, only: owner)
        var names = modules
        if let requested = modules?.first, let module = owners[owner]?.modules[requested], module.isPlan {
            names = [requested] + module.planModules
        }
        return TenantLicenseState(
            tenant: tenantValue, owners: owners, users: [user.id: user],
            assignments: try loadAssignments(db, tenant: tenant, userID: user.id),
            seatsInUse: try seatsInUse(db, tenant: tenant, owner: owner, modules: names))
    }

    public func assign(tenant: String, userName: String, module: ModuleKey, actor: String, now: Date) async throws -> [Assignment]
    {
        try await write { db in
            let user = try self.requireUser(db, tenant: tenant, userName: userName)
            let state = try self.decisionState(db, tenant: tenant, user: user, owner: module.owner, modules: [module.module])
            let plan = try AssignmentRule.check(
                AssignmentRequest(userID: user.id, module: module, actor: actor), in: state, now: now)
            for assignment in plan.inserts {
                try AssignmentRecord(
                    tenantID: tenant, assignment: assignment, seal: self.sealer.seal(assignment.sealBytes(tenant: tenant))
                ).insert(db, onConflict: .replace)
            }
            if !plan.inserts.isEmpty {
                try self.appendAudit(
                    db, tenant: tenant, actor: actor, action: "license.assign", target: "\(module) → \(userName)",
                    before: nil,
                    after: AuditText.assignments(plan.inserts), now: now)
            }
            return plan.inserts
        }
    }

    public func unassign(
        tenant: String, userName: String, module: ModuleKey, cascade: Bool, actor: String, now: Date
    ) async throws -> [Assignment] {
        try await write { db in
            let user = try self.requireUser(db, tenant: tenant, userName: userName)
            let state = try self.decisionState(db, tenant: tenant, user: user, owner: module.owner, modules: nil)
            let removed = try UnassignRule.check(
                UnassignRequest(userID: user.id, module: module, cascade: cascade, actor: actor), in: state, now: now)
            for row in removed {
                try db.execute(
                    sql:
                        "DELETE FROM assignment WHERE tenant_id = ? AND owner_name = ? AND module_name = ? AND user_id = ? AND via_plan = ?",
                    arguments: [tenant, row.owner, row.module, row.userID, row.viaPlan ?? ""])
            }
            try self.appendAudit(
                db, tenant: tenant, actor: actor, action: "license.unassign", target: "\(module) ✕ \(userName)",
                before: AuditText.assignments(removed),
                after: nil, now: now)
            return removed
        }
    }

    public func addSatellite(tenant: String, name: String, actor: String, now: Date) async throws -> Satellite {
        try Validate.identifier(name, field: "satellite")
        return try await write { db in
            _ = try self.requireIntactTenant(db, tenant)
            if try SatelliteRecord.fetchOne(db, key: ["tenant_id": tenant, "name": name]) != nil {
                throw LicenseInputError.duplicate("satellite '\(name)'")
            }
            let satellite = Satellite(name: name, createdAt: now.wholeSeconds)
            try SatelliteRecord(
                tenantID: tenant, satellite: satellite, seal: self.sealer.seal(satellite.sealBytes(tenant: tenant))
            )
            .insert(db)
            try self.appendAudit(
                db, tenant: tenant, actor: actor, action: "satellite.add", target: name, before: nil, after: nil, now: now)
            return satellite
        }
    }

    public func assignSatellite(tenant: String, satellite: String, module: ModuleKey, actor: String, now: Date) async throws {
        try await write { db in
            let tenantValue = try self.requireIntactTenant(db, tenant)
            guard let record = try SatelliteRecord.fetchOne(db, key: ["tenant_id": tenant, "name": satellite]),
                self.sealer.isValid(record.seal, for: record.satellite.sealBytes(tenant: tenant))
            else { throw LicenseInputError.unknownSatellite(satellite) }
            let held = try SatelliteAssignmentRecord.fetchAll(
                db, sql: "SELECT * FROM satellite_assignment WHERE tenant_id = ? AND satellite = ?",
                arguments: [tenant, satellite]
            ).map(\.assignment)
            let state = TenantLicenseState(
                tenant: tenantValue, owners: try self.loadOwners(db, tenant: tenantValue, only: module.owner),
                seatsInUse: try self.seatsInUse(db, tenant: tenant, owner: module.owner),
                satellites: [satellite: record.satellite], satelliteAssignments: held)
            guard let row = try SatelliteRule.check(satellite: satellite, module: module, actor: actor, in: state, now: now)
            else {
                return
            }
            try SatelliteAssignmentRecord(
                tenantID: tenant, assignment: row, seal: self.sealer.seal(row.sealBytes(tenant: tenant))
            )
            .insert(db)
            try self.appendAudit(
                db, tenant: tenant, actor: actor, action: "satellite.assign", target: "\(module) → \(satellite)", before: nil,
                after: nil, now: now)
        }
    }

    public func unassignSatellite(tenant: String, satellite: String, module: ModuleKey, actor: String, now: Date) async throws {
        try await write { db in
            _ = try self.requireIntactTenant(db, tenant)
            try db.execute(
                sql:
                    "DELETE FROM satellite_assignment WHERE tenant_id = ? AND owner_name = ? AND module_name = ? AND satellite = ?",
                arguments: [tenant, module.owner, module.module, satellite])
            guard db.changesCount > 0 else {
                guard try SatelliteRecord.fetchOne(db, key: ["tenant_id": tenant, "name": satellite]) != nil else {
                    throw LicenseInputError.unknownSatellite(satellite)
                }
                throw LicenseRefusal(.notAssigned, "satellite \(satellite) has no assignment of \(module)")
            }
            try self.appendAudit(
                db, tenant: tenant, actor: actor, action: "satellite.unassign", target: "\(module) ✕ \(satellite)",
                before: nil, after: nil, now: now)
        }
    }
}
