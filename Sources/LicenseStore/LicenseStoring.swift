import Foundation
import LicenseCore

/// A user to create.
public struct NewUser: Sendable, Equatable {
    public var userName: String
    public var displayName: String?
    public var email: String?
    public var type: UserType
    public var canLogIn: Bool
    public var isAdministrator: Bool
    /// A bcrypt hash; only administrators have one.
    public var passwordHash: String?

    public init(
        userName: String, displayName: String? = nil, email: String? = nil, type: UserType = .employee,
        canLogIn: Bool = false, isAdministrator: Bool = false, passwordHash: String? = nil
    ) {
        self.userName = userName
        self.displayName = displayName
        self.email = email
        self.type = type
        self.canLogIn = canLogIn
        self.isAdministrator = isAdministrator
        self.passwordHash = passwordHash
    }

    public func validate() throws(LicenseInputError) {
        try Validate.identifier(userName, field: "userName")
        try Validate.text(displayName, field: "displayName", limit: 200)
        try Validate.text(email, field: "email", limit: 254)
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

    // MARK: Assignments
    func assign(tenant: String, userName: String, module: ModuleKey, actor: String, now: Date) async throws -> [Assignment]
    func unassign(
        tenant: String, userName: String, module: ModuleKey, cascade: Bool, actor: String, now: Date
    ) async throws -> [Assignment]
    func addSatellite(tenant: String, name: String, actor: String, now: Date) async throws -> Satellite
    func assignSatellite(tenant: String, satellite: String, module: ModuleKey, actor: String, now: Date) async throws
    func unassignSatellite(tenant: String, satellite: String, module: ModuleKey, actor: String, now: Date) async throws

    // MARK: Events
    func addEvent(tenant: String, _ draft: EventDraft, actor: String, now: Date) async throws -> SystemEvent
    func updateEvent(tenant: String, id: Int64, changes: EventChanges, actor: String, now: Date) async throws -> SystemEvent
    func finishEvent(tenant: String, id: Int64, actor: String, now: Date) async throws -> SystemEvent
    func deleteEvent(tenant: String, id: Int64, actor: String, now: Date) async throws
    /// The tenant's verified events after upkeep: events past their expected finish are finished, and
    /// `license-expiring` is raised for owners past their admin-warning date.
    func events(tenant: String, now: Date) async throws -> [SystemEvent]
    /// Raises one `tamper-detected` event (and audit entry) per problem row not reported before.
    func recordTamper(tenant: String, problems: [IntegrityProblem], now: Date) async throws -> [SystemEvent]

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

    // MARK: Integrity and audit
    /// Every row that fails its signature, seal or chain. Empty means intact.
    func verify(tenant: String) async throws -> [IntegrityProblem]
    /// Audit entries, newest first, older than `before` (a sequence number) when given.
    func audit(tenant: String, before: Int64?, limit: Int) async throws -> [AuditEntry]
}
