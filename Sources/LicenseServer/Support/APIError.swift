import Foundation
import Hummingbird
import LicenseCore
import LicenseStore
import Logging
import OpenAPIRuntime

/// The one error shape of the API: `{"error": {"code": "…", "message": "…"}}`.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Per-item problems of a batch, when there are any.
    public let details: [BatchProblem]?
    /// The methods the path is served with, for the `Allow` header of a 405.
    public var allow: [HTTPRequest.Method] = []

    public init(_ status: HTTPResponse.Status, code: APIErrorCode, _ message: String, details: [BatchProblem]? = nil) {
        self.init(status, code: code.rawValue, message, details: details)
    }

    /// A code outside `APIErrorCode`: only `http-NNN`, for a framework's client error of another status.
    private init(_ status: HTTPResponse.Status, code: String, _ message: String, details: [BatchProblem]? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    struct Body: Encodable {
        struct Inner: Encodable {
            let code: String
            let message: String
            let details: [BatchProblem]?
        }
        let error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = (try? JSONEncoder().encode(Body(error: .init(code: code, message: message, details: details)))) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if !allow.isEmpty { headers[.allow] = allow.map(\.rawValue).joined(separator: ", ") }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func unauthorized(_ message: String = "a bearer token is required") -> APIError {
        APIError(.unauthorized, code: .unauthorized, message)
    }
    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, code: .forbidden, message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, code: .notFound, message) }
    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, code: .malformed, message) }
    static func invalid(_ message: String) -> APIError { APIError(.unprocessableContent, code: .invalidInput, message) }
    /// An input error about a value of the request's body (a module key no package has): 422 with the error's code,
    /// never the 404 of the path's resource.
    static func invalidInBody(_ error: LicenseInputError) -> APIError {
        APIError(.unprocessableContent, code: APIErrorCode(error), error.description)
    }
    /// A method the path is not served with: 405, with `Allow` listing those it is (sorted).
    static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: Set<HTTPRequest.Method>) -> APIError {
        var error = APIError(
            .methodNotAllowed, code: .methodNotAllowed,
            "\(method.rawValue.prefix(32)) is not allowed here; allowed: \(allowed.map(\.rawValue).sorted().joined(separator: ", "))"
        )
        error.allow = allowed.sorted { $0.rawValue < $1.rawValue }
        return error
    }

    /// Maps any error to the API's shape, in one place. Unknown errors become a generic 500; the caller logs them.
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError:
            return error
        case let error as ServerError:
            return from(error)
        case let error as LicenseInputError:
            switch error {
            case .unknownUser, .unknownModule, .unknownSatellite, .unknownTenant, .unknownEvent:
                return APIError(.notFound, code: APIErrorCode(error), error.description)
            case .malformedPackage:
                return APIError(.badRequest, code: APIErrorCode(error), error.description)
            case .duplicate:
                return APIError(.conflict, code: APIErrorCode(error), error.description)
            case .invalid, .badSignature, .untrustedCertificate, .certificateExpired, .foreignPackage:
                return APIError(.unprocessableContent, code: APIErrorCode(error), error.description)
            }
        case let refusal as LicenseRefusal:
            return APIError(.conflict, code: APIErrorCode(refusal.code), refusal.message)
        case let error as UserImportFailed:
            // The status of what stopped the import, with how far it came (those users stay) and why.
            guard let cause = from(error.cause) else { return nil }
            return APIError(cause.status, code: cause.code, error.description)
        case let error as StoreUnavailable:
            return APIError(.serviceUnavailable, code: .databaseUnavailable, "the database is unavailable: \(error.message)")
        case let error as StoreBusy:
            return APIError(.serviceUnavailable, code: .databaseBusy, "the database is busy: \(error.message); try again")
        case let error as HTTPError:
            let code: APIErrorCode
            switch error.status {
            case .contentTooLarge: code = .bodyTooLarge
            case .notFound: code = .notFound
            case .methodNotAllowed: code = .methodNotAllowed
            case .badRequest: code = .malformed
            default: return APIError(error.status, code: "http-\(error.status.code)", error.body ?? error.status.reasonPhrase)
            }
            let message =
                error.status == .contentTooLarge
                ? "the request body is larger than the limit" : (error.body ?? error.status.reasonPhrase)
            return APIError(error.status, code: code, message)
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            // `RequestBody.collect(upTo:)` throws NIO's too-many-bytes error for a body over the limit.
            return APIError(.contentTooLarge, code: .bodyTooLarge, "the request body is larger than the limit")
        case let error as any HTTPResponseError where (400..<500).contains(error.status.code):
            // Other client errors of the framework keep their status, in the API's shape.
            return APIError(error.status, code: "http-\(error.status.code)", error.status.reasonPhrase)
        default:
            return nil
        }
    }
}

/// Every code of the API's errors but `http-NNN` (a framework's client error of a status the API gives no code of its
/// own): the document's `ErrorCode` lists exactly these (`OperationsTests` compares them). The codes of the core's errors
/// are mapped by exhaustive switches, so a new core code does not compile until it is named here.
public enum APIErrorCode: String, CaseIterable, Sendable {
    // The server's own.
    case unauthorized, forbidden, malformed, `internal`
    case notFound = "not-found"
    case invalidInput = "invalid-input"
    case bodyTooLarge = "body-too-large"
    case methodNotAllowed = "method-not-allowed"
    case databaseUnavailable = "database-unavailable"
    case databaseBusy = "database-busy"
    case invalidBatch = "invalid-batch"
    // Input errors (`LicenseInputError`).
    case malformedPackage = "malformed-package"
    case badSignature = "bad-signature"
    case untrustedCertificate = "untrusted-certificate"
    case certificateExpired = "certificate-expired"
    case foreignPackage = "foreign-package"
    case unknownUser = "unknown-user"
    case unknownModule = "unknown-module"
    case unknownSatellite = "unknown-satellite"
    case unknownTenant = "unknown-tenant"
    case unknownEvent = "unknown-event"
    case duplicate
    // Refusals (`LicenseRefusal.Code`).
    case noFreeSeat = "no-free-seat"
    case wrongModuleType = "wrong-module-type"
    case hiddenModule = "hidden-module"
    case userTypeNotAllowed = "user-type-not-allowed"
    case prerequisiteMissing = "prerequisite-missing"
    case planAlreadyAssigned = "plan-already-assigned"
    case hasDependents = "has-dependents"
    case notAssigned = "not-assigned"
    case ownerExpired = "owner-expired"
    case notNewer = "not-newer"
    case countBelowInUse = "count-below-in-use"
    case integrity
    case eventConflict = "event-conflict"

    init(_ error: LicenseInputError) {
        switch error {
        case .invalid: self = .invalidInput
        case .malformedPackage: self = .malformedPackage
        case .badSignature: self = .badSignature
        case .untrustedCertificate: self = .untrustedCertificate
        case .certificateExpired: self = .certificateExpired
        case .foreignPackage: self = .foreignPackage
        case .unknownUser: self = .unknownUser
        case .unknownModule: self = .unknownModule
        case .unknownSatellite: self = .unknownSatellite
        case .unknownTenant: self = .unknownTenant
        case .unknownEvent: self = .unknownEvent
        case .duplicate: self = .duplicate
        }
    }

    init(_ code: LicenseRefusal.Code) {
        switch code {
        case .noFreeSeat: self = .noFreeSeat
        case .wrongModuleType: self = .wrongModuleType
        case .hiddenModule: self = .hiddenModule
        case .userTypeNotAllowed: self = .userTypeNotAllowed
        case .prerequisiteMissing: self = .prerequisiteMissing
        case .planAlreadyAssigned: self = .planAlreadyAssigned
        case .hasDependents: self = .hasDependents
        case .notAssigned: self = .notAssigned
        case .ownerExpired: self = .ownerExpired
        case .notNewer: self = .notNewer
        case .countBelowInUse: self = .countBelowInUse
        case .integrity: self = .integrity
        case .eventConflict: self = .eventConflict
        }
    }
}

/// Turns every error into the API's JSON shape; unexpected ones are logged and answered with a generic 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            if let mapped = APIError.from(error) { throw mapped }
            context.logger.error(
                "unexpected error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            throw APIError(.internalServerError, code: .internal, "an unexpected error occurred; it has been logged")
        }
    }
}
