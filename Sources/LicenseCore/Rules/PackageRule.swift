import Foundation

/// What a license package may contain: the one rule the issuer applies before it signs and the verifier applies before
/// anything is activated, so no installation accepts a package the issuer would refuse (a vendor's mistake or a
/// package signed by other tools).
///
/// Checks the header's names and dates and the module list: valid rows, each name once, prerequisites that exist and
/// form no cycle, plans whose `set=` names only other user modules of the package that are not plans, and an
/// `issuedAt` not more than `futureTolerance` after `now` (a package dated in the future would otherwise block every
/// later package of its owner: activation never goes back in time).
public enum PackageRule {
    /// How far `issuedAt` may be after `now`: clocks differ, a day is plenty.
    public static let futureTolerance: TimeInterval = 24 * 60 * 60
    public static let moduleLimit = 20_000

    public static func validate(_ header: PackageHeader, modules: [ModuleLicense], now: Date) throws(LicenseInputError) {
        try Validate.ownerName(header.owner)
        try Validate.identifier(header.companyName, field: "companyName", limit: 200)
        try Validate.identifier(header.serialNumber, field: "serialNumber", limit: 64)
        try Validate.text(header.description, field: "description")
        try Validate.text(header.licenseURL, field: "licenseURL")
        try checkDates(header, now: now)
        guard modules.count <= moduleLimit else {
            throw .invalid(field: "modules", reason: "more than \(moduleLimit) modules")
        }
        var byName: [String: ModuleLicense] = [:]
        for module in modules {
            try module.validate()
            guard byName.updateValue(module, forKey: module.name) == nil else {
                throw .invalid(field: "modules", reason: "module '\(module.name)' appears twice")
            }
        }
        for module in modules {
            if let prerequisite = module.prerequisite, byName[prerequisite] == nil {
                throw .invalid(
                    field: "modules[\(module.name)].prerequisite", reason: "no module '\(prerequisite)' in this package")
            }
            try checkPlan(module, byName: byName)
        }
        try checkPrerequisiteCycles(modules, byName: byName)
    }

    static func checkDates(_ header: PackageHeader, now: Date) throws(LicenseInputError) {
        let latest = now.addingTimeInterval(futureTolerance)
        guard header.issuedAt <= latest else {
            throw .invalid(
                field: "issuedAt",
                reason:
                    "\(ISO8601.string(header.issuedAt)) is more than 24 hours after now (\(ISO8601.string(now.wholeSeconds))); a package cannot be issued in the future"
            )
        }
        if let expiresAt = header.expiresAt, expiresAt <= header.issuedAt {
            throw .invalid(field: "expiresAt", reason: "must be after issuedAt")
        }
        if let expiresAt = header.expiresAt, let graceUntil = header.graceUntil, graceUntil < expiresAt {
            throw .invalid(field: "graceUntil", reason: "must not be before expiresAt")
        }
    }

    /// A plan's `set=` names user modules of this package that are not plans, each once.
    static func checkPlan(_ plan: ModuleLicense, byName: [String: ModuleLicense]) throws(LicenseInputError) {
        let field = "modules[\(plan.name)].extraInfo"
        var seen = Set<String>()
        for implied in plan.planModules {
            guard implied != plan.name else { throw .invalid(field: field, reason: "the plan's set= names the plan itself") }
            guard seen.insert(implied).inserted else {
                throw .invalid(field: field, reason: "the plan's set= names '\(implied)' twice")
            }
            guard let target = byName[implied] else {
                throw .invalid(field: field, reason: "the plan grants '\(implied)', which is not in this package")
            }
            guard target.type == .user else {
                throw .invalid(
                    field: field,
                    reason: "the plan grants '\(implied)', a \(target.type.rawValue) module; a plan grants only user modules")
            }
            guard !target.isPlan else {
                throw .invalid(field: field, reason: "the plan grants '\(implied)', another plan; a plan cannot grant a plan")
            }
        }
    }

    /// Follows each module's prerequisite chain; a chain that comes back to a module it passed is a cycle.
    static func checkPrerequisiteCycles(
        _ modules: [ModuleLicense], byName: [String: ModuleLicense]
    ) throws(LicenseInputError) {
        var acyclic = Set<String>()
        for module in modules where !acyclic.contains(module.name) {
            var chain: [String] = []
            var onChain = Set<String>()
            var next: String? = module.name
            while let name = next, !acyclic.contains(name) {
                guard onChain.insert(name).inserted else {
                    let loop = chain.drop { $0 != name } + [name]
                    throw .invalid(
                        field: "modules[\(name)].prerequisite",
                        reason: "the prerequisites form a cycle: \(loop.joined(separator: " → "))")
                }
                chain.append(name)
                next = byName[name]?.prerequisite
            }
            acyclic.formUnion(chain)
        }
    }
}
