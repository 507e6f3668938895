/// What the layout template shows around every page.
struct LayoutView {
    struct NavItem {
        var label: String
        var href: String
        var current: Bool
    }

    struct FlashView {
        var kind: String
        var text: String
        /// Errors are announced at once; other messages politely.
        var role: String
    }

    var title: String
    var body: String
    var signedIn: Bool
    var userName: String?
    var companyName: String?
    var csrf: String?
    var nav: [NavItem]
    var flashes: [FlashView]
    var messageOfTheDay: String?
    /// The addresses of this server's stylesheet and script, with their content's hash.
    var stylesheetHref: String
    var scriptHref: String

    init(
        title: String, body: String, session: AdminSession?, section: AdminSection, companyName: String?,
        flashes: [AdminFlash], messageOfTheDay: String?, assets: AdminAssets
    ) {
        self.title = title
        self.body = body
        signedIn = session?.isSignedIn ?? false
        userName = session?.userName
        self.companyName = companyName
        csrf = session?.csrf
        nav =
            signedIn
            ? AdminSection.allCases.filter { $0 != .none }.map { NavItem(label: $0.label, href: $0.path, current: $0 == section) }
            : []
        self.flashes = flashes.map {
            FlashView(kind: $0.kind.rawValue, text: $0.text, role: $0.kind == .error ? "alert" : "status")
        }
        self.messageOfTheDay = messageOfTheDay
        stylesheetHref = assets.stylesheet.path
        scriptHref = assets.script.path
    }
}

/// The sections of the main navigation.
enum AdminSection: String, Sendable, CaseIterable {
    case licenses, users, consumption, audit, none

    var label: String {
        switch self {
        case .licenses: "Licenses"
        case .users: "Users"
        case .consumption: "Consumption"
        case .audit: "Audit log"
        case .none: ""
        }
    }

    var path: String { "/admin/\(rawValue)" }
}
