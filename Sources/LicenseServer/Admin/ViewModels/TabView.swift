import LicenseCore

/// The tab strip of the Licenses screen.
struct TabView {
    var label: String
    var href: String
    var current: Bool
}

/// The tabs of the Licenses screen: one per owner, then Status.
enum AdminTabs {
    static let status = "Status"

    static func make(owners: [LicenseListReport.Owner], current: String) -> [TabView] {
        owners.map { TabView(label: $0.name, href: "/admin/licenses/\(AdminPath.segment($0.name))", current: $0.name == current) }
            + [TabView(label: status, href: "/admin/status", current: current == status)]
    }
}
