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

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        var context = context
        let token = try await authenticate(request, tokens: tokens)
        let tenant = try context.pathParameter("tenant").map(String.init) ?? context.parameters.require("tenant")
        guard token.tenant == tenant || token.tenant == tenant.removingPercentEncoding else {
            throw APIError.notFound("unknown tenant '\(tenant.prefix(64))'")
        }
        context.principal = token
        return try await next(request, context)
    }
}

/// Operator routes: only operator tokens.
struct OperatorAuthMiddleware: RouterMiddleware {
    typealias Context = LicenseRequestContext
    let tokens: TokenCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        var context = context
        let token = try await authenticate(request, tokens: tokens)
        guard token.role == .operator else { throw APIError.forbidden("only operator tokens manage tenants") }
        context.principal = token
        return try await next(request, context)
    }
}

func authenticate(_ request: Request, tokens: TokenCache) async throws -> APIToken {
    guard let header = authorizationHeader(request.headers) else { throw APIError.unauthorized() }
    // The same header text verified before, with no token change since: no parsing, no hashing of the secret.
    if let token = tokens.verifiedToken(header: header) { return token }
    let generation = tokens.currentGeneration
    guard header.hasPrefix("Bearer "), let (id, secret) = APIToken.parse(header.dropFirst(7)) else {
        throw APIError.unauthorized("the Authorization header must be 'Bearer lic_…'")
    }
    guard let token = try await tokens.token(id: id), token.revokedAt == nil, token.matches(secret: secret) else {
        throw APIError.unauthorized("the token is unknown or revoked")
    }
    tokens.remember(token, header: header, generation: generation)
    return token
}

/// `headers[.authorization]`, without its lazy join for the usual single header (the join cost several times the look-up
/// of a remembered token); several headers are joined with ", " by `HTTPFields` as before.
private func authorizationHeader(_ headers: HTTPFields) -> String? {
    var found: String?
    for field in headers where field.name == .authorization {
        guard found == nil else { return headers[.authorization] }
        found = field.value
    }
    return found
}

/// Counts requests by route and status and records their latency, into the Prometheus registry.
///
/// The counters and histograms are looked up in the registry once per route, method and status and kept: the
/// registry's look-up (label validation, joined keys, a lock) and a new bucket list per request were a measurable share
/// of a cheap request such as a check.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: RequestMetrics

    init(registry: PrometheusCollectorRegistry) {
        metrics = RequestMetrics(registry: registry)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        let start = ContinuousClock.now
        let route = context.endpointPath ?? "unmatched"
        do {
            let response = try await next(request, context)
            metrics.record(route: route, method: request.method, status: response.status.code, since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.record(route: route, method: request.method, status: status, since: start)
            throw error
        }
    }
}

/// The request counters and latency histograms, made in the registry on first use and kept.
final class RequestMetrics: @unchecked Sendable {
    /// Handles kept at most: routes are the registered patterns, but methods come from clients.
    static let handleLimit = 4_096
    static let buckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
        .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
    ]

    private struct RouteKey: Hashable {
        var route: String
        var method: HTTPRequest.Method
    }

    private struct CounterKey: Hashable {
        var route: RouteKey
        var status: Int
    }

    private let registry: PrometheusCollectorRegistry
    private let lock = NSLock()
    private var histograms: [RouteKey: DurationHistogram] = [:]
    private var counters: [CounterKey: Prometheus.Counter] = [:]

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func record(route: String, method: HTTPRequest.Method, status: Int, since start: ContinuousClock.Instant) {
        let key = RouteKey(route: route, method: method)
        let (counter, histogram) = lock.withLock { (counters[CounterKey(route: key, status: status)], histograms[key]) }
        (counter ?? makeCounter(key, status: status)).increment()
        (histogram ?? makeHistogram(key)).record(ContinuousClock.now - start)
    }

    /// A route's label: its path, with the user's parameter called `{user}` as before the routes were generated from
    /// openapi.yaml (which names it `{userName}`, and the router needs one name), so a user's routes keep their series.
    static func label(_ route: String) -> String {
        route.replacingOccurrences(of: "{userName}", with: "{user}")
    }

    private func makeCounter(_ key: RouteKey, status: Int) -> Prometheus.Counter {
        let counter = registry.makeCounter(
            descriptor: MetricNames.requests,
            labels: [("route", Self.label(key.route)), ("method", key.method.rawValue), ("status", String(status))])
        lock.withLock {
            if counters.count < Self.handleLimit { counters[CounterKey(route: key, status: status)] = counter }
        }
        return counter
    }

    private func makeHistogram(_ key: RouteKey) -> DurationHistogram {
        let histogram = registry.makeDurationHistogram(
            descriptor: MetricNames.requestDuration, labels: [("route", Self.label(key.route)), ("method", key.method.rawValue)],
            buckets: Self.buckets)
        lock.withLock {
            if histograms.count < Self.handleLimit { histograms[key] = histogram }
        }
        return histogram
    }
}

/// A method a path is not served with: 405 `method-not-allowed` with `Allow` naming the methods it is served with,
/// instead of the router's 404.
///
/// Added to the router after every route, so it runs only for requests no route matched (not on any route's chain).
/// The path is matched against the routes' patterns as the router's trie matches it: segment by segment, a constant
/// before a parameter before `**`; the best pattern's methods are the answer. A path no route has, or a method the best
/// pattern serves (a request the router refused for another reason), stays 404.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    struct Pattern: Sendable {
        var segments: [RouterPath.Element]
        var methods: Set<HTTPRequest.Method>
    }

    let patterns: [Pattern]

    init(routes: [Router<Context>.RouteDescription]) {
        var byPath: [String: Pattern] = [:]
        for route in routes {
            byPath[route.path.description, default: Pattern(segments: Array(route.path), methods: [])].methods.insert(
                route.method)
        }
        patterns = Array(byPath.values)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        guard let allowed = allowedMethods(path: request.uri.path), !allowed.contains(request.method) else {
            return try await next(request, context)
        }
        throw APIError.methodNotAllowed(request.method, allowed: allowed)
    }

    /// The methods of the pattern the router would pick for `path`, nil when none matches.
    func allowedMethods(path: String) -> Set<HTTPRequest.Method>? {
        let components = path.split(separator: "/")
        var best: (rank: [Int], methods: Set<HTTPRequest.Method>)?
        for pattern in patterns {
            guard let rank = Self.rank(pattern.segments, components) else { continue }
            if let current = best, !rank.lexicographicallyPrecedes(current.rank) {
                if rank == current.rank { best?.methods.formUnion(pattern.methods) }
                continue
            }
            best = (rank, pattern.methods)
        }
        return best?.methods
    }

    /// Per segment, how specific the pattern's element that matches it is (0 a constant, 1 a parameter or wildcard,
    /// 2 `**`); nil when the pattern does not match the path.
    static func rank(_ segments: [RouterPath.Element], _ components: [Substring]) -> [Int]? {
        var rank: [Int] = []
        for (index, element) in segments.enumerated() {
            if element.description == "**" {
                // The rest of the path (at least one segment), as the router's recursive wildcard at the end.
                guard index == segments.count - 1, components.count > index else { return nil }
                return rank + [2]
            }
            guard index < components.count, element ~= components[index] else { return nil }
            rank.append(element == components[index] ? 0 : 1)
        }
        return components.count == segments.count ? rank : nil
    }
}
