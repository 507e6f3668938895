import Foundation
import Hummingbird
import LicenseCore
import LicenseStore
import Logging
import Prometheus

/// How the server runs.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The root public key (JWK JSON) that tenants created through the API trust by default.
    public var defaultTrustRoot: String?
    /// How often to look for writes made by other processes.
    public var watchInterval: Duration
    /// How often to write down what time has done (finish events past their finish, raise `license-expiring`); the
    /// server also does it once at start. Nil: never (reads still show expired events as finished).
    public var upkeepInterval: Duration?
    /// How often every cached tenant is verified against its sealed head in the background (a row edited with SQL
    /// stops granting within it). Nil: never.
    public var verifyInterval: Duration?
    public var logLevel: Logger.Level

    public init(
        host: String = "127.0.0.1", port: Int = 8080, defaultTrustRoot: String? = nil,
        watchInterval: Duration = .milliseconds(250), upkeepInterval: Duration? = .seconds(60),
        verifyInterval: Duration? = .seconds(60), logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.defaultTrustRoot = defaultTrustRoot
        self.watchInterval = watchInterval
        self.upkeepInterval = upkeepInterval
        self.verifyInterval = verifyInterval
        self.logLevel = logLevel
    }
}

/// Builds the application: the executable runs it, tests drive it with `app.test(.router)` or `.live`.
///
/// - Parameter onReady: called with the bound port once the server listens (port 0 picks a free one).
public func buildApplication(
    _ configuration: ServerConfiguration, store: some LicenseStoring,
    registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    onReady: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let logger = {
        var logger = Logger(label: "licensing")
        logger.logLevel = configuration.logLevel
        return logger
    }()
    let snapshots = SnapshotCache(store: store, registry: registry)
    let tokens = TokenCache(store: store)
    // The admin pages' templates and files: a missing or broken one stops the start here, naming it.
    let admin = try await AdminResources.load()
    let router = try buildRouter(
        store: store, snapshots: snapshots, tokens: tokens, registry: registry, configuration: configuration, admin: admin,
        openAPI: try OpenAPIDocument.loadJSON())
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "licensing"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            logger.info("licensing server listening on http://\(configuration.host):\(port)")
            await onReady(port)
        },
        logger: logger)
    app.addServices(
        ChangeWatcher(
            store: store, snapshots: snapshots, tokens: tokens, interval: configuration.watchInterval, logger: logger))
    if let interval = configuration.upkeepInterval {
        app.addServices(UpkeepService(store: store, interval: interval, logger: logger))
    }
    if let interval = configuration.verifyInterval {
        app.addServices(VerifierService(store: store, snapshots: snapshots, interval: interval, logger: logger))
    }
    return app
}

/// A route the application serves: its method and its path, parameters written `{name}` and `**` for the rest of a
/// path.
public struct ServerRoute: Hashable, Sendable, CustomStringConvertible {
    public var method: HTTPRequest.Method
    public var path: String

    public var description: String { "\(method) \(path)" }
}

/// Every route `buildApplication` serves, read from the router it builds: for tests that must cover each route (no
/// `GET` writes) and for comparing the router with the OpenAPI document. Starts nothing and touches no data; reads the
/// admin pages' files as `buildApplication` does (and throws as it would).
public func applicationRoutes(store: some LicenseStoring) async throws -> [ServerRoute] {
    let router = try buildRouter(
        store: store, snapshots: SnapshotCache(store: store), tokens: TokenCache(store: store),
        registry: PrometheusCollectorRegistry(), configuration: ServerConfiguration(), admin: try await AdminResources.load(),
        openAPI: try OpenAPIDocument.loadJSON())
    return router.routes.map { ServerRoute(method: $0.method, path: $0.path.description) }
}

func buildRouter(
    store: some LicenseStoring, snapshots: SnapshotCache, tokens: TokenCache, registry: PrometheusCollectorRegistry,
    configuration: ServerConfiguration, admin: AdminResources, openAPI: Data
) throws -> Router<LicenseRequestContext> {
    let router = Router(context: LicenseRequestContext.self)
    router.add(middleware: RequestMetricsMiddleware(registry: registry))
    router.add(middleware: ErrorMiddleware())
    let seats = SeatMetrics(registry: registry, snapshots: snapshots)
    router.get("health") { _, _ in
        try JSONResponse.make(["status": "ok"])
    }
    router.get("metrics") { _, _ in
        seats.update()
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }
    let openAPIBody = ByteBuffer(bytes: openAPI)
    router.get("openapi.json") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: openAPIBody))
    }
    // The hot paths, registered by hand: the check, the login check and usage ingestion.
    let tenant = router.group("api/v1/tenants/:tenant").add(middleware: TenantAuthMiddleware(tokens: tokens))
    ChecksController(snapshots: snapshots, checks: CheckMetrics(registry: registry)).register(on: tenant)
    UsageController(store: store, snapshots: snapshots).register(on: tenant)
    // Every other operation, generated from openapi.yaml (openapi-generator-config.yaml selects them).
    try TenantAPI(store: store, snapshots: snapshots, defaultTrustRoot: configuration.defaultTrustRoot)
        .register(on: router, tokens: tokens)
    registerAdminUI(on: router, store: store, snapshots: snapshots, resources: admin, registry: registry)
    // Last, so it runs only for requests no route matched: a known path with another method is 405 with `Allow`.
    router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
    return router
}

/// Seats in use per module, refreshed from the cached snapshots at each scrape.
struct SeatMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let snapshots: SnapshotCache

    func update() {
        for (tenant, snapshot) in snapshots.cached {
            for entry in snapshot.fencing() {
                registry.makeGauge(
                    descriptor: MetricNames.seatsInUse,
                    labels: [("tenant", tenant), ("module", "\(entry.owner.lowercased()).\(entry.module)")]
                ).set(Double(entry.inUse))
                registry.makeGauge(
                    descriptor: MetricNames.seatsTotal,
                    labels: [("tenant", tenant), ("module", "\(entry.owner.lowercased()).\(entry.module)")]
                ).set(Double(entry.total))
            }
        }
    }
}
