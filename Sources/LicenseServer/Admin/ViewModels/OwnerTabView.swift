import LicenseCore

/// What the owner template shows: an owner's tab of the Licenses screen, its licenses grouped by type.
struct OwnerTabView {
    struct Group {
        var id: String
        var title: String
        var note: String
        var isSite: Bool
        var rows: [Row]
    }

    struct Row {
        var name: String
        var label: String
        var tooltip: String?
        var href: String
        var total: String
        var inUse: String
        var available: String
        var hidden: Bool
        var unrestricted: Bool
        var fencingText: String?
        var fencingClass: String
        var selected: Bool
        var isSite: Bool
        var enabled: Bool
    }

    var csrf: String
    var tabs: [TabView]
    var ownerName: String
    var ownerDescription: String?
    var companyName: String
    var serialNumber: String
    var issuedAt: String
    var expiresAt: String?
    var graceUntil: String?
    var maintenanceUntil: String?
    var nextCheckAt: String?
    var isExpired: Bool
    var warnings: [String]
    var hasWarnings: Bool
    var groups: [Group]
    var details: LicenseDetailsView?

    init(
        csrf: String, tabs: [TabView], companyName: String, serialNumber: String, owner: LicenseListReport.Owner,
        warnings: [String], selected: String?, details: LicenseDetailsView?
    ) {
        self.csrf = csrf
        self.tabs = tabs
        ownerName = owner.name
        ownerDescription = owner.description
        self.companyName = companyName
        self.serialNumber = serialNumber
        issuedAt = AdminFormat.date(owner.issuedAt)
        expiresAt = owner.expiresAt.map(AdminFormat.date)
        graceUntil = owner.graceUntil.map(AdminFormat.date)
        maintenanceUntil = owner.maintenanceUntil.map(AdminFormat.date)
        nextCheckAt = owner.nextCheckAt.map(AdminFormat.date)
        isExpired = owner.status.expired
        self.warnings = warnings
        hasWarnings = !warnings.isEmpty
        self.details = details

        func row(_ module: LicenseListReport.Module) -> Row {
            let isSite = module.type == .site
            let fencing: (String?, String) =
                switch module.fencing {
                case .ok: (nil, "")
                case .nearing: ("Nearing maximum", "fence-nearing")
                case .reached: ("Maximum reached", "fence-reached")
                }
            return Row(
                name: module.name, label: module.description ?? module.name, tooltip: module.tooltip,
                href: AdminPath.license(owner: owner.name, module: module.name),
                total: module.unrestricted && !isSite ? "Unrestricted" : AdminFormat.number(module.total),
                inUse: isSite ? "—" : AdminFormat.number(module.inUse),
                available: isSite || module.unrestricted ? "—" : AdminFormat.number(module.free),
                hidden: module.hidden, unrestricted: module.unrestricted, fencingText: fencing.0, fencingClass: fencing.1,
                selected: module.name == selected, isSite: isSite, enabled: module.total > 0)
        }
        let definitions: [(String, String, String, (LicenseListReport.Module) -> Bool)] = [
            ("system", "System licenses", "Apply to the whole installation.", { $0.type == .site }),
            ("satellite", "Satellite licenses", "Given to satellite databases.", { $0.type == .satellite }),
            ("plans", "User plans", "Bundles bought per user; each grants several licenses.", { $0.type == .user && $0.isPlan }),
            ("user", "User licenses", "Given to users one by one, or through their plan.", { $0.type == .user && !$0.isPlan }),
        ]
        groups = definitions.compactMap { id, title, note, belongs in
            let rows = owner.modules.filter(belongs).map(row)
            return rows.isEmpty ? nil : Group(id: id, title: title, note: note, isSite: id == "system", rows: rows)
        }
    }
}
