import Foundation
import LicenseCore

/// What an import of users did (`LicenseStoring.importUsers`).
public struct UserImport: Sendable, Equatable, Codable {
    /// How many users were added: every one of the input.
    public var imported: Int
    /// The import's `user-import` event, finished with progress `imported` of `imported`.
    public var event: SystemEvent

    public init(imported: Int, event: SystemEvent) {
        self.imported = imported
        self.event = event
    }
}

/// An import of users that stopped part way: the batches added before the one that failed stay, and the import's
/// event is marked failed with the reason (`message`).
///
/// `cause` is what stopped it (a user name taken meanwhile, the database gone, …); callers answer as they would answer
/// the cause on its own (its HTTP status, its exit code), with this error's message.
public struct UserImportFailed: Error, CustomStringConvertible {
    /// How many users were added (and stay).
    public var imported: Int
    /// How many the input had.
    public var total: Int
    /// The import's event as marked failed; nil when it could not be marked (it stays active with its progress).
    public var event: SystemEvent?
    public var cause: any Error
    /// How far the import came, why it stopped and that the users added stay: the failed event's message.
    public var message: String

    public init(imported: Int, total: Int, event: SystemEvent?, cause: any Error, message: String) {
        self.imported = imported
        self.total = total
        self.event = event
        self.cause = cause
        self.message = message
    }

    public var description: String {
        event == nil ? message + " (its user-import event could not be marked failed)" : message
    }
}

/// The persistence of license data (DESIGN §4). Backends persist and lock; the rules in `LicenseCore` decide.
///
/// Every method that changes data runs one transaction that reads what the rule needs, calls the rule, writes the
/// result and appends a sealed audit entry; a refusal changes nothing.
public protocol LicenseStoring: Sendable {
    // MARK: Tenants
    func createTenant(_ tenant: Tenant, actor: String) async throws
    func tenantIDs() async throws -> [String]
    func tenant(_ id: String) async throws -> Tenant
    /// Bumped by every committed write of the tenant.
    func version(of tenant: String) async throws -> Int64

    // MARK: Reads for checks
    /// The tenant's verified rows as an immutable snapshot.
    func loadSnapshot(tenant: String) async throws -> TenantSnapshot
    /// The change sets that take a snapshot of the tenant at `version` to the stored version, in order, read from
    /// the change log with each entry's seal checked; nil when the log cannot take it there (pruned, missing or edited
    /// entries, or a change only a load can apply), and the tenant must be loaded instead.
    func changeSets(tenant: String, since version: Int64) async throws -> [SnapshotChange]?
    /// User names (or satellite names) holding a module.
    func holders(tenant: String, module: ModuleKey) async throws -> [String]
    func passwordHash(tenant: String, userName: String) async throws -> String?

    // MARK: Activation
    func previewActivation(tenant: String, package: Data, now: Date) async throws -> ActivationPreview
    /// Activates a package, or throws `count-below-in-use` with the preview's facts.
    func activate(tenant: String, package: Data, actor: String, now: Date) async throws -> ActivationPreview

    // MARK: Users
    func addUsers(tenant: String, _ users: [NewUser], actor: String, now: Date) async throws -> [User]
    func updateUser(tenant: String, userName: String, changes: UserChanges, actor: String, now: Date) async throws -> User
    func deleteUser(tenant: String, userName: String, actor: String, now: Date) async throws
    /// Adds many users as a long job (DESIGN §9) that shows on the Status tab as a `user-import` event.
    ///
    /// The whole input is checked first (`UserImportRule.validate`; a taken user name too) and a bad row is refused,
    /// named, with nothing written. Then the event is raised with progress 0 of N, the users are added `batchSize` at a
    /// time, each batch one transaction that also records the event's progress, and the event is finished. A batch
    /// that fails stops the import with `UserImportFailed`: the batches before it stay, the event is marked failed with
    /// the reason. An import is refused (`event-conflict`) while another one's event is active; finishing that event
    /// by hand stops the import at its next batch.
    ///
    /// - Parameters:
    ///   - source: where the users come from (a file name), for the event's message; nil names nothing.
    ///   - now: read once per transaction, as the job takes a while.
    ///   - progress: told the number of users added after each batch; the next batch starts when it returns.
    func importUsers(
        tenant: String, _ users: [NewUser], source: String?, actor: String, now: @escaping @Sendable () -> Date,
        batchSize: Int, progress: (@Sendable (Int) async -> Void)?
    ) async throws -> UserImport

    // MARK: Assignments
    func assign(tenant: String, userName: String, module: ModuleKey, actor: String, now: Date) async throws -> [Assignment]
    func unassign(
        tenant: String, userName: String, module: ModuleKey, cascade: Bool, actor: String, now: Date
    ) async throws -> [Assignment]
    func addSatellite(tenant: String, name: String, actor: String, now: Date) async throws -> Satellite
    func assignSatellite(tenant: String, satellite: String, module: ModuleKey, actor: String, now: Date) async throws
    func unassignSatellite(tenant: String, satellite: String, module: ModuleKey, actor: String, now: Date) async throws
    /// Gives the user exactly `desired` (the plan per owner and the direct modules) in one decision: every removal and
    /// insert, or nothing with every shortfall named.
    func changeLicenses(
        tenant: String, userName: String, to desired: DesiredLicenses, actor: String, now: Date
    ) async throws -> LicenseChange

    // MARK: Events
    func addEvent(tenant: String, _ draft: EventDraft, actor: String, now: Date) async throws -> SystemEvent
    func updateEvent(tenant: String, id: Int64, changes: EventChanges, actor: String, now: Date) async throws -> SystemEvent
    func finishEvent(tenant: String, id: Int64, actor: String, now: Date) async throws -> SystemEvent
    func deleteEvent(tenant: String, id: Int64, actor: String, now: Date) async throws
    /// The tenant's verified events as of `now` (an event past its expected finish reads as finished). Writes nothing.
    func events(tenant: String, now: Date) async throws -> [SystemEvent]
    /// Writes down what time has done: events past their expected finish are finished, and `license-expiring` is
    /// raised for owners past their admin-warning date. Answers whether anything changed.
    func upkeep(tenant: String, now: Date) async throws -> Bool
    /// Raises one `tamper-detected` event (and audit entry) per problem row not reported before.
    func recordTamper(tenant: String, problems: [IntegrityProblem], now: Date) async throws -> [SystemEvent]
    /// Accepts the tenant's local rows as they are now (an operator has inspected them): re-seals every local row
    /// whose seal fails, re-links the audit chain, records the commitment of the rows as they are and finishes the
    /// active `tamper-detected` events, with the digests before and after in the audit chain. Vendor-signed rows are
    /// not touched: a forged module row stays void. Refused when the installation key opens no row of the tenant.
    func repairAcceptingCurrent(tenant: String, actor: String, now: Date) async throws -> RepairReport

    // MARK: Metering
    /// The built-in services and the tenant's own.
    func services(tenant: String) async throws -> [MeteredService]
    func defineService(tenant: String, _ service: MeteredService, actor: String, now: Date) async throws
    /// Every service's tariff: the tenant's, else the documented default.
    func tariffs(tenant: String) async throws -> [String: Tariff]
    func setTariff(tenant: String, _ tariff: Tariff, actor: String, now: Date) async throws
    /// Stores new events (a repeated id is acknowledged, not counted) and updates the month aggregates in the same
    /// transaction; `users` is the count allowances grow with. Throws `UsageBatchRejected` for a bad batch.
    func ingestUsage(tenant: String, _ events: [UsageEvent], users: Int, now: Date) async throws -> IngestResult
    /// The month's aggregates: service → (value, users recorded with the last event of the month).
    func usageAggregates(tenant: String, month: Month) async throws -> [String: (value: Int64, users: Int)]
    /// Deletes raw events older than `keepMonths` whole months before `now`'s month; aggregates stay.
    func pruneUsage(tenant: String, keepMonths: Int, now: Date) async throws -> Int

    // MARK: API tokens
    func createToken(_ token: APIToken, now: Date) async throws
    /// Tokens of a tenant, or the operator tokens when `tenant` is nil.
    func tokens(tenant: String?) async throws -> [APIToken]
    /// The token with this id if its row's seal holds.
    func token(id: String) async throws -> APIToken?
    func revokeToken(id: String, actor: String, now: Date) async throws
    /// Changes whenever a token is created or revoked, for caches to notice.
    func tokensFingerprint() async throws -> String
    /// Each tenant's version, for a watcher that reloads changed tenants.
    func tenantVersions() async throws -> [String: Int64]
    /// Changes pushed by the database as other processes commit them, when the backend can push (else nil and the
    /// server polls `tenantVersions()`). One consumer only.
    var changeFeed: AsyncStream<StoreChange>? { get }
    /// Told of each write this process commits, with what it changed (the snapshot cache applies it).
    var changeSets: ChangeSetListeners { get }

    // MARK: Integrity and audit
    /// Every row that fails its signature, seal or chain. Empty means intact.
    func verify(tenant: String) async throws -> [IntegrityProblem]
    /// Audit entries, newest first, older than `before` (a sequence number) when given.
    func audit(tenant: String, before: Int64?, limit: Int) async throws -> [AuditEntry]

    // MARK: Lifecycle
    /// Stops background work and closes connections; the store is not used afterwards.
    func close() async
}
