import Foundation
import Hummingbird
import LicenseCore
import LicenseTestSupport
import Testing

@testable import LicenseServer

/// Where the server and openapi.yaml disagreed under `schemathesis --checks all` (issue 18, Why 5): the server now answers
/// as the document says.
@Suite("The server keeps the document's promises")
struct DocumentContractTests {
    @Test(
        "a method a path is not served with is 405 with Allow naming those it is; a path no route has stays 404",
        arguments: [
            ("TRACE", "/health", "GET"),
            ("DELETE", "/metrics", "GET"),
            ("DELETE", "\(StandardTenant.base)/licenses", "GET"),
            ("POST", "\(StandardTenant.base)/users/ada/licenses/superoffice/web", "DELETE, GET, PUT"),
            ("PUT", "\(StandardTenant.base)/events/2/finish", "POST"),
            ("OPTIONS", "/api/v1/tenants", "GET, POST"),
        ])
    func methodNotAllowed(method: String, path: String, allow: String) async throws {
        try await withStandardServer { client, tenant, _ in
            // When a method the document does not list for the path is sent (with a valid token or none)
            let result = try await client.send(
                HTTPRequest.Method(method)!, path, token: tenant.admin.presented)
            // Then it is 405 in the API's error shape, with Allow
            #expect(result.status == 405, "\(result)")
            #expect(result.headers[.allow] == allow, "\(result)")
            let error = try result.object()["error"] as? [String: Any]
            #expect(error?["code"] as? String == "method-not-allowed", "\(result)")
            // And a path no route has is still 404
            let missing = try await client.send(HTTPRequest.Method(method)!, "/api/v2/nowhere", token: tenant.admin.presented)
            #expect(missing.status == 404, "\(missing)")
        }
    }

    @Test(
        "an empty string for an enum whose schema allows null is 422 naming the field, and changes nothing",
        arguments: [
            ("POST", "/users", #"{"userName": "zoe", "type": ""}"#, "type"),
            ("PATCH", "/users/ada", #"{"type": ""}"#, "type"),
            ("POST", "/events", #"{"key": "motd", "message": "Hello", "scope": ""}"#, "scope"),
        ])
    func emptyEnumMember(method: String, path: String, body: String, field: String) async throws {
        try await withStandardServer { client, tenant, _ in
            let base = StandardTenant.base
            let before = try await client.get("\(base)/users", token: tenant.admin.presented).body
            let events = try await client.get("\(base)/events", token: tenant.admin.presented).body
            // When the field is "" (the generator reads the document's null member as a "" case)
            let result = try await client.send(
                HTTPRequest.Method(method)!, base + path, token: tenant.admin.presented, json: body)
            // Then it is refused with 422 naming the field, and nothing changed
            #expect(result.status == 422, "\(result)")
            let error = try result.object()["error"] as? [String: Any]
            #expect(error?["code"] as? String == "invalid-input", "\(result)")
            #expect((error?["message"] as? String)?.hasPrefix("\(field) must be one of") == true, "\(result)")
            #expect(try await client.get("\(base)/users", token: tenant.admin.presented).body == before)
            #expect(try await client.get("\(base)/events", token: tenant.admin.presented).body == events)
        }
    }

    @Test("the check and the login check refuse a user name beyond the document's 128 characters with 422")
    func checkNameLimit() async throws {
        try await withStandardServer { client, tenant, _ in
            let base = StandardTenant.base
            let long = String(repeating: "a", count: 129)
            let limit = String(repeating: "a", count: 128)
            // When the check is asked for a 129-character name, and for one of 128 (unknown: a denial)
            let tooLong = try await client.get("\(base)/users/\(long)/licenses/superoffice/web", token: tenant.checker.presented)
            let atLimit = try await client.get("\(base)/users/\(limit)/licenses/superoffice/web", token: tenant.checker.presented)
            #expect(tooLong.status == 422, "\(tooLong)")
            #expect((try tooLong.object()["error"] as? [String: Any])?["code"] as? String == "invalid-input")
            #expect(atLimit.status == 200, "\(atLimit)")
            #expect(try atLimit.object()["reason"] as? String == "unknown-user")
            // And a name with a control character, encoded in the path
            let control = try await client.get("\(base)/users/a%01b/licenses/superoffice/web", token: tenant.checker.presented)
            #expect(control.status == 422, "\(control)")
            // When the login check is asked for them
            let login = try await client.send(
                .post, "\(base)/users/\(long)/login-check", token: tenant.checker.presented, json: #"{"client": "web"}"#)
            let loginAtLimit = try await client.send(
                .post, "\(base)/users/\(limit)/login-check", token: tenant.checker.presented, json: #"{"client": "web"}"#)
            #expect(login.status == 422, "\(login)")
            #expect(loginAtLimit.status == 200, "\(loginAtLimit)")
        }
    }

    @Test(
        "a date that does not exist or is not of the document's form is 422; one that is, with an offset, is taken",
        arguments: [
            ("2026-06-31T10:00:00Z", 422), ("2026-01-01T12:99:00Z", 422), ("2026-01-01T24:00:00Z", 422),
            ("2026-01-01T12:00:00+15:00", 422), ("0999-01-01T12:00:00Z", 422), ("2026-01-01T12:00:00.1234567891Z", 422),
            ("2026-01-01T12:00:00+02:00", 201), ("2026-02-28T23:59:59.5Z", 201), ("2028-02-29T00:00:00Z", 201),
        ])
    func dates(text: String, status: Int) async throws {
        try await withStandardServer { client, tenant, _ in
            let result = try await client.send(
                .post, "\(StandardTenant.base)/events", token: tenant.admin.presented,
                json: #"{"key": "maintenance", "message": "m", "expectedFinish": "\#(text)"}"#)
            #expect(result.status == status, "\(result)")
        }
    }

    @Test("text refuses control and format characters by their Unicode category, and takes unassigned code points")
    func controlCharacters() async throws {
        #expect(Validate.isControl("\u{0001}"))
        #expect(Validate.isControl("\u{200B}"))
        #expect(Validate.isControl("\u{E0001}"))
        #expect(!Validate.isControl("\u{E1E6C}"))
        #expect(!Validate.isControl("\u{6911F}"))
        #expect(!Validate.isControl("é"))
        try await withStandardServer { client, tenant, _ in
            let unassigned = try await client.send(
                .post, "\(StandardTenant.base)/events", token: tenant.admin.presented,
                json: #"{"key": "notice", "message": "\udb47\ude6c"}"#)
            #expect(unassigned.status == 201, "\(unassigned)")
            let zeroWidth = try await client.send(
                .post, "\(StandardTenant.base)/events", token: tenant.admin.presented,
                json: #"{"key": "other", "message": "a\u200bb"}"#)
            #expect(zeroWidth.status == 422, "\(zeroWidth)")
        }
    }
}
