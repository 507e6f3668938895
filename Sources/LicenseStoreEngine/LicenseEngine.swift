import Foundation
import LicenseCore
import LicenseStore

/// The license store (DESIGN §4): every operation written once, over a backend's sessions.
///
/// Each write runs in one transaction that holds the tenant's write lock: it reads the verified rows the rule needs,
/// calls the rule in `LicenseCore`, writes the result and a sealed audit entry chained to the previous one, bumps the
/// tenant's version and tells other processes. A refusal changes nothing. Reads see one consistent state.
public final class LicenseEngine<Backend: DatabaseBackend>: LicenseStoring {
    public let backend: Backend
    public let sealer: Sealer
    /// How long a request waits for the database (nil: the backend's default).
    let longTimeout: Duration = .seconds(300)
    /// The tenants' head rows as last read or written, parsed and checked.
    let headMemo = HeadMemo()
    /// Told of every committed write's change set (issue 13).
    public let changeSets = ChangeSetListeners()

    public init(backend: Backend, sealer: Sealer) {
        self.backend = backend
        self.sealer = sealer
    }

    public var changeFeed: AsyncStream<StoreChange>? { backend.changeFeed }

    public func close() async { await backend.shutdown() }

    // MARK: - Transactions

    /// Runs `body` in one write transaction; what it changed goes into the sealed head before the commit.
    /// A tenant's write reads its head first (refusing one that does not verify; `checkingHead` false only for a
    /// repair).
    func write<T: Sendable>(
        tenant: String?, timeout: Duration? = nil, checkingHead: Bool = true,
        _ body: @escaping @Sendable (Backend.Session) throws -> T
    ) async throws -> T {
        try await backend.write(tenant: tenant, timeout: timeout) { s in
            if let tenant, checkingHead { try self.beginWrite(s, tenant: tenant) }
            let result = try body(s)
            try self.commitChanges(s)
            return result
        }
    }

    func read<T: Sendable>(timeout: Duration? = nil, _ body: @escaping @Sendable (Backend.Session) throws -> T) async throws -> T
    {
        try await backend.read(timeout: timeout, body)
    }
}

/// Parses a tenant's trust root once at creation so a bad key is refused before anything is written.
enum TrustRootProbe {
    static func check(_ tenant: Tenant) throws {
        _ = try SigningKeyJWK.parse(Data(tenant.trustRoot.utf8)).publicKey()
    }
}
