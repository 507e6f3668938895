import Foundation
import LicenseTestSupport
import Testing

// The real `licensing` binary: `serve` as a child process (killed with SIGKILL in the crash test) and CLI
// commands writing to the same data directory as a server.

enum Licensing {
    /// The package root, found from this file's path (Tests/LicenseServerTests/Support/Binary.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `LICENSING_BINARY`, else `<package root>/.build/debug/licensing`.
    static func binary() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        let url =
            environment["LICENSING_BINARY"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? packageRoot.appendingPathComponent(".build/debug/licensing")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw HarnessError(
                "the licensing binary is missing at \(url.path): run `swift build --build-tests` (or scripts/test), "
                    + "or set LICENSING_BINARY")
        }
        return url
    }

    /// The tests' environment without anything that would point the binary at other data or another key.
    static let environment: [String: String] = {
        var environment = ProcessInfo.processInfo.environment
        for name in ["LICENSING_DATA", "LICENSING_TENANT", "LICENSING_INSTALLATION_KEY", "LICENSING_DATABASE"] {
            environment[name] = nil
        }
        environment["LICENSING_ACTOR"] = "server-tests"
        return environment
    }()

    /// Runs `licensing ARGS` to the end, with `environment` added to the tests' environment.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> ProcessResult {
        try await ChildProcess(arguments, environment: environment).wait()
    }
}

/// How a child process ended and what it wrote.
struct ProcessResult: Sendable, CustomStringConvertible {
    var arguments: [String]
    var exitCode: Int32
    var wasSignalled: Bool
    var stdout: String
    var stderr: String

    var description: String {
        "`licensing \(arguments.joined(separator: " "))` → \(wasSignalled ? "signal" : "exit") \(exitCode)\n"
            + "stdout: \(stdout.suffix(1_500))\nstderr: \(stderr.suffix(1_500))"
    }
}

/// A started `licensing` process; stdout and stderr go to files, so no pipe can fill up and block it.
///
/// A process started `watched` gets a watchdog that kills it with SIGKILL once this test process is gone, so a
/// server never outlives a test run that crashed or was killed.
final class ChildProcess: @unchecked Sendable {
    let arguments: [String]
    private let process: SpawnedProcess

    /// Starts a watchdog that kills this shell's pid once `$1` (the test process) is gone, then becomes `"$@"` with
    /// `exec`: the program keeps the pid, its signals and its exit status, as if started directly.
    ///
    /// The watchdog first closes every inherited descriptor: Foundation learns that a child ended when the end of a
    /// socket the child inherited closes, and a watchdog holding it would keep the end of the program from the test.
    private static let watchdog = #"""
        test_pid=$1
        shift
        (
            for fd in /dev/fd/*; do
                fd=${fd##*/}
                if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-"; fi
            done
            while kill -0 "$test_pid" 2>/dev/null && kill -0 "$$" 2>/dev/null; do sleep 1; done
            kill -9 "$$" 2>/dev/null
        ) </dev/null >/dev/null 2>&1 &
        exec "$@"
        """#

    init(_ arguments: [String], watched: Bool = false, environment: [String: String] = [:]) throws {
        self.arguments = arguments
        let binary = try Licensing.binary()
        let environment = Licensing.environment.merging(environment) { _, added in added }
        if watched {
            process = try SpawnedProcess(
                executable: "/bin/bash",
                arguments: ["-c", Self.watchdog, "bash", String(ProcessInfo.processInfo.processIdentifier), binary.path]
                    + arguments,
                environment: environment)
        } else {
            process = try SpawnedProcess(executable: binary.path, arguments: arguments, environment: environment)
        }
    }

    var processIdentifier: Int32 { process.processIdentifier }

    /// What the process has written to stdout so far.
    var stdoutSoFar: String { process.stdoutSoFar }

    /// What the process has written to stderr so far.
    var stderrSoFar: String { process.stderrSoFar }

    var hasEnded: Bool { process.hasEnded }

    /// Sends `signal` to the process (nothing happens once it has ended).
    func send(_ signal: Int32) { process.send(signal) }

    func wait() async -> ProcessResult {
        let outcome = await process.wait()
        return ProcessResult(
            arguments: arguments, exitCode: outcome.signal ?? outcome.exitCode, wasSignalled: outcome.signal != nil,
            stdout: outcome.stdout, stderr: outcome.stderr)
    }
}

/// `licensing serve --port 0` on a data directory (and, with `--database`, a PostgreSQL database), found by its
/// "listening on http://127.0.0.1:PORT" line.
struct ServerProcess: Sendable {
    let child: ChildProcess
    let port: Int

    var client: APIClient { APIClient(host: "127.0.0.1", port: port) }

    /// Starts `licensing serve --data DATA --host 127.0.0.1 --port 0 ARGUMENTS` with `environment` added.
    static func start(
        data: URL, arguments: [String] = [], environment: [String: String] = [:], timeout: Duration = .seconds(30)
    ) async throws -> ServerProcess {
        let child = try ChildProcess(
            ["serve", "--data", data.path, "--host", "127.0.0.1", "--port", "0"] + arguments, watched: true,
            environment: environment)
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            // The log goes to stdout or stderr, depending on how logging is bootstrapped; either will do.
            if let port = listeningPort(in: child.stdoutSoFar) ?? listeningPort(in: child.stderrSoFar) {
                return ServerProcess(child: child, port: port)
            }
            if child.hasEnded { throw HarnessError("licensing serve ended before listening: \(await child.wait())") }
            try await Task.sleep(for: .milliseconds(50))
        }
        child.send(SIGKILL)
        throw HarnessError("licensing serve did not log its port within \(timeout): \(await child.wait())")
    }

    /// The port of the first "listening on http://HOST:PORT" in a log.
    static func listeningPort(in log: String) -> Int? {
        guard let range = log.range(of: #"listening on http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else {
            return nil
        }
        return Int(log[range].split(separator: ":").last ?? "")
    }

    /// SIGKILL: no graceful shutdown, no flush, no chance to finish a transaction.
    func kill9() async -> ProcessResult {
        child.send(SIGKILL)
        return await child.wait()
    }

    /// SIGTERM, then the end of the graceful shutdown.
    func stop() async -> ProcessResult {
        child.send(SIGTERM)
        return await child.wait()
    }
}
