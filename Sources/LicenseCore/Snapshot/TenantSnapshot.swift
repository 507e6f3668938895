import Foundation

/// An immutable view of one tenant for checks (DESIGN §4): users → effective modules, owners' grant dates,
/// active events. Built from verified rows only; after a committed write the server swaps in the next one, made by
/// applying the write's change set (`applying(_:)`, cost proportional to the rows changed) or, when that cannot be
/// done, by loading the tenant again.
///
/// A check is two dictionary look-ups and a bit test; dates are applied per check, so a snapshot stays right
/// as the clock passes an owner's grace date.
public final class TenantSnapshot: Sendable {
    /// One user as checks see it: the row, whether its seal holds, its verified assignments and the modules they make
    /// effective.
    public struct UserEntry: Sendable {
        public let user: User
        public let isIntact: Bool
        /// The user's verified assignments (none for a void user).
        public let assignments: [Assignment]
        /// Bit i set = the module with index i is effective (dates aside).
        let bits: [UInt64]
        /// The user modules among those bits with where each comes from (site modules are the snapshot's, for all).
        let held: [Held]
    }

    /// A user module a user holds: its index and its source.
    struct Held: Sendable {
        let index: Int32
        let source: ModuleSource
    }

    public let version: Int64
    public let tenant: Tenant
    /// False when the tenant row's seal is broken or the grant tables are not the rows the head commits to.
    public let isTenantIntact: Bool
    /// False when the events are not the ones the head commits to: logins of non-administrators are denied.
    public let areEventsIntact: Bool
    public let owners: [String: OwnerLicense]
    /// Distinct holders of each module (users and satellites), every stored row counted.
    public let seatsInUse: [ModuleKey: Int]
    public let satellites: [String: Satellite]
    public let satelliteAssignments: [SatelliteAssignment]
    public let events: [SystemEvent]
    /// Whether a change set may be applied to this snapshot: it was loaded with nothing void, nothing over a count and
    /// every table as the head commits to. Otherwise the next change loads the tenant again (and the load's checks
    /// against the head decide).
    public let acceptsChanges: Bool
    let moduleIndex: [ModuleKey: Int]
    /// Per module index: its key.
    let moduleKeys: [ModuleKey]
    /// The indices of the site modules with a count: effective for every intact user (dates aside).
    let siteIndices: [Int]
    /// Per module index: the moment its owner stops granting, if any.
    let grantsUntil: [Date?]
    /// The owners with their dates removed: what the rows grant, dates applied per check.
    let undatedOwners: [String: OwnerLicense]
    /// Users by name.
    let entries: ShardedMap<String, UserEntry>
    /// User names by id (assignment rows name users by id).
    let names: ShardedMap<Int64, String>
    /// Modules whose stored rows fail verification: checks name them rather than call them unknown.
    let voidModules: Set<ModuleKey>
    /// Holds beyond a module's count (stored rows exceed it): denied `module-integrity`.
    let overCount: Set<SeatCap.Excess>

    /// - Parameters:
    ///   - state: verified rows of the whole tenant.
    ///   - voidUsers: users whose seal is broken: they are known, but hold nothing and cannot log in.
    ///   - voidModules: modules whose stored rows fail verification.
    ///   - acceptsChanges: false when the load found rows it left out (void or beyond the head's commitment).
    public init(
        version: Int64, state: TenantLicenseState, voidUsers: [User] = [], voidModules: Set<ModuleKey> = [],
        acceptsChanges: Bool = true
    ) {
        self.version = version
        tenant = state.tenant
        isTenantIntact = state.isTenantIntact
        areEventsIntact = state.areEventsIntact
        owners = state.owners
        seatsInUse = state.seatsInUse
        satellites = state.satellites
        satelliteAssignments = state.satelliteAssignments
        events = state.events
        self.voidModules = voidModules
        (moduleIndex, moduleKeys, siteIndices, grantsUntil) = Self.index(state.owners)
        undatedOwners = Self.undated(state.owners)
        let byUser = Dictionary(grouping: state.assignments, by: \.userID)
        // The seat cap is worked out only when a module's stored holders exceed its count (seatsInUse counts every
        // stored row, so a tenant within its counts skips it).
        var excess: Set<SeatCap.Excess> = []
        if SeatCap.mayExceed(owners: state.owners, seatsInUse: state.seatsInUse) {
            var effective: [Int64: Set<ModuleKey>] = [:]
            effective.reserveCapacity(state.users.count)
            for user in state.users.values {
                effective[user.id] = Set(
                    EffectiveModules.of(userAssignments: byUser[user.id] ?? [], owners: undatedOwners, now: .distantPast).keys)
            }
            excess = SeatCap.excess(
                owners: state.owners, assignments: state.assignments, effective: effective,
                satelliteAssignments: state.satelliteAssignments)
        }
        overCount = excess
        var entries = ShardedMap<String, UserEntry>()
        var names = ShardedMap<Int64, String>()
        let context = EntryContext(moduleIndex: moduleIndex, words: (grantsUntil.count + 63) / 64, owners: undatedOwners)
        for user in state.users.values {
            entries[user.userName] = context.entry(user, assignments: byUser[user.id] ?? [], excess: excess)
            names[user.id] = user.userName
        }
        for user in voidUsers where entries[user.userName] == nil {
            entries[user.userName] = context.entry(user, assignments: [], isIntact: false)
            names[user.id] = user.userName
        }
        self.entries = entries
        self.names = names
        self.acceptsChanges =
            acceptsChanges && voidUsers.isEmpty && voidModules.isEmpty && excess.isEmpty && state.isTenantIntact
            && state.areEventsIntact
    }

    private init(
        _ base: TenantSnapshot, version: Int64, seatsInUse: [ModuleKey: Int], satellites: [String: Satellite],
        satelliteAssignments: [SatelliteAssignment], events: [SystemEvent], entries: ShardedMap<String, UserEntry>,
        names: ShardedMap<Int64, String>
    ) {
        self.version = version
        tenant = base.tenant
        isTenantIntact = base.isTenantIntact
        areEventsIntact = base.areEventsIntact
        owners = base.owners
        self.seatsInUse = seatsInUse
        self.satellites = satellites
        self.satelliteAssignments = satelliteAssignments
        self.events = events
        acceptsChanges = true
        moduleIndex = base.moduleIndex
        moduleKeys = base.moduleKeys
        siteIndices = base.siteIndices
        grantsUntil = base.grantsUntil
        undatedOwners = base.undatedOwners
        self.entries = entries
        self.names = names
        voidModules = []
        overCount = []
    }

    private static func index(
        _ owners: [String: OwnerLicense]
    ) -> (index: [ModuleKey: Int], keys: [ModuleKey], sites: [Int], grantsUntil: [Date?]) {
        var index: [ModuleKey: Int] = [:]
        var keys: [ModuleKey] = []
        var sites: [Int] = []
        var grants: [Date?] = []
        for owner in owners.values.sorted(by: { $0.name < $1.name }) {
            for module in owner.sortedModules {
                let key = ModuleKey(owner: owner.name, module: module.name)
                if module.type == .site && module.count > 0 { sites.append(keys.count) }
                index[key] = keys.count
                keys.append(key)
                grants.append(owner.header.dates.grantsUntil)
            }
        }
        return (index, keys, sites, grants)
    }

    private static func undated(_ owners: [String: OwnerLicense]) -> [String: OwnerLicense] {
        owners.mapValues { owner in
            var copy = owner
            copy.header.expiresAt = nil
            copy.header.graceUntil = nil
            return copy
        }
    }

    /// Makes user entries: the effective modules of a user's assignments as bits.
    private struct EntryContext {
        let moduleIndex: [ModuleKey: Int]
        let words: Int
        let owners: [String: OwnerLicense]

        func entry(
            _ user: User, assignments: [Assignment], isIntact: Bool = true, excess: Set<SeatCap.Excess> = []
        ) -> UserEntry {
            var bits = [UInt64](repeating: 0, count: words)
            var held: [Held] = []
            if isIntact {
                for (key, source) in EffectiveModules.of(userAssignments: assignments, owners: owners, now: .distantPast)
                where excess.isEmpty || !excess.contains(SeatCap.Excess(userID: user.id, module: key)) {
                    guard let i = moduleIndex[key] else { continue }
                    bits[i >> 6] |= 1 << UInt64(i & 63)
                    if source != .site { held.append(Held(index: Int32(i), source: source)) }
                }
            }
            return UserEntry(
                user: user, isIntact: isIntact, assignments: isIntact ? assignments : [], bits: bits, held: held)
        }
    }

    // MARK: - Change sets

    /// The snapshot with `change` applied, at a cost proportional to the rows it names; nil when it cannot be applied
    /// and the tenant must be loaded again: this snapshot does not accept changes, the change was not made on this
    /// version, it touches what a load must decide (owners, module rows, the tenant row), names a user this snapshot
    /// does not know, or leaves a module with more holders than its count.
    public func applying(_ change: SnapshotChange) -> TenantSnapshot? {
        guard acceptsChanges, !change.requiresLoad, change.baseVersion == version else { return nil }
        var entries = self.entries
        var names = self.names
        var seats = seatsInUse
        let context = EntryContext(moduleIndex: moduleIndex, words: (grantsUntil.count + 63) / 64, owners: undatedOwners)
        func adjust(_ key: ModuleKey, by delta: Int) {
            let value = (seats[key] ?? 0) + delta
            seats[key] = value > 0 ? value : nil
        }

        // Users written: a new one holds nothing yet; an updated one keeps its assignments (and may be renamed).
        for user in change.users {
            var held: [Assignment] = []
            if let old = names[user.id], let entry = entries[old] {
                held = entry.assignments
                entries[old] = nil
            }
            guard entries[user.userName] == nil else { return nil }
            entries[user.userName] = context.entry(user, assignments: held)
            names[user.id] = user.userName
        }
        // Assignments, per user: the distinct modules held before and after give the seat counts.
        var touched = Set(change.removedAssignments.map(\.userID))
        touched.formUnion(change.addedAssignments.map(\.userID))
        let removed = Dictionary(grouping: change.removedAssignments, by: \.userID)
        let added = Dictionary(grouping: change.addedAssignments, by: \.userID)
        for userID in touched {
            guard let name = names[userID], let entry = entries[name], entry.isIntact else { return nil }
            let gone = Set((removed[userID] ?? []).map(AssignmentKey.init))
            let kept = entry.assignments.filter { !gone.contains(AssignmentKey($0)) }
            let now = kept + (added[userID] ?? [])
            let before = Set(entry.assignments.map(\.key))
            let after = Set(now.map(\.key))
            for key in after.subtracting(before) { adjust(key, by: 1) }
            for key in before.subtracting(after) { adjust(key, by: -1) }
            entries[name] = context.entry(entry.user, assignments: now)
        }
        // Users deleted: their rows went with them (a row left would still count a seat).
        for userID in change.removedUserIDs {
            guard let name = names[userID] else { continue }
            if let entry = entries[name] {
                for key in Set(entry.assignments.map(\.key)) { adjust(key, by: -1) }
            }
            entries[name] = nil
            names[userID] = nil
        }

        var satellites = self.satellites
        for name in change.removedSatellites { satellites[name] = nil }
        for satellite in change.satellites { satellites[satellite.name] = satellite }
        var satelliteAssignments = self.satelliteAssignments
        for row in change.removedSatelliteAssignments {
            guard let index = satelliteAssignments.firstIndex(where: { SatelliteKey($0) == SatelliteKey(row) }) else { continue }
            satelliteAssignments.remove(at: index)
            adjust(ModuleKey(owner: row.owner, module: row.module), by: -1)
        }
        for row in change.addedSatelliteAssignments {
            satelliteAssignments.append(row)
            adjust(ModuleKey(owner: row.owner, module: row.module), by: 1)
        }

        var events = self.events
        if !change.removedEventIDs.isEmpty || !change.events.isEmpty {
            let removedIDs = Set(change.removedEventIDs).union(change.events.map(\.id))
            events.removeAll { removedIDs.contains($0.id) }
            events.append(contentsOf: change.events)
            events.sort { $0.id < $1.id }
        }

        // A count exceeded is for a load to settle (the oldest holders keep the module).
        guard !SeatCap.mayExceed(owners: owners, seatsInUse: seats) else { return nil }
        return TenantSnapshot(
            self, version: change.version, seatsInUse: seats, satellites: satellites,
            satelliteAssignments: satelliteAssignments, events: events, entries: entries, names: names)
    }

    /// An assignment row's key: owner, module, user and plan.
    private struct AssignmentKey: Hashable {
        let module: ModuleKey
        let userID: Int64
        let viaPlan: String?
        init(_ row: Assignment) {
            module = row.key
            userID = row.userID
            viaPlan = row.viaPlan
        }
    }

    private struct SatelliteKey: Equatable {
        let satellite: String
        let module: ModuleKey
        init(_ row: SatelliteAssignment) {
            satellite = row.satellite
            module = ModuleKey(owner: row.owner, module: row.module)
        }
    }

    // MARK: - Checks

    /// "May this user use this module?" — the hot path.
    public func check(userName: String, module: ModuleKey, now: Date = Date()) -> CheckDecision {
        guard isTenantIntact else { return .denied(.tenantIntegrity) }
        guard let entry = entries[userName] else { return .denied(.unknownUser) }
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
        let entry = entries[userName]
        return LoginRule.decide(
            user: entry?.user, isUserIntact: entry?.isIntact ?? false,
            hasModule: { name in entry.map { self.has(name, entry: $0, now: now) } ?? false },
            client: client, isTenantIntact: isTenantIntact, areEventsIntact: areEventsIntact, events: events, now: now)
    }

    /// Whether the user holds the vendor's module of this name (a partner's module of the same name does not count).
    private func has(_ moduleName: String, entry: UserEntry, now: Date) -> Bool {
        guard entry.isIntact, let i = moduleIndex[ModuleKey(owner: LoginRule.vendorOwner, module: moduleName)] else {
            return false
        }
        return entry.bits[i >> 6] & (1 << UInt64(i & 63)) != 0 && (grantsUntil[i].map { now < $0 } ?? true)
    }

    // MARK: - Reads

    public func module(_ key: ModuleKey) -> ModuleLicense? { owners[key.owner]?.modules[key.module] }

    public func inUse(_ key: ModuleKey) -> Int { seatsInUse[key] ?? 0 }

    /// The user of this name, its row void or not.
    public func user(named userName: String) -> User? { entries[userName]?.user }

    /// The users whose rows verify, in no particular order (every user: O(users)).
    public func users() -> [User] { entries.values.filter(\.isIntact).map(\.user) }

    /// The user's verified assignments, from its entry.
    public func assignments(of user: User) -> [Assignment] {
        guard let entry = entries[user.userName], entry.user.id == user.id else { return [] }
        return entry.assignments
    }

    /// The tenant's verified rows as the rules take them (O(assignments)).
    public func licenseState() -> TenantLicenseState {
        TenantLicenseState(
            tenant: tenant, isTenantIntact: isTenantIntact, owners: owners,
            users: Dictionary(users().map { ($0.id, $0) }) { first, _ in first }, assignments: allAssignments(),
            seatsInUse: seatsInUse, satellites: satellites, satelliteAssignments: satelliteAssignments, events: events,
            areEventsIntact: areEventsIntact)
    }

    /// Every verified assignment of the tenant (O(assignments)).
    public func allAssignments() -> [Assignment] { entries.values.flatMap(\.assignments) }

    /// Effective modules of a user with their source, dates applied.
    /// What `check` grants the user, module by module, with where each comes from: the site modules and the entry's
    /// held modules, dates applied (O(modules the user holds), no assignment rows read).
    public func effectiveModules(of userName: String, now: Date = Date()) -> [ModuleKey: ModuleSource] {
        guard let entry = entries[userName], entry.isIntact else { return [:] }
        return effectiveModules(of: entry, now: now)
    }

    private func effectiveModules(of entry: UserEntry, now: Date) -> [ModuleKey: ModuleSource] {
        var result = [ModuleKey: ModuleSource](minimumCapacity: siteIndices.count + entry.held.count)
        for i in siteIndices where grantsUntil[i].map({ now < $0 }) ?? true { result[moduleKeys[i]] = .site }
        for held in entry.held {
            let i = Int(held.index)
            if grantsUntil[i].map({ now < $0 }) ?? true { result[moduleKeys[i]] = held.source }
        }
        return result
    }

    public func userCounts(activeOnly: Bool, now: Date = Date()) -> UserCounts {
        let intact = entries.values.filter(\.isIntact)
        let byID = Dictionary(intact.map { ($0.user.id, $0) }) { first, _ in first }
        return UserCounts.compute(
            owners: owners, users: intact.map(\.user),
            effective: { user in byID[user.id].map { self.effectiveModules(of: $0, now: now) } ?? [:] },
            activeOnly: activeOnly)
    }

    public func fencing() -> [FencingEntry] { Fencing.entries(owners: owners, seatsInUse: seatsInUse) }
}

/// What one committed write changed, as a snapshot applies it (issue 13): the rows of the grant tables and events put
/// in and taken out, verified, and the tenant's version before and after.
public struct SnapshotChange: Sendable, Equatable {
    /// The version the write was made on; the snapshot must be at it.
    public var baseVersion: Int64
    public var version: Int64
    /// Users written (inserted or updated), and users deleted.
    public var users: [User] = []
    public var removedUserIDs: [Int64] = []
    public var addedAssignments: [Assignment] = []
    public var removedAssignments: [Assignment] = []
    public var satellites: [Satellite] = []
    public var removedSatellites: [String] = []
    public var addedSatelliteAssignments: [SatelliteAssignment] = []
    public var removedSatelliteAssignments: [SatelliteAssignment] = []
    /// Events written (inserted or updated), and events deleted.
    public var events: [SystemEvent] = []
    public var removedEventIDs: [Int64] = []
    /// Rows only a load can judge changed (owners, module rows, the tenant row).
    public var requiresLoad = false

    public init(baseVersion: Int64, version: Int64) {
        self.baseVersion = baseVersion
        self.version = version
    }

    /// Whether the write changed nothing a snapshot holds.
    public var isEmpty: Bool {
        users.isEmpty && removedUserIDs.isEmpty && addedAssignments.isEmpty && removedAssignments.isEmpty
            && satellites.isEmpty && removedSatellites.isEmpty && addedSatelliteAssignments.isEmpty
            && removedSatelliteAssignments.isEmpty && events.isEmpty && removedEventIDs.isEmpty && !requiresLoad
    }
}
