import Foundation

/// A user's whole wanted set of direct licenses: at most one plan per owner, and the modules given directly.
public struct DesiredLicenses: Sendable, Equatable {
    public var plans: [ModuleKey]
    public var modules: [ModuleKey]

    public init(plans: [ModuleKey] = [], modules: [ModuleKey] = []) {
        self.plans = plans
        self.modules = modules
    }
}

/// The rows one license change of a user writes, in one transaction: rows to delete and rows to insert.
public struct LicenseChange: Sendable, Equatable {
    public var inserts: [Assignment]
    public var removals: [Assignment]

    public init(inserts: [Assignment] = [], removals: [Assignment] = []) {
        self.inserts = inserts
        self.removals = removals
    }

    /// The user holds what was asked for already: nothing to write.
    public var isEmpty: Bool { inserts.isEmpty && removals.isEmpty }
}

/// A user's licenses changed in one decision (DESIGN §7 "Assignment"; issue 11, Build 5): switching plans, adding and
/// removing modules all at once, all or nothing.
public enum LicenseChangeRule {
    /// The rows to remove and insert so that the user holds exactly `desired` directly.
    ///
    /// A direct row not wanted is removed together with what came with it when it is a plan; a wanted license not held
    /// directly is inserted as `AssignmentRule` would (a plan with its `set=` rows). Rows that exist and stay are not
    /// touched. Rows of an owner `state` does not know (no verified package) are left alone.
    ///
    /// Refused, with nothing to write, when: a key is unknown (`LicenseInputError.unknownModule`); a plan is listed
    /// under `modules`, a module under `plans`, or two plans of one owner are wanted (`LicenseInputError.invalid`);
    /// a new license may not go to this user (expired owner, not a user license, hidden, user type); a prerequisite
    /// is missing from the final set (every one named, `prerequisite-missing`); a new module has no free seat (every
    /// one named, `no-free-seat`). A seat is per user: a module the user keeps holding, by whatever row, takes no new
    /// seat, so the seats this user's own removals free count as free.
    ///
    /// `state` needs the user, all the user's verified assignments, the owners concerned, and the seats in use of
    /// the modules in `countedModules(for:owners:)`.
    public static func plan(
        userID: Int64, desired: DesiredLicenses, in state: TenantLicenseState, actor: String, now: Date
    ) throws -> LicenseChange {
        guard let user = state.users[userID] else { throw LicenseInputError.unknownUser("#\(userID)") }
        let wanted = try validated(desired, owners: state.owners)
        let held = state.assignments(of: user.id)

        // Removals: each direct row not wanted, a plan with what came with it.
        let heldDirect = Set(held.filter(\.isDirect).map(\.key))
        let dropped = heldDirect.filter { !wanted.contains($0) && state.owners[$0.owner] != nil }
        let removed = Set(dropped.flatMap { UnassignRule.rows(of: $0, in: held) })
        let removals = held.filter { removed.contains($0) }
        let kept = held.filter { !removed.contains($0) }

        // Inserts: each wanted license not held directly, checked as a single assignment would be.
        var grants: [(owner: String, license: ModuleLicense, viaPlan: String?)] = []
        for key in wanted.subtracting(heldDirect).sorted() {
            guard let owner = state.owners[key.owner], let module = owner.modules[key.module] else { continue }
            try AssignmentRule.requireGrantable(module, key: key, of: owner, to: user, now: now)
            grants += try AssignmentRule.grants(module, key: key, of: owner, to: user).map {
                (owner.name, $0.license, $0.viaPlan)
            }
        }
        let inserts = grants.compactMap { owner, license, viaPlan -> Assignment? in
            if kept.contains(where: { $0.owner == owner && $0.module == license.name && $0.viaPlan == viaPlan }) { return nil }
            return Assignment(
                owner: owner, module: license.name, userID: user.id, viaPlan: viaPlan, createdAt: now.wholeSeconds,
                createdBy: actor)
        }
        let final = kept + inserts

        try requirePrerequisites(final: final, held: held, inserts: inserts, user: user, in: state)
        let holdsBefore = Set(held.map(\.key))
        let shortfalls = Set(final.map(\.key)).subtracting(holdsBefore).sorted().compactMap { key -> String? in
            state.module(key).flatMap { AssignmentRule.seatShortfall($0, key: key, in: state) }
        }
        guard shortfalls.isEmpty else { throw AssignmentRule.noFreeSeat(shortfalls) }
        return LicenseChange(inserts: inserts, removals: removals)
    }

    /// Every module whose seats `plan` may count: each wanted license, plans expanded (see
    /// `AssignmentRule.countedModules`). Modules the user holds already need no seat and need not be loaded.
    public static func countedModules(for desired: DesiredLicenses, owners: [String: OwnerLicense]) -> [ModuleKey] {
        let keys = Set(desired.plans + desired.modules)
        let counted = keys.flatMap { key in
            (AssignmentRule.countedModules(for: key, owners: owners) ?? [key.module]).map {
                ModuleKey(owner: key.owner, module: $0)
            }
        }
        return Set(counted).sorted()
    }

    // MARK: - Steps

    /// The wanted keys, once each, after checking each is known and listed as what it is.
    static func validated(_ desired: DesiredLicenses, owners: [String: OwnerLicense]) throws -> Set<ModuleKey> {
        var modules: [ModuleKey: ModuleLicense] = [:]
        for key in desired.plans + desired.modules {
            guard let module = owners[key.owner]?.modules[key.module] else {
                throw LicenseInputError.unknownModule(key.description)
            }
            modules[key] = module
        }
        if let key = desired.plans.first(where: { modules[$0]?.isPlan == false }) {
            throw LicenseInputError.invalid(field: "plans", reason: "\(key) is not a plan; list it under modules")
        }
        if let key = desired.modules.first(where: { modules[$0]?.isPlan == true }) {
            throw LicenseInputError.invalid(field: "modules", reason: "\(key) is a plan; list it under plans")
        }
        let plansByOwner = Dictionary(grouping: Set(desired.plans), by: \.owner)
        if let (owner, plans) = plansByOwner.sorted(by: { $0.key < $1.key }).first(where: { $0.value.count > 1 }) {
            let names = plans.sorted().map(\.description)
            throw LicenseInputError.invalid(
                field: "plans",
                reason:
                    "a user has at most one plan of \(owner), not \(names.dropLast().joined(separator: ", ")) and \(names.last!)")
        }
        return Set(desired.plans + desired.modules)
    }

    /// Refuses, naming every one, a final row whose prerequisite the user would not have: a new row, or a kept row
    /// whose prerequisite this change takes away (a row already broken before is not this change's doing).
    static func requirePrerequisites(
        final: [Assignment], held: [Assignment], inserts: [Assignment], user: User, in state: TenantLicenseState
    ) throws {
        let before = EffectiveModules.ignoringDates(userAssignments: held, owners: state.owners)
        let after = EffectiveModules.ignoringDates(userAssignments: final, owners: state.owners)
        let inserted = Set(inserts)
        var problems: [String] = []
        for row in final {
            guard let prerequisite = state.module(row.key)?.prerequisite else { continue }
            let prerequisiteKey = ModuleKey(owner: row.owner, module: prerequisite)
            // Only a row that grants something needs its prerequisite.
            guard after[row.key] != nil, after[prerequisiteKey] == nil,
                inserted.contains(row) || before[prerequisiteKey] != nil
            else { continue }
            let dependent = row.viaPlan.map { "\(row.key) (from the plan \(ModuleKey(owner: row.owner, module: $0)))" }
            let problem = "\(dependent ?? row.key.description) requires \(prerequisiteKey), which \(user.userName) would not have"
            if !problems.contains(problem) { problems.append(problem) }
        }
        guard problems.isEmpty else {
            throw LicenseRefusal(.prerequisiteMissing, problems.sorted().joined(separator: "; "))
        }
    }
}
