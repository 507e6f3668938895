import Foundation
import LicenseCore

/// Where license data lives: an SQLite database in a data directory, or a PostgreSQL database.
public enum StoreLocation: Sendable, Equatable {
    case sqlite(dataDirectory: URL)
    case postgres(String)

    /// `sqlite:PATH` (a data directory), or a `postgres://` URL.
    public static func parse(_ text: String) throws -> StoreLocation {
        if isPostgres(text) { return .postgres(text) }
        if text.hasPrefix("sqlite:"), text.count > "sqlite:".count {
            return .sqlite(dataDirectory: URL(fileURLWithPath: String(text.dropFirst("sqlite:".count)), isDirectory: true))
        }
        throw LicenseInputError.invalid(
            field: "location", reason: "expected sqlite:DATA_DIRECTORY or postgres://user@host:port/database")
    }

    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The location for messages and logs: a URL's password is never shown.
    public static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? "postgres://…"
    }
}
