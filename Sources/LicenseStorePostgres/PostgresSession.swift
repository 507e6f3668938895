import Foundation
import LicenseCore
import LicenseStore
import LicenseStoreEngine
import Logging
import NIOCore
import PostgresNIO

/// One PostgreSQL connection inside a transaction, used from the thread that runs the transaction's decision: each
/// statement waits for its answer there (never on an event loop or the cooperative pool).
///
/// Statements are written with `?` placeholders and numbered (`$1`, `$2`, …) here.
public struct PostgresSession: StoreSession, Sendable {
    let connection: PostgresConnection
    let logger: Logger
    /// Set when the caller stopped waiting (a deadline): the next statement fails instead of running.
    let abandoned: AbandonFlag
    /// No statement waits past this: a thread is never held by a query whose connection went quiet.
    let deadline: DispatchTime
    public let changes = ChangeRecorder()

    public var dialect: SQLDialect { SQLDialect(userTable: "app_user", lockRows: " FOR UPDATE", locksTenantTable: true) }

    func run(_ sql: String, _ arguments: [SQLValue]) throws -> PostgresQueryResult {
        guard !abandoned.isSet else { throw StoreUnavailable("the request's deadline passed") }
        return try wait(for: connection.query(try Self.makeQuery(sql, arguments), logger: logger))
    }

    /// The future's value, waited for on this thread until the deadline; past it the connection is closed (it may be
    /// mid-statement) and the statement fails as unavailable.
    func wait<Value: Sendable>(for future: EventLoopFuture<Value>) throws -> Value {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<Value>()
        future.whenComplete { result in
            box.set(result)
            done.signal()
        }
        guard done.wait(timeout: deadline) == .success, let result = box.result else {
            abandoned.set()
            connection.close().whenComplete { _ in }
            throw StoreUnavailable("the database did not answer in time")
        }
        return try result.get()
    }

    public func forEachRow(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        let result = try run(sql, arguments)
        var columns: SQLColumns?
        for row in result.rows {
            let names = columns ?? SQLColumns(row.map(\.columnName))
            columns = names
            try body(SQLRow(columns: names, values: try row.map(Self.value)))
        }
    }

    @discardableResult
    public func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try run(sql, arguments).metadata.rows ?? 0
    }

    /// The payload is the tenant and its new version ("acme 42"), empty for the tokens.
    public func notifyChange(tenant: String?, version: Int64?) throws {
        let payload = tenant.map { tenant in version.map { "\(tenant) \($0)" } ?? tenant } ?? ""
        try execute("SELECT pg_notify(?, ?)", [.text(PostgresBackend.channel), .text(payload)])
    }

    /// The ids not stored yet, inserted 500 to a statement; the database says which ones were new.
    public func insertUsageEvents(
        tenant: String, _ events: [UsageEvent], receivedAt: Int64, seals: [String]
    ) throws -> [Bool] {
        var newIDs = Set<String>()
        for chunk in stride(from: 0, to: events.count, by: 500) {
            let range = chunk..<min(chunk + 500, events.count)
            var arguments: [SQLValue] = []
            arguments.reserveCapacity(range.count * 8)
            for index in range {
                let event = events[index]
                arguments += [
                    .text(tenant), .text(event.id), .text(event.service), .integer(event.quantity),
                    .integer(Int64(event.occurredAt.timeIntervalSince1970.rounded(.down))),
                    event.subject.map { .text($0) } ?? .null, .integer(receivedAt), .text(seals[index]),
                ]
            }
            let values = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?)", count: range.count).joined(separator: ", ")
            try forEachRow(
                "INSERT INTO usage_event (tenant_id, id, service, quantity, occurred_at, subject, received_at, seal) VALUES "
                    + values + " ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id", arguments
            ) { newIDs.insert(try $0["id"]) }
        }
        // A repeat within the batch is ignored like an id already stored: only the first of equal ids is new.
        return events.map { newIDs.remove($0.id) != nil }
    }

    // MARK: - Conversions

    /// Numbers the `?` placeholders outside quoted text and binds the arguments.
    static func makeQuery(_ sql: String, _ arguments: [SQLValue]) throws -> PostgresQuery {
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
            switch argument {
            case .null: bindings.appendNull()
            case .integer(let value): bindings.append(value)
            case .real(let value): bindings.append(value)
            case .text(let value): bindings.append(value)
            case .blob(let value): bindings.append(ByteBuffer(bytes: value))
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }

    /// BIGINT columns as integers, TEXT as text, NULL as NULL.
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int8: return .integer(try cell.decode(Int64.self))
        case .int4: return .integer(Int64(try cell.decode(Int32.self)))
        case .int2: return .integer(Int64(try cell.decode(Int16.self)))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float8: return .real(try cell.decode(Double.self))
        case .bytea: return .blob(Array(buffer: try cell.decode(ByteBuffer.self)))
        default: return .text(try cell.decode(String.self))
        }
    }
}

/// A result handed from an event loop to the waiting thread.
final class ResultBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<Value, any Error>?
    var result: Result<Value, any Error>? { lock.withLock { value } }
    func set(_ result: Result<Value, any Error>) { lock.withLock { value = result } }
}

/// Set once the transaction's caller stopped waiting.
final class AbandonFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
