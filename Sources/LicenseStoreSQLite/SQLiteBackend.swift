import Foundation
import GRDB
import GRDBSQLite
import LicenseCore
import LicenseStore
import LicenseStoreEngine

/// The embedded backend: one SQLite file in WAL mode, shared safely by the server and CLI processes.
///
/// Every write runs in one IMMEDIATE transaction, so concurrent writers (threads or processes) queue on SQLite's
/// write lock and each sees what the one before committed. A write waits for the lock at most `requestTimeout` from
/// the moment it was asked for (time queued behind this process's other writes included), then fails with
/// `StoreBusy` having changed nothing.
public final class SQLiteBackend: DatabaseBackend {
    let pool: DatabasePool
    public let path: String
    public let requestTimeout: Duration

    public init(path: String, requestTimeout: Duration = .seconds(5)) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(requestTimeout / .milliseconds(1) / 1_000)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        self.path = path
        self.requestTimeout = requestTimeout
        let busy = Self.busyError(requestTimeout)
        pool = try Self.mappingBusy(busy) { try DatabasePool(path: path, configuration: configuration) }
        // Migrating takes the write lock even when there is nothing to do: look first, so opening the database (for
        // a read, say) does not wait for another process's write.
        try Self.mappingBusy(busy) { [pool] in
            guard try !pool.read(SQLiteSchema.migrator.hasCompletedMigrations) else { return }
            try SQLiteSchema.migrator.migrate(pool)
        }
    }

    public var changeFeed: AsyncStream<StoreChange>? { nil }

    public func shutdown() async {}

    public func write<T: Sendable>(
        tenant: String?, timeout: Duration?, _ body: @escaping @Sendable (SQLiteSession) throws -> T
    ) async throws -> T {
        let requested = ContinuousClock.now
        let requestTimeout = requestTimeout
        return try await Self.mappingBusy(Self.busyError(requestTimeout)) { [pool] in
            try await pool.writeWithoutTransaction { db in
                // Time spent queued behind this process's other writes counts: the lock is waited for only what is
                // left of the timeout (the connection's busy timeout is the whole of it otherwise).
                let queued = ContinuousClock.now - requested
                let isShortened = queued > .milliseconds(10)
                if isShortened {
                    let left = max(0, Int((requestTimeout - queued) / .milliseconds(1)))
                    try db.execute(sql: "PRAGMA busy_timeout = \(left)")
                }
                defer {
                    if isShortened {
                        try? db.execute(sql: "PRAGMA busy_timeout = \(Int(requestTimeout / .milliseconds(1)))")
                    }
                }
                var result: T?
                let session = SQLiteSession(db: db)
                try db.inTransaction(.immediate) {
                    result = try body(session)
                    return .commit
                }
                // Committed; this process's next write has not begun.
                session.changes.didCommit()
                return result!
            }
        }
    }

    public func read<T: Sendable>(timeout: Duration?, _ body: @escaping @Sendable (SQLiteSession) throws -> T) async throws -> T {
        try await Self.mappingBusy(Self.busyError(requestTimeout)) { [pool] in
            try await pool.read { db in try body(SQLiteSession(db: db)) }
        }
    }

    static func busyError(_ timeout: Duration) -> StoreBusy {
        StoreBusy("another process has held the database's write lock for more than \(timeout.components.seconds) s")
    }

    /// SQLite's "database is locked" becomes `StoreBusy`: the API answers 503 `database-busy`, the CLI exits 4.
    static func mappingBusy<T>(_ busy: StoreBusy, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            throw busy
        }
    }

    static func mappingBusy<T>(_ busy: StoreBusy, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            throw busy
        }
    }
}

/// A GRDB connection inside a transaction. Statements are prepared once per connection and cached.
public struct SQLiteSession: StoreSession {
    let db: Database
    public let changes = ChangeRecorder()

    public var dialect: SQLDialect { SQLDialect(userTable: "user", lockRows: "", locksTenantTable: false) }

    public func forEachRow(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        let statement = try db.cachedStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
        let columns = SQLColumns(statement.columnNames)
        let count = Int32(columns.names.count)
        // GRDB steps the statement; each row's values are read straight from SQLite while the statement stands on it.
        let handle = statement.sqliteStatement
        while try cursor.next() != nil {
            var values: [SQLValue] = []
            values.reserveCapacity(Int(count))
            for index in 0..<count {
                switch sqlite3_column_type(handle, index) {
                case SQLITE_INTEGER:
                    values.append(.integer(sqlite3_column_int64(handle, index)))
                case SQLITE_FLOAT:
                    values.append(.real(sqlite3_column_double(handle, index)))
                case SQLITE_TEXT:
                    let length = Int(sqlite3_column_bytes(handle, index))
                    let text = sqlite3_column_text(handle, index).map {
                        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                    }
                    values.append(.text(text ?? ""))
                case SQLITE_BLOB:
                    let length = Int(sqlite3_column_bytes(handle, index))
                    let bytes = sqlite3_column_blob(handle, index).map {
                        [UInt8](UnsafeRawBufferPointer(start: $0, count: length))
                    }
                    values.append(.blob(bytes ?? []))
                default:
                    values.append(.null)
                }
            }
            try body(SQLRow(columns: columns, values: values))
        }
    }

    @discardableResult
    public func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
        return db.changesCount
    }

    /// Other processes notice a commit through the tenant's version, which they poll.
    public func notifyChange(tenant: String?, version: Int64?) throws {}

    /// One cached statement executed per event: measured against multi-row `INSERT … RETURNING id` in chunks of 100,
    /// which cost more (GRDB converts the 700 bound values generically).
    public func insertUsageEvents(
        tenant: String, _ events: [UsageEvent], receivedAt: Int64, seals: [String]
    ) throws -> [Bool] {
        let insert = try db.cachedStatement(
            sql:
                "INSERT OR IGNORE INTO usage_event (tenant_id, id, service, quantity, occurred_at, subject, received_at, seal) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        )
        var isNew: [Bool] = []
        isNew.reserveCapacity(events.count)
        for (event, seal) in zip(events, seals) {
            try insert.execute(arguments: [
                tenant, event.id, event.service, event.quantity, Int64(event.occurredAt.timeIntervalSince1970.rounded(.down)),
                event.subject, receivedAt, seal,
            ])
            isNew.append(db.changesCount > 0)
        }
        return isNew
    }

    static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(
            values.map { value -> DatabaseValue in
                switch value {
                case .null: return .null
                case .integer(let int): return int.databaseValue
                case .real(let double): return double.databaseValue
                case .text(let text): return text.databaseValue
                case .blob(let bytes): return Data(bytes).databaseValue
                }
            })
    }
}

extension LicenseEngine where Backend == SQLiteBackend {
    /// Opens (creating if needed) `<dataDirectory>/licensing.sqlite` with the installation key of that directory.
    ///
    /// A write waits at most `requestTimeout` for another process's write lock, then fails with `StoreBusy`.
    public convenience init(
        dataDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment,
        requestTimeout: Duration = .seconds(5)
    ) throws {
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let sealer = try InstallationKey.load(dataDirectory: dataDirectory, environment: environment)
        try self.init(
            path: dataDirectory.appendingPathComponent("licensing.sqlite").path, sealer: sealer, requestTimeout: requestTimeout)
    }

    public convenience init(path: String, sealer: Sealer, requestTimeout: Duration = .seconds(5)) throws {
        self.init(backend: try SQLiteBackend(path: path, requestTimeout: requestTimeout), sealer: sealer)
    }

    /// The database file.
    public var path: String { backend.path }
}

/// The embedded store.
public typealias SQLiteLicenseStore = LicenseEngine<SQLiteBackend>
