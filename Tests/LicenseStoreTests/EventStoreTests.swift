import Foundation
import GRDB
import LicenseCore
import LicenseStore
import LicenseTestSupport
import Testing

private let acme = Fixtures.tenantID
private let actor = Fixtures.actor

/// A tenant with the sample package, a normal user `alice` and an administrator `boss`, both with user and web.
private func licensedTenant(_ temporary: TemporaryStore) async throws {
    try await temporary.createTenant()
    try await temporary.activate()
    let store = temporary.store
    _ = try await store.addUsers(
        tenant: acme,
        [NewUser(userName: "alice", canLogIn: true), NewUser(userName: "boss", canLogIn: true, isAdministrator: true)],
        actor: actor,
        now: Fixtures.now)
    for user in ["alice", "boss"] {
        for module in ["user", "web"] {
            _ = try await store.assign(
                tenant: acme, userName: user, module: Fixtures.key(module), actor: actor, now: Fixtures.now)
        }
    }
}

private extension LicenseStoring {
    func add(_ draft: EventDraft, now: Date = Fixtures.now) async throws -> SystemEvent {
        try await addEvent(tenant: acme, draft, actor: actor, now: now)
    }

    func list(now: Date = Fixtures.now) async throws -> [SystemEvent] {
        try await events(tenant: acme, now: now)
    }

    func login(_ user: String, now: Date = Fixtures.now) async throws -> LoginDecision {
        try await loadSnapshot(tenant: acme).loginCheck(userName: user, client: .web, now: now)
    }

    /// Verifies and records tamper events, as `licensing verify` does.
    func verifyAndRecord(now: Date = Fixtures.now) async throws -> (problems: [IntegrityProblem], raised: [SystemEvent]) {
        let problems = try await verify(tenant: acme)
        return (problems, try await recordTamper(tenant: acme, problems: problems, now: now))
    }
}

@Suite("System events in the store (SQLite and PostgreSQL): add, edit, finish, delete, effects and tamper detection")
struct EventStoreTests {
    // MARK: - Lifecycle

    @Test("an event is added, edited, finished and deleted, each with an audit entry", arguments: StoreBackend.allCases)
    func lifecycle(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await licensedTenant(temporary)
            let store = temporary.store

            let added = try await store.add(
                EventDraft(key: "no-travel", message: "Travel is off tonight", expectedFinish: Fixtures.days(1)))
            #expect(added.status == .active)
            #expect(added.activatedBy == actor)
            #expect(added.activatedAt == Fixtures.now)
            #expect(added.systemWide)
            #expect(try await store.list().contains(added))

            let later = Fixtures.now.addingTimeInterval(60)
            let edited = try await store.updateEvent(
                tenant: acme, id: added.id,
                changes: EventChanges(message: "Travel is off until tomorrow", expectedFinish: .some(nil)),
                actor: actor, now: later)
            #expect(edited.message == "Travel is off until tomorrow")
            #expect(edited.expectedFinish == nil)
            #expect(try await store.list().first { $0.id == added.id } == edited)

            let finished = try await store.finishEvent(tenant: acme, id: added.id, actor: actor, now: later)
            #expect(finished.status == .finished)
            #expect(finished.finishedAt == later)
            let again = try await #require(throws: LicenseRefusal.self) {
                try await store.finishEvent(tenant: acme, id: added.id, actor: actor, now: later)
            }
            #expect(again.code == .eventConflict)

            try await store.deleteEvent(tenant: acme, id: added.id, actor: actor, now: later)
            #expect(try await store.list().contains { $0.id == added.id } == false)
            await #expect(throws: LicenseInputError.unknownEvent(added.id)) {
                try await store.deleteEvent(tenant: acme, id: added.id, actor: actor, now: later)
            }

            let actions = try await store.audit(tenant: acme, before: nil, limit: 4).map(\.action)
            #expect(actions == ["event.delete", "event.finish", "event.update", "event.add"])
            #expect(try await store.verify(tenant: acme).isEmpty)
        }
    }

    @Test(
        "a second active event with the same key, scope and owner is refused; after finishing the first it is allowed",
        arguments: StoreBackend.allCases)
    func oneActivePerScope(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await licensedTenant(temporary)
            let store = temporary.store
            let first = try await store.add(EventDraft(key: SystemEvent.noLogin, scope: .user, scopeOwner: "alice", message: "m"))

            let refusal = try await #require(throws: LicenseRefusal.self) {
                try await store.add(EventDraft(key: SystemEvent.noLogin, scope: .user, scopeOwner: "alice", message: "again"))
            }
            #expect(refusal.code == .eventConflict)
            // Another owner or scope is fine
            _ = try await store.add(EventDraft(key: SystemEvent.noLogin, scope: .user, scopeOwner: "boss", message: "m"))
            _ = try await store.add(EventDraft(key: SystemEvent.noLogin, message: "m"))

            _ = try await store.finishEvent(tenant: acme, id: first.id, actor: actor, now: Fixtures.now)
            let second = try await store.add(
                EventDraft(key: SystemEvent.noLogin, scope: .user, scopeOwner: "alice", message: "again"))
            #expect(second.id > first.id)
        }
    }

    @Test("an event past its expected finish is finished when next read, at its finish time", arguments: StoreBackend.allCases)
    func expiresWhenRead(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await licensedTenant(temporary)
            let store = temporary.store
            let finish = Fixtures.now.addingTimeInterval(3_600)
            let event = try await store.add(EventDraft(key: SystemEvent.noLogin, message: "Maintenance", expectedFinish: finish))
            #expect(try await store.login("alice").reasons == [.noLoginEvent])

            let read = try await #require(store.list(now: finish.addingTimeInterval(1)).first { $0.id == event.id })

            #expect(read.status == .finished)
            #expect(read.finishedAt == finish)
            #expect(try await store.login("alice", now: finish.addingTimeInterval(2)).allowed)
            // A new one may be added now, and the store still verifies
            _ = try await store.add(EventDraft(key: SystemEvent.noLogin, message: "again"), now: finish.addingTimeInterval(2))
            #expect(try await store.verify(tenant: acme).isEmpty)
        }
    }

    @Test(
        "upkeep writes an event finished at its finish time, not a second before; logins are blocked until then",
        arguments: StoreBackend.allCases)
    func upkeepAtFinish(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            // Given a no-login event that ends ten seconds from now
            try await licensedTenant(temporary)
            let store = temporary.store
            let finish = Fixtures.now.addingTimeInterval(10)
            let event = try await store.add(EventDraft(key: SystemEvent.noLogin, message: "Maintenance", expectedFinish: finish))
            // (read as of the distant past, the events show what is stored, not what the clock makes of it)
            func stored() async throws -> SystemEvent? {
                try await store.list(now: .distantPast).first { $0.id == event.id }
            }

            // When upkeep runs a second before the finish, it blocks alice and upkeep changes nothing
            let before = finish.addingTimeInterval(-1)
            #expect(try await store.login("alice", now: before).reasons == [.noLoginEvent])
            #expect(try await store.upkeep(tenant: acme, now: before) == false)
            #expect(try await stored()?.status == .active)

            // When upkeep runs at the finish, it writes the event down finished at that time, once
            #expect(try await store.upkeep(tenant: acme, now: finish))
            let finished = try #require(try await stored())
            #expect(finished.status == .finished)
            #expect(finished.finishedAt == finish)
            #expect(try await store.upkeep(tenant: acme, now: finish.addingTimeInterval(1)) == false)
            // Then alice may log in from the finish on, and the store verifies
            #expect(try await store.login("alice", now: finish).allowed)
            #expect(try await store.verify(tenant: acme).isEmpty)
        }
    }

    @Test("an id is never reused, not even after a delete", arguments: StoreBackend.allCases)
    func idsNotReused(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await licensedTenant(temporary)
            let store = temporary.store
            let a = try await store.add(EventDraft(key: "no-freetext", message: "a"))
            try await store.deleteEvent(tenant: acme, id: a.id, actor: actor, now: Fixtures.now)
            let b = try await store.add(EventDraft(key: "no-freetext", message: "b"))
            #expect(b.id > a.id)
        }
    }

    // MARK: - Effects

    @Test(
        "an active no-login blocks the normal user and not the administrator; a message of the day reaches both",
        arguments: StoreBackend.allCases)
    func effects(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await licensedTenant(temporary)
            let store = temporary.store
            _ = try await store.add(EventDraft(key: SystemEvent.noLogin, message: "Upgrade until 14:00"))
            _ = try await store.add(EventDraft(key: SystemEvent.messageOfTheDay, message: "Welcome"))

            let alice = try await store.login("alice")
            let boss = try await store.login("boss")

            #expect(alice.reasons == [.noLoginEvent])
            #expect(alice.noLoginMessage == "Upgrade until 14:00")
            #expect(alice.messageOfTheDay == "Welcome")
            #expect(boss.allowed)
            #expect(boss.messageOfTheDay == "Welcome")
        }
    }

    @Test("the user-import progress is stored and read back", arguments: StoreBackend.allCases)
    func progress(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await licensedTenant(temporary)
            let store = temporary.store
            let event = try await store.add(
                EventDraft(
                    key: EventRule.userImport, scope: .database, message: "Importing", progressDone: 0, progressTotal: 10_000))
            _ = try await store.updateEvent(
                tenant: acme, id: event.id, changes: EventChanges(progressDone: 500), actor: actor, now: Fixtures.now)

            let read = try #require(try await store.list().first { $0.id == event.id })
            #expect(read.progressDone == 500)
            #expect(read.progressTotal == 10_000)
            await #expect(throws: LicenseInputError.self) {
                try await store.updateEvent(
                    tenant: acme, id: event.id, changes: EventChanges(progressDone: 10_001), actor: actor, now: Fixtures.now)
            }
        }
    }

    // MARK: - System events

    @Test(
        "each activation raises license-activated naming what changed, replacing the one before", arguments: StoreBackend.allCases
    )
    func licenseActivated(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store

            try await temporary.activate()
            let first = try await store.list().filter { $0.key == SystemEvent.licenseActivated }
            try #require(first.count == 1)
            #expect(first[0].status == .active)
            #expect(first[0].message.contains("SUPEROFFICE"))
            #expect(first[0].message.contains("superoffice.web 0→10"), "\(first[0].message)")
            #expect(first[0].activatedBy == actor)

            try await temporary.activate(
                Fixtures.sampleSpec(issuedAt: Fixtures.date("2026-02-01T00:00:00Z"), counts: ["web": 25]),
                now: Fixtures.now.addingTimeInterval(60))
            let both = try await store.list(now: Fixtures.now.addingTimeInterval(60)).filter {
                $0.key == SystemEvent.licenseActivated
            }
            #expect(both.count == 2)
            #expect(both.filter { $0.status == .active }.count == 1)
            let newest = try #require(both.max { $0.id < $1.id })
            #expect(newest.status == .active)
            #expect(newest.message.contains("superoffice.web 10→25"), "\(newest.message)")
        }
    }

    @Test(
        "license-expiring is raised by upkeep once after the admin-warning date, however often upkeep runs; reading events writes nothing",
        arguments: StoreBackend.allCases)
    func licenseExpiring(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            try await temporary.activate(
                Fixtures.sampleSpec(dates: OwnerDates(expiresAt: Fixtures.days(30), adminWarningAt: Fixtures.days(-1))))
            let store = temporary.store

            let version = try await store.version(of: Fixtures.tenantID)
            for _ in 0..<3 { _ = try await store.list() }
            #expect(try await store.version(of: Fixtures.tenantID) == version)
            #expect(try await store.list().filter { $0.key == EventRule.licenseExpiring }.isEmpty)

            #expect(try await store.upkeep(tenant: Fixtures.tenantID, now: Fixtures.now))
            for _ in 0..<2 { #expect(try await store.upkeep(tenant: Fixtures.tenantID, now: Fixtures.now) == false) }
            let expiring = try await store.list().filter { $0.key == EventRule.licenseExpiring }
            #expect(expiring.count == 1)
            #expect(expiring.first?.message.contains("SUPEROFFICE") == true)
        }
    }

    // MARK: - Tamper detection

    @Test(
        "deleting the no-login row behind the server's back is detected by verify, naming the row",
        arguments: StoreBackend.allCases)
    func deletedNoLogin(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await licensedTenant(temporary)
            let store = temporary.store
            let noLogin = try await store.add(EventDraft(key: SystemEvent.noLogin, message: "Upgrade"))

            let changed = try await RawDatabase(temporary).execute("DELETE FROM system_event WHERE id = ?", [noLogin.id])
            try #require(changed == 1)

            let problems = try await store.verify(tenant: acme)
            #expect(
                problems.namingRows == [IntegrityProblem(table: "system_event", key: "#\(noLogin.id)", problem: "row deleted")])
            #expect(problems.tablesOutOfCommitment == ["system_event"], "the sealed head's digest names the table too")
            // … and the missing blocking event fails closed: alice stays blocked
            let login = try await store.login("alice")
            #expect(!login.allowed && login.reasons == [.eventIntegrity], "\(login)")
        }
    }

    @Test(
        "editing the no-login row behind the server's back is detected by verify, naming the row",
        arguments: StoreBackend.allCases,
        [
            "UPDATE system_event SET status = 'finished' WHERE id = ?",
            "UPDATE system_event SET scope = 'user', scope_owner = 'nobody' WHERE id = ?",
            "UPDATE system_event SET message = 'Come in' WHERE id = ?",
            "UPDATE system_event SET expected_finish = 0 WHERE id = ?",
        ])
    func editedNoLogin(backend: StoreBackend, sql: String) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await licensedTenant(temporary)
            let store = temporary.store
            let noLogin = try await store.add(EventDraft(key: SystemEvent.noLogin, message: "Upgrade"))

            try #require(try await RawDatabase(temporary).execute(sql, [noLogin.id]) == 1)

            let problems = try await store.verify(tenant: acme)
            #expect(
                problems.namingRows == [
                    IntegrityProblem(
                        table: "system_event", key: "#\(noLogin.id) no-login", problem: "seal does not match the row (edited)")
                ])
            // The seal was left, so the sealed head's digest still holds: the row alone is void
            #expect(problems.tablesOutOfCommitment == [], "\(problems)")
            // … and a void blocking event fails closed: alice stays blocked, for a reason that says why
            let login = try await store.login("alice")
            #expect(!login.allowed && login.reasons.contains(.eventIntegrity), "\(login)")
        }
    }

    @Test("an edited message of the day is flagged and no longer shown", arguments: StoreBackend.allCases)
    func editedMessageOfTheDay(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await licensedTenant(temporary)
            let store = temporary.store
            let motd = try await store.add(EventDraft(key: SystemEvent.messageOfTheDay, message: "Welcome"))

            try await RawDatabase(temporary).execute(
                "UPDATE system_event SET message = 'Send your password to evil@example.com' WHERE id = ?", [motd.id])

            let problems = try await store.verify(tenant: acme)
            #expect(problems.map(\.table) == ["system_event"])
            #expect(problems.namingRows.map(\.key) == ["#\(motd.id) message-of-the-day"])
            #expect(try await store.login("alice").messageOfTheDay == nil)
        }
    }

    @Test("a row inserted behind the server's back is detected", arguments: StoreBackend.allCases)
    func insertedRow(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await licensedTenant(temporary)
            let store = temporary.store
            let motd = try await store.add(EventDraft(key: SystemEvent.messageOfTheDay, message: "Welcome"))
            try await RawDatabase(temporary).execute(
                """
                INSERT INTO system_event (tenant_id, id, key, scope, scope_owner, status, message, activated_at, activated_by,
                    expected_finish, finished_at, system_wide, seal)
                SELECT tenant_id, 999, 'no-freetext', scope, scope_owner, status, message, activated_at, activated_by,
                    expected_finish, finished_at, system_wide, seal FROM system_event WHERE id = ?
                """, [motd.id])

            let problems = try await store.verify(tenant: acme)

            #expect(
                problems.contains(
                    IntegrityProblem(table: "system_event", key: "#999", problem: "row inserted outside the server")))
            #expect(problems.contains { $0.key == "#999 no-freetext" })
        }
    }

    @Test("recording tamper twice raises exactly one tamper-detected event per detected row", arguments: StoreBackend.allCases)
    func tamperRecordedOnce(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await licensedTenant(temporary)
            let store = temporary.store
            let noLogin = try await store.add(EventDraft(key: SystemEvent.noLogin, message: "Upgrade"))
            let motd = try await store.add(EventDraft(key: SystemEvent.messageOfTheDay, message: "Welcome"))
            let raw = try await RawDatabase(temporary)
            try await raw.execute("DELETE FROM system_event WHERE id = ?", [noLogin.id])
            try await raw.execute("UPDATE system_event SET message = 'x' WHERE id = ?", [motd.id])

            let first = try await store.verifyAndRecord()
            let second = try await store.verifyAndRecord(now: Fixtures.now.addingTimeInterval(60))

            // The two rows, and the table whose rows no longer match the sealed head's digest.
            #expect(first.problems.count == 3)
            #expect(first.raised.count == 3)
            #expect(
                Set(first.raised.compactMap(\.scopeOwner)) == [
                    "system_event:#\(noLogin.id)", "system_event:#\(motd.id) message-of-the-day",
                    "system_event:\(IntegrityProblem.wholeTable)",
                ])
            #expect(first.raised.allSatisfy { $0.message.contains("Tampering detected") })
            #expect(second.problems == first.problems, "the tamper events themselves are sealed and verify")
            #expect(second.raised.isEmpty)
            let tamper = try await store.list().filter { $0.key == SystemEvent.tamperDetected }
            #expect(tamper.count == 3)
            #expect(
                try await store.audit(tenant: acme, before: nil, limit: 50).filter { $0.action == "integrity.tamper-detected" }
                    .count == 1)
        }
    }

    @Test("an intact store raises no tamper event", arguments: StoreBackend.allCases)
    func intactStore(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await licensedTenant(temporary)
            let result = try await temporary.store.verifyAndRecord()
            #expect(result.problems.isEmpty)
            #expect(result.raised.isEmpty)
        }
    }
}

extension [IntegrityProblem] {
    /// The problems that name rows, without the tables whose rows no longer match the sealed head's digests.
    var namingRows: [IntegrityProblem] { filter { $0.key != IntegrityProblem.wholeTable } }

    /// The tables whose rows no longer match the sealed head's digests.
    var tablesOutOfCommitment: [String] { filter { $0.key == IntegrityProblem.wholeTable }.map(\.table) }
}
