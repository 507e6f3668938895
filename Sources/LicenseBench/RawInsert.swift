import Foundation
import GRDB

/// Issue 5, acceptance 4: the "raw GRDB insert" the HTTP ingestion is compared with.
///
/// `licensing-bench raw-insert --database FILE [--events N] [--schema usage_event]` inserts N rows shaped like usage
/// events (the same columns and values as scripts/bench_ingest.py makes) into a plain table of a new SQLite file with
/// GRDB, 1,000 rows per IMMEDIATE transaction through one cached prepared statement, WAL and synchronous=NORMAL like
/// the server, and prints one JSON line with rows/s. With `--schema usage_event` the table is the server's.
enum RawInsert {
    static let services = ["mailing-emails", "customer-centre-logins", "chat-sessions", "form-submissions", "storage"]

    static func run(_ arguments: [String]) throws {
        var database: String?
        var events = 500_000
        var serverSchema = false
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--database": database = rest.popFirst()
            case "--events":
                guard let value = rest.popFirst().flatMap({ Int($0) }), (1_000...10_000_000).contains(value) else {
                    throw BenchError("--events needs a number from 1,000 to 10,000,000")
                }
                events = value
            case "--schema":
                guard rest.popFirst() == "usage_event" else { throw BenchError("--schema takes usage_event") }
                serverSchema = true
            default: throw BenchError("raw-insert: unknown option '\(argument)'")
            }
        }
        guard let database else { throw BenchError("raw-insert needs --database FILE") }
        guard !FileManager.default.fileExists(atPath: database) else { throw BenchError("\(database) exists") }
        let batch = 1_000
        let count = events / batch * batch
        let run = String(UUID().uuidString.lowercased().prefix(12))
        let occurred = Int64(Date().timeIntervalSince1970) - 5
        let rows: [[DatabaseValue]] = (0..<count).map { i in
            [
                "demo".databaseValue, "\(run)-\(String(format: "%09d", i))".databaseValue,
                services[i % services.count].databaseValue, Int64(i % 50 + 1).databaseValue, occurred.databaseValue,
                DatabaseValue.null, (occurred + 5).databaseValue,
            ]
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let pool = try DatabasePool(path: database, configuration: configuration)
        try pool.write { db in
            try db.execute(
                sql: serverSchema
                    ? """
                    CREATE TABLE usage_event_plain (tenant_id TEXT NOT NULL, id TEXT NOT NULL, service TEXT NOT NULL,
                    quantity INTEGER NOT NULL CHECK (quantity >= 0), occurred_at INTEGER NOT NULL, subject TEXT,
                    received_at INTEGER NOT NULL, PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;
                    CREATE INDEX usage_event_plain_by_time ON usage_event_plain(tenant_id, occurred_at)
                    """
                    : """
                    CREATE TABLE usage_event_plain (tenant_id TEXT NOT NULL, id TEXT NOT NULL, service TEXT NOT NULL,
                    quantity INTEGER NOT NULL, occurred_at INTEGER NOT NULL, subject TEXT, received_at INTEGER NOT NULL)
                    """)
        }
        let start = clock.now
        for offset in stride(from: 0, to: rows.count, by: batch) {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let statement = try db.cachedStatement(sql: "INSERT INTO usage_event_plain VALUES (?, ?, ?, ?, ?, ?, ?)")
                    for row in rows[offset..<offset + batch] {
                        try statement.execute(arguments: StatementArguments(row))
                    }
                    return .commit
                }
            }
        }
        let seconds = (clock.now - start).nanoseconds / 1e9
        let stored = try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM usage_event_plain") ?? 0 }
        guard stored == count else { throw BenchError("inserted \(stored) rows, expected \(count)") }
        print(
            #"{"events": \#(stored), "seconds": \#(String(format: "%.3f", seconds)), "eventsPerSecond": \#(Int((Double(stored) / seconds).rounded())), "schema": "\#(serverSchema ? "usage_event" : "plain")", "client": "GRDB"}"#
        )
    }
}
