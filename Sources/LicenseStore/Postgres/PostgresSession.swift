import Foundation
import GRDB
import Logging
import PostgresNIO

/// Statement arguments in the order of the statement's `?` placeholders.
typealias SQLArguments = [(any DatabaseValueConvertible)?]

/// One PostgreSQL connection inside a transaction, with the small query vocabulary the store uses.
///
/// Statements are written with `?` placeholders like the SQLite store's and numbered (`$1`, `$2`, …) here; rows come
/// back as GRDB `Row`s so both backends share one mapping between columns and core values (`Records.swift`).
struct PostgresSession: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    // MARK: - Statements

    func query(_ sql: String, _ arguments: SQLArguments = []) async throws -> PostgresRowSequence {
        try await connection.query(try Self.makeQuery(sql, arguments), logger: logger)
    }

    /// Runs a statement and returns how many rows it returned (add `RETURNING 1` to count changed rows).
    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments = []) async throws -> Int {
        var count = 0
        for try await _ in try await query(sql, arguments) { count += 1 }
        return count
    }

    func rows(_ sql: String, _ arguments: SQLArguments = []) async throws -> [Row] {
        var result: [Row] = []
        for try await row in try await query(sql, arguments) { result.append(try Self.row(row)) }
        return result
    }

    func fetchAll<Record: FetchableRecord>(
        _ type: Record.Type, _ sql: String, _ arguments: SQLArguments = []
    ) async throws
        -> [Record]
    {
        try await rows(sql, arguments).map { try Record(row: $0) }
    }

    func fetchOne<Record: FetchableRecord>(
        _ type: Record.Type, _ sql: String, _ arguments: SQLArguments = []
    ) async throws
        -> Record?
    {
        try await fetchAll(type, sql, arguments).first
    }

    /// The first column of the first row, nil when there is no row or the value is NULL.
    func scalar<Value: DatabaseValueConvertible>(
        _ type: Value.Type, _ sql: String, _ arguments: SQLArguments = []
    )
        async throws -> Value?
    {
        guard let row = try await rows(sql, arguments).first else { return nil }
        return row[0]
    }

    func scalars<Value: DatabaseValueConvertible>(
        _ type: Value.Type, _ sql: String, _ arguments: SQLArguments = []
    )
        async throws -> [Value]
    {
        try await rows(sql, arguments).compactMap { $0[0] }
    }

    // MARK: - Records

    func insert<Record: EncodableRecord & TableRecord>(_ record: Record, onConflict: String = "") async throws {
        let values = try record.databaseDictionary.sorted { $0.key < $1.key }
        let columns = values.map(\.key)
        try await execute(
            "INSERT INTO \(Self.table(Record.databaseTableName)) (\(columns.joined(separator: ", "))) VALUES ("
                + columns.map { _ in "?" }.joined(separator: ", ") + ")" + (onConflict.isEmpty ? "" : " " + onConflict),
            values.map(\.value))
    }

    /// Inserts, or replaces every other column of the row with the same `key`.
    func upsert<Record: EncodableRecord & TableRecord>(_ record: Record, key: [String]) async throws {
        let columns = try record.databaseDictionary.keys.filter { !key.contains($0) }.sorted()
        try await insert(
            record,
            onConflict: "ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET "
                + columns.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", "))
    }

    /// Updates the row with the record's `key` columns to the record's other columns.
    func update<Record: EncodableRecord & TableRecord>(_ record: Record, key: [String]) async throws {
        let values = try record.databaseDictionary
        let columns = values.keys.filter { !key.contains($0) }.sorted()
        try await execute(
            "UPDATE \(Self.table(Record.databaseTableName)) SET " + columns.map { "\($0) = ?" }.joined(separator: ", ")
                + " WHERE " + key.map { "\($0) = ?" }.joined(separator: " AND "),
            columns.map { values[$0]! } + key.map { values[$0]! })
    }

    /// `user` is a reserved word in PostgreSQL.
    static func table(_ name: String) -> String { name == "user" ? "app_user" : name }

    // MARK: - Conversions

    /// Numbers the `?` placeholders outside quoted text and binds the arguments.
    static func makeQuery(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQuery {
        var text = ""
        text.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quoted = false
        for character in sql {
            if character == "'" { quoted.toggle() }
            if character == "?" && !quoted {
                number += 1
                text += "$\(number)"
            } else {
                text.append(character)
            }
        }
        guard number == arguments.count else {
            throw StoreUnavailable("internal: statement has \(number) placeholders but \(arguments.count) arguments")
        }
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument?.databaseValue.storage ?? .null {
            case .null: bindings.appendNull()
            case .int64(let value): bindings.append(value)
            case .double(let value): bindings.append(value)
            case .string(let value): bindings.append(value)
            case .blob(let value): bindings.append(ByteBuffer(bytes: value))
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }

    /// A PostgreSQL row as a GRDB row: BIGINT columns as integers, TEXT as strings, NULL as NULL.
    static func row(_ row: PostgresRow) throws -> Row {
        var columns: [String: (any DatabaseValueConvertible)?] = [:]
        for cell in row {
            columns[cell.columnName] = try value(cell)
        }
        return Row(columns)
    }

    static func value(_ cell: PostgresCell) throws -> (any DatabaseValueConvertible)? {
        guard cell.bytes != nil else { return nil }
        switch cell.dataType {
        case .int8: return try cell.decode(Int64.self)
        case .int4: return Int64(try cell.decode(Int32.self))
        case .int2: return Int64(try cell.decode(Int16.self))
        case .bool: return try cell.decode(Bool.self)
        case .float8: return try cell.decode(Double.self)
        default: return try cell.decode(String.self)
        }
    }
}
