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

    /// Registers the generated operations on `router` behind tenant authentication. The JSON encoder writes what
    /// `JSONResponse` writes (sorted keys, slashes unescaped, ISO 8601 dates in whole seconds).
    func register(on router: Router<LicenseRequestContext>, tokens: TokenCache) throws {
        let group = router.group()
            .add(middleware: TenantAuthMiddleware(tokens: tokens))
            .add(middleware: CurrentRequest.Middleware())
        try registerHandlers(
            on: group, configuration: .init(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
            middlewares: [RequestBodyMiddleware()])
    }
}

/// The Hummingbird context of the request a generated handler serves: `APIProtocol` methods get typed input only, so
/// the authenticated token and the logger reach them through a task local, as in Hummingbird's OpenAPI examples.
enum CurrentRequest {
    @TaskLocal static var context: LicenseRequestContext?

    /// The request's context once its token has `permission`: 401 without a token, 403 when its role may not.
    static func require(_ permission: Permission) throws -> LicenseRequestContext {
        guard let context else { throw APIError.unauthorized() }
        try context.require(permission)
        return context
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

/// What the hand-registered routes do to a body before it is decoded, for the generated operations: at most
/// `ServerLimits.bodyLimit` bytes (413 beyond), JSON no deeper than `JSONInput` allows (400), and a JSON body read as
/// JSON whatever its `Content-Type` says (the API has always ignored it, and `curl -d` sends a form type).
struct RequestBodyMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let body else { return try await next(request, nil, metadata) }
        var bytes: [UInt8] = []
        for try await chunk in body {
            guard bytes.count + chunk.count <= ServerLimits.bodyLimit else {
                throw APIError(.contentTooLarge, code: .bodyTooLarge, "the request body is larger than the limit")
            }
            bytes += chunk
        }
        guard !bytes.isEmpty else { return try await next(request, nil, metadata) }
        do {
            try JSONInput.checkDepthPublic(Data(bytes))
        } catch {
            guard case .malformedPackage(let why) = error else { throw APIError.badRequest(error.description) }
            throw APIError.badRequest(why)
        }
        var request = request
        request.headerFields[.contentType] = "application/json"
        return try await next(request, HTTPBody(bytes), metadata)
    }
}

extension APIError {
    /// An error of a generated operation: what its handler or a middleware threw, mapped as any other; a request the
    /// generated code could not decode is 400 when the body is not JSON and 422 when it is JSON of the wrong shape or
    /// a parameter has the wrong type, as for the hand-registered routes; other problems of the request keep the
    /// runtime's status with its description of the request (never of the server).
    static func from(_ error: ServerError) -> APIError? {
        if let mapped = from(error.underlyingError) { return mapped }
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
