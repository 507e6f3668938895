import Foundation
import LicenseCore

/// Builds the `TenantLicenseState` a rule reads, for tests without a database.
///
/// Seats in use are counted the way a store counts them: distinct users per module over `assignments`, plus
/// `otherHolders` for users of the tenant a test does not load, plus satellites per satellite module.
///
/// ```swift
/// var tenant = TenantStateBuilder()
/// let alice = tenant.addUser("alice")
/// tenant.fill("web")
/// #expect(throws: LicenseRefusal.self) { try AssignmentRule.check(tenant.request(alice, "web"), in: tenant.state, now: Fixtures.now) }
/// ```
public struct TenantStateBuilder: Sendable {
    public var tenant: Tenant
    public var isTenantIntact: Bool
    /// Active owners by name.
    public var owners: [String: OwnerLicense]
    public var users: [Int64: User]
    public var assignments: [Assignment]
    /// Holders not in `assignments`, by module: other users of the tenant.
    public var otherHolders: [ModuleKey: Int]
    public var satellites: [String: Satellite]
    public var satelliteAssignments: [SatelliteAssignment]
    public var events: [SystemEvent]

    /// A tenant with the given active owners (the sample package by default) and nobody in it.
    public init(owners: [OwnerLicense] = [Fixtures.sampleOwner], tenant: Tenant = Fixtures.tenant()) {
        self.tenant = tenant
        isTenantIntact = true
        self.owners = Dictionary(owners.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        users = [:]
        assignments = []
        otherHolders = [:]
        satellites = [:]
        satelliteAssignments = []
        events = []
    }

    /// A tenant whose single owner is the sample package issued from `spec`.
    public init(spec: PackageSpec) throws {
        self.init(owners: [try Fixtures.ownerLicense(spec: spec)])
    }

    // MARK: - Users

    /// Adds a user with the next free id.
    @discardableResult
    public mutating func addUser(
        _ userName: String, type: UserType = .employee, canLogIn: Bool = true, retired: Bool = false,
        waitingForApproval: Bool = false, isAdministrator: Bool = false
    ) -> User {
        let user = Fixtures.user(
            (users.keys.max() ?? 0) + 1, userName, type: type, canLogIn: canLogIn, retired: retired,
            waitingForApproval: waitingForApproval, isAdministrator: isAdministrator)
        users[user.id] = user
        return user
    }

    // MARK: - Assignments

    /// Stores an assignment row directly, as if made earlier (no rule is asked).
    public mutating func give(_ module: String, to user: User, owner: String = Fixtures.superOffice, viaPlan: String? = nil) {
        assignments.append(Fixtures.assignment(module, to: user.id, owner: owner, viaPlan: viaPlan))
    }

    /// Stores a plan and the rows it brings, as if assigned earlier.
    public mutating func givePlan(_ plan: String, to user: User, owner: String = Fixtures.superOffice) {
        give(plan, to: user, owner: owner)
        for module in owners[owner.uppercased()]?.modules[plan]?.planModules ?? [] {
            give(module, to: user, owner: owner, viaPlan: plan)
        }
    }

    /// Inserts the rows an assignment rule planned, as a store would.
    public mutating func apply(_ plan: AssignmentPlan) {
        assignments += plan.inserts
    }

    /// Deletes the rows an unassign rule returned, as a store would.
    public mutating func remove(_ rows: [Assignment]) {
        assignments.removeAll { rows.contains($0) }
    }

    /// Writes the rows a license change planned, as a store would: removals first, then inserts.
    public mutating func apply(_ change: LicenseChange) {
        remove(change.removals)
        assignments += change.inserts
    }

    /// Makes every seat of a module taken by other users.
    public mutating func fill(_ module: String, owner: String = Fixtures.superOffice) {
        let key = ModuleKey(owner: owner, module: module)
        let count = owners[key.owner]?.modules[key.module]?.count ?? 0
        otherHolders[key] = max(0, count - distinctHolders(key))
    }

    /// The modules a user holds through rows, with the plan each came with.
    public func rows(of user: User) -> [Assignment] {
        assignments.filter { $0.userID == user.id }
    }

    // MARK: - Requests

    public func request(_ user: User, _ module: String, owner: String = Fixtures.superOffice) -> AssignmentRequest {
        AssignmentRequest(userID: user.id, module: ModuleKey(owner: owner, module: module), actor: Fixtures.actor)
    }

    public func unassignRequest(
        _ user: User, _ module: String, owner: String = Fixtures.superOffice, cascade: Bool = false
    ) -> UnassignRequest {
        UnassignRequest(userID: user.id, module: ModuleKey(owner: owner, module: module), cascade: cascade, actor: Fixtures.actor)
    }

    // MARK: - Results

    /// Distinct holders per module, as `TenantLicenseState.seatsInUse` documents.
    public var seatsInUse: [ModuleKey: Int] {
        var result = otherHolders
        for (key, holders) in Dictionary(grouping: assignments, by: \.key) {
            result[key, default: 0] += Set(holders.map(\.userID)).count
        }
        for assignment in satelliteAssignments {
            result[assignment.key, default: 0] += 1
        }
        return result
    }

    public var state: TenantLicenseState {
        TenantLicenseState(
            tenant: tenant, isTenantIntact: isTenantIntact, owners: owners, users: users, assignments: assignments,
            seatsInUse: seatsInUse, satellites: satellites, satelliteAssignments: satelliteAssignments, events: events)
    }

    /// A snapshot of the state, with users whose seal is broken passed as `voidUsers`.
    public func snapshot(version: Int64 = 1, voidUsers: [User] = []) -> TenantSnapshot {
        TenantSnapshot(version: version, state: state, voidUsers: voidUsers)
    }

    private func distinctHolders(_ key: ModuleKey) -> Int {
        Set(assignments.filter { $0.key == key }.map(\.userID)).count
    }
}

extension Fixtures {
    /// An active system event.
    public static func event(
        _ key: String, id: Int64 = 1, scope: SystemEvent.Scope = .system, scopeOwner: String? = nil,
        message: String = "message", status: SystemEvent.Status = .active, expectedFinish: Date? = nil
    ) -> SystemEvent {
        SystemEvent(
            id: id, key: key, scope: scope, scopeOwner: scopeOwner, status: status, message: message,
            activatedAt: days(-1), activatedBy: actor, expectedFinish: expectedFinish)
    }
}
