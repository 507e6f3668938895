import Foundation
import LicenseCore
import Logging

/// Where license data lives: an SQLite database in a data directory, or a PostgreSQL database.
public enum StoreLocation: Sendable, Equatable {
    case sqlite(dataDirectory: URL)
    case postgres(String)

    /// `sqlite:PATH` (a data directory), or a `postgres://` URL.
    public static func parse(_ text: String) throws -> StoreLocation {
        if PostgresURL.isPostgres(text) { return .postgres(text) }
        if text.hasPrefix("sqlite:"), text.count > "sqlite:".count {
            return .sqlite(dataDirectory: URL(fileURLWithPath: String(text.dropFirst("sqlite:".count)), isDirectory: true))
        }
        throw LicenseInputError.invalid(
            field: "location", reason: "expected sqlite:DATA_DIRECTORY or postgres://user@host:port/database")
    }

    /// Opens the store. The installation key comes from `LICENSING_INSTALLATION_KEY`, else from the data directory
    /// (created there on first use only when `createKey`: every PostgreSQL node must share one key).
    public func open(
        dataDirectory: URL, createKey: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment,
        requestTimeout: Duration = .seconds(5), listen: Bool = false, logger: Logger = Logger(label: "licensing.store")
    ) async throws -> any LicenseStoring {
        switch self {
        case .sqlite(let directory):
            guard createKey || FileManager.default.fileExists(atPath: directory.appendingPathComponent("licensing.sqlite").path)
            else {
                throw LicenseInputError.invalid(field: "location", reason: "no licensing data in \(directory.path)")
            }
            return try SQLiteLicenseStore(dataDirectory: directory, environment: environment)
        case .postgres(let url):
            let sealer = try InstallationKey.load(dataDirectory: dataDirectory, environment: environment, create: createKey)
            return try await PostgresLicenseStore.connect(
                url: url, sealer: sealer, logger: logger, requestTimeout: requestTimeout, listen: listen)
        }
    }

    /// The location for messages and logs: a URL's password is never shown.
    public static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? "postgres://…"
    }
}
