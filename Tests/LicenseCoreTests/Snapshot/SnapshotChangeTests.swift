import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

/// Issue 13: a write's change set applied to a snapshot gives the snapshot a load of the new rows would give.
@Suite("A change set applied to a snapshot")
struct SnapshotChangeTests {
    /// A small deterministic generator (SplitMix64), so a failing seed can be run again.
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    static let modules = ["user", "web", "windows", "chat-cal", "visible-for", "nope"]
    static let plans = ["sales-premium", "service-premium"]

    /// Everything a reader can ask of a snapshot, for every user name and module named.
    static func expectSame(_ applied: TenantSnapshot, _ loaded: TenantSnapshot, names: Set<String>, step: Int) {
        #expect(applied.version == loaded.version, "step \(step)")
        #expect(applied.seatsInUse == loaded.seatsInUse, "step \(step)")
        #expect(Set(applied.users().map(\.userName)) == Set(loaded.users().map(\.userName)), "step \(step)")
        #expect(Set(applied.allAssignments()) == Set(loaded.allAssignments()), "step \(step)")
        for name in names {
            for module in modules + plans + ["saint"] {
                let key = Fixtures.key(module)
                #expect(
                    applied.check(userName: name, module: key, now: Fixtures.now)
                        == loaded.check(userName: name, module: key, now: Fixtures.now), "step \(step): \(name) \(module)")
            }
            #expect(
                applied.effectiveModules(of: name, now: Fixtures.now) == loaded.effectiveModules(of: name, now: Fixtures.now),
                "step \(step): \(name)")
        }
        #expect(
            applied.userCounts(activeOnly: false, now: Fixtures.now) == loaded.userCounts(activeOnly: false, now: Fixtures.now))
    }

    @Test("200 random writes applied one by one match a load after each", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomWrites(seed: UInt64) throws {
        var random = Random(state: seed)
        var tenant = TenantStateBuilder()
        for index in 0..<8 { tenant.addUser("u\(index)") }
        var names = Set(tenant.users.values.map(\.userName))
        var snapshot = tenant.snapshot(version: 1)
        var reloads = 0
        for step in 1...200 {
            let base = snapshot.version
            var change = SnapshotChange(baseVersion: base, version: base + 1)
            let users = tenant.users.values.sorted { $0.id < $1.id }
            let user = users[random.next(users.count)]
            switch random.next(6) {
            case 0:  // assign a module directly
                let row = Fixtures.assignment(Self.modules[random.next(4)], to: user.id)
                guard !tenant.assignments.contains(where: { $0.key == row.key && $0.userID == row.userID && $0.isDirect })
                else { continue }
                tenant.assignments.append(row)
                change.addedAssignments = [row]
            case 1:  // give a plan and its rows
                let plan = Self.plans[random.next(2)]
                guard !tenant.assignments.contains(where: { $0.userID == user.id && $0.module == plan }) else { continue }
                let before = tenant.assignments
                tenant.givePlan(plan, to: user)
                change.addedAssignments = tenant.assignments.filter { !before.contains($0) }
            case 2, 3:  // remove one row
                let held = tenant.rows(of: user)
                guard !held.isEmpty else { continue }
                let row = held[random.next(held.count)]
                tenant.remove([row])
                change.removedAssignments = [row]
            case 4:  // add a user, or rename one (an update: the row taken out and put back)
                if random.next(2) == 0 {
                    let added = tenant.addUser("n\(step)")
                    change.users = [added]
                } else {
                    var renamed = user
                    renamed.userName = "r\(step)"
                    tenant.users[user.id] = renamed
                    change.users = [renamed]
                }
            default:  // delete a user with its rows
                guard users.count > 2 else { continue }
                change.removedAssignments = tenant.rows(of: user)
                tenant.remove(change.removedAssignments)
                tenant.users[user.id] = nil
                change.removedUserIDs = [user.id]
            }
            names.formUnion(tenant.users.values.map(\.userName))
            let loaded = tenant.snapshot(version: base + 1)
            if let applied = snapshot.applying(change) {
                Self.expectSame(applied, loaded, names: names, step: step)
                snapshot = applied
            } else {
                // Only a count exceeded sends a healthy snapshot back to a load.
                #expect(SeatCap.mayExceed(owners: tenant.owners, seatsInUse: tenant.seatsInUse), "step \(step)")
                reloads += 1
                snapshot = loaded
            }
        }
        #expect(reloads < 200)
    }

    @Test("the snapshot a reader holds is not changed by applying a change to it")
    func immutable() throws {
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        let before = tenant.snapshot(version: 3)
        var change = SnapshotChange(baseVersion: 3, version: 4)
        change.addedAssignments = [Fixtures.assignment("user", to: alice.id)]
        let after = try #require(before.applying(change))
        #expect(before.check(userName: "alice", module: Fixtures.key("user"), now: Fixtures.now) == .denied(.notLicensed))
        #expect(after.check(userName: "alice", module: Fixtures.key("user"), now: Fixtures.now) == .granted)
        #expect(before.inUse(Fixtures.key("user")) == 0)
        #expect(after.inUse(Fixtures.key("user")) == 1)
        #expect(before.version == 3 && after.version == 4)
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var snapshot: @Sendable () -> TenantSnapshot
        var change: @Sendable (TenantSnapshot) -> SnapshotChange
    }

    static let refusals: [Refusal] = [
        Refusal(
            testDescription: "a change made on another version",
            snapshot: { TenantStateBuilder().snapshot(version: 5) },
            change: { _ in SnapshotChange(baseVersion: 4, version: 6) }),
        Refusal(
            testDescription: "a change to the owners, module rows or tenant row",
            snapshot: { TenantStateBuilder().snapshot(version: 5) },
            change: { _ in
                var change = SnapshotChange(baseVersion: 5, version: 6)
                change.requiresLoad = true
                return change
            }),
        Refusal(
            testDescription: "a snapshot with a void user",
            snapshot: { TenantStateBuilder().snapshot(version: 5, voidUsers: [Fixtures.user(9, "mallory")]) },
            change: { _ in SnapshotChange(baseVersion: 5, version: 6) }),
        Refusal(
            testDescription: "a snapshot loaded with rows left out",
            snapshot: { TenantSnapshot(version: 5, state: TenantStateBuilder().state, acceptsChanges: false) },
            change: { _ in SnapshotChange(baseVersion: 5, version: 6) }),
        Refusal(
            testDescription: "an assignment of a user the snapshot does not know",
            snapshot: { TenantStateBuilder().snapshot(version: 5) },
            change: { _ in
                var change = SnapshotChange(baseVersion: 5, version: 6)
                change.addedAssignments = [Fixtures.assignment("user", to: 42)]
                return change
            }),
        Refusal(
            testDescription: "a change that takes a module past its count",
            snapshot: {
                var tenant = TenantStateBuilder()
                for index in 0..<11 { tenant.addUser("u\(index)") }
                for user in tenant.users.values.sorted(by: { $0.id < $1.id }).prefix(10) { tenant.give("web", to: user) }
                return tenant.snapshot(version: 5)
            },
            change: { snapshot in
                var change = SnapshotChange(baseVersion: 5, version: 6)
                let last = snapshot.user(named: "u10")!
                change.addedAssignments = [Fixtures.assignment("web", to: last.id)]
                return change
            }),
    ]

    @Test("a change the snapshot cannot take sends it back to a load", arguments: refusals)
    func refused(_ example: Refusal) {
        let snapshot = example.snapshot()
        #expect(snapshot.applying(example.change(snapshot)) == nil)
    }
}
