import Foundation
import LicenseTestSupport
import Testing

// Drives the real `licensing` binary as a subprocess (LicenseTestSupport's ChildProcess). Every test works in its own
// temporary directory.

enum CLI {
    /// The package root (README.md, scripts/).
    static let packageRoot = LicensingBinary.packageRoot

    /// Runs `licensing ARGS` to the end.
    static func run(_ arguments: [String], stdin: Data? = nil) async throws -> ProcessResult {
        try await start(arguments, stdin: stdin).wait()
    }

    /// Starts `licensing ARGS` without waiting, for tests that run many at once or kill one.
    static func start(_ arguments: [String], stdin: Data? = nil) throws -> ChildProcess {
        try ChildProcess(arguments, environment: environment.merging(extraEnvironment) { $1 }, stdin: stdin)
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
    static let environment = LicensingBinary.environment(actor: "cli-tests")
}

/// Runs another program (the Python verifier) to the end.
func runProgram(_ executable: String, _ arguments: [String]) async throws -> ProcessResult {
    guard FileManager.default.isExecutableFile(atPath: executable) else {
        throw HarnessError("\(executable) is not an executable file")
    }
    return try await ChildProcess(arguments, executable: executable, environment: CLI.environment).wait()
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
