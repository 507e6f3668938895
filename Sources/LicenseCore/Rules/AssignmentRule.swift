import Foundation

/// "Give this module (or plan) to this user."
public struct AssignmentRequest: Sendable, Equatable {
    public var userID: Int64
    public var module: ModuleKey
    public var actor: String
    public var comment: String?

    public init(userID: Int64, module: ModuleKey, actor: String, comment: String? = nil) {
        self.userID = userID
        self.module = module
        self.actor = actor
        self.comment = comment
    }
}

/// The rows to insert; empty when the user already held the module directly.
public struct AssignmentPlan: Sendable, Equatable {
    public var inserts: [Assignment]
    public var isAlreadyAssigned: Bool { inserts.isEmpty }
}

/// DESIGN §7 "Assignment".
public enum AssignmentRule {
    public static func check(_ request: AssignmentRequest, in state: TenantLicenseState, now: Date) throws -> AssignmentPlan {
        guard let user = state.users[request.userID] else { throw LicenseInputError.unknownUser("#\(request.userID)") }
        let key = request.module
        guard let owner = state.owners[key.owner] else { throw LicenseInputError.unknownModule(key.description) }
        guard let module = owner.modules[key.module] else { throw LicenseInputError.unknownModule(key.description) }
        try requireGrantable(module, key: key, of: owner, to: user, now: now)
        let held = state.assignments(of: user.id)
        if held.contains(where: { $0.key == key && $0.isDirect }) { return AssignmentPlan(inserts: []) }
        let effective = EffectiveModules.of(userAssignments: held, owners: state.owners, now: now)
        let holdsAny = Set(held.map(\.key))

        if module.isPlan,
            let other = held.first(where: { $0.owner == owner.name && $0.isDirect && owner.modules[$0.module]?.isPlan == true })
        {
            throw LicenseRefusal(
                .planAlreadyAssigned,
                "\(user.userName) already has the plan \(other.key) of \(owner.name); a user has at most one plan per owner")
        }
        let granted = try grants(module, key: key, of: owner, to: user)
        let grantedNames = Set(granted.map(\.license.name))
        for (candidate, _) in granted {
            guard let prerequisite = candidate.prerequisite else { continue }
            let prerequisiteKey = ModuleKey(owner: owner.name, module: prerequisite)
            if effective[prerequisiteKey] == nil && !grantedNames.contains(prerequisite) {
                throw LicenseRefusal(
                    .prerequisiteMissing,
                    "\(owner.name.lowercased()).\(candidate.name) requires \(prerequisiteKey), which \(user.userName) does not have"
                )
            }
        }
        var full: [String] = []
        for (candidate, _) in granted {
            let candidateKey = ModuleKey(owner: owner.name, module: candidate.name)
            if holdsAny.contains(candidateKey) { continue }  // a seat is per user, whatever the number of rows
            if let shortfall = seatShortfall(candidate, key: candidateKey, in: state) { full.append(shortfall) }
        }
        guard full.isEmpty else { throw noFreeSeat(full) }
        let inserts = granted.compactMap { candidate, viaPlan -> Assignment? in
            let existsAlready = held.contains { $0.module == candidate.name && $0.owner == owner.name && $0.viaPlan == viaPlan }
            if existsAlready { return nil }
            return Assignment(
                owner: owner.name, module: candidate.name, userID: user.id, viaPlan: viaPlan, createdAt: now.wholeSeconds,
                createdBy: request.actor, comment: request.comment)
        }
        return AssignmentPlan(inserts: inserts)
    }

    /// The module names of `module.owner` whose seats an assignment of `module` must count: a plan and its `set=`
    /// modules, an ordinary module alone, and an unknown module's own name (the rule then refuses it).
    ///
    /// Optional to match a store's "which modules' seats to load" where nil means all of the owner's; never nil here.
    public static func countedModules(for module: ModuleKey, owners: [String: OwnerLicense]) -> [String]? {
        guard let license = owners[module.owner]?.modules[module.module], license.isPlan else { return [module.module] }
        return [module.module] + license.planModules
    }

    // MARK: - Shared with LicenseChangeRule

    /// Refuses a module this user may not be given directly: an expired owner, a module that is not a user license, a
    /// hidden module, a user type the module does not allow.
    static func requireGrantable(
        _ module: ModuleLicense, key: ModuleKey, of owner: OwnerLicense, to user: User, now: Date
    ) throws {
        guard owner.header.dates.grants(at: now) else {
            throw LicenseRefusal(.ownerExpired, "the licenses of \(owner.name) have expired; nothing can be assigned")
        }
        guard module.type == .user else {
            let whereTo = module.type == .site ? "applies to the whole tenant" : "goes to satellites"
            throw LicenseRefusal(.wrongModuleType, "\(key) is a \(module.type.rawValue) license and \(whereTo), not to users")
        }
        guard !module.hidden else {
            throw LicenseRefusal(.hiddenModule, "\(key) is hidden and can only come from a user plan")
        }
        guard module.allows(user.type) else {
            throw LicenseRefusal(
                .userTypeNotAllowed, "\(key) is not allowed for \(user.type.rawValue) users (\(user.userName))")
        }
    }

    /// The rows a direct assignment of `module` brings: the module itself and, for a plan, each of its `set=` modules
    /// marked with the plan's name; refused when a plan's module is unknown or not allowed for the user's type.
    static func grants(
        _ module: ModuleLicense, key: ModuleKey, of owner: OwnerLicense, to user: User
    ) throws -> [(license: ModuleLicense, viaPlan: String?)] {
        var granted: [(license: ModuleLicense, viaPlan: String?)] = [(module, nil)]
        for name in module.planModules {
            guard let implied = owner.modules[name] else {
                throw LicenseInputError.unknownModule(ModuleKey(owner: owner.name, module: name).description)
            }
            guard implied.allows(user.type) else {
                throw LicenseRefusal(
                    .userTypeNotAllowed,
                    "the plan \(key) grants \(owner.name.lowercased()).\(name), which is not allowed for \(user.type.rawValue) users"
                )
            }
            granted.append((implied, key.module))
        }
        return granted
    }

    /// "superoffice.web: 10 of 10 in use" when one more holder of a restricted module finds no free seat, else nil.
    static func seatShortfall(_ module: ModuleLicense, key: ModuleKey, in state: TenantLicenseState) -> String? {
        guard !module.unrestricted else { return nil }
        let inUse = state.inUse(key)
        return inUse + 1 > module.count ? "\(key): \(inUse) of \(module.count) in use" : nil
    }

    /// One refusal naming every module short of a seat.
    static func noFreeSeat(_ shortfalls: [String]) -> LicenseRefusal {
        LicenseRefusal(.noFreeSeat, "no free seat for " + shortfalls.joined(separator: "; "))
    }
}

/// "Take this module (or plan) from this user."
public struct UnassignRequest: Sendable, Equatable {
    public var userID: Int64
    public var module: ModuleKey
    public var cascade: Bool
    public var actor: String

    public init(userID: Int64, module: ModuleKey, cascade: Bool, actor: String) {
        self.userID = userID
        self.module = module
        self.cascade = cascade
        self.actor = actor
    }
}

/// DESIGN §7: removing a plan removes what came with it; removing a prerequisite needs `cascade`.
public enum UnassignRule {
    public static func check(_ request: UnassignRequest, in state: TenantLicenseState, now: Date) throws -> [Assignment] {
        guard let user = state.users[request.userID] else { throw LicenseInputError.unknownUser("#\(request.userID)") }
        let key = request.module
        guard state.module(key) != nil else { throw LicenseInputError.unknownModule(key.description) }
        let held = state.assignments(of: user.id)
        guard held.contains(where: { $0.key == key && $0.isDirect }) else {
            throw LicenseRefusal(.notAssigned, "\(user.userName) has no direct assignment of \(key)")
        }
        func rowsOf(_ module: ModuleKey) -> [Assignment] { rows(of: module, in: held) }
        var removed = rowsOf(key)
        var dependents: [ModuleKey] = []
        while true {
            let remaining = held.filter { !removed.contains($0) }
            let effective = EffectiveModules.ignoringDates(userAssignments: remaining, owners: state.owners)
            // A module that came with a plan cannot go alone: the plan that brought it is the dependent.
            let broken = Set(
                remaining.compactMap { row -> ModuleKey? in
                    guard let prerequisite = state.module(row.key)?.prerequisite,
                        effective[ModuleKey(owner: row.owner, module: prerequisite)] == nil
                    else { return nil }
                    return row.viaPlan.map { ModuleKey(owner: row.owner, module: $0) } ?? row.key
                })
            if broken.isEmpty { break }
            dependents.append(contentsOf: broken.sorted())
            for dependent in broken { removed += rowsOf(dependent).filter { !removed.contains($0) } }
        }
        if !dependents.isEmpty && !request.cascade {
            let names = dependents.map(\.description).joined(separator: ", ")
            throw LicenseRefusal(
                .hasDependents, "\(names) of \(user.userName) require \(key); unassign them first or cascade")
        }
        return removed
    }

    /// A user's direct row of a module and, when it is a plan, the rows that came with it.
    static func rows(of module: ModuleKey, in held: [Assignment]) -> [Assignment] {
        held.filter { ($0.key == module && $0.isDirect) || ($0.owner == module.owner && $0.viaPlan == module.module) }
    }
}
