import Foundation
import LicenseCore
import LicenseStore

// MARK: - Activation

extension LicenseEngine {
    public func previewActivation(tenant: String, package: Data, now: Date) async throws -> ActivationPreview {
        try await read { s in try self.preview(s, tenant: tenant, package: package, now: now).preview }
    }

    public func activate(tenant: String, package: Data, actor: String, now: Date) async throws -> ActivationPreview {
        let preview = try await write(tenant: tenant) { s in
            let (preview, verified) = try self.preview(s, tenant: tenant, package: package, now: now)
            guard preview.canBeActivated else { return preview }
            let owner = verified.owner
            try self.remove(
                s, tenant: tenant, from: "module_license", where: "tenant_id = ? AND owner_name = ?",
                [.text(tenant), .text(owner)])
            try self.replace(
                s, tenant: tenant,
                OwnerRecord(tenantID: tenant, header: verified.header, rawPackage: verified.raw, activatedAt: now.wholeSeconds),
                key: ["tenant_id", "owner_name"])
            for (index, module) in verified.modules.enumerated() {
                try self.add(s, tenant: tenant, ModuleRecord(tenantID: tenant, owner: owner, signed: module))
                if index == verified.modules.count / 2 { TestPause.point("activation-mid-write") }
            }
            let issuedAt = verified.header.issuedAt.epochSeconds
            try self.updateHead(s, tenant: tenant) { head in
                let highest = max(issuedAt, head.head.commitment?.owners[owner]?.highestIssuedAt ?? issuedAt)
                head.head.commitment?.owners[owner] = OwnerCommitment(
                    packageDigest: OwnerCommitment.digest(ofPackage: verified.raw), highestIssuedAt: highest)
            }
            let changes = preview.modules.filter { $0.added != 0 }.map {
                "\(owner.lowercased()).\($0.name) \($0.currentTotal)→\($0.newTotal)"
            }
            let summary =
                "License of \(owner) issued \(ISO8601.string(verified.header.issuedAt)) activated"
                + (changes.isEmpty ? "" : ": " + changes.joined(separator: ", "))
            try self.raiseEvent(
                s, tenant: tenant, draft: EventDraft(key: SystemEvent.licenseActivated, message: String(summary.prefix(2_000))),
                actor: actor, now: now, replacingActive: true)
            try self.appendAudit(
                s, tenant: tenant, actor: actor, action: "license.activate", target: owner,
                before: preview.previousIssuedAt.map { "issuedAt \(ISO8601.string($0))" },
                after: "issuedAt \(ISO8601.string(verified.header.issuedAt)), \(verified.modules.count) modules", now: now)
            return preview
        }
        if preview.canBeActivated { TestPause.point("activation-committed") }
        return preview
    }

    func preview(
        _ s: Backend.Session, tenant: String, package: Data, now: Date
    ) throws -> (preview: ActivationPreview, package: VerifiedPackage) {
        let tenantValue = try requireIntactTenant(s, tenant)
        let verified = try PackageVerifier.verify(package, for: tenantValue, now: now)
        let current = try loadOwners(s, tenant: tenantValue, only: verified.owner)[verified.owner]
        // The newest package ever activated, as the sealed head remembers it (kept when the owner's rows are gone),
        // or as the stored (maybe void) owner row says.
        let stored = try s.scalar(
            Int64.self, "SELECT issued_at FROM license_owner WHERE tenant_id = ? AND owner_name = ?",
            [.text(tenant), .text(verified.owner)])
        let committed = try loadHead(s, tenant: tenant).head.commitment?.owners[verified.owner]?.highestIssuedAt
        let storedIssuedAt = [stored, committed].compactMap { $0 }.max()
        var preview = try ActivationRule.preview(
            verified, current: current, storedIssuedAt: storedIssuedAt.map(Date.init(epochSeconds:)),
            seatsInUse: try seatCounts(s, tenant: tenant, owner: verified.owner))
        for index in preview.modules.indices where preview.modules[index].mustRemove > 0 {
            preview.modules[index].holders = try holders(
                s, tenant: tenant, module: ModuleKey(owner: verified.owner, module: preview.modules[index].name))
        }
        return (preview, verified)
    }
}

// MARK: - Assignments

extension LicenseEngine {
    /// What the assignment rules need for one user, read inside the write transaction: the intact tenant, the owners
    /// named, the user's verified assignments, and the seats in use of the modules `counting` names per owner (every
    /// module of the owner when nil): a decision counts only the seats it may take.
    func decisionState(
        _ s: Backend.Session, tenant: String, user: User, owners names: Set<String>,
        counting: (_ owners: [String: OwnerLicense]) -> [String: [String]?]
    ) throws -> TenantLicenseState {
        let tenantValue = try requireIntactTenant(s, tenant)
        var owners: [String: OwnerLicense] = [:]
        for name in names.sorted() {
            owners.merge(try loadOwners(s, tenant: tenantValue, only: name)) { $1 }
        }
        let held = try loadAssignments(s, tenant: tenant, userID: user.id)
        var seats: [ModuleKey: Int] = [:]
        for (owner, modules) in counting(owners) {
            seats.merge(try seatCounts(s, tenant: tenant, owner: owner, modules: modules)) { $1 }
        }
        return TenantLicenseState(
            tenant: tenantValue, owners: owners, users: [user.id: user], assignments: held, seatsInUse: seats)
    }

    /// A module the verified owners lack although a row of it is stored: its row, or its owner's rows, fail their
    /// signatures (an edited count, a deleted or inserted row), so it is refused as integrity rather than unknown.
    func requireIntactModule(_ s: Backend.Session, tenant: String, module: ModuleKey, in state: TenantLicenseState) throws {
        guard state.owners[module.owner]?.modules[module.module] == nil else { return }
        let stored = try s.scalar(
            Int64.self,
            "SELECT COUNT(*) AS n FROM module_license WHERE tenant_id = ? AND owner_name = ? AND module_name = ?",
            [.text(tenant), .text(module.owner), .text(module.module)])
        try IntegrityRule.requireIntactModule(module, isIntact: (stored ?? 0) == 0)
    }

    func insert(_ s: Backend.Session, tenant: String, assignments: [Assignment]) throws {
        for assignment in assignments {
            try replace(
                s, tenant: tenant,
                AssignmentRecord(
                    tenantID: tenant, assignment: assignment, seal: sealer.seal(assignment.sealBytes(tenant: tenant))),
                key: ["tenant_id", "owner_name", "module_name", "user_id", "via_plan"])
        }
    }

    func delete(_ s: Backend.Session, tenant: String, assignments: [Assignment]) throws {
        for row in assignments {
            try remove(
                s, tenant: tenant, from: "assignment",
                where: "tenant_id = ? AND owner_name = ? AND module_name = ? AND user_id = ? AND via_plan = ?",
                [.text(tenant), .text(row.owner), .text(row.module), .integer(row.userID), .text(row.viaPlan ?? "")])
        }
    }

    public func assign(tenant: String, userName: String, module: ModuleKey, actor: String, now: Date) async throws -> [Assignment]
    {
        try await write(tenant: tenant) { s in
            let user = try self.requireUser(s, tenant: tenant, userName: userName).user
            let state = try self.decisionState(s, tenant: tenant, user: user, owners: [module.owner]) { owners in
                [module.owner: AssignmentRule.countedModules(for: module, owners: owners)]
            }
            try self.requireIntactModule(s, tenant: tenant, module: module, in: state)
            let plan = try AssignmentRule.check(
                AssignmentRequest(userID: user.id, module: module, actor: actor), in: state, now: now)
            try self.insert(s, tenant: tenant, assignments: plan.inserts)
            if !plan.inserts.isEmpty {
                try self.appendAudit(
                    s, tenant: tenant, actor: actor, action: "license.assign", target: "\(module) → \(userName)",
                    before: nil, after: AuditText.assignments(plan.inserts), now: now)
            }
            return plan.inserts
        }
    }

    public func unassign(
        tenant: String, userName: String, module: ModuleKey, cascade: Bool, actor: String, now: Date
    ) async throws -> [Assignment] {
        try await write(tenant: tenant) { s in
            let user = try self.requireUser(s, tenant: tenant, userName: userName).user
            let state = try self.decisionState(s, tenant: tenant, user: user, owners: [module.owner]) { _ in [:] }
            let removed = try UnassignRule.check(
                UnassignRequest(userID: user.id, module: module, cascade: cascade, actor: actor), in: state, now: now)
            try self.delete(s, tenant: tenant, assignments: removed)
            try self.appendAudit(
                s, tenant: tenant, actor: actor, action: "license.unassign", target: "\(module) ✕ \(userName)",
                before: AuditText.assignments(removed), after: nil, now: now)
            return removed
        }
    }

    public func changeLicenses(
        tenant: String, userName: String, to desired: DesiredLicenses, actor: String, now: Date
    ) async throws -> LicenseChange {
        try await write(tenant: tenant) { s in
            let user = try self.requireUser(s, tenant: tenant, userName: userName).user
            let held = try self.loadAssignments(s, tenant: tenant, userID: user.id)
            let wanted = desired.plans + desired.modules
            let state = try self.decisionState(
                s, tenant: tenant, user: user, owners: Set(held.map(\.owner) + wanted.map(\.owner))
            ) { owners in
                // The seats of every module the user holds or would hold: removals free them, inserts take them.
                var counting: [String: Set<String>] = [:]
                for key in wanted {
                    counting[key.owner, default: []].formUnion(
                        AssignmentRule.countedModules(for: key, owners: owners) ?? [key.module])
                }
                for row in held { counting[row.owner, default: []].insert(row.module) }
                return counting.mapValues { Optional($0.sorted()) }
            }
            let change = try LicenseChangeRule.plan(userID: user.id, desired: desired, in: state, actor: actor, now: now)
            guard !change.isEmpty else { return change }
            try self.delete(s, tenant: tenant, assignments: change.removals)
            try self.insert(s, tenant: tenant, assignments: change.inserts)
            try self.appendAudit(
                s, tenant: tenant, actor: actor, action: "license.change", target: userName,
                before: change.removals.isEmpty ? nil : AuditText.assignments(change.removals),
                after: change.inserts.isEmpty ? nil : AuditText.assignments(change.inserts), now: now)
            return change
        }
    }
}

// MARK: - Satellites

extension LicenseEngine {
    public func addSatellite(tenant: String, name: String, actor: String, now: Date) async throws -> Satellite {
        try Validate.identifier(name, field: "satellite")
        return try await write(tenant: tenant) { s in
            _ = try self.requireIntactTenant(s, tenant)
            if try s.exists("SELECT 1 FROM satellite WHERE tenant_id = ? AND name = ?", [.text(tenant), .text(name)]) {
                throw LicenseInputError.duplicate("satellite '\(name)'")
            }
            let satellite = Satellite(name: name, createdAt: now.wholeSeconds)
            try self.add(
                s, tenant: tenant,
                SatelliteRecord(
                    tenantID: tenant, satellite: satellite, seal: self.sealer.seal(satellite.sealBytes(tenant: tenant))))
            try self.appendAudit(
                s, tenant: tenant, actor: actor, action: "satellite.add", target: name, before: nil, after: nil, now: now)
            return satellite
        }
    }

    public func assignSatellite(tenant: String, satellite: String, module: ModuleKey, actor: String, now: Date) async throws {
        try await write(tenant: tenant) { s in
            let tenantValue = try self.requireIntactTenant(s, tenant)
            guard
                let record = try s.fetchOne(
                    SatelliteRecord.self, "SELECT * FROM satellite WHERE tenant_id = ? AND name = ?",
                    [.text(tenant), .text(satellite)]),
                self.sealer.isValid(record.seal, for: record.satellite.sealBytes(tenant: tenant))
            else { throw LicenseInputError.unknownSatellite(satellite) }
            let held = try s.fetchAll(
                SatelliteAssignmentRecord.self, "SELECT * FROM satellite_assignment WHERE tenant_id = ? AND satellite = ?",
                [.text(tenant), .text(satellite)]
            ).map(\.assignment)
            let state = TenantLicenseState(
                tenant: tenantValue, owners: try self.loadOwners(s, tenant: tenantValue, only: module.owner),
                seatsInUse: try self.seatCounts(s, tenant: tenant, owner: module.owner),
                satellites: [satellite: record.satellite], satelliteAssignments: held)
            guard let row = try SatelliteRule.check(satellite: satellite, module: module, actor: actor, in: state, now: now)
            else { return }
            try self.add(
                s, tenant: tenant,
                SatelliteAssignmentRecord(
                    tenantID: tenant, assignment: row, seal: self.sealer.seal(row.sealBytes(tenant: tenant))))
            try self.appendAudit(
                s, tenant: tenant, actor: actor, action: "satellite.assign", target: "\(module) → \(satellite)", before: nil,
                after: nil, now: now)
        }
    }

    public func unassignSatellite(tenant: String, satellite: String, module: ModuleKey, actor: String, now: Date) async throws {
        try await write(tenant: tenant) { s in
            _ = try self.requireIntactTenant(s, tenant)
            let deleted = try self.remove(
                s, tenant: tenant, from: "satellite_assignment",
                where: "tenant_id = ? AND owner_name = ? AND module_name = ? AND satellite = ?",
                [.text(tenant), .text(module.owner), .text(module.module), .text(satellite)])
            guard !deleted.isEmpty else {
                guard try s.exists("SELECT 1 FROM satellite WHERE tenant_id = ? AND name = ?", [.text(tenant), .text(satellite)])
                else { throw LicenseInputError.unknownSatellite(satellite) }
                throw LicenseRefusal(.notAssigned, "satellite \(satellite) has no assignment of \(module)")
            }
            try self.appendAudit(
                s, tenant: tenant, actor: actor, action: "satellite.unassign", target: "\(module) ✕ \(satellite)",
                before: nil, after: nil, now: now)
        }
    }
}
