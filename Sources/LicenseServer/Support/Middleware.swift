import Foundation
import Hummingbird
import LicenseCore
import Prometheus

/// Authenticates `Authorization: Bearer lic_…` and binds the request to the token's tenant.
///
/// No token or a bad one: 401. A token of another tenant (or an operator token on a tenant route): 404, the same
/// answer as for a tenant that does not exist, so tenants cannot be probed.
struct TenantAuthMiddleware: RouterMiddleware {
    typealias Context = LicenseRequestContext
    let tokens: TokenCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let token = try await authenticate(request, tokens: tokens)
        let tenant = try context.parameters.require("tenant")
        guard token.tenant == tenant || token.tenant == tenant.removingPercentEncoding else { throw APIError.notFound("unknown tenant '\(tenant.prefix(64))'") }
        context.principal = token
        return try await next(request, context)
    }
}

/// Operator routes: only operator tokens.
struct OperatorAuthMiddleware: RouterMiddleware {
    typealias Context = LicenseRequestContext
    let tokens: TokenCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let token = try await authenticate(request, tokens: tokens)
        guard token.role == .operator else { throw APIError.forbidden("only operator tokens manage tenants") }
        context.principal = token
        return try await next(request, context)
    }
}

func authenticate(_ request: Request, tokens: TokenCache) async throws -> APIToken {
    guard let header = request.headers[.authorization] else { throw APIError.unauthorized() }
    guard header.hasPrefix("Bearer "), let (id, secret) = APIToken.parse(header.dropFirst(7)) else {
        throw APIError.unauthorized("the Authorization header must be 'Bearer lic_…'")
    }
    guard let token = try await tokens.token(id: id), token.revokedAt == nil, token.matches(secret: secret) else {
        throw APIError.unauthorized("the token is unknown or revoked")
    }
    return token
}

/// Counts requests by route and status and records their latency, into the Prometheus registry.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let registry: PrometheusCollectorRegistry
    static var buckets: [Duration] {
        [.microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
         .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
         .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5)]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let route = context.endpointPath ?? "unmatched"
        let method = request.method.rawValue
        do {
            let response = try await next(request, context)
            record(route: route, method: method, status: response.status.code, since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(route: route, method: method, status: status, since: start)
            throw error
        }
    }

    private func record(route: String, method: String, status: Int, since start: ContinuousClock.Instant) {
        registry.makeCounter(
            descriptor: MetricNames.requests, labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNames.requestDuration, labels: [("route", route), ("method", method)],
            buckets: Self.buckets
        ).record(ContinuousClock.now - start)
    }
}
