import Foundation
import GRDB
import GRDBSQLite
import LicenseCore
import LicenseStore
import LicenseStoreEngine

/// The embedded backend: one SQLite file in WAL mode, shared safely by the server and CLI processes.
///
/// Every write runs in one IMMEDIATE transaction, so concurrent writers (threads or processes) queue on SQLite's
/// write lock and each sees what the one before committed.
public final class SQLiteBackend: DatabaseBackend {
    let pool: DatabasePool
    public let path: String

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(60)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        self.path = path
        try SQLiteSchema.migrator.migrate(pool)
    }

    public var changeFeed: AsyncStream<StoreChange>? { nil }

    public func shutdown() async {}

    public func write<T: Sendable>(
        tenant: String?, timeout: Duration?, _ body: @escaping @Sendable (SQLiteSession) throws -> T
    ) async throws -> T {
        try await pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(SQLiteSession(db: db))
                return .commit
            }
            return result!
        }
    }

    public func read<T: Sendable>(timeout: Duration?, _ body: @escaping @Sendable (SQLiteSession) throws -> T) async throws -> T {
        try await pool.read { db in try body(SQLiteSession(db: db)) }
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
    public func notifyChange(tenant: String?) throws {}

    /// One cached statement executed per event: measured against multi-row `INSERT … RETURNING id` in chunks of 100,
    /// which cost more (GRDB converts the 700 bound values generically).
    public func insertUsageEvents(tenant: String, _ events: [UsageEvent], receivedAt: Int64) throws -> [Bool] {
        let insert = try db.cachedStatement(
            sql:
                "INSERT OR IGNORE INTO usage_event (tenant_id, id, service, quantity, occurred_at, subject, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        var isNew: [Bool] = []
        isNew.reserveCapacity(events.count)
        for event in events {
            try insert.execute(arguments: [
                tenant, event.id, event.service, event.quantity, Int64(event.occurredAt.timeIntervalSince1970.rounded(.down)),
                event.subject, receivedAt,
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
    public convenience init(dataDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let sealer = try InstallationKey.load(dataDirectory: dataDirectory, environment: environment)
        try self.init(path: dataDirectory.appendingPathComponent("licensing.sqlite").path, sealer: sealer)
    }

    public convenience init(path: String, sealer: Sealer) throws {
        self.init(backend: try SQLiteBackend(path: path), sealer: sealer)
    }

    /// The database file.
    public var path: String { backend.path }
}

/// The embedded store.
public typealias SQLiteLicenseStore = LicenseEngine<SQLiteBackend>
