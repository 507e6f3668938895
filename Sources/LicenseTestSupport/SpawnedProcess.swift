import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How a spawned process ended and what it wrote.
public struct SpawnedOutcome: Sendable {
    /// The exit code, or -1 when the process ended by a signal (or its status was lost).
    public var exitCode: Int32
    /// The terminating signal, when it ended by one.
    public var signal: Int32?
    public var stdout: String
    public var stderr: String
    /// Set when it was still running at the deadline and was killed.
    public var timedOut: Bool
    /// Set when `waitpid` could not deliver the status (someone else reaped the child).
    public var statusLost: Bool
}

/// A child process started with `posix_spawn`, its stdout and stderr going to files (no pipe can fill up and block
/// it), reaped by `waitpid` on a thread of its own, so dozens started at once are each seen to end and a waiting test
/// never holds a cooperative thread.
///
/// Not Foundation's `Process`: on Linux its `run()` reads `/proc/self/fd` with a buffer over-read that crashes the
/// test process now and then when many descriptors are open (swift-corelibs-foundation PR 5472).
public final class SpawnedProcess: @unchecked Sendable {
    public let arguments: [String]
    public let processIdentifier: pid_t
    private let stdoutURL: URL
    private let stderrURL: URL
    private let stdinURL: URL?
    private let exit = ExitSignal()

    public init(executable: String, arguments: [String], environment: [String: String], stdin: Data? = nil) throws {
        self.arguments = arguments
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("licensing-child-\(UUID().uuidString)")
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
        guard input >= 0, output >= 0, error >= 0 else {
            throw SpawnError("cannot open the output files in \(scratch.deletingLastPathComponent().path)")
        }

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

        let path = executable.hasPrefix("/") ? executable : try Self.find(executable, in: environment)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard status == 0 else { throw SpawnError("cannot start \(path): \(String(cString: strerror(status)))") }
        processIdentifier = pid
        let exit = self.exit
        let child = pid
        Thread.detachNewThread {
            var status: Int32 = 0
            var reaped = waitpid(child, &status, 0)
            while reaped == -1 && errno == EINTR { reaped = waitpid(child, &status, 0) }
            exit.fire(reaped == child ? status : Int32.min)
        }
    }

    deinit {
        if !hasEnded { _ = kill(processIdentifier, SIGKILL) }
        removeFiles()
    }

    /// The program's path, searched in the environment's `PATH` as `env` would.
    private static func find(_ name: String, in environment: [String: String]) throws -> String {
        let directories = (environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            .split(separator: ":")
        for directory in directories {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw SpawnError("\(name) is not on the PATH")
    }

    public var hasEnded: Bool { exit.hasFired }

    /// What the process has written to stdout so far.
    public var stdoutSoFar: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }

    /// What the process has written to stderr so far.
    public var stderrSoFar: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Sends `signal` (nothing happens once the process has ended).
    public func send(_ signal: Int32) {
        guard !hasEnded else { return }
        _ = kill(processIdentifier, signal)
    }

    /// Waits for the end and collects the output; a process still running after `timeout` is killed.
    public func wait(timeout: Duration? = nil) async -> SpawnedOutcome {
        let pid = processIdentifier
        let watchdog = Task { () -> Bool in
            guard let timeout else { return false }
            do { try await Task.sleep(for: timeout) } catch { return false }
            _ = kill(pid, SIGKILL)
            return true
        }
        let status = await exit.wait()
        watchdog.cancel()
        let timedOut = await watchdog.value
        let stdout = stdoutSoFar
        let stderr = stderrSoFar
        removeFiles()
        if status == Int32.min {
            return SpawnedOutcome(exitCode: -1, signal: nil, stdout: stdout, stderr: stderr, timedOut: timedOut, statusLost: true)
        }
        // waitpid status: low 7 bits = terminating signal (0 when exited), next byte = exit code.
        let signal = status & 0x7F
        return SpawnedOutcome(
            exitCode: signal == 0 ? (status >> 8) & 0xFF : -1, signal: signal == 0 ? nil : signal, stdout: stdout,
            stderr: stderr, timedOut: timedOut, statusLost: false)
    }

    private func removeFiles() {
        try? FileManager.default.removeItem(at: stdoutURL)
        try? FileManager.default.removeItem(at: stderrURL)
        if let stdinURL { try? FileManager.default.removeItem(at: stdinURL) }
    }
}

public struct SpawnError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Hands the `waitpid` status from the reaping thread to its async waiters.
private final class ExitSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int32?
    private var waiters: [CheckedContinuation<Int32, Never>] = []

    var hasFired: Bool { lock.withLock { status != nil } }

    func fire(_ status: Int32) {
        let waiters = lock.withLock {
            self.status = status
            defer { self.waiters = [] }
            return self.waiters
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let fired = lock.withLock { () -> Int32? in
                if self.status == nil { waiters.append(continuation) }
                return self.status
            }
            if let fired { continuation.resume(returning: fired) }
        }
    }
}
