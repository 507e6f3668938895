import Foundation
import LicenseCore
import LicenseStore
import LicenseTestSupport
import Synchronization
import Testing

private let acme = Fixtures.tenantID
private let now = Fixtures.now

/// The change sets a store hands out as writes commit (issue 13).
private final class Collected: Sendable {
    let changes = Mutex<[SnapshotChange]>([])
    func take() -> [SnapshotChange] {
        changes.withLock { list in
            defer { list = [] }
            return list
        }
    }
}

@Suite("Each committed write hands out its change set, and applying it gives what a load gives")
struct ChangeSetStoreTests {
    @Test(
        "after every kind of write, the snapshot with the change applied answers as the tenant loaded again",
        arguments: StoreBackend.allCases)
    func appliedEqualsLoaded(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            try await temporary.activate(
                Fixtures.sampleSpec(adding: [ModuleLicense(name: "sat", type: .satellite, count: 1, sortOrder: 9)]))
            try await temporary.addUsers(["alice", "bob", "carol"])
            let store = temporary.store
            let collected = Collected()
            store.changeSets.add { tenant, change in
                if tenant == acme { collected.changes.withLock { $0.append(change) } }
            }
            var snapshot = try await store.loadSnapshot(tenant: acme)
            #expect(snapshot.acceptsChanges)
            let names = ["alice", "bob", "carol", "dave", "erin"]

            let writes: [(String, () async throws -> Void)] = [
                (
                    "assign",
                    {
                        _ = try await store.assign(
                            tenant: acme, userName: "alice", module: Fixtures.key("user"), actor: Fixtures.actor, now: now)
                    }
                ),
                (
                    "assign a plan",
                    {
                        _ = try await store.assign(
                            tenant: acme, userName: "bob", module: Fixtures.key("sales-premium"), actor: Fixtures.actor, now: now)
                    }
                ),
                (
                    "change licenses",
                    {
                        _ = try await store.changeLicenses(
                            tenant: acme, userName: "bob", to: DesiredLicenses(plans: [Fixtures.key("service-premium")]),
                            actor: Fixtures.actor, now: now)
                    }
                ),
                ("add users", { try await temporary.addUsers(["dave"]) }),
                (
                    "update a user",
                    {
                        _ = try await store.updateUser(
                            tenant: acme, userName: "carol", changes: UserChanges(retired: true), actor: Fixtures.actor, now: now)
                    }
                ),
                (
                    "unassign with cascade",
                    {
                        _ = try await store.unassign(
                            tenant: acme, userName: "alice", module: Fixtures.key("user"), cascade: true, actor: Fixtures.actor,
                            now: now)
                    }
                ),
                (
                    "add a satellite",
                    { _ = try await store.addSatellite(tenant: acme, name: "oslo", actor: Fixtures.actor, now: now) }
                ),
                (
                    "assign a satellite",
                    {
                        try await store.assignSatellite(
                            tenant: acme, satellite: "oslo", module: Fixtures.key("sat"), actor: Fixtures.actor, now: now)
                    }
                ),
                (
                    "unassign a satellite",
                    {
                        try await store.unassignSatellite(
                            tenant: acme, satellite: "oslo", module: Fixtures.key("sat"), actor: Fixtures.actor, now: now)
                    }
                ),
                (
                    "add an event",
                    {
                        _ = try await store.addEvent(
                            tenant: acme, EventDraft(key: SystemEvent.messageOfTheDay, message: "Hello"), actor: Fixtures.actor,
                            now: now)
                    }
                ),
                (
                    "delete a user",
                    {
                        _ = try await store.assign(
                            tenant: acme, userName: "dave", module: Fixtures.key("user"), actor: Fixtures.actor, now: now)
                    }
                ),
                (
                    "delete a user",
                    { try await store.deleteUser(tenant: acme, userName: "dave", actor: Fixtures.actor, now: now) }
                ),
            ]
            for (name, write) in writes {
                let before = snapshot.version
                try await write()
                let changes = collected.take()
                #expect(!changes.isEmpty, "\(name): no change set")
                // Another process reads the same change sets from the change log.
                #expect(try await store.changeSets(tenant: acme, since: before) == changes, "\(name): the log differs")
                for change in changes {
                    let next = try #require(snapshot.applying(change), "\(name): not applied")
                    snapshot = next
                }
                let loaded = try await store.loadSnapshot(tenant: acme)
                #expect(snapshot.version == loaded.version, "\(name)")
                #expect(snapshot.seatsInUse == loaded.seatsInUse, "\(name)")
                #expect(Set(snapshot.allAssignments()) == Set(loaded.allAssignments()), "\(name)")
                #expect(snapshot.satelliteAssignments.count == loaded.satelliteAssignments.count, "\(name)")
                #expect(snapshot.events.map(\.id) == loaded.events.map(\.id), "\(name)")
                for user in names {
                    for module in ["user", "web", "windows", "sales-premium", "service-premium", "chat-cal", "sat"] {
                        #expect(
                            snapshot.check(userName: user, module: Fixtures.key(module), now: now)
                                == loaded.check(userName: user, module: Fixtures.key(module), now: now),
                            "\(name): \(user) \(module)")
                    }
                }
            }

            // An activation is for a load to judge: its change set is not applied.
            try await temporary.activate(Fixtures.sampleSpec(issuedAt: Fixtures.date("2026-03-01T00:00:00Z")))
            let activation = collected.take()
            #expect(activation.count == 1)
            #expect(activation.allSatisfy { $0.requiresLoad })
            #expect(activation.allSatisfy { snapshot.applying($0) == nil })
            // The log has it as one a load must judge: a process behind it loads the tenant.
            #expect(try await store.changeSets(tenant: acme, since: snapshot.version) == nil)
            #expect(try await store.changeSets(tenant: acme, since: activation[0].version) == [])
        }
    }

    @Test(
        "another store on the same database applies the change log and answers as a load; an edited, deleted or moved entry is not applied and verify names it",
        arguments: StoreBackend.allCases)
    func changeLogAcrossStores(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            try await temporary.activate(Fixtures.sampleSpec(counts: ["user": 2]))
            try await temporary.addUsers(["alice", "bob", "carol"])
            let store = temporary.store
            let base = try await store.loadSnapshot(tenant: acme)
            // Given three writes made after the snapshot was taken
            for user in ["alice", "bob"] {
                _ = try await store.assign(
                    tenant: acme, userName: user, module: Fixtures.key("user"), actor: Fixtures.actor, now: now)
            }
            try await store.deleteUser(tenant: acme, userName: "alice", actor: Fixtures.actor, now: now)
            let loaded = try await store.loadSnapshot(tenant: acme)

            // When another store (a second process) opens the database, the log takes the snapshot to the loaded one
            try await temporary.withSecondStore { other in
                let changes = try #require(try await other.changeSets(tenant: acme, since: base.version))
                #expect(changes.count == 3)
                var applied = base
                for change in changes { applied = try #require(applied.applying(change)) }
                #expect(applied.version == loaded.version)
                #expect(applied.seatsInUse == loaded.seatsInUse)
                #expect(Set(applied.allAssignments()) == Set(loaded.allAssignments()))
                for user in ["alice", "bob", "carol"] {
                    #expect(
                        applied.check(userName: user, module: Fixtures.key("user"), now: now)
                            == loaded.check(userName: user, module: Fixtures.key("user"), now: now))
                }
            }
            #expect(try await store.verify(tenant: acme).isEmpty)

            let raw = try await RawDatabase(temporary)
            let first = base.version + 1
            // An entry edited (bob's assignment made a removal): not applied, named
            let edited = try await raw.execute(
                """
                UPDATE change_log SET body = replace(body, '"isInsert":true', '"isInsert":false')
                WHERE tenant_id = ? AND version = ? AND body LIKE '%"isInsert":true%'
                """,
                [acme, first + 1])
            #expect(edited == 1)
            #expect(try await store.changeSets(tenant: acme, since: base.version) == nil)
            #expect(try await store.changeSets(tenant: acme, since: first + 1)?.count == 1)
            #expect(
                try await store.verify(tenant: acme).contains {
                    $0.table == "change_log" && $0.key == "version \(first + 1)" && $0.problem.contains("seal")
                })
            try await raw.execute(
                "UPDATE change_log SET body = replace(body, '\"isInsert\":false', '\"isInsert\":true') WHERE tenant_id = ? AND version = ?",
                [acme, first + 1])
            #expect(try await store.verify(tenant: acme).isEmpty)

            // An entry moved to another version (its seal covers the versions): not applied, named
            try await raw.execute(
                "UPDATE change_log SET version = version + 100, base_version = base_version + 100 WHERE tenant_id = ? AND version = ?",
                [acme, loaded.version])
            #expect(try await store.changeSets(tenant: acme, since: base.version) == nil)
            let moved = try await store.verify(tenant: acme)
            #expect(moved.contains { $0.table == "change_log" && $0.key == "version \(loaded.version + 100)" })
            #expect(
                moved.contains {
                    $0.table == "change_log" && $0.key == "version \(loaded.version)" && $0.problem == "row deleted"
                })
            try await raw.execute(
                "UPDATE change_log SET version = version - 100, base_version = base_version - 100 WHERE tenant_id = ? AND version = ?",
                [acme, loaded.version + 100])

            // An entry deleted: the log cannot take a snapshot across it, verify names the version
            #expect(try await raw.execute("DELETE FROM change_log WHERE tenant_id = ? AND version = ?", [acme, first]) == 1)
            #expect(try await store.changeSets(tenant: acme, since: base.version) == nil)
            #expect(try await store.changeSets(tenant: acme, since: first)?.count == 2)
            #expect(
                try await store.verify(tenant: acme).contains {
                    $0.table == "change_log" && $0.key == "version \(first)" && $0.problem == "row deleted"
                })
        }
    }

    @Test("a refused write hands out nothing", arguments: StoreBackend.allCases)
    func refusedWrite(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            try await temporary.activate(Fixtures.sampleSpec(counts: ["web": 1]))
            try await temporary.addUsers(["alice", "bob"])
            let store = temporary.store
            for user in ["alice", "bob"] {
                _ = try await store.assign(
                    tenant: acme, userName: user, module: Fixtures.key("user"), actor: Fixtures.actor, now: now)
            }
            _ = try await store.assign(
                tenant: acme, userName: "alice", module: Fixtures.key("web"), actor: Fixtures.actor, now: now)
            let collected = Collected()
            store.changeSets.add { _, change in collected.changes.withLock { $0.append(change) } }
            await #expect(throws: LicenseRefusal.self) {
                _ = try await store.assign(
                    tenant: acme, userName: "bob", module: Fixtures.key("web"), actor: Fixtures.actor, now: now)
            }
            #expect(collected.take().isEmpty)
        }
    }
}
