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

/// A started process whose stdout and stderr go to temporary files (no pipe can fill up and block it).
///
/// Spawned with `posix_spawn` and reaped by `waitpid` on a thread of its own, so that dozens of processes started
/// at once are each seen to end, and a waiting test never holds one of Swift's few cooperative threads.
final class RunningProcess: @unchecked Sendable {
    let arguments: [String]
    let processIdentifier: pid_t
    private let stdoutURL: URL
    private let stderrURL: URL
    private let stdinURL: URL?
    private let exit = ExitSignal()

    init(executable: URL, arguments: [String], stdin: Data?, environment: [String: String]) throws {
        self.arguments = arguments
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("licensing-cli-\(UUID().uuidString)")
        stdoutURL = scratch.appendingPathExtension("out")
        stderrURL = scratch.appendingPathExtension("err")
        if let stdin {
            let url = scratch.appendingPathExtension("in")
            try stdin.write(to: url)
            stdinURL = url
        } else {
            stdinURL = nil
        }
        let input = open(stdinURL?.path ?? "/dev/null", O_RDONLY | O_CLOEXEC)
        let output = open(stdoutURL.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let error = open(stderrURL.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer { for fd in [input, output, error] where fd >= 0 { close(fd) } }
        guard input >= 0, output >= 0, error >= 0 else { throw HarnessError("cannot open the output files in \(scratch.path)") }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, error, 2)
        // The child starts with no blocked signals and SIGPIPE at its default, whatever the test thread had.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable.path, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw HarnessError("cannot start \(executable.path): \(String(cString: strerror(status)))")
        }
        processIdentifier = pid
        let exit = self.exit
        let child = pid
        Thread.detachNewThread {
            var status: Int32 = 0
            var reaped = waitpid(child, &status, 0)
            while reaped == -1 && errno == EINTR { reaped = waitpid(child, &status, 0) }
            exit.fire(reaped == child ? status : RunningProcess.statusLost)
        }
    }

    /// Stands for a status `waitpid` could not deliver (someone else reaped the child).
    static let statusLost = Int32.min

    /// Sends SIGKILL (a no-op if the process has ended).
    func kill9() {
        _ = kill(processIdentifier, SIGKILL)
    }

    /// Waits for the end and collects the output; a process still running after `timeout` is killed and reported.
    func wait(timeout: Duration = .seconds(120)) async throws -> CLIResult {
        let pid = processIdentifier
        let watchdog = Task { () -> Bool in
            do { try await Task.sleep(for: timeout) } catch { return false }
            _ = kill(pid, SIGKILL)
            return true
        }
        let status = await exit.wait()
        watchdog.cancel()
        let timedOut = await watchdog.value
        defer {
            try? FileManager.default.removeItem(at: stdoutURL)
            try? FileManager.default.removeItem(at: stderrURL)
            if let stdinURL { try? FileManager.default.removeItem(at: stdinURL) }
        }
        let stdout = String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self)
        var stderr = String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self)
        if timedOut { stderr += "\n[harness: still running after \(timeout), killed]" }
        if status == Self.statusLost {
            return CLIResult(
                arguments: arguments, exitCode: -1, signal: nil, stdout: stdout, stderr: stderr + "\n[harness: exit status lost]")
        }
        // waitpid status: low 7 bits = terminating signal (0 when exited), next byte = exit code.
        let signal = status & 0x7F
        return CLIResult(
            arguments: arguments, exitCode: signal == 0 ? (status >> 8) & 0xFF : -1, signal: signal == 0 ? nil : signal,
            stdout: stdout, stderr: stderr)
    }
}

/// Hands the `waitpid` status from the reaping thread to one async waiter.
private final class ExitSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int32?
    private var waiter: CheckedContinuation<Int32, Never>?

    func fire(_ status: Int32) {
        lock.lock()
        self.status = status
        let waiter = self.waiter
        self.waiter = nil
        lock.unlock()
        waiter?.resume(returning: status)
    }

    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let status {
                lock.unlock()
                continuation.resume(returning: status)
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
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
