import Foundation
import Hummingbird
import LicenseCore

/// The request context: Hummingbird's core storage plus the authenticated principal.
public struct LicenseRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token that authenticated the request, if any.
    public var principal: APIToken?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// JSON bodies and everything else but packages: 1 MiB.
    public var maxUploadSize: Int { ServerLimits.bodyLimit }
}

public enum ServerLimits {
    /// The largest request body, except license packages.
    public static let bodyLimit = 1 << 20
    /// The largest license package body.
    public static let packageLimit = 8 << 20
    /// The largest user import (CSV) body: some 100,000 users with names and e-mail addresses.
    public static let importLimit = 8 << 20
}

/// What a route needs from the token's role.
enum Permission {
    /// Reads of license and user data: admin, reader.
    case read
    /// Checks, login checks and user counts: admin, checker, reader.
    case check
    /// Reporting usage of metered services, a write that application servers make: admin, checker (not reader).
    case report
    /// Everything else in the tenant: admin.
    case write

    func allows(_ role: APIToken.Role) -> Bool {
        switch (self, role) {
        case (_, .admin): true
        case (.read, .reader), (.check, .reader), (.check, .checker), (.report, .checker): true
        default: false
        }
    }
}

extension LicenseRequestContext {
    /// The tenant of the path, which the middleware has already matched to the token (also when percent-encoded).
    func tenant() throws -> String {
        guard let tenant = principal?.tenant else { return try parameters.require("tenant") }
        return tenant
    }

    func require(_ permission: Permission) throws {
        guard let principal else { throw APIError.unauthorized() }
        guard permission.allows(principal.role) else {
            throw APIError.forbidden("a \(principal.role.rawValue) token may not do this")
        }
    }

    var actor: String { principal.map { "token:\($0.id) (\($0.name))" } ?? "anonymous" }

    /// The first path parameter called `name`, as `parameters.get` finds it, by a scan of the few parameters a route
    /// has rather than a hashed look-up (which costs more on the hot check path).
    func pathParameter(_ name: Substring) -> Substring? {
        for parameter in parameters where parameter.key == name { return parameter.value }
        return nil
    }
}

extension Request {
    /// Decodes a JSON body: 400 when it is not JSON, 422 when it is JSON of the wrong shape. Unknown fields are ignored.
    func decodeJSON<T: Decodable>(_ type: T.Type, context: LicenseRequestContext) async throws -> T {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        let data = Data(buffer.readableBytesView)
        guard !data.isEmpty else { throw APIError.badRequest("the request body is empty; expected JSON") }
        do {
            try JSONInput.checkDepthPublic(data)
        } catch {
            // The check names its problem as a malformed package; a request body is no package.
            guard case .malformedPackage(let why) = error else { throw APIError.badRequest(error.description) }
            throw APIError.badRequest(why)
        }
        do {
            return try JSONInput.decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let ctx) = error, ctx.codingPath.isEmpty {
                throw APIError.badRequest("the request body is not valid JSON")
            }
            throw APIError.invalid(JSONInput.describe(error))
        } catch {
            throw APIError.badRequest("the request body is not valid JSON")
        }
    }
}
