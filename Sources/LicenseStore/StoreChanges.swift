import Foundation

/// A change another process made, pushed by a backend that can (PostgreSQL's LISTEN/NOTIFY).
public enum StoreChange: Sendable, Equatable {
    /// A committed write of this tenant, with the version it left when the writer said.
    case tenant(String, version: Int64?)
    /// API tokens were created or revoked.
    case tokens
    /// Anything may have changed: the feed was (re)connected and may have missed notifications.
    case all
}

extension StoreChange {
    /// Reads a notification's payload: empty for the tokens, else the tenant and, after a space, its version.
    public init(payload: String) {
        guard !payload.isEmpty else {
            self = .tokens
            return
        }
        let parts = payload.split(separator: " ", maxSplits: 1)
        self = .tenant(String(parts[0]), version: parts.count == 2 ? Int64(parts[1]) : nil)
    }
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
