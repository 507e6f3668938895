import Foundation
import Hummingbird
import LicenseCore
import LicenseTestSupport
import Testing

/// What a request sends: nothing, JSON text, or a license package made at run time (keys are made per process).
enum RequestBody: Sendable {
    case none
    case json(String)
    /// The standard package issued a month later (so newer than the active one), with changed counts.
    case newerPackage(counts: [String: Int])
    /// The package that is already active.
    case activePackage
    /// A package issued for another company's serial number.
    case foreignPackage
    /// Bytes that are not a package.
    case raw(String)
    /// A batch of one metered usage event that happened an hour ago.
    case usageBatch

    func data() throws -> (data: Data?, isJSON: Bool) {
        switch self {
        case .none: return (nil, false)
        case .json(let text): return (Data(text.utf8), true)
        case .newerPackage(let counts):
            return (try StandardTenant.package(issuedAt: Fixtures.date("2026-02-01T00:00:00Z"), counts: counts), false)
        case .activePackage: return (try StandardTenant.package(), false)
        case .foreignPackage:
            var spec = StandardTenant.spec(issuedAt: Fixtures.date("2026-02-01T00:00:00Z"))
            spec.serialNumber = "9999-9999"
            return (try Fixtures.issue(spec: spec), false)
        case .raw(let text): return (Data(text.utf8), false)
        case .usageBatch:
            let occurredAt = ISO8601.string(Date().addingTimeInterval(-3_600).wholeSeconds)
            let event = #"{"id": "e-1", "service": "mailing-emails", "quantity": 3, "occurredAt": "\#(occurredAt)"}"#
            return (Data(#"{"events": [\#(event)]}"#.utf8), true)
        }
    }
}

/// One request against the standard data and what must come back.
struct RouteCase: Sendable, CustomTestStringConvertible {
    var method: HTTPRequest.Method
    /// Relative to `/api/v1/tenants/acme/`, or absolute when it starts with `/`.
    var path: String
    var body: RequestBody = .none
    var status: Int
    /// The error code expected in `{"error": {"code"}}` (failures), or nil.
    var code: String? = nil
    /// Top-level keys the JSON answer must have (successes).
    var keys: [String] = []

    /// The path with `{event}` replaced by the standard data's event id.
    var absolutePath: String {
        let path = self.path.replacingOccurrences(of: "{event}", with: String(StandardTenant.eventID))
        return path.hasPrefix("/") ? path : "\(StandardTenant.base)/\(path)"
    }

    var testDescription: String { "\(method) \(path) → \(status)\(code.map { " \($0)" } ?? "")" }

    /// Sends the request with `token`.
    func send(_ client: APIClient, token: String?) async throws -> HTTPResult {
        let (data, isJSON) = try body.data()
        return try await client.send(
            method, absolutePath, token: token, json: isJSON ? data.map { String(decoding: $0, as: UTF8.self) } : nil,
            body: isJSON ? nil : data)
    }
}

extension RouteCase {
    static func get(_ path: String, _ status: Int = 200, code: String? = nil, keys: [String] = []) -> RouteCase {
        RouteCase(method: .get, path: path, status: status, code: code, keys: keys)
    }
    static func post(_ path: String, _ body: RequestBody, _ status: Int, code: String? = nil, keys: [String] = []) -> RouteCase {
        RouteCase(method: .post, path: path, body: body, status: status, code: code, keys: keys)
    }
    static func put(_ path: String, _ status: Int = 200, code: String? = nil, keys: [String] = []) -> RouteCase {
        RouteCase(method: .put, path: path, status: status, code: code, keys: keys)
    }
    static func patch(_ path: String, _ body: RequestBody, _ status: Int, code: String? = nil, keys: [String] = []) -> RouteCase {
        RouteCase(method: .patch, path: path, body: body, status: status, code: code, keys: keys)
    }
    static func delete(_ path: String, _ status: Int, code: String? = nil, keys: [String] = []) -> RouteCase {
        RouteCase(method: .delete, path: path, status: status, code: code, keys: keys)
    }
    /// `PUT users/{user}/licenses` with `json` as the body.
    static func changeLicenses(_ user: String, _ json: String, _ status: Int, code: String? = nil) -> RouteCase {
        RouteCase(method: .put, path: "users/\(user)/licenses", body: .json(json), status: status, code: code)
    }
}

/// Every route under `/api/v1/tenants/{tenant}`, with the permission it needs and a request an admin makes
/// successfully on the standard data.
struct TenantRoute: Sendable, CustomTestStringConvertible {
    enum Permission: Sendable { case read, check, report, write }

    var request: RouteCase
    var permission: Permission

    var testDescription: String { "\(request.method) \(request.path)" }

    func allows(_ role: APIToken.Role) -> Bool {
        switch (permission, role) {
        case (_, .admin): true
        case (.read, .reader), (.check, .reader), (.check, .checker), (.report, .checker): true
        default: false
        }
    }

    static let all: [TenantRoute] = [
        .init(request: .get("licenses"), permission: .read),
        .init(request: .get("licenses/superoffice/web"), permission: .read),
        .init(request: .post("licenses/preview", .newerPackage(counts: [:]), 200), permission: .write),
        .init(request: .post("licenses/activate", .newerPackage(counts: [:]), 200), permission: .write),
        .init(request: .get("fencing"), permission: .read),
        .init(request: .get("counts/users"), permission: .check),
        .init(request: .get("status"), permission: .read),
        .init(request: .post("verify", .none, 200), permission: .write),
        .init(request: .get("audit"), permission: .read),
        .init(request: .get("users"), permission: .read),
        .init(request: .post("users", .json(#"{"userName": "dag"}"#), 201), permission: .write),
        .init(request: .post("users/import", .raw("userName,canLogIn\ndag,true\n"), 201), permission: .write),
        .init(request: .get("users/ada"), permission: .read),
        .init(request: .patch("users/ada", .json(#"{"displayName": "Countess"}"#), 200), permission: .write),
        .init(request: .delete("users/bjorn", 204), permission: .write),
        .init(request: .get("users/ada/licenses"), permission: .read),
        .init(request: .put("users/bjorn/licenses/superoffice/user"), permission: .write),
        .init(
            request: RouteCase(
                method: .put, path: "users/bjorn/licenses",
                body: .json(#"{"plans": ["superoffice.sales-premium"], "modules": []}"#), status: 200),
            permission: .write),
        .init(request: .delete("users/ada/licenses/superoffice/windows", 200), permission: .write),
        .init(request: .get("users/ada/licenses/superoffice/web"), permission: .check),
        .init(request: .post("users/ada/login-check", .json(#"{"client": "web"}"#), 200), permission: .check),
        .init(request: .get("satellites"), permission: .read),
        .init(request: .post("satellites", .json(#"{"name": "bergen"}"#), 201), permission: .write),
        .init(request: .put("satellites/oslo/licenses/superoffice/travel"), permission: .write),
        .init(request: .delete("satellites/oslo/licenses/superoffice/travel", 409, code: "not-assigned"), permission: .write),
        // System events and metered usage (their own issues), for the same tokens and roles.
        .init(request: .get("events"), permission: .read),
        .init(request: .post("events", .json(#"{"key": "no-freetext", "message": "Rebuilding"}"#), 201), permission: .write),
        .init(request: .get("events/{event}"), permission: .read),
        .init(request: .patch("events/{event}", .json(#"{"message": "Welcome back"}"#), 200), permission: .write),
        .init(request: .post("events/{event}/finish", .none, 200), permission: .write),
        .init(request: .delete("events/{event}", 204), permission: .write),
        .init(request: .post("usage/events", .usageBatch, 200), permission: .report),
        .init(request: .get("usage"), permission: .read),
        .init(request: .get("usage/invoice"), permission: .read),
        .init(request: .get("usage/tariff"), permission: .read),
        .init(
            request: RouteCase(
                method: .put, path: "usage/tariff",
                body: .json(
                    #"{"service": "mailing-emails", "includedBase": 1000, "includedPerUser": 100, "unitSize": 1000, "#
                        + #""pricePerUnit": 5, "currency": "EUR"}"#), status: 200),
            permission: .write),
    ]
}
