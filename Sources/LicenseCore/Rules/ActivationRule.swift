import Foundation

/// One row of an activation preview (DESIGN §7 "Activation" step 2).
public struct ModuleDiff: Sendable, Equatable, Codable {
    public var owner: String
    public var name: String
    public var type: ModuleType
    public var currentTotal: Int
    public var inUse: Int
    public var newTotal: Int
    public var added: Int
    public var newFree: Int
    public var mustRemove: Int
    public var unrestricted: Bool
    /// User names (or satellite names) holding the module; filled where `mustRemove` > 0.
    public var holders: [String]
}

/// The answer of preview and activate: whether the package can be activated, why not, and the diff.
public struct ActivationPreview: Sendable, Equatable, Codable {
    public var canBeActivated: Bool
    public var reason: String?
    public var owner: String
    public var issuedAt: Date
    public var previousIssuedAt: Date?
    public var modules: [ModuleDiff]

    enum CodingKeys: String, CodingKey { case canBeActivated, reason, owner, issuedAt, previousIssuedAt, modules }

    /// `reason` is always present (null when the package can be activated), as clients test for it.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(canBeActivated, forKey: .canBeActivated)
        try c.encode(reason, forKey: .reason)
        try c.encode(owner, forKey: .owner)
        try c.encode(issuedAt, forKey: .issuedAt)
        try c.encode(previousIssuedAt, forKey: .previousIssuedAt)
        try c.encode(modules, forKey: .modules)
    }

    /// Modules that must lose holders before the package can be activated.
    public var blocking: [ModuleDiff] { modules.filter { $0.mustRemove > 0 } }
}

public enum ActivationRule {
    /// Compares a verified package with the owner's active rows and the seats in use.
    ///
    /// Throws `not-newer` for a package whose `issuedAt` is not after the active one (no rollback), nor after
    /// `storedIssuedAt`, the issue date of an owner row that is stored but void (tampered): a void row still blocks a
    /// rollback behind it. Otherwise answers a preview, which cannot be activated while any restricted module would
    /// fall below its use.
    public static func preview(
        _ package: VerifiedPackage, current: OwnerLicense?, storedIssuedAt: Date? = nil, seatsInUse: [ModuleKey: Int]
    ) throws -> ActivationPreview {
        let owner = package.owner
        if current == nil, let storedIssuedAt, package.header.issuedAt.wholeSeconds <= storedIssuedAt {
            throw LicenseRefusal(.notNewer, "the package of \(owner) is not newer than the one stored")
        }
        if let current, package.header.issuedAt <= current.header.issuedAt {
            throw LicenseRefusal(
                .notNewer,
                "the package of \(owner) was issued \(ISO8601.string(package.header.issuedAt)), not after the active one (\(ISO8601.string(current.header.issuedAt)))"
            )
        }
        let newModules = Dictionary(package.moduleLicenses.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let names = Set(newModules.keys).union(current?.modules.keys ?? [:].keys)
        var diffs: [ModuleDiff] = []
        for name in names {
            let old = current?.modules[name]
            let new = newModules[name]
            let key = ModuleKey(owner: owner, module: name)
            let inUse = seatsInUse[key] ?? 0
            let currentTotal = old?.count ?? 0
            // A module that disappears or changes type keeps no seats for its holders.
            let keepsHolders = new != nil && (old == nil || old?.type == new?.type)
            let newTotal = new?.count ?? 0
            let restricted = !(new?.unrestricted ?? false) || !keepsHolders
            let capacity = keepsHolders ? newTotal : 0
            let mustRemove = restricted ? max(0, inUse - capacity) : 0
            diffs.append(
                ModuleDiff(
                    owner: owner, name: name, type: (new ?? old)!.type, currentTotal: currentTotal, inUse: inUse,
                    newTotal: newTotal, added: newTotal - currentTotal, newFree: max(0, newTotal - inUse),
                    mustRemove: mustRemove, unrestricted: new?.unrestricted ?? false, holders: []))
        }
        // The package's order: its sortOrder, modules of equal sortOrder as the package lists them, and modules it
        // drops last by name.
        let position = Dictionary(
            package.moduleLicenses.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        diffs.sort { lhs, rhs in
            let l = (newModules[lhs.name]?.sortOrder ?? Int.max, position[lhs.name] ?? Int.max)
            let r = (newModules[rhs.name]?.sortOrder ?? Int.max, position[rhs.name] ?? Int.max)
            return (l.0, l.1, lhs.name) < (r.0, r.1, rhs.name)
        }
        let blocking = diffs.filter { $0.mustRemove > 0 }
        let reason: String? =
            blocking.isEmpty
            ? nil
            : "counts below what is in use: "
                + blocking.map {
                    "\(owner.lowercased()).\($0.name) needs \($0.mustRemove) fewer holders (\($0.inUse) in use, \($0.newTotal) in the package)"
                }
                .joined(separator: "; ")
        return ActivationPreview(
            canBeActivated: blocking.isEmpty, reason: reason, owner: owner, issuedAt: package.header.issuedAt,
            previousIssuedAt: current?.header.issuedAt, modules: diffs)
    }
}
