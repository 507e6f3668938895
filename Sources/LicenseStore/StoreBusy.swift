import Foundation

/// The database stayed locked by another writer (another process on the same SQLite file, or another PostgreSQL
/// session holding the tenant's head row) for longer than the request may wait. Nothing was changed by the request
/// that got this error; it can be tried again.
public struct StoreBusy: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
