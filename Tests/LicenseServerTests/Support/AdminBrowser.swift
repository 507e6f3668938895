import Foundation
import Hummingbird
import LicenseTestSupport

/// The admin pages as a browser without JavaScript uses them: a session cookie, and the CSRF token of the session
/// sent with every form.
struct AdminBrowser: Sendable {
    static let cookieName = "licensing_admin"

    let client: APIClient
    let cookie: String
    let csrf: String

    /// Creates an administrator of the standard tenant with a password (through the API) and signs in as them.
    static func signIn(_ client: APIClient, tenant: StandardTenant, userName: String = "root") async throws -> AdminBrowser {
        let password = "correct horse battery staple"
        let created = try await client.send(
            .post, "\(StandardTenant.base)/users", token: tenant.admin.presented,
            json: #"{"userName": "\#(userName)", "isAdministrator": true, "canLogIn": true, "password": "\#(password)"}"#)
        guard created.status == 201 else { throw HarnessError("could not create the administrator: \(created)") }

        let form = try await SignInForm.open(client)
        let signedIn = try await form.signIn(client, userName: userName, password: password, next: "/admin/licenses")
        guard signedIn.status == 303 else { throw HarnessError("sign-in failed: \(signedIn)") }
        let cookie = try Self.sessionCookie(signedIn)
        let page = try await client.send(.get, "/admin/status", headers: [.cookie: "\(Self.cookieName)=\(cookie)"])
        guard page.status == 200 else { throw HarnessError("not signed in: \(page)") }
        return AdminBrowser(client: client, cookie: cookie, csrf: try Self.csrf(in: page))
    }

    /// A page (or any path) with the session cookie.
    func get(_ path: String) async throws -> HTTPResult {
        try await client.send(.get, path, headers: [.cookie: "\(Self.cookieName)=\(cookie)"])
    }

    /// Posts a form with the session's CSRF token, as a browser submits it.
    func post(_ path: String, _ fields: [(String, String)]) async throws -> HTTPResult {
        try await client.send(
            .post, path, body: Self.encode([("csrf", csrf)] + fields), headers: Self.formHeaders(cookie: cookie))
    }

    /// Posts a `multipart/form-data` form with the session's CSRF token and one file, as a browser uploads it.
    func upload(_ path: String, field: String, fileName: String, contents: Data) async throws -> HTTPResult {
        let boundary = "----licensing-test-\(UUID().uuidString)"
        var body = Data()
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n".utf8))
        body.append(
            Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(fileName)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    .utf8))
        body.append(contents)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return try await client.send(
            .post, path, body: body,
            headers: [
                .contentType: "multipart/form-data; boundary=\(boundary)", .cookie: "\(Self.cookieName)=\(cookie)",
            ])
    }

    /// The texts of the flash messages on a page, by kind (`success`, `error`, `info`).
    static func flashes(_ kind: String, in page: HTTPResult) -> [String] {
        let marker = #"<div class="flash \#(kind)""#
        return page.text.components(separatedBy: marker).dropFirst().compactMap { part in
            guard let start = part.firstIndex(of: ">"), let end = part.range(of: "</div>") else { return nil }
            return String(part[part.index(after: start)..<end.lowerBound])
        }
    }

    // MARK: - Form plumbing

    static func formHeaders(cookie: String) -> HTTPFields {
        [.contentType: "application/x-www-form-urlencoded", .cookie: "\(cookieName)=\(cookie)"]
    }

    static func encode(_ fields: [(String, String)]) -> Data {
        // ASCII letters and digits only: `CharacterSet.alphanumerics` would leave non-ASCII letters unencoded.
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        let text = fields.map { name, value in
            (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name) + "="
                + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
        }
        return Data(text.joined(separator: "&").utf8)
    }

    static func sessionCookie(_ result: HTTPResult) throws -> String {
        for value in result.headers[values: .setCookie] where value.hasPrefix("\(cookieName)=") {
            let cookie = value.dropFirst(cookieName.count + 1).prefix { $0 != ";" }
            if !cookie.isEmpty { return String(cookie) }
        }
        throw HarnessError("no session cookie in \(result)")
    }

    static func csrf(in page: HTTPResult) throws -> String {
        guard let field = page.text.range(of: #"name="csrf" value=""#) else { throw HarnessError("no CSRF field in \(page)") }
        let token = page.text[field.upperBound...].prefix { $0 != "\"" }
        guard !token.isEmpty else { throw HarnessError("an empty CSRF field in \(page)") }
        return String(token)
    }
}

/// One anonymous browser on the sign-in page: the session the form gives (its cookie's value) and the CSRF token the
/// form must send back. `AdminBrowser.signIn` signs in through it; tests of the sign-in itself use it directly.
struct SignInForm: Sendable {
    var cookie: String
    var csrf: String

    static func open(_ client: APIClient) async throws -> SignInForm {
        let page = try await client.get("/admin/login")
        return SignInForm(cookie: try AdminBrowser.sessionCookie(page), csrf: try AdminBrowser.csrf(in: page))
    }

    /// The `Cookie` header of this session.
    var cookieHeader: String { "\(AdminBrowser.cookieName)=\(cookie)" }

    func signIn(_ client: APIClient, userName: String, password: String, next: String? = nil) async throws -> HTTPResult {
        var fields = [("csrf", csrf), ("tenant", StandardTenant.id), ("userName", userName), ("password", password)]
        if let next { fields.append(("next", next)) }
        return try await client.send(
            .post, "/admin/login", body: AdminBrowser.encode(fields), headers: AdminBrowser.formHeaders(cookie: cookie))
    }
}
