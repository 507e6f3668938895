import Foundation
import HTTPTypes
import Hummingbird
import LicenseCore
import LicenseStore
import OpenAPIHummingbird
import OpenAPIRuntime

/// The operations of `openapi.yaml` that swift-openapi-generator turns into `APIProtocol` (those
/// `openapi-generator-config.yaml` selects): the controllers implement them in extensions of this type.
struct TenantAPI: APIProtocol {
    let store: any LicenseStoring
    let snapshots: SnapshotCache
    /// The root public key (JWK JSON) new tenants trust unless the request names one.
    let defaultTrustRoot: String?

    /// Registers the generated operations on `router`: the tenant's routes behind tenant authentication, the
    /// operators' (`/api/v1/tenants`) behind operator authentication. The JSON encoder writes what `JSONResponse` writes
    /// (sorted keys, slashes unescaped, ISO 8601 dates in whole seconds).
    func register(on router: Router<LicenseRequestContext>, tokens: TokenCache) throws {
        let group = router.group()
            .add(middleware: APIAuthMiddleware(tokens: tokens))
            .add(middleware: CurrentRequest.Middleware())
        try registerHandlers(
            on: group,
            configuration: .init(dateTranscoder: APIDates(), jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
            middlewares: [OperationInputMiddleware()])
    }
}

/// The Hummingbird context of the request a generated handler serves: `APIProtocol` methods get typed input only, so
/// the authenticated token and the logger reach them through a task local, as in Hummingbird's OpenAPI examples.
enum CurrentRequest {
    @TaskLocal static var context: LicenseRequestContext?
    /// The JSON body the operation decoded, for what its generated type cannot say (a field sent as null).
    @TaskLocal static var body: Data?

    /// The request's context. Its token's role has been checked against the operation by `OperationInputMiddleware`.
    static func current() throws -> LicenseRequestContext {
        guard let context else { throw APIError.unauthorized() }
        return context
    }

    /// Whether the request's JSON object sets `key` to null: the generated types read null and absent alike as nil.
    static func sentNull(_ key: String) -> Bool {
        guard let body, let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return false }
        return object[key] is NSNull
    }

    struct Middleware: RouterMiddleware {
        typealias Context = LicenseRequestContext

        func handle(
            _ request: Request, context: Context, next: (Request, Context) async throws -> Response
        )
            async throws -> Response
        {
            try await CurrentRequest.$context.withValue(context) { try await next(request, context) }
        }
    }
}

/// Tenant authentication on routes with a `{tenant}`, operator authentication on the others (`/api/v1/tenants`).
struct APIAuthMiddleware: RouterMiddleware {
    typealias Context = LicenseRequestContext
    let tenant: TenantAuthMiddleware
    let `operator`: OperatorAuthMiddleware

    init(tokens: TokenCache) {
        tenant = TenantAuthMiddleware(tokens: tokens)
        `operator` = OperatorAuthMiddleware(tokens: tokens)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        guard context.pathParameter("tenant") != nil else {
            return try await `operator`.handle(request, context: context, next: next)
        }
        return try await tenant.handle(request, context: context, next: next)
    }
}

/// What a generated operation needs before its input is decoded, as the hand-registered routes checked it: the token's
/// role first (403), then the path's values, the query's and the body.
struct OperationRule: Sendable {
    enum Access: Sendable {
        /// An operator token (`OperatorAuthMiddleware` has checked it).
        case `operator`
        /// A token of the path's tenant whose role allows this.
        case tenant(Permission)
    }

    enum Body: Sendable, Equatable {
        /// None: whatever is sent is not read.
        case none
        /// JSON, at most `ServerLimits.bodyLimit` bytes.
        case json
        /// A license package file, at most `ServerLimits.packageLimit` bytes.
        case package
        /// A user import (CSV), at most `ServerLimits.importLimit` bytes.
        case csv
    }

    /// A query parameter read as the hand-registered routes read it (`QueryValue`): a bad value is a 422 naming it.
    enum Query: Sendable {
        /// `true`, `false`, `1` or `0` in any case; handed on as `true` or `false`.
        case bool
        case int(ClosedRange<Int>)
    }

    var access: Access
    var body: Body = .none
    var query: [String: Query] = [:]

    static func read(query: [String: Query] = [:]) -> Self { .init(access: .tenant(.read), query: query) }
    static func write(_ body: Body = .none, query: [String: Query] = [:]) -> Self {
        .init(access: .tenant(.write), body: body, query: query)
    }

    /// Every generated operation by its `operationId` (`OperationsTests` checks that none is missing).
    static let all: [String: OperationRule] = [
        // operator
        "listTenants": .init(access: .operator),
        "createTenant": .init(access: .operator, body: .json),
        // licenses, audit
        "listLicenses": .read(), "getModule": .read(), "previewActivation": .write(.package),
        "activatePackage": .write(.package), "fencing": .read(),
        "userCounts": .init(access: .tenant(.check), query: ["activeOnly": .bool]), "status": .read(), "verify": .write(),
        "audit": .read(query: ["limit": .int(1...200), "before": .int(1...Int.max)]),
        // users, assignments
        "listUsers": .read(), "createUser": .write(.json), "importUsers": .write(.csv), "getUser": .read(),
        "updateUser": .write(.json), "deleteUser": .write(), "getUserLicenses": .read(),
        "changeUserLicenses": .write(.json), "assignLicense": .write(), "unassignLicense": .write(query: ["cascade": .bool]),
        // satellites
        "listSatellites": .read(), "createSatellite": .write(.json), "assignSatelliteLicense": .write(),
        "unassignSatelliteLicense": .write(),
        // events
        "listEvents": .read(), "createEvent": .write(.json), "getEvent": .read(), "updateEvent": .write(.json),
        "deleteEvent": .write(), "finishEvent": .write(),
        // usage (but the ingestion, hand-registered)
        "usageReport": .read(), "usageInvoice": .read(), "listTariffs": .read(), "setTariff": .write(.json),
    ]

    static func of(_ operationID: String) throws -> OperationRule {
        guard let rule = all[operationID] else { throw MissingOperationRule(operationID: operationID) }
        return rule
    }
}

/// A generated operation `OperationRule.all` does not list: refused (500, logged) rather than served unchecked.
struct MissingOperationRule: Error {
    let operationID: String
}

/// A generated operation's request checked as the hand-registered routes checked theirs, before the generated code
/// decodes anything, in their order (`OperationRule`):
/// 1. the token's role (403), so a reader's write is refused whatever its body;
/// 2. the path's values: not percent-encoded UTF-8 is 400 (the runtime would read it as empty), a name or an event id
///    out of its limits 422 with the reason; the query's values 422 naming them, and `1` and `0` read as booleans;
/// 3. the body: at most `ServerLimits.bodyLimit` bytes (packages and imports 8 MiB; 413 beyond), none is 400, JSON no
///    deeper than `JSONInput` allows (400), and read as the operation's type whatever its `Content-Type` says (the API
///    has always ignored it, and `curl -d` sends a form type). An operation without a body does not read one.
struct OperationInputMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let rule = try OperationRule.of(operationID)
        if case .tenant(let permission) = rule.access { try CurrentRequest.current().require(permission) }
        try Self.checkPath(metadata.pathParameters)
        var request = request
        request.path = try Self.query(request.path, rules: rule.query)
        let limit: Int
        switch rule.body {
        case .none: return try await next(request, body, metadata)
        case .json: (limit, request.headerFields[.contentType]) = (ServerLimits.bodyLimit, "application/json")
        case .package: (limit, request.headerFields[.contentType]) = (ServerLimits.packageLimit, "text/plain")
        case .csv: (limit, request.headerFields[.contentType]) = (ServerLimits.importLimit, "text/csv")
        }
        var bytes: [UInt8] = []
        if let body {
            for try await chunk in body {
                guard bytes.count + chunk.count <= limit else {
                    throw APIError(.contentTooLarge, code: .bodyTooLarge, "the request body is larger than the limit")
                }
                bytes += chunk
            }
        }
        guard rule.body == .json else {
            // An empty package is the store's to refuse, as any malformed one.
            if rule.body == .csv, bytes.isEmpty { throw APIError.badRequest("the request body is empty; expected CSV") }
            return try await next(request, HTTPBody(bytes), metadata)
        }
        guard !bytes.isEmpty else { throw APIError.badRequest("the request body is empty; expected JSON") }
        let data = Data(bytes)
        do {
            try JSONInput.checkDepthPublic(data)
        } catch {
            guard case .malformedPackage(let why) = error else { throw APIError.badRequest(error.description) }
            throw APIError.badRequest(why)
        }
        return try await CurrentRequest.$body.withValue(data) { [request] in
            try await next(request, HTTPBody(bytes), metadata)
        }
    }

    /// The path's values, decoded and validated as the hand-registered routes did, in their order.
    static func checkPath(_ parameters: [String: Substring]) throws {
        var decoded: [String: String] = [:]
        for (name, value) in parameters { decoded[name] = try PathValue.decode(String(value), parameter: name) }
        if let user = decoded["userName"] { _ = try PathValue.name(user, field: "userName") }
        if let satellite = decoded["satellite"] { _ = try PathValue.name(satellite, field: "satellite") }
        if let owner = decoded["owner"], let module = decoded["module"] { _ = try PathValue.module(owner: owner, module: module) }
        if let id = decoded["id"] { _ = try PathValue.eventID(id) }
    }

    /// The request's path with the query values of `rules` checked, and booleans written `true` or `false`.
    static func query(_ path: String?, rules: [String: OperationRule.Query]) throws -> String? {
        guard !rules.isEmpty, let path, let mark = path.firstIndex(of: "?") else { return path }
        var items: [Substring] = []
        for item in path[path.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let text = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            switch rules[name] {
            case nil: items.append(item)
            case .bool: items.append("\(parts[0])=\(try QueryValue.bool(text, name: name))")
            case .int(let range):
                _ = try QueryValue.int(text, name: name, range: range)
                items.append(item)
            }
        }
        return path[...mark] + items.joined(separator: "&")
    }
}

/// Dates as the API has always read and written them: ISO 8601 in UTC, written in whole seconds, read with or without
/// fractions (`ISO8601`).
struct APIDates: DateTranscoder {
    func encode(_ date: Date) throws -> String { ISO8601.string(date) }

    func decode(_ text: String) throws -> Date {
        guard let date = ISO8601.date(text) else { throw InvalidDate(text: String(text.prefix(40))) }
        return date
    }
}

/// A request's date that is not ISO 8601: 422.
struct InvalidDate: Error {
    let text: String
}

/// A core value the document's type could not read: the document and the core disagree. A 500, logged.
struct ResponseConversionFailed: Error, CustomStringConvertible {
    let type: String
    let reason: String

    var description: String { "the core's JSON for \(type) is not the document's: \(reason)" }
}

extension Decodable {
    /// The document's type of a core value (a report, an event): the value as the server has always written it
    /// (`JSONResponse.encoder`) read as the generated type, so the answer is the core's and is checked against the
    /// document. In debug builds, a field the document does not have (which the conversion would drop) fails too.
    init(converting value: some Encodable) throws {
        let data = try JSONResponse.encoder.encode(value)
        do {
            self = try JSONInput.decoder.decode(Self.self, from: data)
        } catch {
            throw ResponseConversionFailed(type: "\(Self.self)", reason: "\(error)")
        }
        #if DEBUG
        if let encodable = self as? any Encodable, let again = try? JSONResponse.encoder.encode(encodable), again != data {
            throw ResponseConversionFailed(
                type: "\(Self.self)",
                reason: "\(String(decoding: data, as: UTF8.self)) became \(String(decoding: again, as: UTF8.self))")
        }
        #endif
    }
}

extension APIError {
    /// An error of a generated operation: what its handler or a middleware threw, mapped as any other; a request the
    /// generated code could not decode is 400 when the body is not JSON and 422 when it is JSON of the wrong shape or
    /// a value has the wrong type, as for the hand-registered routes; other problems of the request keep the
    /// runtime's status with its description of the request (never of the server).
    static func from(_ error: ServerError) -> APIError? {
        if let mapped = from(error.underlyingError) { return mapped }
        if let date = error.underlyingError as? InvalidDate {
            return .invalid("'\(date.text)' is not an ISO 8601 date")
        }
        if let decoding = error.underlyingError as? DecodingError {
            if case .dataCorrupted(let context) = decoding, context.codingPath.isEmpty {
                return .badRequest("the request body is not valid JSON")
            }
            return .invalid(JSONInput.describe(decoding))
        }
        switch error.httpStatus.code {
        case 400: return .badRequest(error.causeDescription)
        case 401..<500: return APIError.from(HTTPError(error.httpStatus, message: error.causeDescription))
        default: return nil
        }
    }
}

/// An enum of a request body whose schema allows null: the generator reads the document's `null` member as a case
/// `""`, which is no value of the core's. Absent or null is nil; `""` is 422, as any other value the core lacks.
enum NullableEnum {
    static func value<Core: RawRepresentable & CaseIterable, Payload: RawRepresentable>(
        _ payload: Payload?, as type: Core.Type, field: String
    ) throws -> Core? where Core.RawValue == String, Payload.RawValue == String {
        guard let payload else { return nil }
        guard let value = Core(rawValue: payload.rawValue) else {
            let allowed = Core.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.invalid("\(field) must be one of \(allowed), or null; got '\(payload.rawValue)'")
        }
        return value
    }
}
