import Foundation
import GRDB

/// Reads an SQLite database file behind the store's back: every row of every table as text, to show that a refused
/// request changed nothing.
public enum SQLiteFile {
    /// Every table's schema and rows (by primary key), tables by name; opened read-only.
    public static func dump(_ path: String) throws -> String {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read { db in
            var lines: [String] = []
            let tables = try Row.fetchAll(
                db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            for table in tables {
                let name: String = table["name"]
                let schema: String = table["sql"]
                let primaryKey = try Row.fetchAll(db, sql: "PRAGMA table_info(\(name.quotedDatabaseIdentifier))")
                    .filter { ($0["pk"] as Int) > 0 }
                    .sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }
                    .map { ($0["name"] as String).quotedDatabaseIdentifier }
                let order = primaryKey.isEmpty ? "rowid" : primaryKey.joined(separator: ", ")
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(name.quotedDatabaseIdentifier) ORDER BY \(order)")
                lines.append("== \(name) (\(rows.count) rows)")
                lines.append(schema)
                for row in rows { lines.append(row.description) }
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// The integers the first column of `sql` selects, opened read-only.
    public static func integers(_ path: String, _ sql: String) throws -> [Int64] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read { db in try Int64.fetchAll(db, sql: sql) }
    }
}

/// Holds SQLite's write lock (`BEGIN IMMEDIATE`) on a connection of its own, as another process in the middle of a
/// write does, from `hold` until `release`.
///
/// Open it before the writes that come before the test: while a connection stays open, the last process to close
/// does not remove the WAL file, so later processes open the database without writing (as they do beside a running
/// server).
public final class SQLiteWriteLock: Sendable {
    private let queue: DatabaseQueue

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        queue = try DatabaseQueue(path: path, configuration: configuration)
    }

    public func hold() throws {
        try queue.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
    }

    public func release() throws {
        try queue.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
    }
}
