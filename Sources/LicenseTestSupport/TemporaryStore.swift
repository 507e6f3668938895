import Foundation
import LicenseCore
import LicenseStore

/// An `SQLiteLicenseStore` in a fresh temporary directory with a random installation secret, removed when done.
///
/// ```swift
/// try await TemporaryStore.with { temporary in
///     try await temporary.createTenant()
///     _ = try await temporary.activate()
/// }
/// ```
public final class TemporaryStore: Sendable {
    public let directory: URL
    public let sealer: Sealer
    public let store: SQLiteLicenseStore

    public var databasePath: String { store.path }

    /// Creates the directory and the database; the directory goes when this object does, or at `remove()`.
    public init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("licensing-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        sealer = try Sealer(secret: Sealer.makeSecret())
        do {
            store = try SQLiteLicenseStore(path: directory.appendingPathComponent("licensing.sqlite").path, sealer: sealer)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    deinit { remove() }

    /// Runs `body` with a new temporary store and removes the store's directory afterwards, whatever happens.
    public static func with<T>(_ body: (TemporaryStore) async throws -> T) async throws -> T {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        return try await body(temporary)
    }

    /// Deletes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(at: directory)
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
