import Foundation

public struct SeatCount: Sendable, Equatable, Codable {
    public var purchased: Int
    public var inUse: Int
}

/// The two ways of counting users (DESIGN §7 "Counting users").
public struct UserCounts: Sendable, Equatable, Codable {
    /// From `user` and `web`: purchased is the upper bound (a web user needs both), in use the users holding both.
    public var userWeb: SeatCount
    /// From user plans (`ExtraFlags` 1): purchased and in use, summed over plans.
    public var plans: SeatCount
    public var activeOnly: Bool

    /// Counts from effective modules per user; `activeOnly` counts only users who can log in and are not retired.
    public static func compute(
        owners: [String: OwnerLicense], users: [User], effective: (User) -> [ModuleKey: ModuleSource], activeOnly: Bool
    ) -> UserCounts {
        let vendor = owners[LoginRule.vendorOwner]
        let userCount = vendor?.modules[LoginRule.userModule]?.count ?? 0
        let webCount = vendor?.modules[LoginClient.web.rawValue]?.count ?? 0
        let planKeys = owners.values.flatMap { owner in
            owner.modules.values.filter(\.isPlan).map { ModuleKey(owner: owner.name, module: $0.name) }
        }
        let planPurchased = owners.values.flatMap { $0.modules.values.filter(\.isPlan) }.reduce(0) { $0 + $1.count }
        var userWebInUse = 0
        var plansInUse = 0
        for user in users where !activeOnly || user.isActive {
            let modules = effective(user)
            if let vendor,
                modules[ModuleKey(owner: vendor.name, module: LoginRule.userModule)] != nil,
                modules[ModuleKey(owner: vendor.name, module: LoginClient.web.rawValue)] != nil
            {
                userWebInUse += 1
            }
            plansInUse += planKeys.filter { modules[$0] != nil }.count
        }
        return UserCounts(
            userWeb: SeatCount(purchased: min(userCount, webCount), inUse: userWebInUse),
            plans: SeatCount(purchased: planPurchased, inUse: plansInUse), activeOnly: activeOnly)
    }
}

/// DESIGN §7 "Fencing": a restricted module at ≥ 85 % in use is nearing its maximum, at 100 % it has reached it.
public enum FencingLevel: String, Codable, Sendable {
    case ok, nearing, reached

    public static let nearingThreshold = 0.85

    public static func of(inUse: Int, total: Int) -> FencingLevel {
        guard total > 0 else { return inUse > 0 ? .reached : .ok }
        let ratio = Double(inUse) / Double(total)
        if ratio >= 1 { return .reached }
        return ratio >= nearingThreshold ? .nearing : .ok
    }
}

public struct FencingEntry: Sendable, Equatable, Codable {
    public var owner: String
    public var module: String
    public var total: Int
    public var inUse: Int
    public var level: FencingLevel
}

public enum Fencing {
    /// Every restricted user or satellite module with a count, with its level.
    public static func entries(owners: [String: OwnerLicense], seatsInUse: [ModuleKey: Int]) -> [FencingEntry] {
        owners.values.sorted { $0.name < $1.name }.flatMap { owner in
            owner.sortedModules.filter { $0.type != .site && !$0.unrestricted && $0.count > 0 }.map { module in
                let inUse = seatsInUse[ModuleKey(owner: owner.name, module: module.name)] ?? 0
                return FencingEntry(
                    owner: owner.name, module: module.name, total: module.count, inUse: inUse,
                    level: FencingLevel.of(inUse: inUse, total: module.count))
            }
        }
    }
}
