import LicenseCore

/// A license's details beside the owner's list: its facts, what a plan grants, and who holds it.
struct LicenseDetailsView {
    struct Link {
        var label: String
        var href: String?
        var note: String?
    }

    var module: String
    var key: String
    var title: String
    var description: String?
    var tooltip: String?
    var type: String
    var version: String?
    var total: String
    var inUse: String
    var available: String
    var prerequisite: Link?
    var allowedUserTypes: String
    var hidden: Bool
    var unrestricted: Bool
    var isPlan: Bool
    var grants: [Link]
    var holders: [Link]
    var holderCount: Int
    var hasHolders: Bool
    var isSite: Bool

    init(owner: LicenseListReport.Owner, module: LicenseListReport.Module, holders: [String], snapshot: TenantSnapshot) {
        let byName = Dictionary(owner.modules.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.module = module.name
        key = ModuleKey(owner: owner.name, module: module.name).description
        title = module.description ?? module.name
        description = module.description
        tooltip = module.tooltip
        type = AdminFormat.moduleType(module.type) + (module.isPlan ? " (user plan)" : "")
        version = snapshot.owners[owner.name]?.modules[module.name]?.version
        total = AdminFormat.number(module.total)
        isSite = module.type == .site
        inUse = isSite ? "—" : AdminFormat.number(module.inUse)
        available = isSite || module.unrestricted ? "—" : AdminFormat.number(module.free)
        prerequisite = module.prerequisite.map { name in
            Link(label: byName[name]?.description ?? name, href: AdminPath.license(owner: owner.name, module: name), note: name)
        }
        allowedUserTypes =
            module.allowedUserTypes.isEmpty ? "All" : module.allowedUserTypes.map(AdminFormat.userType).joined(separator: ", ")
        hidden = module.hidden
        unrestricted = module.unrestricted
        isPlan = module.isPlan
        grants = module.planModules.map { name in
            Link(label: byName[name]?.description ?? name, href: AdminPath.license(owner: owner.name, module: name), note: name)
        }
        let satellites = Set(snapshot.satellites.keys)
        self.holders = holders.map { name in
            if module.type == .satellite || (satellites.contains(name) && snapshot.user(named: name) == nil) {
                return Link(label: name, href: nil, note: "satellite")
            }
            return Link(label: name, href: AdminPath.user(name), note: snapshot.user(named: name)?.displayName)
        }
        holderCount = holders.count
        hasHolders = !holders.isEmpty
    }
}
