import Foundation
import Hummingbird
import LicenseCore

/// Runs around every admin route: finds the session from the cookie, reads a posted form and checks its CSRF token
/// (a POST without a valid one is answered 403 and reaches no handler), turns every error into an HTML error page,
/// and adds the security headers.
struct AdminMiddleware: RouterMiddleware {
    typealias Context = AdminContext
    let ui: AdminUI

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        var context = context
        let now = Date()
        if let id = request.cookies[AdminSessionStore.cookieName]?.value {
            context.session = ui.sessions.session(id: id, now: now)
        }
        var response: Response
        do {
            if request.method == .post {
                context.form = try await AdminForm.parse(request, limit: context.maxUploadSize)
                guard let session = context.session, let token = context.form["csrf"],
                    AdminSessionStore.constantTimeEquals(token, session.csrf)
                else { throw AdminError.csrf }
            }
            response = try await next(request, context)
        } catch {
            response = ui.errorResponse(error, request: request, context: context)
        }
        Self.addSecurityHeaders(&response.headers)
        return response
    }

    static func addSecurityHeaders(_ headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        headers[AdminHeader.referrerPolicy] = "same-origin"
        headers[AdminHeader.frameOptions] = "DENY"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }
}

/// The routes behind sign-in: without a signed-in session a page redirects to the sign-in form. A session whose
/// administrator has since been retired, lost the administrator right or been deleted is ended.
struct RequireAdminMiddleware: RouterMiddleware {
    typealias Context = AdminContext
    let ui: AdminUI

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        guard let session = context.session, let tenant = session.tenant, let userName = session.userName else {
            return Self.toSignIn(request)
        }
        let user = try? await ui.snapshots.snapshot(tenant).user(named: userName)
        guard let user, user.isAdministrator, !user.retired else {
            ui.sessions.remove(id: session.id)
            return Self.toSignIn(request)
        }
        return try await next(request, context)
    }

    static func toSignIn(_ request: Request) -> Response {
        let path = request.uri.path
        guard request.method == .get, path.hasPrefix("/admin/"), path != "/admin/login" else {
            return .redirect(to: "/admin/login")
        }
        let next =
            path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-_."))) ?? ""
        return .redirect(to: "/admin/login?next=\(next)")
    }
}

/// Header names HTTPTypes does not predefine, kept apart so they cannot clash with other extensions.
enum AdminHeader {
    static let referrerPolicy = HTTPFields.Element.Name("Referrer-Policy")!
    static let frameOptions = HTTPFields.Element.Name("X-Frame-Options")!
    static let forwardedProto = HTTPFields.Element.Name("X-Forwarded-Proto")!
}
