import Foundation

/// A module never grants more holders than its count, whatever the stored rows say (DESIGN §6a, "what tampering
/// does"). Rows the server wrote never exceed a count, so an excess means rows were put back or written against a
/// package whose rows were swapped in and out: the oldest holders keep the module, the rest are denied
/// `module-integrity` until an administrator resolves it.
public enum SeatCap {
    /// A user's hold on a module that the count does not cover.
    public struct Excess: Hashable, Sendable {
        public var userID: Int64
        public var module: ModuleKey

        public init(userID: Int64, module: ModuleKey) {
            self.userID = userID
            self.module = module
        }
    }

    /// Whether any restricted user module has more stored holders (users and satellites, every stored row counted)
    /// than its count: only then can a hold be beyond it.
    public static func mayExceed(owners: [String: OwnerLicense], seatsInUse: [ModuleKey: Int]) -> Bool {
        seatsInUse.contains { key, inUse in
            guard let module = owners[key.owner]?.modules[key.module], module.type == .user, !module.unrestricted else {
                return false
            }
            return inUse > module.count
        }
    }

    /// The holds beyond each restricted user module's count. `effective` is each user's effective modules (site
    /// modules are not counted); satellites hold their seats first; users are ordered by their oldest row that gives
    /// them the module (then by id).
    public static func excess(
        owners: [String: OwnerLicense], assignments: [Assignment], effective: [Int64: Set<ModuleKey>],
        satelliteAssignments: [SatelliteAssignment]
    ) -> Set<Excess> {
        var since: [ModuleKey: [Int64: Date]] = [:]
        for assignment in assignments {
            let key = assignment.key
            if let planned = since[key]?[assignment.userID], planned <= assignment.createdAt { continue }
            since[key, default: [:]][assignment.userID] = assignment.createdAt
        }
        var satellites: [ModuleKey: Int] = [:]
        for assignment in satelliteAssignments {
            satellites[ModuleKey(owner: assignment.owner, module: assignment.module), default: 0] += 1
        }
        var holders: [ModuleKey: [Int64]] = [:]
        for (userID, modules) in effective {
            for key in modules { holders[key, default: []].append(userID) }
        }
        var result: Set<Excess> = []
        for (key, users) in holders {
            guard let module = owners[key.owner]?.modules[key.module], module.type == .user, !module.unrestricted else {
                continue
            }
            let capacity = max(0, module.count - (satellites[key] ?? 0))
            guard users.count > capacity else { continue }
            let ordered = users.sorted { a, b in
                let (da, db) = (since[key]?[a] ?? .distantFuture, since[key]?[b] ?? .distantFuture)
                return da != db ? da < db : a < b
            }
            for userID in ordered.dropFirst(capacity) { result.insert(Excess(userID: userID, module: key)) }
        }
        return result
    }
}
