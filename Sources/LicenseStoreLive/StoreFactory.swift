import Foundation
import LicenseCore
import LicenseStore
import LicenseStoreEngine
import LicenseStorePostgres
import LicenseStoreSQLite
import Logging
import ServiceLifecycle

/// Opens a store from where the data is: the one place (with the tests' fixtures) that wires a backend.
public enum StoreFactory {
    /// Opens the store at `location`. The installation key comes from `LICENSING_INSTALLATION_KEY`, else from
    /// `dataDirectory`, where it is created on first use only when `create` (every PostgreSQL node must share one key).
    /// An SQLite location must already hold data unless `create`. A request waits at most `requestTimeout` for the
    /// database (SQLite: for another process's write lock) before failing with `StoreUnavailable` or `StoreBusy`.
    public static func open(
        _ location: StoreLocation, dataDirectory: URL, create: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment, requestTimeout: Duration = .seconds(5),
        listen: Bool = false, logger: Logger = Logger(label: "licensing.store")
    ) async throws -> any LicenseStoring {
        switch location {
        case .sqlite(let directory):
            guard create || FileManager.default.fileExists(atPath: directory.appendingPathComponent("licensing.sqlite").path)
            else {
                throw LicenseInputError.invalid(field: "location", reason: "no licensing data in \(directory.path)")
            }
            return try SQLiteLicenseStore(dataDirectory: directory, environment: environment, requestTimeout: requestTimeout)
        case .postgres(let url):
            let sealer = try InstallationKey.load(dataDirectory: dataDirectory, environment: environment, create: create)
            return try await PostgresLicenseStore.connect(
                url: url, sealer: sealer, logger: logger, requestTimeout: requestTimeout, listen: listen)
        }
    }

    /// PostgreSQL when `database` is given, else SQLite in `dataDirectory`.
    public static func location(database: String?, dataDirectory: URL) throws -> StoreLocation {
        guard let database else { return .sqlite(dataDirectory: dataDirectory) }
        guard case .postgres = try StoreLocation.parse(database) else {
            throw LicenseInputError.invalid(field: "database", reason: "must be a postgres:// URL")
        }
        return .postgres(database)
    }
}

/// The store's lifecycle as a service: it runs until the group shuts down, then closes the store (PostgreSQL's
/// connections and background tasks). Put it before the services that use the store: a group stops its services
/// in reverse order.
public struct StoreService: Service {
    let store: any LicenseStoring

    public init(_ store: any LicenseStoring) { self.store = store }

    public func run() async throws {
        try? await gracefulShutdown()
        await store.close()
    }
}
