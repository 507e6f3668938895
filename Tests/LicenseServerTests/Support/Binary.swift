import Foundation
import LicenseTestSupport
import Testing

// The real `licensing` binary: `serve` as a child process (killed with SIGKILL in the crash tests) and CLI
// commands writing to the same data directory as a server. The process harness is LicenseTestSupport's.

enum Licensing {
    /// The tests' environment without anything that would point the binary at other data or another key.
    static let environment = LicensingBinary.environment(actor: "server-tests")

    /// Runs `licensing ARGS` to the end, with `environment` added to the tests' environment.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> ProcessResult {
        try await ChildProcess(arguments, environment: Self.environment.merging(environment) { _, added in added }).wait()
    }
}

extension ServerProcess {
    var client: APIClient { APIClient(host: "127.0.0.1", port: port) }
}
