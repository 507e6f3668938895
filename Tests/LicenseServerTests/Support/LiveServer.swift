import Foundation
import Hummingbird
import HummingbirdTesting
import LicenseServer
import LicenseTestSupport
import Logging

/// Runs the application in this process on a free loopback port (HummingbirdTesting `.live`) for `body`.
///
/// The server has the executable's configuration: the same routes, middleware, change watcher (every 250 ms),
/// upkeep (at start and every minute, unless `upkeepInterval` says otherwise; nil: none) and limits; only its log
/// level is lowered so the test output stays readable.
func withLiveServer<T: Sendable>(
    _ installation: TestInstallation, upkeepInterval: Duration? = ServerConfiguration().upkeepInterval,
    verifyInterval: Duration? = ServerConfiguration().verifyInterval, _ body: @Sendable (APIClient) async throws -> T
) async throws -> T {
    let configuration = ServerConfiguration(
        host: "127.0.0.1", port: 0, defaultTrustRoot: Fixtures.trustRoot(), upkeepInterval: upkeepInterval,
        verifyInterval: verifyInterval, logLevel: .error)
    let app = try await buildApplication(configuration, store: installation.store)
    // A failing body's error leaves `test` as a value, never thrown through it: when the closure given to `.live`
    // throws, the framework cancels the server's task group mid-shutdown, and NIO then stops the whole test process
    // with "Deinited NIOAsyncWriter without calling finish()" (connections accepted but not yet served are dropped
    // unfinished) — every other test's result is lost with it. A closure that returns ends with a graceful shutdown
    // instead, which serves every connection already accepted, so nothing needs to wait for them here.
    let outcome: Result<T, any Error> = try await app.test(.live) { client in
        guard let port = client.port else { return .failure(HarnessError("the live test client has no port")) }
        let outcome: Result<T, any Error>
        do {
            // `.live` binds "localhost"; connect the same way.
            outcome = .success(try await body(APIClient(host: "localhost", port: port)))
        } catch {
            outcome = .failure(error)
        }
        return outcome
    }
    return try outcome.get()
}

/// A fresh installation with the standard data, served live, for one test.
func withStandardServer<T: Sendable>(
    _ body: @Sendable (APIClient, StandardTenant, TestInstallation) async throws -> T
) async throws -> T {
    try await TestInstallation.with { installation in
        let tenant = try await installation.seedStandard()
        return try await withLiveServer(installation) { client in
            try await body(client, tenant, installation)
        }
    }
}
