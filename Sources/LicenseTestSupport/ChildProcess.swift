import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended and what it wrote.
public struct ProcessResult: Sendable, CustomStringConvertible {
    /// The program's name as the description shows it (`licensing` for the package's binary).
    public var program: String
    public var arguments: [String]
    /// The exit code; -1 when the process ended by a signal (or its status was lost).
    public var exitCode: Int32
    /// The terminating signal, when it ended by one.
    public var signal: Int32?
    public var stdout: String
    public var stderr: String

    public init(program: String, arguments: [String], exitCode: Int32, signal: Int32?, stdout: String, stderr: String) {
        self.program = program
        self.arguments = arguments
        self.exitCode = exitCode
        self.signal = signal
        self.stdout = stdout
        self.stderr = stderr
    }

    public var wasSignalled: Bool { signal != nil }

    /// Exited 0.
    public var succeeded: Bool { exitCode == 0 && signal == nil }

    public var description: String {
        let status = signal.map { "killed by signal \($0)" } ?? "exit \(exitCode)"
        return "`\(program) \(arguments.joined(separator: " "))` → \(status)\nstdout: \(stdout.prefix(2_000))\n"
            + "stderr: \(stderr.prefix(2_000))"
    }

    /// Stdout decoded as one JSON document.
    public func json<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(stdout.utf8))
        } catch {
            throw HarnessError("stdout is not a \(T.self): \(error)\n\(self)")
        }
    }

    /// Stdout as an untyped JSON object, for checking which keys are present.
    public func jsonObject() throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
            throw HarnessError("stdout is not a JSON object\n\(self)")
        }
        return object
    }

    /// Throws with the whole result unless the run exited 0.
    @discardableResult
    public func requireSuccess() throws -> ProcessResult {
        guard succeeded else { throw HarnessError("expected success\n\(self)") }
        return self
    }
}

/// A started program (the `licensing` binary unless another is named): a `SpawnedProcess` whose end is read as a
/// `ProcessResult`.
///
/// A process started `watched` gets a watchdog that kills it with SIGKILL once this test process is gone, so a server
/// never outlives a test run that crashed or was killed.
public final class ChildProcess: Sendable {
    public let arguments: [String]
    private let program: String
    private let process: SpawnedProcess

    /// Starts a watchdog that kills this shell's pid once `$1` (the test process) is gone, then becomes `"$@"` with
    /// `exec`: the program keeps the pid, its signals and its exit status, as if started directly.
    ///
    /// The watchdog first closes every inherited descriptor: a watchdog holding the end of a socket the child
    /// inherited would keep the end of the program from the test.
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

    /// Starts `executable` (a path, or a name looked up in the environment's PATH; nil: the `licensing` binary) with
    /// exactly `environment`.
    public init(
        _ arguments: [String], executable: String? = nil, environment: [String: String], stdin: Data? = nil,
        watched: Bool = false
    ) throws {
        self.arguments = arguments
        let path = try executable ?? LicensingBinary.url().path
        program = executable.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "licensing"
        if watched {
            process = try SpawnedProcess(
                executable: "/bin/bash",
                arguments: ["-c", Self.watchdog, "bash", String(ProcessInfo.processInfo.processIdentifier), path] + arguments,
                environment: environment, stdin: stdin)
        } else {
            process = try SpawnedProcess(executable: path, arguments: arguments, environment: environment, stdin: stdin)
        }
    }

    public var processIdentifier: pid_t { process.processIdentifier }

    /// What the process has written to stdout so far.
    public var stdoutSoFar: String { process.stdoutSoFar }

    /// What the process has written to stderr so far.
    public var stderrSoFar: String { process.stderrSoFar }

    /// Stdout and stderr so far (a server's log, while it runs).
    public var outputSoFar: String { stdoutSoFar + stderrSoFar }

    public var hasEnded: Bool { process.hasEnded }

    /// Sends `signal` (nothing happens once the process has ended).
    public func send(_ signal: Int32) { process.send(signal) }

    /// SIGKILL: no graceful shutdown, no flush, no chance to finish a transaction.
    public func kill9() { process.send(SIGKILL) }

    /// Waits for the end and collects the output; a process still running after `timeout` is killed, and stderr
    /// says so. Throws when the exit status was lost (something else reaped the child).
    public func wait(timeout: Duration? = .seconds(120)) async throws -> ProcessResult {
        let outcome = await process.wait(timeout: timeout)
        guard !outcome.statusLost else {
            throw HarnessError("the exit status of `\(program) \(arguments.joined(separator: " "))` was lost: \(outcome.stderr)")
        }
        var stderr = outcome.stderr
        if outcome.timedOut { stderr += "\n[harness: still running after \(timeout ?? .zero), killed]" }
        return ProcessResult(
            program: program, arguments: arguments, exitCode: outcome.exitCode, signal: outcome.signal,
            stdout: outcome.stdout, stderr: stderr)
    }

    /// Runs a program to its end with the test process's environment plus `environment`.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(120)
    ) async throws -> ProcessResult {
        try await ChildProcess(
            arguments, executable: executable,
            environment: ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        ).wait(timeout: timeout)
    }
}
