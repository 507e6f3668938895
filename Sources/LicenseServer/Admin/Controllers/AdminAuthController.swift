import Foundation
import Hummingbird
import HummingbirdBcrypt
import LicenseCore
import LicenseStore
import Prometheus

/// Sign-in and sign-out of administrators (a user of the tenant with the administrator right and a password).
struct AdminAuthController {
    let ui: AdminUI

    /// Checked when the user name has no password, so an unknown name takes as long as a wrong password.
    static let timingDummyHash = Bcrypt.hash("not a password of anyone", cost: 10)

    func register(on group: RouterGroup<AdminContext>) {
        group.get("login") { request, context in
            if context.session?.isSignedIn == true { return Response.redirect(to: "/admin/licenses") }
            var tenant = request.uri.queryParameters["tenant"].map(String.init) ?? ""
            if tenant.isEmpty, let ids = try? await ui.store.tenantIDs(), ids.count == 1 { tenant = ids[0] }
            let next = Self.safeNext(request.uri.queryParameters["next"].map(String.init))
            return await loginPage(
                request: request, context: context,
                view: { csrf in
                    LoginView(csrf: csrf, tenant: tenant, userName: "", next: next, error: nil, locked: false)
                })
        }

        group.post("login") { request, context in
            let form = context.form
            let tenant = form["tenant"] ?? ""
            let userName = form["userName"] ?? ""
            let password = form.text("password") ?? ""
            let next = Self.safeNext(form["next"])
            let now = Date()
            func refuse(_ message: String, locked: Bool = false, status: HTTPResponse.Status) async -> Response {
                await loginPage(
                    request: request, context: context, status: status,
                    view: { csrf in
                        LoginView(csrf: csrf, tenant: tenant, userName: userName, next: next, error: message, locked: locked)
                    })
            }
            guard !tenant.isEmpty, !userName.isEmpty, !password.isEmpty else {
                ui.signIns.record(.refusedInput)
                return await refuse("Enter the tenant, your user name and your password.", status: .unprocessableContent)
            }
            // bcrypt reads only the first 72 bytes: a longer password would sign in with any ending. None can be set.
            guard password.utf8.count <= PasswordPolicy.maximumBytes else {
                ui.signIns.record(.refusedInput)
                return await refuse(
                    "Passwords are at most \(PasswordPolicy.maximumBytes) bytes in UTF-8 (this one is \(password.utf8.count) bytes); no password this long can be set, so this one is not right.",
                    status: .unprocessableContent)
            }
            // The attempt counts before bcrypt runs, so concurrent attempts cannot get more passwords evaluated.
            let attempt: SignInAttempt
            switch ui.sessions.admit(tenant: tenant, userName: userName, now: now) {
            case .locked(let until):
                ui.signIns.record(.locked)
                return await refuse(
                    Self.lockedMessage(userName: userName, until: until, now: now), locked: true, status: .tooManyRequests)
            case .admitted(let admitted):
                attempt = admitted
            }
            let matches = await verify(tenant: tenant, userName: userName, password: password)
            let lockedUntil = ui.sessions.finish(attempt, succeeded: matches, now: Date())
            guard matches else {
                ui.signIns.record(.wrongPassword)
                if let until = lockedUntil {
                    return await refuse(
                        Self.lockedMessage(userName: userName, until: until, now: now), locked: true, status: .tooManyRequests)
                }
                return await refuse(
                    "The tenant, user name or password is not right. After \(AdminSessionStore.maxFailures) failed attempts within 15 minutes the user name is locked for 15 minutes.",
                    status: .unauthorized)
            }
            ui.signIns.record(.signedIn)
            if let old = context.session { ui.sessions.remove(id: old.id) }
            let session = ui.sessions.create(tenant: tenant, userName: userName, now: now)
            var response = Response.redirect(to: next)
            response.setCookie(AdminUI.sessionCookie(session.id, request: request))
            return response
        }

        group.post("logout") { request, context in
            if let session = context.session { ui.sessions.remove(id: session.id) }
            let fresh = ui.sessions.create(now: Date())
            ui.sessions.flash(id: fresh.id, .success, "You have signed out.")
            var response = Response.redirect(to: "/admin/login")
            response.setCookie(AdminUI.sessionCookie(fresh.id, request: request))
            return response
        }
    }

    /// The sign-in form, with a session (and so a CSRF token) made for it when the browser has none.
    private func loginPage(
        request: Request, context: AdminContext, status: HTTPResponse.Status = .ok, view: (String) -> LoginView
    ) async -> Response {
        var context = context
        var cookie: Cookie?
        if context.session == nil {
            let session = ui.sessions.create(now: Date())
            context.session = session
            cookie = AdminUI.sessionCookie(session.id, request: request)
        }
        var response = await ui.page(
            .login, view(context.session?.csrf ?? ""), title: "Sign in", section: .none, context: context, status: status)
        if let cookie { response.setCookie(cookie) }
        return response
    }

    /// The password check: an administrator of the tenant who is not retired, and bcrypt agrees. Runs the hash off the
    /// server's event loops.
    private func verify(tenant: String, userName: String, password: String) async -> Bool {
        let hash = try? await ui.store.passwordHash(tenant: tenant, userName: userName)
        let user = try? await ui.snapshots.snapshot(tenant).user(named: userName)
        let candidate = hash ?? Self.timingDummyHash
        let matches = await Task.detached { Bcrypt.verify(password, hash: candidate) }.value
        guard let user, hash != nil, matches, user.isAdministrator, !user.retired else { return false }
        return true
    }

    /// Sign-in attempts by result at `/metrics`: `wrong-password` counts the passwords evaluated and refused,
    /// `locked` the attempts refused without evaluating their password.
    struct Metrics: Sendable {
        enum Result: String, CaseIterable, Sendable {
            case signedIn = "signed-in"
            case wrongPassword = "wrong-password"
            case locked
            case refusedInput = "refused-input"
        }

        let counters: [Result: Prometheus.Counter]

        init(registry: PrometheusCollectorRegistry) {
            var counters: [Result: Prometheus.Counter] = [:]
            for result in Result.allCases {
                counters[result] = registry.makeCounter(
                    descriptor: MetricNames.adminSignIns, labels: [("result", result.rawValue)])
            }
            self.counters = counters
        }

        func record(_ result: Result) { counters[result]?.increment() }
    }

    static func lockedMessage(userName: String, until: Date, now: Date) -> String {
        let minutes = max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
        return
            "Too many failed sign-ins for “\(userName)”. For your protection this user name is locked until \(AdminFormat.dateTime(until)) (about \(minutes) minute\(minutes == 1 ? "" : "s")). Nothing else is affected."
    }

    /// Only a path of these pages: never another site or a protocol-relative address.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/admin/"), !next.hasPrefix("//"), !next.contains("\\"), !next.contains("://"),
            next != "/admin/login", next != "/admin/logout"
        else { return "/admin/licenses" }
        return next
    }
}
