import Foundation

/// A change another process made, pushed by a backend that can (PostgreSQL's LISTEN/NOTIFY).
public enum StoreChange: Sendable, Equatable {
    /// A committed write of this tenant.
    case tenant(String)
    /// API tokens were created or revoked.
    case tokens
    /// Anything may have changed: the feed was (re)connected and may have missed notifications.
    case all
}

/// The database did not answer in time, or the connection to it is gone. Nothing was changed by the request that
/// got this error, unless the database committed it before the connection broke (the write is then complete).
public struct StoreUnavailable: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension LicenseStoring {
    /// Backends without push notifications have none; the server then polls `tenantVersions()`.
    public var changeFeed: AsyncStream<StoreChange>? { nil }
}
