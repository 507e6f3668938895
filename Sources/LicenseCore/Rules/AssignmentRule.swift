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
        let held = state.assignments(of: user.id)
        if held.contains(where: { $0.key == key && $0.isDirect }) { return AssignmentPlan(inserts: []) }
        let effective = EffectiveModules.of(userAssignments: held, owners: state.owners, now: now)
        let holdsAny = Set(held.map(\.key))

        var granted: [(ModuleLicense, String?)] = [(module, nil)]
        if module.isPlan {
            if let other = held.first(where: { $0.owner == owner.name && $0.isDirect && owner.modules[$0.module]?.isPlan == true }
            ) {
                throw LicenseRefusal(
                    .planAlreadyAssigned,
                    "\(user.userName) already has the plan \(other.key) of \(owner.name); a user has at most one plan per owner")
            }
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
        }
        let grantedNames = Set(granted.map(\.0.name))
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
        for (candidate, _) in granted where !candidate.unrestricted {
            let candidateKey = ModuleKey(owner: owner.name, module: candidate.name)
            if holdsAny.contains(candidateKey) { continue }  // a seat is per user, whatever the number of rows
            let inUse = state.inUse(candidateKey)
            if inUse + 1 > candidate.count { full.append("\(candidateKey): \(inUse) of \(candidate.count) in use") }
        }
        guard full.isEmpty else {
            throw LicenseRefusal(.noFreeSeat, "no free seat for " + full.joined(separator: "; "))
        }
        let inserts = granted.compactMap { candidate, viaPlan -> Assignment? in
            let existsAlready = held.contains { $0.module == candidate.name && $0.owner == owner.name && $0.viaPlan == viaPlan }
            if existsAlready { return nil }
            return Assignment(
                owner: owner.name, module: candidate.name, userID: user.id, viaPlan: viaPlan, createdAt: now.wholeSeconds,
                createdBy: request.actor, comment: request.comment)
        }
        return AssignmentPlan(inserts: inserts)
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
        /// A module and, when it is a plan, what came with it.
        func rowsOf(_ module: ModuleKey) -> [Assignment] {
            held.filter { ($0.key == module && $0.isDirect) || ($0.owner == module.owner && $0.viaPlan == module.module) }
        }
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
}
