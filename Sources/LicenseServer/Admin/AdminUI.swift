import Foundation
import Hummingbird
import LicenseCore
import LicenseStore
import Logging
import Prometheus

/// Registers the administrators' web pages (issue 7): `/` and everything under `/admin/`.
///
/// Server-rendered HTML from the Mustache templates in `Resources/Admin/templates`, read at start-up (`resources`), a
/// stylesheet and a small script served from `/admin/assets/`. Sign-in is per tenant with an administrator's user name
/// and password; sessions live in memory.
func registerAdminUI(
    on router: Router<LicenseRequestContext>, store: any LicenseStoring, snapshots: SnapshotCache, resources: AdminResources,
    registry: PrometheusCollectorRegistry
) {
    let ui = AdminUI(
        store: store, snapshots: snapshots, resources: resources, signIns: AdminAuthController.Metrics(registry: registry))
    router.get("/") { _, _ in Response.redirect(to: "/admin/licenses") }
    router.get("admin") { _, _ in Response.redirect(to: "/admin/licenses") }

    let admin = router.group("admin", context: AdminContext.self).add(middleware: AdminMiddleware(ui: ui))
    resources.assets.register(on: admin)
    AdminAuthController(ui: ui).register(on: admin)

    let signedIn = admin.group().add(middleware: RequireAdminMiddleware(ui: ui))
    AdminLicensesController(ui: ui).register(on: signedIn)
    AdminStatusController(ui: ui).register(on: signedIn)
    AdminActivationController(ui: ui).register(on: signedIn)
    AdminUsersController(ui: ui).register(on: signedIn)
    AdminConsumptionController(ui: ui).register(on: signedIn)
    AdminAuditController(ui: ui).register(on: signedIn)

    // Anything else under /admin/ is an HTML "not found" page rather than the API's JSON error.
    admin.get("**") { _, _ -> Response in throw AdminError.notFound }
    admin.post("**") { _, _ -> Response in throw AdminError.notFound }
}

/// What every admin controller shares: the store for writes, the snapshots for reads, the sessions and the templates.
struct AdminUI: Sendable {
    let store: any LicenseStoring
    let snapshots: SnapshotCache
    let sessions = AdminSessionStore()
    let renderer: AdminRenderer
    let assets: AdminAssets
    let signIns: AdminAuthController.Metrics

    init(store: any LicenseStoring, snapshots: SnapshotCache, resources: AdminResources, signIns: AdminAuthController.Metrics) {
        self.store = store
        self.snapshots = snapshots
        renderer = resources.renderer
        assets = resources.assets
        self.signIns = signIns
    }

    /// A page: the body template rendered with `model`, inside the layout (navigation, flashes, message of the day).
    func page(
        _ template: AdminTemplate, _ model: Any, title: String, section: AdminSection, context: AdminContext,
        status: HTTPResponse.Status = .ok
    ) async -> Response {
        let body = renderer.render(model, template: template)
        var companyName: String?
        var messageOfTheDay: String?
        if let tenant = context.session?.tenant, let snapshot = try? await snapshots.snapshot(tenant) {
            let now = Date()
            companyName = snapshot.tenant.companyName
            let userName = context.session?.userName ?? ""
            messageOfTheDay =
                snapshot.events.first {
                    $0.key == SystemEvent.messageOfTheDay && $0.isActive(at: now) && $0.covers(userName: userName)
                }?.message
        }
        let flashes = context.session.map { sessions.takeFlashes(id: $0.id) } ?? []
        let layout = LayoutView(
            title: title, body: body, session: context.session, section: section, companyName: companyName,
            flashes: flashes, messageOfTheDay: messageOfTheDay, assets: assets)
        return htmlResponse(renderer.render(layout, template: .layout), status: status)
    }

    /// Post/redirect/get: a flash for the next page, then a 303 to it.
    /// The message of a domain refusal for a flash or a form (nil for errors that are not the user's to fix), with
    /// times and module names written as the pages write them.
    func describe(_ error: any Error, tenant: String) async -> String? {
        guard let message = AdminError.describe(error) else { return nil }
        return AdminFormat.humanize(message, label: AdminFormat.moduleLabel(in: try? await snapshots.snapshot(tenant)))
    }

    func redirect(_ path: String, context: AdminContext, _ kind: AdminFlash.Kind? = nil, _ text: String? = nil) -> Response {
        if let kind, let text, let id = context.session?.id { sessions.flash(id: id, kind, text) }
        return .redirect(to: path)
    }

    /// The HTML page for an error. Domain errors show their own message; anything else a generic one and a reference
    /// to the log entry, never the error's text.
    func errorResponse(_ error: any Error, request: Request, context: AdminContext) -> Response {
        var reference: String?
        let mapped: AdminError
        if let known = AdminError.from(error) {
            mapped = known
        } else {
            reference = context.id
            context.logger.error(
                "admin page failed",
                metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)", "reference": "\(context.id)"])
            mapped = AdminError(
                status: .internalServerError, title: "Something went wrong",
                message:
                    "The server could not complete this request. The problem has been logged. Try again in a moment; if it keeps happening, give the reference below to the operator of this server."
            )
        }
        if mapped.status == .unauthorized { return RequireAdminMiddleware.toSignIn(request) }
        let view = ErrorView(
            title: mapped.title, message: mapped.message, status: mapped.status.code, reference: reference,
            signedIn: context.session?.isSignedIn ?? false)
        let layout = LayoutView(
            title: mapped.title, body: renderer.render(view, template: .error), session: context.session, section: .none,
            companyName: nil, flashes: [], messageOfTheDay: nil, assets: assets)
        return htmlResponse(renderer.render(layout, template: .layout), status: mapped.status)
    }

    /// Whether the browser reached the server over https (directly or through a proxy that says so).
    static func isHTTPS(_ request: Request) -> Bool {
        request.head.scheme?.lowercased() == "https" || request.headers[AdminHeader.forwardedProto]?.lowercased() == "https"
    }

    /// The session cookie: HttpOnly, SameSite=Strict, limited to /admin, Secure when served over https.
    static func sessionCookie(_ id: String, request: Request, clear: Bool = false) -> Cookie {
        Cookie(
            name: AdminSessionStore.cookieName, value: clear ? "" : id, maxAge: clear ? 0 : nil, path: "/admin",
            secure: isHTTPS(request), httpOnly: true, sameSite: .strict)
    }
}
