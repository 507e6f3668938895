import Foundation

/// A throwaway PostgreSQL for tests, started with `scripts/postgres` (Debian's `postgresql` package: `initdb` and
/// `pg_ctl` in a temporary directory, a free loopback port, trust authentication for 127.0.0.1).
///
/// ```swift
/// let url = try await PostgresTestServer.shared.makeDatabase()   // postgres://postgres@127.0.0.1:PORT/licensing_test_…
/// ```
///
/// `shared` is one server for the whole test process, started on first use, or the server named by
/// `LICENSING_TEST_POSTGRES_URL` (the test script starts one for the whole run and sets it). `start()` makes a
/// private server that a fault test may stop and restart. A watchdog stops every server this process started, at
/// once, and removes its directory when the test process is gone, however it ended; `remove()` does so earlier.
public actor PostgresTestServer {
    /// The server every test shares; see the type's description.
    public static let shared = PostgresTestServer(directory: nil, startedURL: nil)

    /// The environment variable naming a running server to use instead of starting one.
    public static let environmentVariable = "LICENSING_TEST_POSTGRES_URL"

    /// The directory of this process's server (`data/`, `postgres.log`, `port`), or nil for an external one.
    public private(set) var directory: URL?
    private var starting: Task<String, any Error>?
    private var startedURL: String?

    private init(directory: URL?, startedURL: String?) {
        self.directory = directory
        self.startedURL = startedURL
    }

    // MARK: - Servers

    /// Starts a private server in a new temporary directory; stop it with `stop()`, start it again on the same port
    /// and data with `restart()`, and remove it with `remove()` (else it goes when the test process does).
    public static func start() async throws -> PostgresTestServer {
        let directory = makeDirectory()
        let url = try await launch(in: directory, watch: true)
        return PostgresTestServer(directory: directory, startedURL: url)
    }

    /// The URL of the server's `postgres` database (as its superuser), starting the shared server on first use.
    public func url() async throws -> String {
        if let startedURL { return startedURL }
        if let starting { return try await starting.value }
        let task = Task<String, any Error> {
            let environment = ProcessInfo.processInfo.environment
            if let url = environment[Self.environmentVariable], !url.isEmpty { return url }
            let directory = Self.makeDirectory()
            self.setDirectory(directory)
            return try await Self.launch(in: directory, watch: true)
        }
        starting = task
        do {
            let url = try await task.value
            startedURL = url
            return url
        } catch {
            starting = nil
            throw error
        }
    }

    /// The port the server listens on.
    public func port() async throws -> Int {
        guard let port = URLComponents(string: try await url())?.port else {
            throw PostgresTestServerError("the server URL names no port: \(try await url())")
        }
        return port
    }

    /// Creates a new database with a unique name and returns its URL: empty, or a copy of the database at
    /// `template` (a URL on this server, which nobody may be connected to meanwhile).
    public func makeDatabase(copying template: String? = nil) async throws -> String {
        let admin = try await url()
        let name = "licensing_test_" + UUID().uuidString.lowercased().filter(\.isHexDigit).prefix(16)
        var sql = "CREATE DATABASE \(name)"
        if let template {
            let source = URLComponents(string: template)?.path.dropFirst() ?? ""
            guard !source.isEmpty, source.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw PostgresTestServerError("not a test database URL: \(template)")
            }
            sql += " TEMPLATE \(source)"
        }
        // CREATE DATABASE refuses while another session is connected to its template ("source database … is being
        // accessed by other users"), e.g. a connection that is just closing.
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await Self.psql(admin, sql)
                break
            } catch let error as PostgresTestServerError
                where attempt < 10 && error.description.contains("is being accessed by other users")
            {
                try await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
        return try Self.url(admin, database: name)
    }

    /// Drops the database at `url` (a URL `makeDatabase` returned), closing its connections first.
    public func dropDatabase(_ url: String) async throws {
        let name = URLComponents(string: url)?.path.dropFirst() ?? ""
        guard name.hasPrefix("licensing_test_") else { throw PostgresTestServerError("not a test database: \(url)") }
        try await Self.psql(try await self.url(), "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Stops the server (`pg_ctl stop -m fast`: open connections are ended, nothing committed is lost).
    public func stop() async throws {
        let directory = try ownDirectory("stop")
        try await Self.script(["stop", directory.path])
    }

    /// Starts the stopped server again on the same port with the same data.
    public func restart() async throws {
        let directory = try ownDirectory("restart")
        _ = try await Self.script(["start", directory.path])
    }

    /// Stops the server at once and deletes its directory (a server this process started; nothing otherwise).
    public func remove() async {
        guard let directory else { return }
        _ = try? await Self.script(["stop", directory.path])
        try? FileManager.default.removeItem(at: directory)
        self.directory = nil
    }

    // MARK: - psql

    /// Runs `sql` with `psql` on the database at `url`, stopping at the first error; returns the rows as psql
    /// prints them unaligned (`-At`: one row a line, columns separated by `|`).
    @discardableResult
    public static func psql(_ url: String, _ sql: String) async throws -> String {
        let result = try await run(
            psqlPath, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
            environment: ["PGCONNECT_TIMEOUT": "10"])
        guard result.status == 0 else {
            throw PostgresTestServerError("psql failed (\(result.status)) on \(sql.prefix(300)): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `url` with its database replaced by `database`.
    public static func url(_ url: String, database: String) throws -> String {
        guard var components = URLComponents(string: url) else {
            throw PostgresTestServerError("not a URL: \(url)")
        }
        components.path = "/" + database
        guard let result = components.string else { throw PostgresTestServerError("cannot name \(database) in \(url)") }
        return result
    }

    // MARK: - Implementation

    static let scriptPath = LicensingBinary.packageRoot.appendingPathComponent("scripts/postgres").path

    /// `psql` from the same PostgreSQL as `initdb` (`LICENSING_POSTGRES_BIN`, else Debian's directory), else PATH's.
    public static let psqlPath: String = {
        var candidates: [String] = []
        if let bin = ProcessInfo.processInfo.environment["LICENSING_POSTGRES_BIN"], !bin.isEmpty { candidates.append(bin) }
        candidates.append("/usr/lib/postgresql/15/bin")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        candidates += versions.sorted { $0.compare($1, options: .numeric) == .orderedDescending }
            .map { "/usr/lib/postgresql/\($0)/bin" }
        candidates += ["/usr/bin", "/usr/local/bin"]
        return candidates.map { "\($0)/psql" }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "psql"
    }()

    private func setDirectory(_ directory: URL) { self.directory = directory }

    private func ownDirectory(_ action: String) throws -> URL {
        guard let directory else {
            throw PostgresTestServerError("cannot \(action) a server this process did not start; use PostgresTestServer.start()")
        }
        return directory
    }

    private static func makeDirectory() -> URL {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("licensing-postgres-\(UUID().uuidString.prefix(8))", isDirectory: true)
    }

    /// `scripts/postgres start DIR`, watched by this process: returns the URL it prints.
    private static func launch(in directory: URL, watch: Bool) async throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var arguments = ["start", directory.path]
        if watch { arguments += ["--watch", String(ProcessInfo.processInfo.processIdentifier)] }
        let url = try await script(arguments)
        guard url.hasPrefix("postgres://") else {
            throw PostgresTestServerError("scripts/postgres printed no URL but '\(url)'")
        }
        return url
    }

    @discardableResult
    private static func script(_ arguments: [String]) async throws -> String {
        guard FileManager.default.isExecutableFile(atPath: scriptPath) else {
            throw PostgresTestServerError("\(scriptPath) is missing")
        }
        let result = try await run("/bin/bash", [scriptPath] + arguments, environment: [:])
        guard result.status == 0 else {
            throw PostgresTestServerError(
                "scripts/postgres \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a program to its end with `environment` added to the test process's: its status (128 + the signal when
    /// one ended it), stdout and stderr.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try await ChildProcess.run(executable, arguments, environment: environment)
        return (result.signal.map { 128 + $0 } ?? result.exitCode, result.stdout, result.stderr)
    }
}

/// A throwaway PostgreSQL could not be started, stopped or asked.
public struct PostgresTestServerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
