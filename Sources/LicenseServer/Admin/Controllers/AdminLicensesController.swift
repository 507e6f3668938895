import Foundation
import Hummingbird
import LicenseCore
import LicenseStore

/// The Licenses screen: one tab per license owner (the vendor first) and the Status tab.
struct AdminLicensesController {
    let ui: AdminUI

    func register(on group: RouterGroup<AdminContext>) {
        group.get("licenses") { _, context in
            let (_, tenant, _) = try context.signedIn()
            let report = LicenseListReport.make(from: try await ui.snapshots.snapshot(tenant), now: Date())
            guard let first = report.owners.first else { return Response.redirect(to: "/admin/status") }
            return Response.redirect(to: "/admin/licenses/\(AdminPath.segment(first.name))")
        }

        group.get("licenses/:owner") { request, context in
            let (session, tenant, _) = try context.signedIn()
            let ownerName = try context.parameters.require("owner").uppercased()
            let now = Date()
            let snapshot = try await ui.snapshots.snapshot(tenant)
            let report = LicenseListReport.make(from: snapshot, now: now)
            guard let owner = report.owners.first(where: { $0.name == ownerName }) else {
                throw AdminError.notFound("There is no license owner called \(ownerName) in this installation.")
            }
            let status = StatusReport.make(from: snapshot, loggedOnUser: nil, now: now)
            let warnings = status.owners.first { $0.name == owner.name }?.warnings ?? []
            var details: LicenseDetailsView?
            if let moduleName = request.uri.queryParameters["module"].map({ String($0).lowercased() }) {
                guard let module = owner.modules.first(where: { $0.name == moduleName }) else {
                    throw AdminError.notFound("\(owner.name) has no license called \(moduleName).")
                }
                let holders = try await ui.store.holders(
                    tenant: tenant, module: ModuleKey(owner: owner.name, module: module.name))
                details = LicenseDetailsView(owner: owner, module: module, holders: holders, snapshot: snapshot)
            }
            let view = OwnerTabView(
                csrf: session.csrf, tabs: AdminTabs.make(owners: report.owners, current: owner.name),
                companyName: report.companyName, serialNumber: report.serialNumber, owner: owner, warnings: warnings,
                selected: details?.module, details: details)
            return await ui.page(
                .owner, view, title: "Licenses – \(owner.name)", section: .licenses, context: context)
        }
    }
}

/// Paths of the admin pages.
enum AdminPath {
    /// A path segment with everything but unreserved characters percent-encoded.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? text
    }

    static func query(_ text: String) -> String { segment(text) }

    static func license(owner: String, module: String) -> String {
        "/admin/licenses/\(segment(owner))?module=\(query(module))"
    }

    static func user(_ userName: String) -> String { "/admin/users/\(segment(userName))" }
}

/// The tab strip of the Licenses screen.
struct TabView {
    var label: String
    var href: String
    var current: Bool
}

enum AdminTabs {
    static let status = "Status"

    static func make(owners: [LicenseListReport.Owner], current: String) -> [TabView] {
        owners.map { TabView(label: $0.name, href: "/admin/licenses/\(AdminPath.segment($0.name))", current: $0.name == current) }
            + [TabView(label: status, href: "/admin/status", current: current == status)]
    }
}

// MARK: - View models

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
        version = snapshot.state.owners[owner.name]?.modules[module.name]?.version
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
        let satellites = Set(snapshot.state.satellites.keys)
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
