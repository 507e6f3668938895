import Foundation
import LicenseCore
import LicenseStore
import LicenseTestSupport
import Testing

private let acme = Fixtures.tenantID
private let now = Fixtures.now

private extension TemporaryStore {
    func assign(_ user: String, _ module: String) async throws {
        _ = try await store.assign(tenant: acme, userName: user, module: Fixtures.key(module), actor: Fixtures.actor, now: now)
    }

    func problems() async throws -> [IntegrityProblem] { try await store.verify(tenant: acme) }
}

/// DESIGN §6a: the sealed head commits to every table's rows and every owner's active package, so rows that are each
/// validly sealed or signed but were put back, restored or deleted are named by `verify` (issue 12, Why 1–3, 6, 7).
@Suite("The sealed head commits to the state as a whole")
struct CommitmentTests {
    @Test("a deleted assignment row put back with its own seal is named by verify", arguments: StoreBackend.allCases)
    func replayedAssignment(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            // Given three of three web seats held, alice's row kept aside, her seat given to dave
            try await temporary.createTenant()
            try await temporary.activate(Fixtures.sampleSpec(counts: ["web": 3]))
            try await temporary.addUsers(["alice", "bob", "carol", "dave"])
            for user in ["alice", "bob", "carol", "dave"] { try await temporary.assign(user, "user") }
            for user in ["alice", "bob", "carol"] { try await temporary.assign(user, "web") }
            let raw = try await RawDatabase(temporary)
            try await raw.run(
                "CREATE TABLE saved_row AS SELECT * FROM assignment WHERE module_name = 'web' AND user_id = (SELECT id FROM user WHERE user_name = 'alice')"
            )
            _ = try await temporary.store.unassign(
                tenant: acme, userName: "alice", module: Fixtures.key("web"), cascade: false, actor: Fixtures.actor, now: now)
            try await temporary.assign("dave", "web")
            #expect(try await temporary.problems().isEmpty)

            // When the old row goes back in, seal and all
            try await raw.run("INSERT INTO assignment SELECT * FROM saved_row")
            try await raw.run("DROP TABLE saved_row")

            // Then verify names the assignment table; no single row's seal is broken
            let problems = try await temporary.problems()
            #expect(problems.map(\.table) == ["assignment"], "\(problems)")
            #expect(problems.first?.problem.contains("sealed head") == true)
        }
    }

    @Test(
        "an older package's rows put back in place of the active one are named, and so is the owner",
        arguments: StoreBackend.allCases)
    func restoredPackage(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            // Given package A (10 web seats) replaced by the newer B (3 web seats), A's rows kept aside
            try await temporary.createTenant()
            try await temporary.activate(Fixtures.sampleSpec(counts: ["web": 10]))
            let raw = try await RawDatabase(temporary)
            try await raw.run("CREATE TABLE saved_owner AS SELECT * FROM license_owner")
            try await raw.run("CREATE TABLE saved_module AS SELECT * FROM module_license")
            try await temporary.activate(
                Fixtures.sampleSpec(issuedAt: Fixtures.date("2026-02-01T00:00:00Z"), counts: ["web": 3]))
            #expect(try await temporary.problems().isEmpty)

            // When A's validly signed rows replace B's
            try await raw.run("DELETE FROM module_license")
            try await raw.run("DELETE FROM license_owner")
            try await raw.run("INSERT INTO license_owner SELECT * FROM saved_owner")
            try await raw.run("INSERT INTO module_license SELECT * FROM saved_module")
            try await raw.run("DROP TABLE saved_owner")
            try await raw.run("DROP TABLE saved_module")

            // Then verify names both tables and the owner whose package is not the one the head records
            let problems = try await temporary.problems()
            #expect(Set(problems.map(\.table)) == ["license_owner", "module_license"], "\(problems)")
            #expect(problems.contains { $0.table == "license_owner" && $0.key == Fixtures.superOffice })
        }
    }

    @Test(
        "an owner's rows deleted are named, and the older package still cannot be activated", arguments: StoreBackend.allCases)
    func deletedOwner(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let older = Fixtures.sampleSpec()
            try await temporary.activate(older)
            try await temporary.activate(Fixtures.sampleSpec(issuedAt: Fixtures.date("2026-02-01T00:00:00Z")))

            let raw = try await RawDatabase(temporary)
            try await raw.run("DELETE FROM module_license")
            try await raw.run("DELETE FROM license_owner")

            let problems = try await temporary.problems()
            #expect(problems.contains { $0.table == "license_owner" && $0.problem.contains("row deleted") }, "\(problems)")
            #expect(problems.contains { $0.table == "module_license" }, "\(problems)")
            // The head remembers the newest package ever activated: no rollback through the deleted rows.
            await #expect(throws: LicenseRefusal.self) { try await temporary.activate(older) }
        }
    }

    @Test("a password hash copied from one administrator onto another is named", arguments: StoreBackend.allCases)
    func copiedPasswordHash(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            _ = try await temporary.store.addUsers(
                tenant: acme,
                [
                    NewUser(userName: "root", isAdministrator: true, passwordHash: "$2b$10$first"),
                    NewUser(userName: "eve", isAdministrator: true, passwordHash: "$2b$10$second"),
                ], actor: Fixtures.actor, now: now)
            #expect(try await temporary.problems().isEmpty)

            try await RawDatabase(temporary).run(
                "UPDATE user SET password_hash = (SELECT password_hash FROM user WHERE user_name = 'root') WHERE user_name = 'eve'"
            )

            // Then the row is void (its seal covers the hash); the seal was left, so the head's digest still holds
            let problems = try await temporary.problems()
            #expect(problems.map(\.table) == ["user"] && problems.first?.key == "eve", "\(problems)")
            // … and eve's password no longer opens anything: the store hands out no hash for a void user
            #expect(try await temporary.store.passwordHash(tenant: acme, userName: "eve") == nil)
            #expect(try await temporary.store.passwordHash(tenant: acme, userName: "root") == "$2b$10$first")
        }
    }

    @Test(
        "an edited usage event or month aggregate is named", arguments: StoreBackend.allCases,
        [
            "UPDATE usage_month SET value = 0", "UPDATE usage_event SET quantity = 0 WHERE id = 'e-2'",
            "DELETE FROM usage_event WHERE id = 'e-1'",
        ])
    func editedUsage(backend: StoreBackend, sql: String) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let events = (1...3).map {
                Fixtures.usageEvent("e-\($0)", quantity: 250, at: now.addingTimeInterval(-3_600))
            }
            _ = try await temporary.store.ingestUsage(tenant: acme, events, users: 5, now: now)
            #expect(try await temporary.problems().isEmpty)

            try await RawDatabase(temporary).run(sql)

            let tables = try await temporary.problems().map(\.table)
            #expect(tables == [sql.contains("usage_month") ? "usage_month" : "usage_event"], "\(tables)")
        }
    }

    @Test(
        "a head row edited after a write of the same process is refused by its next write, nothing written",
        arguments: StoreBackend.allCases)
    func headEditedBehindARunningStore(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            // Given a store that has just written (it remembers the head it wrote)
            try await temporary.createTenant()
            try await temporary.activate(Fixtures.sampleSpec())
            try await temporary.addUsers(["alice", "bob"])
            try await temporary.assign("alice", "user")
            let raw = try await RawDatabase(temporary)
            let assignments = try await raw.int("SELECT COUNT(*) FROM assignment")

            // When the head's commitment is edited with SQL (a digest taken off)
            try await raw.run(
                "UPDATE tenant_head SET commitment = replace(commitment, 'table assignment', 'table assignment-gone')")

            // Then the same store's next write is refused as an integrity problem and writes nothing
            await #expect {
                try await temporary.assign("bob", "user")
            } throws: { error in
                (error as? LicenseRefusal)?.code == .integrity
            }
            #expect(try await raw.int("SELECT COUNT(*) FROM assignment") == assignments)
        }
    }

    @Test(
        "the commitment follows every kind of write: after a day of changes verify is still clean",
        arguments: StoreBackend.allCases)
    func everyWriteKeepsTheCommitment(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            try await temporary.activate(
                Fixtures.sampleSpec(adding: [ModuleLicense(name: "sat", type: .satellite, count: 1, sortOrder: 9)]))
            try await temporary.addUsers(["alice", "bob"])
            let store = temporary.store
            try await temporary.assign("alice", "user")
            try await temporary.assign("alice", "web")
            _ = try await store.updateUser(
                tenant: acme, userName: "bob", changes: UserChanges(retired: true), actor: Fixtures.actor, now: now)
            _ = try await store.addSatellite(tenant: acme, name: "oslo", actor: Fixtures.actor, now: now)
            try await store.assignSatellite(
                tenant: acme, satellite: "oslo", module: Fixtures.key("sat"), actor: Fixtures.actor, now: now)
            try await store.unassignSatellite(
                tenant: acme, satellite: "oslo", module: Fixtures.key("sat"), actor: Fixtures.actor, now: now)
            let event = try await store.addEvent(
                tenant: acme, EventDraft(key: SystemEvent.messageOfTheDay, message: "Hello"), actor: Fixtures.actor, now: now)
            _ = try await store.updateEvent(
                tenant: acme, id: event.id, changes: EventChanges(message: "Hello again"), actor: Fixtures.actor, now: now)
            _ = try await store.finishEvent(tenant: acme, id: event.id, actor: Fixtures.actor, now: now)
            try await store.deleteEvent(tenant: acme, id: event.id, actor: Fixtures.actor, now: now)
            try await store.defineService(
                tenant: acme, MeteredService(name: "widgets", aggregation: .unique, unit: "widgets"), actor: Fixtures.actor,
                now: now)
            try await store.setTariff(
                tenant: acme,
                Tariff(service: "widgets", includedBase: 1, includedPerUser: 0, unitSize: 1, pricePerUnit: 2, currency: "EUR"),
                actor: Fixtures.actor, now: now)
            for batch in 0..<2 {
                _ = try await store.ingestUsage(
                    tenant: acme,
                    (0..<5).map {
                        UsageEvent(
                            id: "w-\(batch)-\($0)", service: "widgets", quantity: 1, occurredAt: now.addingTimeInterval(-60),
                            subject: "s-\($0 % 3)")
                    }, users: 2, now: now)
            }
            _ = try await store.pruneUsage(tenant: acme, keepMonths: 1, now: now.addingTimeInterval(86_400 * 70))
            _ = try await store.unassign(
                tenant: acme, userName: "alice", module: Fixtures.key("user"), cascade: true, actor: Fixtures.actor, now: now)
            try await store.deleteUser(tenant: acme, userName: "bob", actor: Fixtures.actor, now: now)
            try await temporary.activate(Fixtures.sampleSpec(issuedAt: Fixtures.date("2026-03-01T00:00:00Z")))

            #expect(try await temporary.problems().isEmpty)
        }
    }
}
