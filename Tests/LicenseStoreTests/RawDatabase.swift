import Foundation
import GRDB
import LicenseStore
import LicenseStoreEngine
import LicenseStorePostgres
import LicenseTestSupport

/// The store's database opened a second time, as someone with database access would: plain SQL, no seals.
///
/// Statements are written for SQLite with `?` placeholders; on PostgreSQL the placeholders are numbered and the table
/// `user` is `app_user`.
struct RawDatabase {
    private let queue: DatabaseQueue?
    private let postgres: PostgresLicenseStore?

    init(_ temporary: TemporaryStore) async throws {
        switch temporary.backend {
        case .sqlite:
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            queue = try DatabaseQueue(path: temporary.databasePath, configuration: configuration)
            postgres = nil
        case .postgres:
            queue = nil
            postgres = temporary.store as? PostgresLicenseStore
        }
    }

    /// Runs one statement outside the store and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) async throws -> Int {
        let values = arguments.map { $0?.databaseValue ?? .null }
        if let queue {
            return try await queue.write { db in
                try db.execute(sql: sql, arguments: StatementArguments(values))
                return db.changesCount
            }
        }
        let statement = Self.postgresSQL(sql) + " RETURNING 1"
        return try await postgresRows(statement, arguments).count
    }

    /// Runs a statement that returns no rows (DDL too).
    func run(_ sql: String) async throws {
        if let queue {
            try await queue.write { db in try db.execute(sql: sql) }
            return
        }
        guard let postgres else { throw PostgresTestServerError("no PostgreSQL store") }
        let statement = Self.postgresSQL(sql)
        try await postgres.backend.write(tenant: nil, timeout: nil) { session in _ = try session.execute(statement, []) }
    }

    func int(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) async throws -> Int {
        let values = arguments.map { $0?.databaseValue ?? .null }
        if let queue {
            return try await queue.read { db in try Int.fetchOne(db, sql: sql, arguments: StatementArguments(values)) ?? 0 }
        }
        return try await postgresRows(Self.postgresSQL(sql), arguments).first.flatMap { $0.first.flatMap(Int.fromDatabaseValue) }
            ?? 0
    }

    func strings(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) async throws -> [String] {
        let values = arguments.map { $0?.databaseValue ?? .null }
        if let queue {
            return try await queue.read { db in try String.fetchAll(db, sql: sql, arguments: StatementArguments(values)) }
        }
        return try await postgresRows(Self.postgresSQL(sql), arguments).compactMap { $0.first.flatMap(String.fromDatabaseValue) }
    }

    /// The rows' values (the statements the tests read with have one column).
    private func postgresRows(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) async throws -> [[DatabaseValue]] {
        guard let postgres else { throw PostgresTestServerError("no PostgreSQL store") }
        let values = arguments.map { Self.sqlValue($0?.databaseValue ?? .null) }
        return try await postgres.backend.write(tenant: nil, timeout: nil) { session in
            try session.rows(sql, values).map { row in
                row.values.map { value -> DatabaseValue in
                    switch value {
                    case .null: return .null
                    case .integer(let int): return int.databaseValue
                    case .real(let double): return double.databaseValue
                    case .text(let text): return text.databaseValue
                    case .blob(let bytes): return Data(bytes).databaseValue
                    }
                }
            }
        }
    }

    static func sqlValue(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: return .null
        case .int64(let int): return .integer(int)
        case .double(let double): return .real(double)
        case .string(let text): return .text(text)
        case .blob(let data): return .blob([UInt8](data))
        }
    }

    static func postgresSQL(_ sql: String) -> String {
        sql.replacingOccurrences(of: #"\b(FROM|UPDATE|INTO|JOIN) user\b"#, with: "$1 app_user", options: .regularExpression)
    }
}
