import Foundation

/// Where a user's module comes from.
public enum ModuleSource: String, Codable, Sendable, Comparable {
    case site, assigned, plan

    public static func < (lhs: ModuleSource, rhs: ModuleSource) -> Bool { lhs.rank < rhs.rank }
    private var rank: Int {
        switch self {
        case .assigned: 0
        case .plan: 1
        case .site: 2
        }
    }
}

/// Effective modules of a user = site modules ∪ assigned modules ∪ modules from the user's plans (DESIGN §7),
/// only from verified rows and only while the owner is before its grace date.
public enum EffectiveModules {
    public static func of(
        userAssignments: [Assignment], owners: [String: OwnerLicense], now: Date
    ) -> [ModuleKey: ModuleSource] {
        var result: [ModuleKey: ModuleSource] = [:]
        for owner in owners.values where owner.header.dates.grants(at: now) {
            for module in owner.modules.values where module.type == .site && module.count > 0 {
                result[ModuleKey(owner: owner.name, module: module.name)] = .site
            }
        }
        let plans = Set(userAssignments.filter(\.isDirect).map(\.key))
        for assignment in userAssignments {
            guard let owner = owners[assignment.owner], owner.header.dates.grants(at: now),
                let module = owner.modules[assignment.module], module.type == .user
            else { continue }
            // A module from a plan counts only while the user holds the plan and the plan still grants it.
            if let plan = assignment.viaPlan {
                guard plans.contains(ModuleKey(owner: owner.name, module: plan)),
                    owner.modules[plan]?.planModules.contains(module.name) == true
                else { continue }
            }
            let source: ModuleSource = assignment.isDirect ? .assigned : .plan
            let key = assignment.key
            result[key] = min(result[key] ?? source, source)
        }
        return result
    }

    /// The same without the date condition: what the rows grant, for a snapshot that applies dates per check.
    public static func ignoringDates(userAssignments: [Assignment], owners: [String: OwnerLicense]) -> [ModuleKey: ModuleSource] {
        of(
            userAssignments: userAssignments,
            owners: owners.mapValues { owner in
                var copy = owner
                copy.header.expiresAt = nil
                copy.header.graceUntil = nil
                return copy
            }, now: .distantPast)
    }
}
