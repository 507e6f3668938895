import Foundation
import Hummingbird
import HummingbirdTesting
import LicenseServer
import LicenseTestSupport
import Logging

/// Runs the application in this process on a free loopback port (HummingbirdTesting `.live`) for `body`.
///
/// The server has the executable's configuration: the same routes, middleware, change watcher (every 250 ms) and
/// limits; only its log level is lowered so the test output stays readable.
func withLiveServer<T: Sendable>(
    _ installation: TestInstallation, _ body: @Sendable (APIClient) async throws -> T
) async throws -> T {
    let configuration = ServerConfiguration(
        host: "127.0.0.1", port: 0, defaultTrustRoot: Fixtures.trustRoot(), logLevel: .error)
    let app = try await buildApplication(configuration, store: installation.store)
    return try await app.test(.live) { client in
        guard let port = client.port else { throw HarnessError("the live test client has no port") }
        // `.live` binds "localhost"; connect the same way.
        let result = try await body(APIClient(host: "localhost", port: port))
        // Let the server take in every connection the test opened before `.live` cancels it: a connection still
        // queued at cancellation trips NIO's "Deinited NIOAsyncWriter without calling finish()" and kills the run.
        try await Task.sleep(for: .milliseconds(500))
        return result
    }
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
