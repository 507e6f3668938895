import Foundation
import Hummingbird
import LicenseCore
import LicenseStore
import Logging

/// The one error shape of the API: `{"error": {"code": "…", "message": "…"}}`.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Per-item problems of a batch, when there are any.
    public let details: [BatchProblem]?

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, details: [BatchProblem]? = nil) {
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
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func unauthorized(_ message: String = "a bearer token is required") -> APIError {
        APIError(.unauthorized, code: "unauthorized", message)
    }
    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, code: "forbidden", message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, code: "not-found", message) }
    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, code: "malformed", message) }
    static func invalid(_ message: String) -> APIError { APIError(.unprocessableContent, code: "invalid-input", message) }

    /// Maps any error to the API's shape, in one place. Unknown errors become a generic 500; the caller logs them.
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError:
            return error
        case let error as LicenseInputError:
            switch error {
            case .unknownUser, .unknownModule, .unknownSatellite, .unknownTenant, .unknownEvent:
                return APIError(.notFound, code: error.code, error.description)
            case .malformedPackage:
                return APIError(.badRequest, code: error.code, error.description)
            case .duplicate:
                return APIError(.conflict, code: error.code, error.description)
            case .invalid, .badSignature, .untrustedCertificate, .certificateExpired, .foreignPackage:
                return APIError(.unprocessableContent, code: error.code, error.description)
            }
        case let refusal as LicenseRefusal:
            return APIError(.conflict, code: refusal.code.rawValue, refusal.message)
        case let error as UserImportFailed:
            // The status of what stopped the import, with how far it came (those users stay) and why.
            guard let cause = from(error.cause) else { return nil }
            return APIError(cause.status, code: cause.code, error.description)
        case let error as StoreUnavailable:
            return APIError(.serviceUnavailable, code: "database-unavailable", "the database is unavailable: \(error.message)")
        case let error as StoreBusy:
            return APIError(.serviceUnavailable, code: "database-busy", "the database is busy: \(error.message); try again")
        case let error as HTTPError:
            let code: String
            switch error.status {
            case .contentTooLarge: code = "body-too-large"
            case .notFound: code = "not-found"
            case .methodNotAllowed: code = "method-not-allowed"
            case .badRequest: code = "malformed"
            default: code = "http-\(error.status.code)"
            }
            let message =
                error.status == .contentTooLarge
                ? "the request body is larger than the limit" : (error.body ?? error.status.reasonPhrase)
            return APIError(error.status, code: code, message)
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            // `RequestBody.collect(upTo:)` throws NIO's too-many-bytes error for a body over the limit.
            return APIError(.contentTooLarge, code: "body-too-large", "the request body is larger than the limit")
        case let error as any HTTPResponseError where (400..<500).contains(error.status.code):
            // Other client errors of the framework keep their status, in the API's shape.
            return APIError(error.status, code: "http-\(error.status.code)", error.status.reasonPhrase)
        default:
            return nil
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
            throw APIError(.internalServerError, code: "internal", "an unexpected error occurred; it has been logged")
        }
    }
}
