import Foundation
import Hummingbird
import LicenseCore
import LicenseServer
import LicenseStore
import LicenseTestSupport
import Testing

/// Tokens, roles and tenant isolation on every route.
@Suite("Authentication and authorisation")
struct AuthorisationTests {
    @Test("every tenant route refuses a missing, malformed, unknown or revoked token with 401", arguments: TenantRoute.all)
    func unauthenticated(_ route: TenantRoute) async throws {
        try await withStandardServer { client, tenant, installation in
            let revoked = try await installation.makeToken(tenant: StandardTenant.id, role: .admin, name: "revoked")
            try await installation.store.revokeToken(id: revoked.id, actor: Fixtures.actor, now: Date())
            let unknown = "lic_0123456789ab_" + String(repeating: "A", count: 43)
            let forged = tenant.admin.presented.dropLast(4) + "AAAA"
            let headers: [(String, HTTPFields)] = [
                ("no token", [:]),
                ("empty bearer", [.authorization: "Bearer "]),
                ("basic scheme", [.authorization: "Basic YWRtaW46YWRtaW4="]),
                ("not a token", [.authorization: "Bearer not-a-token"]),
                ("unknown token", [.authorization: "Bearer \(unknown)"]),
                ("wrong secret", [.authorization: "Bearer \(forged)"]),
                ("revoked token", [.authorization: "Bearer \(revoked.presented)"]),
                ("bare token", [.authorization: tenant.admin.presented]),
            ]
            for (name, fields) in headers {
                // When the route is called with this header
                let (data, isJSON) = try route.request.body.data()
                var sent = fields
                if isJSON { sent[.contentType] = "application/json" }
                let result = try await client.send(
                    route.request.method, route.request.absolutePath, body: data, headers: sent)
                // Then it is 401 with a Bearer challenge and the error shape
                #expect(result.status == 401, "\(name): \(result)")
                #expect(result.headers[.wwwAuthenticate] == "Bearer", "\(name): \(result)")
                #expect(result.errorCode == "unauthorized", "\(name): \(result)")
            }
            // And nothing was written: bjorn is still there and the audit log has no entry by these requests
            let users = try await client.get("\(StandardTenant.base)/users/bjorn", token: tenant.admin.presented)
            #expect(users.status == 200)
            let audit = try await client.get("\(StandardTenant.base)/audit?limit=200", token: tenant.admin.presented).object()
            let actors = (audit["entries"] as? [[String: Any]] ?? []).compactMap { $0["actor"] as? String }
            #expect(actors.allSatisfy { !$0.hasPrefix("token:") }, "\(actors)")
        }
    }

    @Test("a token of another tenant, an operator token and an unknown tenant all get 404", arguments: TenantRoute.all)
    func otherTenant(_ route: TenantRoute) async throws {
        try await withStandardServer { client, tenant, _ in
            // When acme's route is called with beta's admin token or an operator token
            for token in [tenant.otherAdmin, tenant.operator] {
                let result = try await route.request.send(client, token: token.presented)
                // Then it is 404, as for a tenant that does not exist, so tenants cannot be probed
                #expect(result.status == 404, "\(result)")
                #expect(result.hasErrorShape, "\(result)")
            }
            // And acme's admin token on beta's path (where ada also exists) and on a tenant that does not exist
            for base in [StandardTenant.otherBase, "/api/v1/tenants/nope"] {
                var request = route.request
                request.path = base + "/" + request.path
                let result = try await request.send(client, token: tenant.admin.presented)
                #expect(result.status == 404, "\(result)")
            }
            // And the answer for beta does not differ from the answer for a tenant that does not exist
            let beta = try await client.get("\(StandardTenant.otherBase)/users/ada", token: tenant.admin.presented)
            let nope = try await client.get("/api/v1/tenants/nope/users/ada", token: tenant.admin.presented)
            #expect(beta.status == nope.status && beta.errorCode == nope.errorCode)
        }
    }

    @Test("each role may use exactly the routes its permission allows; the rest are 403", arguments: TenantRoute.all)
    func roles(_ route: TenantRoute) async throws {
        try await withStandardServer { client, tenant, _ in
            // Given the checker and reader tokens first (a refused write must change nothing), then the admin
            for role in [APIToken.Role.checker, .reader, .admin] {
                // When the role calls the route
                let result = try await route.request.send(client, token: tenant.token(role).presented)
                // Then it is allowed (the admin's documented status), or 403 forbidden
                if route.allows(role) {
                    #expect(result.status == route.request.status, "\(role): \(result)")
                } else {
                    #expect(result.status == 403, "\(role): \(result)")
                    #expect(result.errorCode == "forbidden", "\(role): \(result)")
                }
            }
        }
    }

    @Test("a checker token cannot assign and a reader token cannot write")
    func checkerCannotAssign() async throws {
        try await withStandardServer { client, tenant, _ in
            let path = "\(StandardTenant.base)/users/bjorn/licenses/superoffice/user"
            // When the checker and the reader try to assign superoffice.user to bjorn
            let checker = try await client.send(.put, path, token: tenant.checker.presented)
            let reader = try await client.send(.put, path, token: tenant.reader.presented)
            // Then both are 403, and bjorn still does not have it
            #expect(checker.status == 403, "\(checker)")
            #expect(reader.status == 403, "\(reader)")
            let check = try await client.get(path, token: tenant.checker.presented)
            #expect(try check.decode(CheckDecision.self) == .denied(.notLicensed))
        }
    }

    @Test("operator routes need an operator token: none is 401, a tenant's token is 403")
    func operatorRoutes() async throws {
        try await withStandardServer { client, tenant, _ in
            let body = #"{"id": "gamma", "companyName": "Gamma AS", "serialNumber": "1"}"#
            for method in [HTTPRequest.Method.get, .post] {
                // When /api/v1/tenants is called without a token, and with each of acme's tokens
                let json = method == .post ? body : nil
                let anonymous = try await client.send(method, "/api/v1/tenants", json: json)
                #expect(anonymous.status == 401, "\(anonymous)")
                for role in [APIToken.Role.admin, .checker, .reader] {
                    let result = try await client.send(method, "/api/v1/tenants", token: tenant.token(role).presented, json: json)
                    #expect(result.status == 403, "\(role): \(result)")
                }
            }
            // Then no tenant was created
            let list = try await client.get("/api/v1/tenants", token: tenant.operator.presented).object()
            #expect((list["tenants"] as? [Any])?.count == 2)
        }
    }

    @Test("a revoked token is refused within a second, while the server keeps running")
    func revocation() async throws {
        try await withStandardServer { client, _, installation in
            // Given a fresh admin token that works
            let token = try await installation.makeToken(tenant: StandardTenant.id, role: .admin, name: "to revoke")
            let path = "\(StandardTenant.base)/users/ada/licenses/superoffice/web"
            let accepted = try await eventually(within: .seconds(2)) {
                try await client.get(path, token: token.presented).status == 200
            }
            try #require(accepted != nil, "a new token is accepted")
            // When it is revoked in the store, as `licensing token revoke` in another process does
            try await installation.store.revokeToken(id: token.id, actor: Fixtures.actor, now: Date())
            // Then within a second every request with it is 401
            try await expectEventually("the revoked token is refused") {
                try await client.get(path, token: token.presented).status == 401
            }
            #expect(try await client.get(path, token: token.presented).status == 401)
        }
    }
}

/// Hostile and malformed input: oversize bodies, broken JSON, traversal, overlong names.
@Suite("Hostile input")
struct HostileInputTests {
    static let jsonRoutes: [(method: HTTPRequest.Method, path: String)] = [
        (.post, "\(StandardTenant.base)/users"),
        (.patch, "\(StandardTenant.base)/users/ada"),
        (.post, "\(StandardTenant.base)/users/ada/login-check"),
        (.post, "\(StandardTenant.base)/satellites"),
        (.post, "/api/v1/tenants"),
    ]

    static func token(for path: String, _ tenant: StandardTenant) -> String {
        path == "/api/v1/tenants" ? tenant.operator.presented : tenant.admin.presented
    }

    @Test("a body of 1 MiB + 1 byte on a JSON route is 413", arguments: jsonRoutes)
    func oversizeJSON(_ method: HTTPRequest.Method, _ path: String) async throws {
        try await withStandardServer { client, tenant, _ in
            // Given a syntactically valid JSON object padded with spaces to one byte over the limit
            let body = Self.padded(#"{"userName": "big", "name": "big", "client": "web"}"#, to: ServerLimits.bodyLimit + 1)
            // When it is sent
            let result = try await client.send(method, path, token: Self.token(for: path, tenant), json: body)
            // Then the answer is 413 in the error shape, never a 500
            #expect(result.status == 413, "\(result)")
            #expect(result.errorCode == "body-too-large", "\(result)")
        }
    }

    @Test("a JSON body of exactly 1 MiB is accepted")
    func bodyAtLimit() async throws {
        try await withStandardServer { client, tenant, _ in
            // Given a new user's JSON padded with spaces to exactly the limit
            let body = Self.padded(#"{"userName": "padded"}"#, to: ServerLimits.bodyLimit)
            // When it is posted, then the user is created
            let result = try await client.send(.post, "\(StandardTenant.base)/users", token: tenant.admin.presented, json: body)
            #expect(result.status == 201, "\(result)")
        }
    }

    @Test("a package body over its 8 MiB limit is 413")
    func oversizePackage() async throws {
        try await withStandardServer { client, tenant, _ in
            let body = Data(repeating: UInt8(ascii: "a"), count: ServerLimits.packageLimit + 1)
            for route in ["preview", "activate"] {
                let result = try await client.send(
                    .post, "\(StandardTenant.base)/licenses/\(route)", token: tenant.admin.presented, body: body)
                #expect(result.status == 413, "\(result)")
            }
        }
    }

    static let malformed: [String] = [
        #"{"userName": "x""#, "not json", #"{"userName": "x"} {"#, "{'userName': 'x'}", "\u{FEFF}\u{0}",
        String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
    ]

    @Test("malformed JSON on every JSON route is 400", arguments: jsonRoutes)
    func malformedJSON(_ method: HTTPRequest.Method, _ path: String) async throws {
        try await withStandardServer { client, tenant, _ in
            for body in Self.malformed {
                // When the route gets a body that is not JSON (or is absurdly deep)
                let result = try await client.send(method, path, token: Self.token(for: path, tenant), json: body)
                // Then it is 400 malformed
                #expect(result.status == 400, "\(body.prefix(40)): \(result)")
                #expect(result.errorCode == "malformed", "\(result)")
                // A request body is no license package (issue 17): the message names the body's problem
                #expect(!result.text.contains("license package"), "\(result)")
                if body.hasPrefix("[[[") { #expect(result.text.contains("nested deeper than"), "\(result)") }
            }
        }
    }

    @Test("unknown JSON fields are ignored, as documented: the known ones take effect")
    func unknownFields() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            let base = StandardTenant.base
            // When bodies carry fields the API does not know, next to known ones
            let created = try await client.send(
                .post, "\(base)/users", token: admin,
                json: #"{"userName": "dag", "canLogIn": true, "isSuperUser": true, "modules": ["superoffice.web"]}"#)
            let patched = try await client.send(
                .patch, "\(base)/users/bjorn", token: admin, json: #"{"retired": true, "licenses": "all"}"#)
            let unknownOnly = try await client.send(
                .patch, "\(base)/users/cecilie", token: admin, json: #"{"grant": "everything"}"#)
            let login = try await client.send(
                .post, "\(base)/users/ada/login-check", token: admin, json: #"{"client": "web", "force": true}"#)
            let satellite = try await client.send(
                .post, "\(base)/satellites", token: admin, json: #"{"name": "bergen", "modules": ["superoffice.travel"]}"#)
            // Then each succeeds as if the unknown fields were absent, and they grant nothing
            #expect(created.status == 201, "\(created)")
            #expect(try created.object()["canLogIn"] as? Bool == true)
            let dagWeb = try await client.get("\(base)/users/dag/licenses/superoffice/web", token: admin)
            #expect(try dagWeb.decode(CheckDecision.self).granted == false)
            #expect(patched.status == 200, "\(patched)")
            #expect(try patched.object()["retired"] as? Bool == true)
            #expect(unknownOnly.status == 200, "\(unknownOnly)")
            #expect(try unknownOnly.object()["retired"] as? Bool == false)
            #expect(login.status == 200, "\(login)")
            #expect(satellite.status == 201, "\(satellite)")
            #expect(try satellite.object()["modules"] as? [String] == [])
        }
    }

    /// Paths that try to climb out of a tenant or a name; each must be a 4xx in the error shape.
    static let traversals: [(method: HTTPRequest.Method, path: String)] = [
        (.get, "\(StandardTenant.base)/users/.."),
        (.get, "\(StandardTenant.base)/users/../licenses"),
        (.get, "\(StandardTenant.base)/users/%2e%2e/licenses"),
        (.get, "\(StandardTenant.base)/users/..%2F..%2Fbeta%2Fusers%2Fada"),
        (.get, "\(StandardTenant.base)/users/ada%2F..%2Fbjorn"),
        (.get, "\(StandardTenant.base)/../beta/users/ada"),
        (.get, "\(StandardTenant.base)/%2e%2e/beta/users/ada"),
        (.get, "/api/v1/tenants/%2e%2e/acme/users"),
        (.get, "/api/v1/tenants/..%2Fbeta/users"),
        (.get, "/api/v1/tenants/acme%2F..%2Fbeta/users"),
        (.get, "\(StandardTenant.base)/licenses/..%2Fsuperoffice/web"),
        (.get, "\(StandardTenant.base)/licenses/superoffice/%2e%2e"),
        (.get, "\(StandardTenant.base)/licenses/../../../etc/passwd"),
        (.get, "/../../../../etc/passwd"),
        (.get, "/%2e%2e/%2e%2e/etc/passwd"),
        (.put, "\(StandardTenant.base)/users/..%2Fbjorn/licenses/superoffice/user"),
        (.put, "\(StandardTenant.base)/users/../licenses/superoffice/user"),
        (.put, "\(StandardTenant.base)/users/ada/licenses/..%2F..%2Fsuperoffice/user"),
        (.delete, "\(StandardTenant.base)/users/%2e%2e"),
        (.patch, "\(StandardTenant.base)/users/.."),
        (.put, "\(StandardTenant.base)/satellites/..%2Foslo/licenses/superoffice/travel"),
        (.put, "\(StandardTenant.base)/satellites/../licenses/superoffice/travel"),
    ]

    @Test("path traversal is refused with a 4xx, never a 500, and changes nothing", arguments: traversals)
    func traversal(_ method: HTTPRequest.Method, _ path: String) async throws {
        try await withStandardServer { client, tenant, _ in
            let before = try await client.get("\(StandardTenant.base)/users", token: tenant.admin.presented)
            // When an admin of acme sends the hostile path
            let result = try await client.send(
                method, path, token: tenant.admin.presented, json: method == .patch ? #"{"retired": true}"# : nil)
            // Then it is a 4xx in the error shape, and acme's users are as they were
            #expect((400..<500).contains(result.status), "\(result)")
            #expect(result.hasErrorShape, "\(result)")
            let after = try await client.get("\(StandardTenant.base)/users", token: tenant.admin.presented)
            #expect(after.body == before.body)
        }
    }

    static let long = String(repeating: "n", count: 129)
    /// Names over their limit (128 for users and satellites, 64 for owners and modules, 63 for tenants), in the path or
    /// the body, with the status the OpenAPI document gives for the route.
    static let overlong: [(method: HTTPRequest.Method, path: String, json: String?, status: Int)] = [
        (.get, "\(StandardTenant.base)/users/\(long)", nil, 422),
        (.patch, "\(StandardTenant.base)/users/\(long)", #"{"retired": true}"#, 422),
        (.delete, "\(StandardTenant.base)/users/\(long)", nil, 422),
        (.get, "\(StandardTenant.base)/users/\(long)/licenses", nil, 422),
        (.put, "\(StandardTenant.base)/users/\(long)/licenses/superoffice/user", nil, 422),
        (.delete, "\(StandardTenant.base)/users/\(long)/licenses/superoffice/user", nil, 422),
        (.post, "\(StandardTenant.base)/users", #"{"userName": "\#(long)"}"#, 422),
        (.post, "\(StandardTenant.base)/satellites", #"{"name": "\#(long)"}"#, 422),
        (.put, "\(StandardTenant.base)/satellites/\(long)/licenses/superoffice/travel", nil, 422),
        (.get, "\(StandardTenant.base)/licenses/\(String(repeating: "o", count: 65))/web", nil, 422),
        (.get, "\(StandardTenant.base)/licenses/superoffice/\(String(repeating: "m", count: 65))", nil, 422),
        (.put, "\(StandardTenant.base)/users/ada/licenses/superoffice/\(String(repeating: "m", count: 65))", nil, 422),
        (.get, "/api/v1/tenants/\(String(repeating: "t", count: 1_000))/users", nil, 404),
        (.get, "\(StandardTenant.base)/users/\(String(repeating: "x", count: 16_000))", nil, 422),
    ]

    @Test("names over their length limit are refused with the status the OpenAPI document gives, in the error shape", arguments: overlong)
    func overlongNames(_ method: HTTPRequest.Method, _ path: String, _ json: String?, _ status: Int) async throws {
        try await withStandardServer { client, tenant, _ in
            // When a name in the path or the body is longer than its limit
            let result = try await client.send(method, path, token: tenant.admin.presented, json: json)
            // Then it is refused with that status (422: well-formed but invalid), in the error shape
            #expect(result.status == status, "\(result)")
            #expect(result.hasErrorShape, "\(result)")
        }
    }

    @Test("a user name of exactly 128 characters is accepted and found again")
    func nameAtLimit() async throws {
        try await withStandardServer { client, tenant, _ in
            let name = String(repeating: "n", count: 128)
            let created = try await client.send(
                .post, "\(StandardTenant.base)/users", token: tenant.admin.presented, json: #"{"userName": "\#(name)"}"#)
            #expect(created.status == 201, "\(created)")
            let found = try await client.get("\(StandardTenant.base)/users/\(name)", token: tenant.admin.presented)
            #expect(found.status == 200, "\(found)")
        }
    }

    @Test("the hot check treats a hostile or overlong user name as unknown: denied, never granted or a 500")
    func hostileCheck() async throws {
        try await withStandardServer { client, tenant, _ in
            for user in ["..", "%2e%2e", "..%2Fada", "ada%2F..%2Fada", Self.long] {
                let result = try await client.get(
                    "\(StandardTenant.base)/users/\(user)/licenses/superoffice/web", token: tenant.checker.presented)
                #expect(result.status < 500, "\(result)")
                #expect((try? result.decode(CheckDecision.self))?.granted != true, "\(result)")
            }
        }
    }

    /// `prefix` with spaces after it up to `size` bytes.
    static func padded(_ prefix: String, to size: Int) -> String {
        prefix + String(repeating: " ", count: size - prefix.utf8.count)
    }
}
