import Foundation

// The documents the CLI's `--json` and the REST API answer with: one shape for both, built from a snapshot.

/// `license list` / `GET licenses`.
public struct LicenseListReport: Codable, Sendable, Equatable {
    public struct Module: Codable, Sendable, Equatable {
        public var name: String
        public var description: String?
        public var tooltip: String?
        public var type: ModuleType
        public var total: Int
        public var inUse: Int
        public var free: Int
        public var unrestricted: Bool
        public var hidden: Bool
        public var isPlan: Bool
        public var extraFlags: Int
        public var extraInfo: String?
        public var planModules: [String]
        public var prerequisite: String?
        public var allowedUserTypes: [UserType]
        public var fencing: FencingLevel

        /// Optional fields are written as null rather than left out: the CLI contract names every key.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(description, forKey: .description)
            try c.encode(tooltip, forKey: .tooltip)
            try c.encode(type, forKey: .type)
            try c.encode(total, forKey: .total)
            try c.encode(inUse, forKey: .inUse)
            try c.encode(free, forKey: .free)
            try c.encode(unrestricted, forKey: .unrestricted)
            try c.encode(hidden, forKey: .hidden)
            try c.encode(isPlan, forKey: .isPlan)
            try c.encode(extraFlags, forKey: .extraFlags)
            try c.encode(extraInfo, forKey: .extraInfo)
            try c.encode(planModules, forKey: .planModules)
            try c.encode(prerequisite, forKey: .prerequisite)
            try c.encode(allowedUserTypes, forKey: .allowedUserTypes)
            try c.encode(fencing, forKey: .fencing)
        }
    }

    public struct Owner: Codable, Sendable, Equatable {
        public var name: String
        public var description: String?
        public var issuedAt: Date
        public var expiresAt: Date?
        public var graceUntil: Date?
        public var maintenanceUntil: Date?
        public var adminWarningAt: Date?
        public var nextCheckAt: Date?
        public var status: OwnerDateStatus
        public var modules: [Module]

        /// Dates that are not set are written as null.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(description, forKey: .description)
            try c.encode(issuedAt, forKey: .issuedAt)
            try c.encode(expiresAt, forKey: .expiresAt)
            try c.encode(graceUntil, forKey: .graceUntil)
            try c.encode(maintenanceUntil, forKey: .maintenanceUntil)
            try c.encode(adminWarningAt, forKey: .adminWarningAt)
            try c.encode(nextCheckAt, forKey: .nextCheckAt)
            try c.encode(status, forKey: .status)
            try c.encode(modules, forKey: .modules)
        }
    }

    public var companyName: String
    public var serialNumber: String
    public var owners: [Owner]

    /// Owners in tab order: the vendor first, partners after by name.
    public static func make(from snapshot: TenantSnapshot, now: Date) -> LicenseListReport {
        let state = snapshot
        let owners = state.owners.values.sorted { lhs, rhs in
            let l = lhs.name == LoginRule.vendorOwner ? 0 : 1
            let r = rhs.name == LoginRule.vendorOwner ? 0 : 1
            return (l, lhs.name) < (r, rhs.name)
        }
        return LicenseListReport(
            companyName: state.tenant.companyName, serialNumber: state.tenant.serialNumber,
            owners: owners.map { owner in
                let h = owner.header
                return Owner(
                    name: owner.name, description: h.description, issuedAt: h.issuedAt, expiresAt: h.expiresAt,
                    graceUntil: h.graceUntil, maintenanceUntil: h.maintenanceUntil, adminWarningAt: h.adminWarningAt,
                    nextCheckAt: h.nextCheckAt, status: h.dates.status(at: now),
                    modules: owner.sortedModules.map { module in
                        let inUse = state.inUse(ModuleKey(owner: owner.name, module: module.name))
                        let total = module.type == .site ? module.count : module.count
                        return Module(
                            name: module.name, description: module.description, tooltip: module.tooltip,
                            type: module.type, total: total, inUse: inUse, free: max(0, total - inUse),
                            unrestricted: module.unrestricted, hidden: module.hidden, isPlan: module.isPlan,
                            extraFlags: module.extraFlags, extraInfo: module.extraInfo, planModules: module.planModules,
                            prerequisite: module.prerequisite, allowedUserTypes: module.allowedUserTypes,
                            fencing: module.unrestricted || module.type == .site
                                ? .ok : FencingLevel.of(inUse: inUse, total: module.count))
                    })
            })
    }
}

/// `user list` / `GET users`: users with their effective modules and where each comes from.
public struct UserReport: Codable, Sendable, Equatable {
    public struct Module: Codable, Sendable, Equatable {
        public var module: String
        public var owner: String
        public var name: String
        public var source: ModuleSource
    }

    public var id: Int64
    public var userName: String
    public var displayName: String?
    public var email: String?
    public var type: UserType
    public var canLogIn: Bool
    public var retired: Bool
    public var waitingForApproval: Bool
    public var isAdministrator: Bool
    public var modules: [Module]

    public static func make(_ user: User, in snapshot: TenantSnapshot, now: Date) -> UserReport {
        let modules = snapshot.effectiveModules(of: user.userName, now: now)
            .sorted { ($0.value, $0.key) < ($1.value, $1.key) }
            .map { Module(module: $0.key.description, owner: $0.key.owner, name: $0.key.module, source: $0.value) }
        return UserReport(
            id: user.id, userName: user.userName, displayName: user.displayName, email: user.email, type: user.type,
            canLogIn: user.canLogIn, retired: user.retired, waitingForApproval: user.waitingForApproval,
            isAdministrator: user.isAdministrator, modules: modules)
    }

    public static func all(in snapshot: TenantSnapshot, now: Date) -> [UserReport] {
        snapshot.users().sorted { $0.userName < $1.userName }.map { make($0, in: snapshot, now: now) }
    }
}

public struct UserListReport: Codable, Sendable, Equatable {
    public var users: [UserReport]
    public init(users: [UserReport]) { self.users = users }
}

public struct FencingReport: Codable, Sendable, Equatable {
    public var modules: [FencingEntry]
    public init(modules: [FencingEntry]) { self.modules = modules }
}
