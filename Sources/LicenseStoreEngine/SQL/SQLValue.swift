import Foundation

/// A value bound to a statement or read from a row: the five storage classes both databases share.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A type stored as one column.
public protocol SQLValueConvertible {
    var sqlValue: SQLValue { get }
    /// The value, or nil when the column holds something else (a row edited behind the store's back).
    init?(sqlValue: SQLValue)
}

extension Int64: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(self) }
    public init?(sqlValue: SQLValue) {
        guard case .integer(let value) = sqlValue else { return nil }
        self = value
    }
}

extension Int: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public init?(sqlValue: SQLValue) {
        guard case .integer(let value) = sqlValue, let int = Int(exactly: value) else { return nil }
        self = int
    }
}

extension Bool: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    public init?(sqlValue: SQLValue) {
        guard case .integer(let value) = sqlValue, value == 0 || value == 1 else { return nil }
        self = value == 1
    }
}

extension Double: SQLValueConvertible {
    public var sqlValue: SQLValue { .real(self) }
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .real(let value): self = value
        case .integer(let value): self = Double(value)
        default: return nil
        }
    }
}

extension String: SQLValueConvertible {
    public var sqlValue: SQLValue { .text(self) }
    public init?(sqlValue: SQLValue) {
        guard case .text(let value) = sqlValue else { return nil }
        self = value
    }
}

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
    public init?(sqlValue: SQLValue) {
        if case .null = sqlValue {
            self = .none
            return
        }
        guard let value = Wrapped(sqlValue: sqlValue) else { return nil }
        self = .some(value)
    }
}

/// A stored row whose column does not hold what the schema promises: someone wrote the database directly.
public struct StoredRowMalformed: Error, Sendable, CustomStringConvertible {
    public var column: String
    public var description: String { "a stored row has an unreadable value in column \(column)" }
}

/// The column names of a statement's result, shared by its rows.
public final class SQLColumns: Sendable {
    public let names: [String]
    private let indexes: [String: Int]

    public init(_ names: [String]) {
        self.names = names
        var indexes: [String: Int] = [:]
        for (index, name) in names.enumerated() where indexes[name] == nil { indexes[name] = index }
        self.indexes = indexes
    }

    func index(of name: String) -> Int? { indexes[name] }
}

/// One row of a result: values by position, columns by name.
public struct SQLRow: Sendable {
    public let columns: SQLColumns
    public let values: [SQLValue]

    public init(columns: SQLColumns, values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The named column's value, converted; a missing column or a value of another type throws.
    public subscript<Value: SQLValueConvertible>(_ name: String) -> Value {
        get throws {
            guard let index = columns.index(of: name), let value = Value(sqlValue: values[index]) else {
                throw StoredRowMalformed(column: name)
            }
            return value
        }
    }

    public subscript<Value: SQLValueConvertible>(_ index: Int) -> Value {
        get throws {
            guard values.indices.contains(index), let value = Value(sqlValue: values[index]) else {
                throw StoredRowMalformed(column: columns.names.indices.contains(index) ? columns.names[index] : "#\(index)")
            }
            return value
        }
    }

    public func date(_ name: String) throws -> Date { Date(epochSeconds: try self[name] as Int64) }
    public func optionalDate(_ name: String) throws -> Date? { (try self[name] as Int64?).map(Date.init(epochSeconds:)) }
}

extension Date {
    /// Dates are stored as whole seconds since 1970 UTC.
    package var epochSeconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }
    package init(epochSeconds: Int64) { self.init(timeIntervalSince1970: TimeInterval(epochSeconds)) }
}

extension SQLRow {
    /// The row with its columns in the order of `names` (a record that reads by position); a missing column is NULL.
    func reordered(_ names: [String]) -> SQLRow {
        SQLRow(columns: SQLColumns(names), values: names.map { name in columns.index(of: name).map { values[$0] } ?? .null })
    }
}
