import Foundation
import Hummingbird
import Mustache

/// The compiled templates. Each page renders its body template, then the layout around it.
struct AdminRenderer: Sendable {
    let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        for (name, text) in AdminTemplates.all {
            do {
                library.register(try MustacheTemplate(string: text), named: name)
            } catch {
                // The templates are constants of this binary: a bad one is a programming error found by any test run.
                preconditionFailure("admin template '\(name)' does not parse: \(error)")
            }
        }
        self.library = library
    }

    func render(_ model: Any, template: String) -> String {
        guard let html = library.render(model, withTemplate: template) else {
            preconditionFailure("no admin template named '\(template)'")
        }
        return html
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

    init(
        title: String, body: String, session: AdminSession?, section: AdminSection, companyName: String?,
        flashes: [AdminFlash], messageOfTheDay: String?
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
    }
}

/// An HTML response.
func htmlResponse(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status, headers: [.contentType: "text/html; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(string: html)))
}
