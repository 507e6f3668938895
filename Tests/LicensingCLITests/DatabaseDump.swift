import Foundation
import GRDB
import LicenseTestSupport
import Testing

/// Reads and edits `licensing.sqlite` behind the binary's back.
enum DatabaseDump {
    static func databasePath(_ dataDirectory: URL) -> String {
        dataDirectory.appendingPathComponent("licensing.sqlite").path
    }

    /// Every row of every table as text, tables by name and rows by primary key, opened read-only.
    static func dump(_ dataDirectory: URL) throws -> String {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: databasePath(dataDirectory), configuration: configuration)
        return try queue.read { db in
            var lines: [String] = []
            let tables = try Row.fetchAll(
                db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            for table in tables {
                let name: String = table["name"]
                let schema: String = table["sql"]
                let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(name.quotedDatabaseIdentifier))")
                let primaryKey =
                    columns
                    .filter { ($0["pk"] as Int) > 0 }
                    .sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }
                    .map { ($0["name"] as String).quotedDatabaseIdentifier }
                let order = primaryKey.isEmpty ? "rowid" : primaryKey.joined(separator: ", ")
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(name.quotedDatabaseIdentifier) ORDER BY \(order)")
                lines.append("== \(name) (\(rows.count) rows)")
                lines.append(schema)
                for row in rows {
                    lines.append(row.map { column, value in "\(column)=\(render(value))" }.joined(separator: " | "))
                }
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    private static func render(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: "NULL"
        case .int64(let number): String(number)
        case .double(let number): String(number)
        case .string(let text): "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        case .blob(let data): "x'" + data.map { String(format: "%02x", $0) }.joined() + "'"
        }
    }

    /// Edits the database directly, as an attacker with file access would.
    @discardableResult
    static func tamper<T>(_ dataDirectory: URL, _ body: (Database) throws -> T) throws -> T {
        let queue = try DatabaseQueue(path: databasePath(dataDirectory))
        return try queue.write(body)
    }
}

/// Fails with the first differing lines (not two whole dumps) when the database changed.
func expectUnchanged(
    _ before: String, _ after: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    guard before != after else { return }
    let old = before.split(separator: "\n", omittingEmptySubsequences: false)
    let new = after.split(separator: "\n", omittingEmptySubsequences: false)
    var differences: [String] = []
    for index in 0..<max(old.count, new.count) where differences.count < 12 {
        let a = index < old.count ? String(old[index]) : "<none>"
        let b = index < new.count ? String(new[index]) : "<none>"
        if a != b { differences.append("line \(index + 1):\n  before: \(a.prefix(300))\n  after:  \(b.prefix(300))") }
    }
    Issue.record(
        "\(what) changed the database (\(old.count) → \(new.count) lines):\n\(differences.joined(separator: "\n"))",
        sourceLocation: sourceLocation)
}
