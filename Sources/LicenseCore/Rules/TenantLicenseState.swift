import Foundation

/// What the rules read: a tenant's verified rows (or the slice a decision needs) and the seats in use.
///
/// Stores build it from rows whose signatures and seals hold; `seatsInUse` counts every stored holder, forged or
/// not, so a seat count is never exceeded even by rows that grant nothing.
public struct TenantLicenseState: Sendable {
    public var tenant: Tenant
    /// False when the tenant row's seal is broken: then every login is denied.
    public var isTenantIntact: Bool
    public var owners: [String: OwnerLicense]
    /// Users by id; for a single decision, only the users it concerns.
    public var users: [Int64: User]
    /// Verified assignments; for a single decision, only those of the users in `users`.
    public var assignments: [Assignment]
    /// Distinct users holding each module, over all stored assignments.
    public var seatsInUse: [ModuleKey: Int]
    public var satellites: [String: Satellite]
    public var satelliteAssignments: [SatelliteAssignment]
    public var events: [SystemEvent]
    /// False when an event row is edited, deleted or put back (or the events' digest differs from the sealed head's):
    /// a blocking event may be missing, so logins other than administrators' are denied until an administrator
    /// resolves it (fails closed).
    public var areEventsIntact: Bool

    public init(
        tenant: Tenant, isTenantIntact: Bool = true, owners: [String: OwnerLicense] = [:], users: [Int64: User] = [:],
        assignments: [Assignment] = [], seatsInUse: [ModuleKey: Int] = [:], satellites: [String: Satellite] = [:],
        satelliteAssignments: [SatelliteAssignment] = [], events: [SystemEvent] = [], areEventsIntact: Bool = true
    ) {
        self.areEventsIntact = areEventsIntact
        self.tenant = tenant
        self.isTenantIntact = isTenantIntact
        self.owners = owners
        self.users = users
        self.assignments = assignments
        self.seatsInUse = seatsInUse
        self.satellites = satellites
        self.satelliteAssignments = satelliteAssignments
        self.events = events
    }

    public func module(_ key: ModuleKey) -> ModuleLicense? { owners[key.owner]?.modules[key.module] }

    public func inUse(_ key: ModuleKey) -> Int { seatsInUse[key] ?? 0 }

    public func assignments(of userID: Int64) -> [Assignment] { assignments.filter { $0.userID == userID } }
}
