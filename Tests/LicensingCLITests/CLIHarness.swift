import Foundation
import LicenseTestSupport
import Testing

// Drives the real `licensing` binary as a subprocess. Every test works in its own temporary directory.

/// What one run of a program gave back.
struct CLIResult: Sendable, CustomStringConvertible {
    var arguments: [String]
    var exitCode: Int32
    /// Set when the process ended by a signal rather than by exiting.
    var signal: Int32?
    var stdout: String
    var stderr: String

    var description: String {
        let status = signal.map { "killed by signal \($0)" } ?? "exit \(exitCode)"
        return
            "`licensing \(arguments.joined(separator: " "))` → \(status)\nstdout: \(stdout.prefix(2_000))\nstderr: \(stderr.prefix(2_000))"
    }

    /// Decodes stdout as one JSON document.
    func json<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(stdout.utf8))
        } catch {
            throw HarnessError("stdout of `licensing \(arguments.joined(separator: " "))` is not a \(T.self): \(error)\n\(self)")
        }
    }

    /// Stdout as an untyped JSON object, for checking which keys are present.
    func jsonObject() throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
            throw HarnessError("stdout is not a JSON object\n\(self)")
        }
        return object
    }

    /// Throws with the whole result unless the run exited 0.
    @discardableResult
    func requireSuccess(sourceLocation: SourceLocation = #_sourceLocation) throws -> CLIResult {
        try #require(exitCode == 0 && signal == nil, "expected success\n\(self)", sourceLocation: sourceLocation)
        return self
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum CLI {
    /// The package root, found from this file's path (Tests/LicensingCLITests/CLIHarness.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `LICENSING_BINARY`, else `<package root>/.build/debug/licensing`.
    static func binary() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        let url =
            environment["LICENSING_BINARY"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? packageRoot.appendingPathComponent(".build/debug/licensing")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw HarnessError(
                "the licensing binary is missing at \(url.path): run `swift build --product licensing` "
                    + "(or scripts/test), or set LICENSING_BINARY")
        }
        return url
    }

    /// Runs `licensing ARGS` to the end.
    static func run(_ arguments: [String], stdin: Data? = nil) async throws -> CLIResult {
        try await start(arguments, stdin: stdin).wait()
    }

    /// Starts `licensing ARGS` without waiting, for tests that run many at once or kill one.
    static func start(_ arguments: [String], stdin: Data? = nil) throws -> RunningProcess {
        try RunningProcess(
            executable: binary(), arguments: arguments, stdin: stdin,
            environment: environment.merging(extraEnvironment) { $1 })
    }

    /// Variables added to every run in a task: `LICENSING_DATABASE` points a whole test at PostgreSQL.
    @TaskLocal static var extraEnvironment: [String: String] = [:]

    /// Runs `body` with every command of it on `backend`: SQLite in `--data`, or a new PostgreSQL database (the
    /// installation key is still kept in `--data`).
    static func on<T>(_ backend: StoreBackend, _ body: () async throws -> T) async throws -> T {
        guard backend == .postgres else { return try await body() }
        let url = try await PostgresTestServer.shared.makeDatabase()
        do {
            let result = try await $extraEnvironment.withValue(["LICENSING_DATABASE": url]) { try await body() }
            try? await PostgresTestServer.shared.dropDatabase(url)
            return result
        } catch {
            try? await PostgresTestServer.shared.dropDatabase(url)
            throw error
        }
    }

    /// The environment of the tests minus anything that would point the binary elsewhere.
    static let environment: [String: String] = {
        var environment = ProcessInfo.processInfo.environment
        for name in ["LICENSING_DATA", "LICENSING_DATABASE", "LICENSING_TENANT", "LICENSING_INSTALLATION_KEY"] {
            environment[name] = nil
        }
        environment["LICENSING_ACTOR"] = "cli-tests"
        return environment
    }()
}

/// A started `licensing` (or other) process: a `SpawnedProcess` whose end is read as a `CLIResult`.
final class RunningProcess: Sendable {
    let arguments: [String]
    private let process: SpawnedProcess

    init(executable: URL, arguments: [String], stdin: Data?, environment: [String: String]) throws {
        self.arguments = arguments
        process = try SpawnedProcess(executable: executable.path, arguments: arguments, environment: environment, stdin: stdin)
    }

    var processIdentifier: pid_t { process.processIdentifier }

    /// Sends SIGKILL (a no-op if the process has ended).
    func kill9() { process.send(SIGKILL) }

    /// What the process has written to stdout and stderr so far (a server's log, while it runs).
    var outputSoFar: String { process.stdoutSoFar + process.stderrSoFar }

    var hasEnded: Bool { process.hasEnded }

    /// Waits for the end and collects the output; a process still running after `timeout` is killed and reported.
    func wait(timeout: Duration = .seconds(120)) async throws -> CLIResult {
        let outcome = await process.wait(timeout: timeout)
        var stderr = outcome.stderr
        if outcome.timedOut { stderr += "\n[harness: still running after \(timeout), killed]" }
        if outcome.statusLost { stderr += "\n[harness: exit status lost]" }
        return CLIResult(
            arguments: arguments, exitCode: outcome.exitCode, signal: outcome.signal, stdout: outcome.stdout, stderr: stderr)
    }
}

/// Runs another program (the Python verifier) to the end.
func runProgram(_ executable: String, _ arguments: [String]) async throws -> CLIResult {
    guard FileManager.default.isExecutableFile(atPath: executable) else {
        throw HarnessError("\(executable) is not an executable file")
    }
    return try await RunningProcess(
        executable: URL(fileURLWithPath: executable), arguments: arguments, stdin: nil, environment: CLI.environment
    ).wait()
}

// MARK: - Temporary directories

/// A fresh directory for one test, removed by `remove()` (kept when `LICENSING_KEEP_TEST_DATA` is set).
struct Sandbox: Sendable {
    let url: URL

    init() throws {
        // A directory of its own directly in the temporary directory: a shared parent would stay behind (issue 17).
        url = FileManager.default.temporaryDirectory.appendingPathComponent("licensing-cli-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() {
        guard ProcessInfo.processInfo.environment["LICENSING_KEEP_TEST_DATA"] == nil else { return }
        try? FileManager.default.removeItem(at: url)
    }
}
