import Foundation
import GRDB
import LicenseTestSupport

/// The store's SQLite file opened a second time, as someone with file access would: plain SQL, no seals.
struct RawDatabase {
    let queue: DatabaseQueue

    init(_ temporary: TemporaryStore) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        queue = try DatabaseQueue(path: temporary.databasePath, configuration: configuration)
    }

    /// Runs one statement outside the store and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try queue.write { db in
            try db.execute(sql: sql, arguments: arguments)
            return db.changesCount
        }
    }

    func int(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    func strings(_ sql: String, _ arguments: StatementArguments = []) throws -> [String] {
        try queue.read { db in try String.fetchAll(db, sql: sql, arguments: arguments) }
    }
}
