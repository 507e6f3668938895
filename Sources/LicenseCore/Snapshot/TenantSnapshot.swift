import Foundation

/// An immutable view of one tenant for checks (DESIGN §4): users → effective modules, owners' grant dates,
/// active events. Built from verified rows only; a store swaps in a new one after each committed write.
///
/// A check is two dictionary look-ups and a bit test; dates are applied per check, so a snapshot stays right
/// as the clock passes an owner's grace date.
public final class TenantSnapshot: Sendable {
    struct UserEntry: Sendable {
        let user: User
        let isIntact: Bool
        /// Bit i set = the module with index i is effective (dates aside).
        let bits: [UInt64]
    }

    public let version: Int64
    public let state: TenantLicenseState
    let moduleIndex: [ModuleKey: Int]
    /// Per module index: the moment its owner stops granting, if any.
    let grantsUntil: [Date?]
    let users: [String: UserEntry]
    let events: [SystemEvent]
    /// Modules whose rows are stored but fail verification: checks name them rather than call them unknown.
    let voidModules: Set<ModuleKey>
    /// Holds beyond a module's count (stored rows exceed it): denied `module-integrity`.
    let overCount: Set<SeatCap.Excess>

    /// - Parameters:
    ///   - state: verified rows of the whole tenant.
    ///   - voidUsers: users whose seal is broken: they are known, but hold nothing and cannot log in.
    ///   - voidModules: modules whose stored rows fail verification.
    public init(version: Int64, state: TenantLicenseState, voidUsers: [User] = [], voidModules: Set<ModuleKey> = []) {
        self.version = version
        self.state = state
        self.voidModules = voidModules
        var index: [ModuleKey: Int] = [:]
        var grants: [Date?] = []
        for owner in state.owners.values.sorted(by: { $0.name < $1.name }) {
            for module in owner.sortedModules {
                index[ModuleKey(owner: owner.name, module: module.name)] = grants.count
                grants.append(owner.header.dates.grantsUntil)
            }
        }
        moduleIndex = index
        grantsUntil = grants
        let words = (grants.count + 63) / 64
        let byUser = Dictionary(grouping: state.assignments, by: \.userID)
        var entries: [String: UserEntry] = [:]
        entries.reserveCapacity(state.users.count + voidUsers.count)
        // The seat cap is worked out only when a module's stored holders exceed its count (seatsInUse counts every
        // stored row, so a tenant within its counts skips it).
        var effective: [Int64: Set<ModuleKey>] = [:]
        var excess: Set<SeatCap.Excess> = []
        if SeatCap.mayExceed(owners: state.owners, seatsInUse: state.seatsInUse) {
            effective.reserveCapacity(state.users.count)
            for user in state.users.values {
                effective[user.id] = Set(
                    EffectiveModules.ignoringDates(userAssignments: byUser[user.id] ?? [], owners: state.owners).keys)
            }
            excess = SeatCap.excess(
                owners: state.owners, assignments: state.assignments, effective: effective,
                satelliteAssignments: state.satelliteAssignments)
        }
        for user in state.users.values {
            var bits = [UInt64](repeating: 0, count: words)
            let modules =
                effective[user.id]
                ?? Set(EffectiveModules.ignoringDates(userAssignments: byUser[user.id] ?? [], owners: state.owners).keys)
            for key in modules where excess.isEmpty || !excess.contains(SeatCap.Excess(userID: user.id, module: key)) {
                if let i = index[key] { bits[i >> 6] |= 1 << UInt64(i & 63) }
            }
            entries[user.userName] = UserEntry(user: user, isIntact: true, bits: bits)
        }
        overCount = excess
        for user in voidUsers where entries[user.userName] == nil {
            entries[user.userName] = UserEntry(user: user, isIntact: false, bits: [UInt64](repeating: 0, count: words))
        }
        users = entries
        events = state.events
    }

    // MARK: - Checks

    /// "May this user use this module?" — the hot path.
    public func check(userName: String, module: ModuleKey, now: Date = Date()) -> CheckDecision {
        guard state.isTenantIntact else { return .denied(.tenantIntegrity) }
        guard let entry = users[userName] else { return .denied(.unknownUser) }
        guard entry.isIntact else { return .denied(.userIntegrity) }
        guard !entry.user.retired else { return .denied(.userRetired) }
        guard let i = moduleIndex[module] else {
            return .denied(voidModules.contains(module) ? .moduleIntegrity : .unknownModule)
        }
        guard entry.bits[i >> 6] & (1 << UInt64(i & 63)) != 0 else {
            let isOverCount = !overCount.isEmpty && overCount.contains(SeatCap.Excess(userID: entry.user.id, module: module))
            return .denied(isOverCount ? .moduleIntegrity : .notLicensed)
        }
        if let end = grantsUntil[i], now >= end { return .denied(.ownerExpired) }
        return .granted
    }

    public func loginCheck(userName: String, client: LoginClient, now: Date = Date()) -> LoginDecision {
        let entry = users[userName]
        return LoginRule.decide(
            user: entry?.user, isUserIntact: entry?.isIntact ?? false,
            hasModule: { name in entry.map { self.has(name, entry: $0, now: now) } ?? false },
            client: client, isTenantIntact: state.isTenantIntact, areEventsIntact: state.areEventsIntact, events: events,
            now: now)
    }

    /// Whether the user holds the vendor's module of this name (a partner's module of the same name does not count).
    private func has(_ moduleName: String, entry: UserEntry, now: Date) -> Bool {
        guard entry.isIntact, let i = moduleIndex[ModuleKey(owner: LoginRule.vendorOwner, module: moduleName)] else {
            return false
        }
        return entry.bits[i >> 6] & (1 << UInt64(i & 63)) != 0 && (grantsUntil[i].map { now < $0 } ?? true)
    }

    // MARK: - Reads

    public func user(named userName: String) -> User? { users[userName]?.user }

    /// Effective modules of a user with their source, dates applied.
    public func effectiveModules(of userName: String, now: Date = Date()) -> [ModuleKey: ModuleSource] {
        guard let entry = users[userName], entry.isIntact else { return [:] }
        return EffectiveModules.of(
            userAssignments: state.assignments.filter { $0.userID == entry.user.id }, owners: state.owners, now: now)
    }

    public func userCounts(activeOnly: Bool, now: Date = Date()) -> UserCounts {
        let byUser = Dictionary(grouping: state.assignments, by: \.userID)
        return UserCounts.compute(
            owners: state.owners, users: Array(state.users.values),
            effective: { EffectiveModules.of(userAssignments: byUser[$0.id] ?? [], owners: self.state.owners, now: now) },
            activeOnly: activeOnly)
    }

    public func fencing() -> [FencingEntry] { Fencing.entries(owners: state.owners, seatsInUse: state.seatsInUse) }
}
