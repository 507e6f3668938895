import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `licensing serve --data DATA --host 127.0.0.1 --port 0` as a watched child process, found by its
/// "listening on http://127.0.0.1:PORT" line.
public struct ServerProcess: Sendable {
    public let child: ChildProcess
    public let port: Int

    /// Starts the server with `arguments` added, in the tests' environment (`LicensingBinary.environment(actor:)`)
    /// with `environment` added; throws with its output when it ends, or logs no port within `timeout`, first.
    public static func start(
        data: URL, arguments: [String] = [], environment: [String: String] = [:], actor: String = "tests",
        timeout: Duration = .seconds(30)
    ) async throws -> ServerProcess {
        let child = try ChildProcess(
            ["serve", "--data", data.path, "--host", "127.0.0.1", "--port", "0"] + arguments,
            environment: LicensingBinary.environment(actor: actor).merging(environment) { _, added in added }, watched: true)
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            // The log goes to stdout or stderr, depending on how logging is bootstrapped; either will do.
            if let port = listeningPort(in: child.stdoutSoFar) ?? listeningPort(in: child.stderrSoFar) {
                return ServerProcess(child: child, port: port)
            }
            if child.hasEnded { throw HarnessError("licensing serve ended before listening: \(try await child.wait())") }
            try await Task.sleep(for: .milliseconds(50))
        }
        child.kill9()
        throw HarnessError("licensing serve did not log its port within \(timeout): \(try await child.wait())")
    }

    /// The port of the first "listening on http://127.0.0.1:PORT" in a log.
    public static func listeningPort(in log: String) -> Int? {
        guard let range = log.range(of: #"listening on http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else {
            return nil
        }
        return Int(log[range].split(separator: ":").last ?? "")
    }

    /// SIGKILL: no graceful shutdown, no flush, no chance to finish a transaction.
    public func kill9() async throws -> ProcessResult {
        child.kill9()
        return try await child.wait(timeout: nil)
    }

    /// SIGTERM, then the end of the graceful shutdown (SIGKILL after `timeout`, which the result's stderr then says).
    public func stop(timeout: Duration = .seconds(60)) async throws -> ProcessResult {
        child.send(SIGTERM)
        return try await child.wait(timeout: timeout)
    }
}
