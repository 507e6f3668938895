import Foundation
import Hummingbird
import LicenseCore
import LicenseServer
import LicenseTestSupport
import Testing

/// The admin pages' steps and refusals a browser without JavaScript goes through (issue 18, Why 6): loading a package
/// that cannot be activated, cancelling a loaded one, form errors, who may sign in, and where sign-in leads.
@Suite("The admin pages: activation refusals and cancelling, form errors, sign-in refusals, the next guard")
struct AdminPagesTests {
    static let base = StandardTenant.base

    /// A file that cannot be activated, and words the upload page's error must contain.
    enum BadUpload: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case empty = "no file"
        case notAPackage = "a file that is not a package"
        case foreign = "a package from an owner certified by another root"
        case notNewer = "the active package again"

        var testDescription: String { rawValue }

        func contents() throws -> Data {
            switch self {
            case .empty: Data()
            case .notAPackage: Data("this is not a license".utf8)
            case .foreign:
                try Fixtures.issue(
                    spec: StandardTenant.spec(issuedAt: Fixtures.issuedAt.addingTimeInterval(3_600)),
                    ownerKey: try Fixtures.makeOwnerKey(Fixtures.superOffice, root: Issuer.makeRootKey()))
            case .notNewer: try StandardTenant.package()
            }
        }

        var mentions: [String] {
            switch self {
            case .empty: ["Choose the license file you received"]
            case .notAPackage: ["This license cannot be activated:", "not a compact JWS"]
            case .foreign: ["This license cannot be activated:", "certificate"]
            case .notNewer: ["This license cannot be activated:", "not after the active one"]
            }
        }
    }

    @Test(
        "a file that cannot be activated is refused on the upload page with 422 saying why; nothing is loaded or changed",
        arguments: BadUpload.allCases)
    func badUpload(_ upload: BadUpload) async throws {
        try await withStandardServer { client, tenant, _ in
            let browser = try await AdminBrowser.signIn(client, tenant: tenant)
            let before = try await client.get("\(Self.base)/licenses", token: tenant.admin.presented)

            let result = try await browser.upload(
                "/admin/activation/upload", field: "package", fileName: "acme.license", contents: try upload.contents())

            #expect(result.status == 422, "\(result)")
            for words in upload.mentions {
                #expect(result.text.contains(words), "the page should say \(words): \(result.text.prefix(3_000))")
            }
            try await Self.expectNothingPending(browser, licenses: before, tenant: tenant)
        }
    }

    /// Nothing is loaded: the preview and activation lead back to the upload page, and the licenses are as `before`.
    static func expectNothingPending(
        _ browser: AdminBrowser, licenses before: HTTPResult, tenant: StandardTenant,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let preview = try await browser.get("/admin/activation/preview")
        #expect(
            preview.status == 303 && preview.headers[.location] == "/admin/activation", "\(preview)",
            sourceLocation: sourceLocation)
        let activate = try await browser.post("/admin/activation/activate", [])
        #expect(
            activate.status == 303 && activate.headers[.location] == "/admin/activation", "\(activate)",
            sourceLocation: sourceLocation)
        let after = try await browser.client.get("\(base)/licenses", token: tenant.admin.presented)
        #expect(after.body == before.body, sourceLocation: sourceLocation)
    }

    @Test("cancelling a loaded package discards it: the pages say nothing was changed and the active package stays")
    func cancelActivation() async throws {
        try await withStandardServer { client, tenant, _ in
            let browser = try await AdminBrowser.signIn(client, tenant: tenant)
            let before = try await client.get("\(Self.base)/licenses", token: tenant.admin.presented)
            let newer = try StandardTenant.package(issuedAt: Fixtures.issuedAt.addingTimeInterval(3_600), counts: ["web": 20])
            let loaded = try await browser.upload(
                "/admin/activation/upload", field: "package", fileName: "newer.license", contents: newer)
            try #require(loaded.status == 303 && loaded.headers[.location] == "/admin/activation/preview", "\(loaded)")
            #expect(try await browser.get("/admin/activation/preview").status == 200)

            // When the administrator cancels
            let cancelled = try await browser.post("/admin/activation/cancel", [])

            // Then the licenses page says the package was discarded, nothing is pending and nothing changed
            #expect(cancelled.status == 303 && cancelled.headers[.location] == "/admin/licenses", "\(cancelled)")
            let licenses = try await browser.get("/admin/licenses")
            #expect(licenses.status == 303 && licenses.headers[.location] == "/admin/licenses/SUPEROFFICE", "\(licenses)")
            let page = try await browser.get("/admin/licenses/SUPEROFFICE")
            #expect(
                AdminBrowser.flashes("info", in: page) == ["The loaded license was discarded; nothing was changed."],
                "\(AdminBrowser.flashes("info", in: page))")
            try await Self.expectNothingPending(browser, licenses: before, tenant: tenant)
        }
    }

    @Test("adding a user whose name is taken shows the form again with 422 and the reason; nobody is added")
    func duplicateUser() async throws {
        try await withStandardServer { client, tenant, _ in
            let browser = try await AdminBrowser.signIn(client, tenant: tenant)
            let users = try await client.get("\(Self.base)/users", token: tenant.admin.presented)

            let result = try await browser.post("/admin/users", [("userName", "ada"), ("type", "employee"), ("canLogIn", "on")])

            #expect(result.status == 422, "\(result)")
            #expect(result.text.contains("ada"), "\(result.text.prefix(2_000))")
            #expect(result.text.contains("already"), "the form says the name is taken: \(result.text.prefix(2_000))")
            #expect(try await client.get("\(Self.base)/users", token: tenant.admin.presented).body == users.body)
        }
    }

    /// Who may not sign in although the password is right.
    enum Refused: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case notAdministrator = "a user with a password who is not an administrator"
        case retired = "a retired administrator"

        var testDescription: String { rawValue }
    }

    @Test("sign-in with the right password is refused (401, no session) for", arguments: Refused.allCases)
    func signInRefused(_ refused: Refused) async throws {
        try await withStandardServer { client, tenant, installation in
            let password = "correct horse battery staple"
            let created = try await client.send(
                .post, "\(Self.base)/users", token: tenant.admin.presented,
                json: #"{"userName": "olga", "isAdministrator": true, "canLogIn": true, "password": "\#(password)"}"#)
            try #require(created.status == 201, "\(created)")
            let change = refused == .retired ? #"{"retired": true}"# : #"{"isAdministrator": false}"#
            let patched = try await client.send(.patch, "\(Self.base)/users/olga", token: tenant.admin.presented, json: change)
            try #require(patched.status == 200, "\(patched)")

            let form = try await SignInForm.open(client)
            let result = try await form.signIn(client, userName: "olga", password: password)

            #expect(result.status == 401, "\(result)")
            #expect(result.text.contains("The tenant, user name or password is not right."), "\(result.text.prefix(2_000))")
            let status = try await client.send(.get, "/admin/status", headers: [.cookie: form.cookieHeader])
            #expect(status.status == 303 && status.headers[.location]?.hasPrefix("/admin/login") == true, "\(status)")
        }
    }

    @Test(
        "after sign-in, next= leads only to a page of the admin pages; anything else leads to the licenses",
        arguments: [
            ("/admin/users", "/admin/users"), ("/admin/status?tab=1", "/admin/status?tab=1"),
            ("https://evil.example/admin/", "/admin/licenses"), ("//evil.example/admin/", "/admin/licenses"),
            ("/admin/\\evil", "/admin/licenses"), ("/admin/logout", "/admin/licenses"), ("/api/v1/tenants", "/admin/licenses"),
            ("/admin/x?u=http://evil.example", "/admin/licenses"),
        ])
    func nextGuard(next: String, expected: String) async throws {
        try await withStandardServer { client, tenant, _ in
            let password = "correct horse battery staple"
            let created = try await client.send(
                .post, "\(Self.base)/users", token: tenant.admin.presented,
                json: #"{"userName": "root", "isAdministrator": true, "canLogIn": true, "password": "\#(password)"}"#)
            try #require(created.status == 201, "\(created)")
            let form = try await SignInForm.open(client)
            let result = try await form.signIn(client, userName: "root", password: password, next: next)
            #expect(result.status == 303, "\(result)")
            #expect(result.headers[.location] == expected, "\(result)")
        }
    }

    @Test("a package of exactly 8 MiB is accepted by preview and activation, over the API and on the upload page")
    func packageOfExactlyTheLimit() async throws {
        try await withStandardServer { client, tenant, _ in
            var package = try StandardTenant.package(issuedAt: Fixtures.issuedAt.addingTimeInterval(3_600))
            package.append(Data(repeating: UInt8(ascii: "\n"), count: ServerLimits.packageLimit - package.count))
            try #require(package.count == 8 << 20)

            let browser = try await AdminBrowser.signIn(client, tenant: tenant)
            let loaded = try await browser.upload(
                "/admin/activation/upload", field: "package", fileName: "padded.license", contents: package)
            #expect(loaded.status == 303 && loaded.headers[.location] == "/admin/activation/preview", "\(loaded)")

            for route in ["preview", "activate"] {
                let result = try await client.send(
                    .post, "\(Self.base)/licenses/\(route)", token: tenant.admin.presented, body: package)
                #expect(result.status == 200, "\(result)")
                #expect(try result.object()["canBeActivated"] as? Bool == true, "\(result)")
            }
        }
    }
}
