import Foundation
import GRDB
import LicenseCore

// The decisions of SQLiteLicenseStore+Writes.swift, in PostgreSQL transactions: same rules, same rows, same audit.

// MARK: - Activation

extension PostgresLicenseStore {
    public func previewActivation(tenant: String, package: Data, now: Date) async throws -> ActivationPreview {
        try await read { session in try await self.preview(session, tenant: tenant, package: package, now: now).preview }
    }

    public func activate(tenant: String, package: Data, actor: String, now: Date) async throws -> ActivationPreview {
        try await write(tenant: tenant) { session in
            let (preview, verified) = try await self.preview(session, tenant: tenant, package: package, now: now, lock: true)
            guard preview.canBeActivated else { return preview }
            let owner = verified.owner
            try await session.execute("DELETE FROM module_license WHERE tenant_id = ? AND owner_name = ?", [tenant, owner])
            try await session.upsert(
                OwnerRecord(tenantID: tenant, header: verified.header, rawPackage: verified.raw, activatedAt: now.wholeSeconds),
                key: ["tenant_id", "owner_name"])
            for module in verified.modules {
                try await session.insert(ModuleRecord(tenantID: tenant, owner: owner, signed: module))
            }
            let changes = preview.modules.filter { $0.added != 0 }.map {
                "\(owner.lowercased()).\($0.name) \($0.currentTotal)→\($0.newTotal)"
            }
            let summary =
                "License of \(owner) issued \(ISO8601.string(verified.header.issuedAt)) activated"
                + (changes.isEmpty ? "" : ": " + changes.joined(separator: ", "))
            try await self.raiseEvent(
                session, tenant: tenant,
                draft: EventDraft(key: SystemEvent.licenseActivated, message: String(summary.prefix(2_000))), actor: actor,
                now: now, replacingActive: true)
            try await self.appendAudit(
                session, tenant: tenant, actor: actor, action: "license.activate", target: owner,
                before: preview.previousIssuedAt.map { "issuedAt \(ISO8601.string($0))" },
                after: "issuedAt \(ISO8601.string(verified.header.issuedAt)), \(verified.modules.count) modules", now: now)
            return preview
        }
    }

    /// The preview; with `lock`, the owner's rows stay locked until the transaction ends.
    func preview(
        _ session: PostgresSession, tenant: String, package: Data, now: Date, lock: Bool = false
    ) async throws -> (preview: ActivationPreview, package: VerifiedPackage) {
        let tenantValue = try await requireIntactTenant(session, tenant)
        let verified = try PackageVerifier.verify(package, for: tenantValue, now: now)
        let current = try await loadOwners(session, tenant: tenantValue, only: verified.owner, lock: lock)[verified.owner]
        let storedIssuedAt = try await session.scalar(
            Int64.self, "SELECT issued_at FROM license_owner WHERE tenant_id = ? AND owner_name = ?",
            [tenant, verified.owner])
        var preview = try ActivationRule.preview(
            verified, current: current, storedIssuedAt: storedIssuedAt.map(Date.init(epochSeconds:)),
            seatsInUse: try await seatsInUse(session, tenant: tenant, owner: verified.owner))
        for index in preview.modules.indices where preview.modules[index].mustRemove > 0 {
            preview.modules[index].holders = try await holders(
                session, tenant: tenant, module: ModuleKey(owner: verified.owner, module: preview.modules[index].name))
        }
        return (preview, verified)
    }
}

// MARK: - Users

extension PostgresLicenseStore {
    public func addUsers(tenant: String, _ users: [NewUser], actor: String, now: Date) async throws -> [User] {
        for user in users { try user.validate() }
        let names = users.map(\.userName)
        if let duplicate = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw LicenseInputError.duplicate("user '\(duplicate)' (twice in the input)")
        }
        return try await write(tenant: tenant, timeout: .seconds(300)) { session in
            _ = try await self.requireIntactTenant(session, tenant)
            var nextID =
                (try await session.scalar(Int64.self, "SELECT MAX(id) FROM app_user WHERE tenant_id = ?", [tenant]) ?? 0) + 1
            let existing = Set(
                try await session.scalars(
                    String.self, "SELECT user_name FROM app_user WHERE tenant_id = ? AND user_name = ANY(string_to_array(?, ?))",
                    // A line break cannot occur in a user name (control characters are refused).
                    [tenant, names.joined(separator: "\n"), "\n"]))
            if let taken = names.first(where: existing.contains) { throw LicenseInputError.duplicate("user '\(taken)'") }
            var created: [User] = []
            for draft in users {
                let user = User(
                    id: nextID, userName: draft.userName, displayName: draft.displayName, email: draft.email,
                    type: draft.type, canLogIn: draft.canLogIn, isAdministrator: draft.isAdministrator)
                nextID += 1
                try await session.insert(
                    UserRecord(
                        tenantID: tenant, user: user, passwordHash: draft.passwordHash, lastLoginAt: nil,
                        createdAt: now.wholeSeconds, seal: self.sealer.seal(user.sealBytes(tenant: tenant))))
                created.append(user)
            }
            let target = created.count == 1 ? created[0].userName : "\(created.count) users"
            try await self.appendAudit(
                session, tenant: tenant, actor: actor, action: "user.add", target: target, before: nil,
                after: created.prefix(20).map { "\($0.userName) (\($0.type.rawValue), canLogIn \($0.canLogIn))" }
                    .joined(separator: ", "), now: now)
            return created
        }
    }

    public func updateUser(tenant: String, userName: String, changes: UserChanges, actor: String, now: Date) async throws -> User
    {
        if let name = changes.displayName { try Validate.text(name, field: "displayName", limit: 200) }
        if let email = changes.email { try Validate.text(email, field: "email", limit: 254) }
        return try await write(tenant: tenant) { session in
            _ = try await self.requireIntactTenant(session, tenant)
            let before = try await self.requireUser(session, tenant: tenant, userName: userName)
            guard
                var record = try await session.fetchOne(
                    UserRecord.self, "SELECT * FROM app_user WHERE tenant_id = ? AND id = ?", [tenant, before.id])
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
            try await session.update(record, key: ["tenant_id", "id"])
            try await self.appendAudit(
                session, tenant: tenant, actor: actor, action: "user.update", target: userName,
                before: AuditText.user(before), after: AuditText.user(user), now: now)
            return user
        }
    }

    public func deleteUser(tenant: String, userName: String, actor: String, now: Date) async throws {
        try await write(tenant: tenant) { session in
            _ = try await self.requireIntactTenant(session, tenant)
            guard let (user, _) = try await self.loadUser(session, tenant: tenant, userName: userName) else {
                throw LicenseInputError.unknownUser(userName)
            }
            let removed = try await session.execute(
                "DELETE FROM assignment WHERE tenant_id = ? AND user_id = ? RETURNING 1", [tenant, user.id])
            try await session.execute("DELETE FROM app_user WHERE tenant_id = ? AND id = ?", [tenant, user.id])
            try await self.appendAudit(
                session, tenant: tenant, actor: actor, action: "user.delete", target: userName,
                before: AuditText.user(user), after: "deleted with \(removed) assignments", now: now)
        }
    }
}

// MARK: - Assignments

extension PostgresLicenseStore {
    /// Reads what the assignment rules need for one user and one owner, inside the write transaction, with the
    /// owner's module rows locked (`FOR UPDATE`) while their seats are counted.
    func decisionState(
        _ session: PostgresSession, tenant: String, user: User, owner: String, modules: [String]?
    )
        async throws -> TenantLicenseState
    {
        let tenantValue = try await requireIntactTenant(session, tenant)
        let owners = try await loadOwners(session, tenant: tenantValue, only: owner, lock: true)
        var names = modules
        if let requested = modules?.first, let module = owners[owner]?.modules[requested], module.isPlan {
            names = [requested] + module.planModules
        }
        return TenantLicenseState(
            tenant: tenantValue, owners: owners, users: [user.id: user],
            assignments: try await loadAssignments(session, tenant: tenant, userID: user.id),
            seatsInUse: try await seatsInUse(session, tenant: tenant, owner: owner, modules: names))
    }

    public func assign(tenant: String, userName: String, module: ModuleKey, actor: String, now: Date) async throws -> [Assignment]
    {
        try await write(tenant: tenant) { session in
            let user = try await self.requireUser(session, tenant: tenant, userName: userName)
            let state = try await self.decisionState(
                session, tenant: tenant, user: user, owner: module.owner, modules: [module.module])
            let plan = try AssignmentRule.check(
                AssignmentRequest(userID: user.id, module: module, actor: actor), in: state, now: now)
            for assignment in plan.inserts {
                try await session.upsert(
                    AssignmentRecord(
                        tenantID: tenant, assignment: assignment, seal: self.sealer.seal(assignment.sealBytes(tenant: tenant))),
                    key: ["tenant_id", "owner_name", "module_name", "user_id", "via_plan"])
            }
            if !plan.inserts.isEmpty {
                try await self.appendAudit(
                    session, tenant: tenant, actor: actor, action: "license.assign", target: "\(module) → \(userName)",
                    before: nil,
                    after: AuditText.assignments(plan.inserts), now: now)
            }
            return plan.inserts
        }
    }

    public func unassign(
        tenant: String, userName: String, module: ModuleKey, cascade: Bool, actor: String, now: Date
    ) async throws -> [Assignment] {
        try await write(tenant: tenant) { session in
            let user = try await self.requireUser(session, tenant: tenant, userName: userName)
            let state = try await self.decisionState(session, tenant: tenant, user: user, owner: module.owner, modules: nil)
            let removed = try UnassignRule.check(
                UnassignRequest(userID: user.id, module: module, cascade: cascade, actor: actor), in: state, now: now)
            for row in removed {
                try await session.execute(
                    "DELETE FROM assignment WHERE tenant_id = ? AND owner_name = ? AND module_name = ? AND user_id = ? AND via_plan = ?",
                    [tenant, row.owner, row.module, row.userID, row.viaPlan ?? ""])
            }
            try await self.appendAudit(
                session, tenant: tenant, actor: actor, action: "license.unassign", target: "\(module) ✕ \(userName)",
                before: AuditText.assignments(removed),
                after: nil, now: now)
            return removed
        }
    }

    public func addSatellite(tenant: String, name: String, actor: String, now: Date) async throws -> Satellite {
        try Validate.identifier(name, field: "satellite")
        return try await write(tenant: tenant) { session in
            _ = try await self.requireIntactTenant(session, tenant)
            if try await session.execute("SELECT 1 FROM satellite WHERE tenant_id = ? AND name = ?", [tenant, name]) > 0 {
                throw LicenseInputError.duplicate("satellite '\(name)'")
            }
            let satellite = Satellite(name: name, createdAt: now.wholeSeconds)
            try await session.insert(
                SatelliteRecord(
                    tenantID: tenant, satellite: satellite, seal: self.sealer.seal(satellite.sealBytes(tenant: tenant))))
            try await self.appendAudit(
                session, tenant: tenant, actor: actor, action: "satellite.add", target: name, before: nil, after: nil, now: now)
            return satellite
        }
    }

    public func assignSatellite(tenant: String, satellite: String, module: ModuleKey, actor: String, now: Date) async throws {
        try await write(tenant: tenant) { session in
            let tenantValue = try await self.requireIntactTenant(session, tenant)
            guard
                let record = try await session.fetchOne(
                    SatelliteRecord.self, "SELECT * FROM satellite WHERE tenant_id = ? AND name = ?", [tenant, satellite]),
                self.sealer.isValid(record.seal, for: record.satellite.sealBytes(tenant: tenant))
            else { throw LicenseInputError.unknownSatellite(satellite) }
            let held = try await session.fetchAll(
                SatelliteAssignmentRecord.self, "SELECT * FROM satellite_assignment WHERE tenant_id = ? AND satellite = ?",
                [tenant, satellite]
            ).map(\.assignment)
            let state = TenantLicenseState(
                tenant: tenantValue,
                owners: try await self.loadOwners(session, tenant: tenantValue, only: module.owner, lock: true),
                seatsInUse: try await self.seatsInUse(session, tenant: tenant, owner: module.owner),
                satellites: [satellite: record.satellite], satelliteAssignments: held)
            guard let row = try SatelliteRule.check(satellite: satellite, module: module, actor: actor, in: state, now: now)
            else { return }
            try await session.insert(
                SatelliteAssignmentRecord(
                    tenantID: tenant, assignment: row, seal: self.sealer.seal(row.sealBytes(tenant: tenant))))
            try await self.appendAudit(
                session, tenant: tenant, actor: actor, action: "satellite.assign", target: "\(module) → \(satellite)",
                before: nil, after: nil, now: now)
        }
    }

    public func unassignSatellite(tenant: String, satellite: String, module: ModuleKey, actor: String, now: Date) async throws {
        try await write(tenant: tenant) { session in
            _ = try await self.requireIntactTenant(session, tenant)
            let deleted = try await session.execute(
                "DELETE FROM satellite_assignment WHERE tenant_id = ? AND owner_name = ? AND module_name = ? AND satellite = ? RETURNING 1",
                [tenant, module.owner, module.module, satellite])
            guard deleted > 0 else {
                guard
                    try await session.execute("SELECT 1 FROM satellite WHERE tenant_id = ? AND name = ?", [tenant, satellite]) > 0
                else { throw LicenseInputError.unknownSatellite(satellite) }
                throw LicenseRefusal(.notAssigned, "satellite \(satellite) has no assignment of \(module)")
            }
            try await self.appendAudit(
                session, tenant: tenant, actor: actor, action: "satellite.unassign", target: "\(module) ✕ \(satellite)",
                before: nil, after: nil, now: now)
        }
    }
}
