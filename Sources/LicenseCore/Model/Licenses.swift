import Foundation

/// One module license as issued: a row of `ModuleLicense`.
public struct ModuleLicense: Codable, Sendable, Equatable {
    public var name: String
    public var description: String?
    public var tooltip: String?
    public var version: String?
    public var type: ModuleType
    public var count: Int
    /// Empty means every user type is allowed.
    public var allowedUserTypes: [UserType]
    public var extraFlags: Int { didSet { planModules = Self.planModules(extraFlags: extraFlags, extraInfo: extraInfo) } }
    public var extraInfo: String? { didSet { planModules = Self.planModules(extraFlags: extraFlags, extraInfo: extraInfo) } }
    public var sortOrder: Int
    public var unrestricted: Bool
    public var hidden: Bool
    /// A module of the same owner that must be effective for the user first.
    public var prerequisite: String?

    public init(
        name: String, description: String? = nil, tooltip: String? = nil, version: String? = nil,
        type: ModuleType, count: Int, allowedUserTypes: [UserType] = [], extraFlags: Int = 0,
        extraInfo: String? = nil, sortOrder: Int = 0, unrestricted: Bool = false, hidden: Bool = false,
        prerequisite: String? = nil
    ) {
        self.name = name
        self.description = description
        self.tooltip = tooltip
        self.version = version
        self.type = type
        self.count = count
        self.allowedUserTypes = allowedUserTypes
        self.extraFlags = extraFlags
        self.extraInfo = extraInfo
        self.sortOrder = sortOrder
        self.unrestricted = unrestricted
        self.hidden = hidden
        self.prerequisite = prerequisite
        self.planModules = Self.planModules(extraFlags: extraFlags, extraInfo: extraInfo)
    }

    /// A user plan: `ExtraFlags` bit 1 set.
    public var isPlan: Bool { extraFlags & 1 == 1 }

    /// The modules a plan grants, from `ExtraInfo "set=a,b,c"`. Empty for a module that is not a plan. Worked out
    /// when the flags or the info are set: decisions and snapshot updates ask for it on every write.
    public private(set) var planModules: [String] = []

    static func planModules(extraFlags: Int, extraInfo: String?) -> [String] {
        guard extraFlags & 1 == 1, let info = extraInfo else { return [] }
        for part in info.split(separator: ";") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("set=") {
                return trimmed.dropFirst(4).split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                    .filter { !$0.isEmpty }
            }
        }
        return []
    }

    public func allows(_ userType: UserType) -> Bool {
        allowedUserTypes.isEmpty || allowedUserTypes.contains(userType)
    }

    /// Checks a module as it comes from a spec or a package.
    public func validate() throws(LicenseInputError) {
        try Validate.moduleName(name)
        guard count >= 0, count <= 10_000_000 else {
            throw .invalid(field: "modules[\(name)].count", reason: "must be between 0 and 10000000")
        }
        if let prerequisite { try Validate.moduleName(prerequisite) }
        try Validate.text(description, field: "modules[\(name)].description")
        try Validate.text(tooltip, field: "modules[\(name)].tooltip")
        try Validate.text(version, field: "modules[\(name)].version", limit: 64)
        try Validate.text(extraInfo, field: "modules[\(name)].extraInfo")
        if isPlan && type != .user {
            throw .invalid(field: "modules[\(name)].extraFlags", reason: "a user plan must be of type user")
        }
        if prerequisite == name {
            throw .invalid(field: "modules[\(name)].prerequisite", reason: "a module cannot require itself")
        }
    }
}

/// The dates an owner's package carries (DESIGN §7 "Dates").
public struct OwnerDates: Codable, Sendable, Equatable {
    public var expiresAt: Date?
    public var graceUntil: Date?
    public var maintenanceUntil: Date?
    public var adminWarningAt: Date?
    public var nextCheckAt: Date?

    public init(
        expiresAt: Date? = nil, graceUntil: Date? = nil, maintenanceUntil: Date? = nil,
        adminWarningAt: Date? = nil, nextCheckAt: Date? = nil
    ) {
        self.expiresAt = expiresAt
        self.graceUntil = graceUntil
        self.maintenanceUntil = maintenanceUntil
        self.adminWarningAt = adminWarningAt
        self.nextCheckAt = nextCheckAt
    }

    /// The moment after which the owner's modules grant nothing: the grace date, else the expiry, else never.
    public var grantsUntil: Date? { graceUntil ?? expiresAt }

    public func grants(at now: Date) -> Bool {
        guard let end = grantsUntil else { return true }
        return now < end
    }

    public func status(at now: Date) -> OwnerDateStatus {
        OwnerDateStatus(
            adminWarning: adminWarningAt.map { now >= $0 } ?? false,
            expired: expiresAt.map { now >= $0 } ?? false,
            inGrace: (expiresAt.map { now >= $0 } ?? false) && grants(at: now),
            grantsNothing: !grants(at: now),
            updateCheckDue: nextCheckAt.map { now >= $0 } ?? false
        )
    }
}

/// What an owner's dates mean at one moment.
public struct OwnerDateStatus: Codable, Sendable, Equatable {
    public var adminWarning: Bool
    public var expired: Bool
    public var inGrace: Bool
    public var grantsNothing: Bool
    public var updateCheckDue: Bool
}

/// An active license owner: its package's header and its module rows, all verified.
public struct OwnerLicense: Sendable, Equatable {
    public var header: PackageHeader
    public var modules: [String: ModuleLicense]

    public init(header: PackageHeader, modules: [ModuleLicense]) {
        self.header = header
        self.modules = Dictionary(modules.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public var name: String { header.owner }
    public var sortedModules: [ModuleLicense] {
        modules.values.sorted { ($0.sortOrder, $0.name) < ($1.sortOrder, $1.name) }
    }
}
