import Foundation
import LicenseCore
import LicenseStore
import LicenseStoreEngine
import LicenseStorePostgres
import LicenseStoreSQLite

/// The backends the store conformance suite runs against.
public enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }
}

/// A store in a fresh place with a random installation secret, removed when done: an SQLite database in a temporary
/// directory, or a new database on the test PostgreSQL server (`PostgresTestServer.shared`).
///
/// ```swift
/// try await TemporaryStore.with(.postgres) { temporary in
///     try await temporary.createTenant()
///     _ = try await temporary.activate()
/// }
/// ```
public final class TemporaryStore: Sendable {
    public let backend: StoreBackend
    public let directory: URL
    public let sealer: Sealer
    public let store: any LicenseStoring
    /// The PostgreSQL database's URL (nil for SQLite).
    public let databaseURL: String?

    /// The SQLite database file (empty for PostgreSQL).
    public var databasePath: String { (store as? SQLiteLicenseStore)?.path ?? "" }

    /// An SQLite store; the directory goes when this object does, or at `remove()`.
    public convenience init() throws {
        let directory = Self.makeDirectory()
        let sealer = try Sealer(secret: Sealer.makeSecret())
        do {
            let store = try SQLiteLicenseStore(path: directory.appendingPathComponent("licensing.sqlite").path, sealer: sealer)
            self.init(backend: .sqlite, directory: directory, sealer: sealer, store: store, databaseURL: nil)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    private init(backend: StoreBackend, directory: URL, sealer: Sealer, store: any LicenseStoring, databaseURL: String?) {
        self.backend = backend
        self.directory = directory
        self.sealer = sealer
        self.store = store
        self.databaseURL = databaseURL
    }

    /// A store of `backend`; release it with `close()`.
    public static func make(_ backend: StoreBackend) async throws -> TemporaryStore {
        switch backend {
        case .sqlite:
            return try TemporaryStore()
        case .postgres:
            let url = try await PostgresTestServer.shared.makeDatabase()
            let sealer = try Sealer(secret: Sealer.makeSecret())
            let store = try await PostgresLicenseStore.connect(
                url: url, sealer: sealer, requestTimeout: .seconds(60), maximumConnections: 8)
            return TemporaryStore(
                backend: .postgres, directory: makeDirectory(), sealer: sealer, store: store, databaseURL: url)
        }
    }

    deinit { remove() }

    /// Runs `body` with a new temporary store of `backend` and removes it afterwards, whatever happens.
    public static func with<T>(
        _ backend: StoreBackend = .sqlite, _ body: (TemporaryStore) async throws -> T
    ) async throws
        -> T
    {
        let temporary = try await make(backend)
        do {
            let result = try await body(temporary)
            await temporary.close()
            return result
        } catch {
            await temporary.close()
            throw error
        }
    }

    /// Runs `body` with a second store on the same database and installation key, as another process or node would
    /// open it, and closes that store afterwards.
    public func withSecondStore<T>(_ body: (any LicenseStoring) async throws -> T) async throws -> T {
        let other: any LicenseStoring
        switch backend {
        case .sqlite:
            other = try SQLiteLicenseStore(path: databasePath, sealer: sealer)
        case .postgres:
            other = try await PostgresLicenseStore.connect(
                url: databaseURL ?? "", sealer: sealer, requestTimeout: .seconds(60), maximumConnections: 2)
        }
        do {
            let result = try await body(other)
            await other.close()
            return result
        } catch {
            await other.close()
            throw error
        }
    }

    /// Closes the store and drops what it stored.
    public func close() async {
        await store.close()
        if let databaseURL { try? await PostgresTestServer.shared.dropDatabase(databaseURL) }
        remove()
    }

    /// Deletes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    private static func makeDirectory() -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("licensing-test-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    // MARK: - Common setup

    /// Creates `tenant` (the sample tenant by default) in the store.
    @discardableResult
    public func createTenant(_ tenant: Tenant = Fixtures.tenant()) async throws -> Tenant {
        try await store.createTenant(tenant, actor: Fixtures.actor)
        return tenant
    }

    /// Issues `spec` (the sample package by default) and activates it for `tenant`.
    @discardableResult
    public func activate(
        _ spec: PackageSpec = Fixtures.sampleSpec(), tenant: String = Fixtures.tenantID, now: Date = Fixtures.now
    ) async throws -> ActivationPreview {
        try await store.activate(tenant: tenant, package: Fixtures.issue(spec: spec, now: now), actor: Fixtures.actor, now: now)
    }

    /// Adds users who can log in, of the given type, and returns them.
    @discardableResult
    public func addUsers(
        _ userNames: [String], type: UserType = .employee, tenant: String = Fixtures.tenantID, now: Date = Fixtures.now
    ) async throws -> [User] {
        try await store.addUsers(
            tenant: tenant, userNames.map { NewUser(userName: $0, type: type, canLogIn: true) }, actor: Fixtures.actor,
            now: now)
    }
}
