import Foundation
import LicenseCore
import LicenseStore
import LicenseStoreEngine
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// The shared backend: several stateless server nodes on one PostgreSQL database (DESIGN §4, §12).
///
/// Every write runs in one transaction that first locks the tenant's head row (`SELECT … FOR UPDATE`): every write
/// appends to the tenant's sealed audit chain in that row, so a tenant's writers queue there whatever node they run
/// on, and each decides on what the one before committed, as SQLite's IMMEDIATE transactions do on one machine. Each
/// commit bumps the tenant's version and sends `NOTIFY licensing_changes`, which every node's `changeFeed` turns into
/// a snapshot refresh.
///
/// A transaction's decision runs on a thread of `threads` and waits there for each statement's answer, so the
/// engine's decisions are the same synchronous code on both backends.
public final class PostgresBackend: DatabaseBackend {
    let client: PostgresClient
    let logger: Logger
    let requestTimeout: Duration
    public let changeFeed: AsyncStream<StoreChange>?
    private let background: [Task<Void, Never>]
    private var threads: NIOThreadPool { Self.threads }
    /// The threads transactions' decisions run on, shared by every store of the process (a thread waits for each
    /// statement's answer; the tenant's head-row lock already makes one tenant's writers take turns).
    static let threads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 32)
        pool.start()
        return pool
    }()
    /// A tenant's writers on this node queue here before they take a connection.
    private let gates = TenantGates()
    /// Open while the database is known to be unreachable: requests fail at once instead of each waiting out the
    /// timeout; a probe closes it when the database answers again.
    private let outage = Outage()

    static let channel = "licensing_changes"

    /// Connects (the pool connects lazily), applies pending migrations and, when `listen`, starts the change feed.
    ///
    /// - Parameters:
    ///   - url: `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]`.
    ///   - requestTimeout: how long a request waits for the database before failing with `StoreUnavailable`, or with
    ///     `StoreBusy` when it was waiting for a tenant's head row that another session holds.
    public static func connect(
        url: String, logger: Logger = Logger(label: "licensing.postgres"), requestTimeout: Duration = .seconds(5),
        maximumConnections: Int = 20, listen: Bool = false
    ) async throws -> PostgresBackend {
        let configuration = try PostgresURL.configuration(
            url, connectTimeout: requestTimeout, maximumConnections: maximumConnections)
        let backend = PostgresBackend(
            client: PostgresClient(configuration: configuration, backgroundLogger: logger), logger: logger,
            requestTimeout: requestTimeout, listen: listen)
        do {
            try await backend.migrate()
        } catch {
            await backend.shutdown()
            throw error
        }
        return backend
    }

    private init(client: PostgresClient, logger: Logger, requestTimeout: Duration, listen: Bool) {
        self.client = client
        self.logger = logger
        self.requestTimeout = requestTimeout
        var background = [Task { await client.run() }]
        if listen {
            let (stream, continuation) = AsyncStream.makeStream(of: StoreChange.self, bufferingPolicy: .bufferingNewest(1_000))
            changeFeed = stream
            background.append(Task { await Self.listen(client: client, logger: logger, continuation: continuation) })
        } else {
            changeFeed = nil
        }
        self.background = background
    }

    /// Stops the change feed and closes the pool. A transaction thread still waiting for a statement is freed at
    /// that statement's deadline.
    public func shutdown() async {
        outage.stop()
        for task in background.reversed() {
            task.cancel()
            await task.value
        }
    }

    /// Holds one connection that LISTENs; after every (re)connection it reports `.all`, since notifications sent
    /// while it was away are lost.
    private static func listen(
        client: PostgresClient, logger: Logger, continuation: AsyncStream<StoreChange>.Continuation
    ) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        continuation.yield(.all)
                        for try await notification in notifications {
                            continuation.yield(StoreChange(payload: notification.payload))
                        }
                    }
                }
            } catch {
                if Task.isCancelled { break }
                logger.warning("change feed lost its connection; reconnecting", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
        continuation.finish()
    }

    // MARK: - Transactions

    /// Runs `body` in a transaction; with `tenant`, the tenant's head row is locked first, so the tenant's writers
    /// queue. A failure rolls back; a connection that cannot roll back is closed, never reused mid-transaction.
    ///
    /// A write whose deadline passes while it waits for the head row fails with `StoreBusy` (503 `database-busy`, CLI
    /// exit 4, as SQLite's write lock): the database answered, another session holds the tenant. It opens no outage,
    /// so reads and other tenants go on.
    public func write<T: Sendable>(
        tenant: String?, timeout: Duration?, _ body: @escaping @Sendable (PostgresSession) throws -> T
    ) async throws -> T {
        if let tenant { await gates.enter(tenant) }
        defer { if let tenant { gates.leave(tenant) } }
        let waitingForLock = LockWaitFlag()
        return try await transaction(begin: "BEGIN", timeout: timeout, waitingForLock: waitingForLock) { session in
            if let tenant {
                // The locked row is the engine's first read of the head (one round trip, not two).
                waitingForLock.set(true)
                let head = try session.row("SELECT * FROM tenant_head WHERE tenant_id = ? FOR UPDATE", [.text(tenant)])
                waitingForLock.set(false)
                guard let head else { throw LicenseInputError.unknownTenant(tenant) }
                session.changes.lockedHead(tenant: tenant, head)
            }
            return try body(session)
        }
    }

    /// A read-only transaction that sees one consistent state of the database.
    public func read<T: Sendable>(timeout: Duration?, _ body: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T
    {
        try await transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", timeout: timeout, body)
    }

    private func transaction<T: Sendable>(
        begin: String, timeout: Duration?, waitingForLock: LockWaitFlag? = nil,
        _ body: @escaping @Sendable (PostgresSession) throws -> T
    ) async throws -> T {
        if let message = outage.message { throw StoreUnavailable(message) }
        let leased = LeaseWatch()
        let abandoned = AbandonFlag()
        let finish = timeout ?? requestTimeout
        // A statement never waits past the request's own deadline (plus a margin for the rollback).
        let deadline = DispatchTime.now() + .milliseconds(Int((finish + .seconds(1)).components.seconds * 1_000))
        do {
            return try await withDeadlines(
                connect: requestTimeout, finish: finish, leased: leased, waitingForLock: waitingForLock
            ) {
                [client, threads, logger] in
                try await client.withConnection { connection in
                    leased.set(connection)
                    defer { leased.release(connection) }
                    let session = PostgresSession(
                        connection: connection, logger: logger, abandoned: abandoned, deadline: deadline)
                    return try await threads.runIfActive { try Self.run(begin: begin, session: session, body) }
                }
            }
        } catch let error as StoreUnavailable {
            abandoned.set()
            outage.begin(error.message) { [client, requestTimeout] in
                try await Self.probe(client: client, timeout: requestTimeout)
            }
            throw error
        } catch {
            abandoned.set()
            throw error
        }
    }

    /// BEGIN, the body, COMMIT; ROLLBACK on any error (closing the connection when even that fails).
    private static func run<T>(begin: String, session: PostgresSession, _ body: (PostgresSession) throws -> T) throws -> T {
        try session.execute(begin, [])
        do {
            let value = try body(session)
            try session.execute("COMMIT", [])
            // Committed; the tenant's gate is still held, so this process's next write of it has not begun.
            session.changes.didCommit()
            return value
        } catch {
            do {
                _ = try session.wait(for: session.connection.query("ROLLBACK", logger: session.logger))
            } catch {
                session.connection.close().whenComplete { _ in }
            }
            throw error
        }
    }

    /// One `SELECT 1` within `timeout`.
    private static func probe(client: PostgresClient, timeout: Duration) async throws {
        try await race {
            _ = try await client.withConnection { try await $0.query("SELECT 1", logger: Logger(label: "licensing.probe")) }
        } deadline: {
            try await Task.sleep(for: timeout)
            return StoreUnavailable("probe timed out")
        }
    }

    /// Fails with `StoreUnavailable` when no connection is had within `connect` (the database is down or every
    /// connection is busy), when the work does not end within `finish`, or when the connection breaks; with
    /// `StoreBusy` when at `finish` the work is still waiting for the tenant's head row (`waitingForLock`).
    private func withDeadlines<T: Sendable>(
        connect: Duration, finish: Duration, leased: LeaseWatch, waitingForLock: LockWaitFlag?,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await Self.race(body, lost: leased.whenLost) {
            try await Task.sleep(for: connect)
            guard leased.isSet else { return StoreUnavailable("no database connection within \(connect.seconds) s") }
            if finish > connect { try await Task.sleep(for: finish - connect) }
            if waitingForLock?.isSet == true {
                return StoreBusy("another session has held the tenant's write lock for more than \(finish.seconds) s")
            }
            return StoreUnavailable("the database did not finish within \(finish.seconds) s")
        }
    }

    /// The answer of `body`, or the error `deadline` returns first. The loser is cancelled and not waited for: a
    /// connection lease or a query that ignores cancellation must not hold the caller past its deadline.
    ///
    /// `lost` is handed a function that fails the race at once (the connection closed under the work).
    static func race<T: Sendable>(
        _ body: @escaping @Sendable () async throws -> T,
        lost: (@escaping @Sendable () -> Void) -> Void = { _ in },
        deadline: @escaping @Sendable () async throws -> any Error
    ) async throws -> T {
        let outcome = RaceOutcome<T>()
        lost { outcome.resolve(.failure(StoreUnavailable("the connection to the database was lost"))) }
        return try await withCheckedThrowingContinuation { continuation in
            outcome.install(continuation)
            let work = Task {
                do {
                    outcome.resolve(.success(try await body()))
                } catch let error as PSQLError {
                    switch error.code {
                    case .server where Self.isUnavailability(error):
                        outcome.resolve(
                            .failure(StoreUnavailable("the database is unavailable (it is shutting down or restarting)")))
                    case .server, .queryCancelled, .tooManyParameters, .invalidCommandTag:
                        outcome.resolve(.failure(error))
                    default:
                        outcome.resolve(.failure(StoreUnavailable("the database is unreachable (\(error.code))")))
                    }
                } catch {
                    outcome.resolve(.failure(error))
                }
            }
            let timer = Task {
                guard let error = try? await deadline() else { return }
                outcome.resolve(.failure(error))
                work.cancel()
            }
            outcome.onResolve {
                timer.cancel()
                work.cancel()
            }
        }
    }

    /// A server error that says the database is going away rather than that the statement was wrong: SQLSTATE class 57
    /// (operator intervention: shutdown, crash, cannot connect now) or 08 (connection exception). A query running when
    /// PostgreSQL is stopped gets 57P01.
    static func isUnavailability(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("57") || state.hasPrefix("08")
    }

    // MARK: - Migrations

    /// Applies the migrations not yet recorded in `schema_migration`, under an advisory lock so nodes starting
    /// together apply each one once.
    public func migrate() async throws {
        try await write(tenant: nil, timeout: .seconds(120)) { session in
            try session.execute("SELECT pg_advisory_xact_lock(7140512)", [])
            try session.execute(
                "CREATE TABLE IF NOT EXISTS schema_migration (id TEXT NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)", [])
            let applied = Set(try session.scalars(String.self, "SELECT id FROM schema_migration"))
            for migration in PostgresSchema.migrations where !applied.contains(migration.id) {
                for statement in migration.sql.components(separatedBy: ";")
                where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    try session.execute(statement, [])
                }
                try session.execute(
                    "INSERT INTO schema_migration (id, applied_at) VALUES (?, ?)",
                    [.text(migration.id), .integer(Int64(Date().timeIntervalSince1970))])
            }
        }
    }
}

extension LicenseEngine where Backend == PostgresBackend {
    /// A store on PostgreSQL (see `PostgresBackend.connect`).
    public static func connect(
        url: String, sealer: Sealer, logger: Logger = Logger(label: "licensing.postgres"),
        requestTimeout: Duration = .seconds(5), maximumConnections: Int = 20, listen: Bool = false
    ) async throws -> LicenseEngine<PostgresBackend> {
        LicenseEngine(
            backend: try await PostgresBackend.connect(
                url: url, logger: logger, requestTimeout: requestTimeout, maximumConnections: maximumConnections,
                listen: listen),
            sealer: sealer)
    }
}

/// The shared store.
public typealias PostgresLicenseStore = LicenseEngine<PostgresBackend>

/// The first of two outcomes, delivered once.
final class RaceOutcome<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var result: Result<T, any Error>?
    private var cleanup: (@Sendable () -> Void)?

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    /// Runs `action` once resolved (at once when already resolved).
    func onResolve(_ action: @escaping @Sendable () -> Void) {
        let now = lock.withLock { () -> Bool in
            if result != nil { return true }
            cleanup = action
            return false
        }
        if now { action() }
    }

    func resolve(_ outcome: Result<T, any Error>) {
        let (continuation, cleanup) = lock.withLock { () -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard result == nil else { return (nil, nil) }
            result = outcome
            defer {
                self.continuation = nil
                self.cleanup = nil
            }
            return (self.continuation, self.cleanup)
        }
        continuation?.resume(with: outcome)
        cleanup?()
    }
}

/// An async lock per tenant: writers of one tenant take turns in arrival order.
final class TenantGates: @unchecked Sendable {
    private let lock = NSLock()
    private var queues: [String: [CheckedContinuation<Void, Never>]] = [:]
    private var busy: Set<String> = []

    func enter(_ tenant: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = lock.withLock {
                if busy.insert(tenant).inserted { return true }
                queues[tenant, default: []].append(continuation)
                return false
            }
            if admitted { continuation.resume() }
        }
    }

    func leave(_ tenant: String) {
        let next = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            guard var waiting = queues[tenant], !waiting.isEmpty else {
                busy.remove(tenant)
                queues[tenant] = nil
                return nil
            }
            let first = waiting.removeFirst()
            queues[tenant] = waiting
            return first
        }
        next?.resume()
    }
}

/// The database is known to be unreachable; one probe at a time checks every half second whether it is back.
final class Outage: @unchecked Sendable {
    private let lock = NSLock()
    private var current: String?
    private var probing = false
    private var stopped = false

    /// Ends the probing (the store shuts down).
    func stop() { lock.withLock { stopped = true } }

    var message: String? { lock.withLock { current } }

    func begin(_ message: String, probe: @escaping @Sendable () async throws -> Void) {
        let start = lock.withLock { () -> Bool in
            current = message
            if probing { return false }
            probing = true
            return true
        }
        guard start else { return }
        Task {
            while !lock.withLock({ stopped }) {
                try? await Task.sleep(for: .milliseconds(500))
                if (try? await probe()) != nil { break }
            }
            lock.withLock {
                current = nil
                probing = false
            }
        }
    }
}

/// Set while a write waits for its tenant's head row (`SELECT … FOR UPDATE`).
final class LockWaitFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set(_ waiting: Bool) { lock.withLock { value = waiting } }
}

/// Whether the work got a connection, and who to tell when that connection closes under it: a query whose
/// connection the server ended does not always fail by itself.
final class LeaseWatch: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    private var onLost: (@Sendable () -> Void)?

    var isSet: Bool { lock.withLock { value } }

    func whenLost(_ action: @escaping @Sendable () -> Void) { lock.withLock { onLost = action } }

    func set(_ connection: PostgresConnection) {
        let action = lock.withLock { () -> (@Sendable () -> Void)? in
            value = true
            return onLost
        }
        if let action { ConnectionWatch.shared.attach(connection, action) }
    }

    func release(_ connection: PostgresConnection) { ConnectionWatch.shared.detach(connection) }
}

/// Calls the handler of the transaction a connection is serving when the connection closes. One close callback per
/// connection, registered the first time it is seen, so long-lived pool connections gather nothing.
final class ConnectionWatch: @unchecked Sendable {
    static let shared = ConnectionWatch()
    private let lock = NSLock()
    private var handlers: [ObjectIdentifier: @Sendable () -> Void] = [:]
    private var watched: Set<ObjectIdentifier> = []

    func attach(_ connection: PostgresConnection, _ handler: @escaping @Sendable () -> Void) {
        let id = ObjectIdentifier(connection)
        let first = lock.withLock { () -> Bool in
            handlers[id] = handler
            return watched.insert(id).inserted
        }
        guard first else { return }
        connection.closeFuture.whenComplete { _ in
            let handler = self.lock.withLock { () -> (@Sendable () -> Void)? in
                self.watched.remove(id)
                return self.handlers.removeValue(forKey: id)
            }
            handler?()
        }
    }

    func detach(_ connection: PostgresConnection) {
        _ = lock.withLock { handlers.removeValue(forKey: ObjectIdentifier(connection)) }
    }
}

extension Duration {
    /// Whole seconds, for messages.
    var seconds: Int64 { components.seconds }
}
