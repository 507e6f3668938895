import Foundation
import LicenseCore
import LicenseStore

/// What really differs between the databases, for the few statements that must be spelled differently.
public struct SQLDialect: Sendable {
    /// The users table: `user` is a reserved word in PostgreSQL.
    public var userTable: String
    /// Appended to a `SELECT` inside a write transaction to lock the rows read (empty where the transaction already
    /// holds the database's write lock).
    public var lockRows: String
    /// Whether a transaction that creates a tenant must lock the tenant table first (PostgreSQL, where transactions
    /// run side by side); SQLite's write transactions already run one at a time.
    public var locksTenantTable: Bool

    public init(userTable: String, lockRows: String, locksTenantTable: Bool) {
        self.userTable = userTable
        self.lockRows = lockRows
        self.locksTenantTable = locksTenantTable
    }

    /// A table's name in this database.
    public func table(_ name: String) -> String { name == "user" ? userTable : name }
}

/// One database connection inside one transaction: statements and rows, nothing else (STYLE "One decision, several
/// backends"). The engine writes every decision once against it; a backend supplies how statements run.
///
/// Statements use `?` placeholders. Sessions are synchronous: GRDB runs a transaction as a synchronous closure, and the
/// PostgreSQL session runs its transaction on a thread of its own that waits for each answer.
public protocol StoreSession {
    var dialect: SQLDialect { get }

    /// What this transaction changed, for the sealed head (one recorder per transaction).
    var changes: ChangeRecorder { get }

    /// Runs a statement and hands each row to `body`, in order, without keeping them.
    func forEachRow(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws

    /// Runs a statement that returns no rows and answers how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int

    /// Tells other processes that `tenant`'s data changed (nil: the API tokens), once the transaction commits.
    /// `version` is the tenant's version as the transaction leaves it, when known.
    func notifyChange(tenant: String?, version: Int64?) throws

    /// Inserts usage events, ignoring ids already stored and repeats within the batch; answers, per position, whether
    /// the event was new (`seals[i]` is the seal of `events[i]`). The backends' one fast path: each inserts in the way
    /// its database does fastest.
    func insertUsageEvents(tenant: String, _ events: [UsageEvent], receivedAt: Int64, seals: [String]) throws -> [Bool]
}

extension StoreSession {
    public func notifyChange(tenant: String?) throws { try notifyChange(tenant: tenant, version: nil) }

    public func rows(_ sql: String, _ arguments: [SQLValue] = []) throws -> [SQLRow] {
        var result: [SQLRow] = []
        try forEachRow(sql, arguments) { result.append($0) }
        return result
    }

    public func row(_ sql: String, _ arguments: [SQLValue] = []) throws -> SQLRow? {
        try rows(sql, arguments).first
    }

    /// The first column of the first row; nil when there is no row or the value is NULL.
    public func scalar<Value: SQLValueConvertible>(
        _ type: Value.Type, _ sql: String, _ arguments: [SQLValue] = []
    )
        throws -> Value?
    {
        guard let row = try row(sql, arguments) else { return nil }
        return try row[0] as Value?
    }

    public func scalars<Value: SQLValueConvertible>(
        _ type: Value.Type, _ sql: String, _ arguments: [SQLValue] = []
    )
        throws -> [Value]
    {
        try rows(sql, arguments).compactMap { try $0[0] as Value? }
    }

    public func exists(_ sql: String, _ arguments: [SQLValue] = []) throws -> Bool {
        try row(sql, arguments) != nil
    }
}

/// A database the engine runs on: transactions, the change feed and the lifecycle. No rules and no decisions.
public protocol DatabaseBackend: Sendable {
    associatedtype Session: StoreSession

    /// Runs `body` in one transaction that holds `tenant`'s write lock (SQLite: an IMMEDIATE transaction; PostgreSQL:
    /// the tenant's head row `FOR UPDATE`), or a plain write transaction when `tenant` is nil. A thrown error rolls
    /// back.
    func write<T: Sendable>(
        tenant: String?, timeout: Duration?, _ body: @escaping @Sendable (Session) throws -> T
    ) async throws -> T

    /// Runs `body` in a read-only transaction that sees one consistent state.
    func read<T: Sendable>(timeout: Duration?, _ body: @escaping @Sendable (Session) throws -> T) async throws -> T

    /// Changes pushed by the database as other processes commit them, when the database can push.
    var changeFeed: AsyncStream<StoreChange>? { get }

    /// Stops background work and closes connections.
    func shutdown() async
}
