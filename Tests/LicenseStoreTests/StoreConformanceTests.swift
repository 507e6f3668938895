import Foundation
import LicenseCore
import LicenseStore
import LicenseStoreEngine
import LicenseStorePostgres
import LicenseStoreSQLite
import LicenseTestSupport
import Testing

// The store contract (LicenseStoring) on every backend: the same calls give the same answers and the same refusals
// on SQLite and PostgreSQL. (A row changed behind the store's back: the tamper table, LicensingCLITests' TamperTests.)

private let acme = Fixtures.tenantID
private let now = Fixtures.now

private extension TemporaryStore {
    /// The sample tenant with the sample package active and `names` as employees who can log in.
    func licensed(users names: [String] = []) async throws {
        try await createTenant()
        try await activate()
        if !names.isEmpty { try await addUsers(names) }
    }

    func assign(_ user: String, _ module: String) async throws -> [Assignment] {
        try await store.assign(tenant: acme, userName: user, module: Fixtures.key(module), actor: Fixtures.actor, now: now)
    }

    func granted(_ user: String, _ module: String) async throws -> Bool {
        try await store.loadSnapshot(tenant: acme).check(userName: user, module: Fixtures.key(module), now: now).granted
    }
}

@Suite("The store contract on SQLite and PostgreSQL: tenants, activation, users, assignments, seats, integrity")
struct StoreConformanceTests {
    @Test(
        "a tenant is created once; a second with the same id and an unknown tenant are refused", arguments: StoreBackend.allCases)
    func tenants(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            #expect(try await temporary.store.tenantIDs() == [acme])
            #expect(try await temporary.store.tenant(acme).companyName == Fixtures.companyName)
            await #expect(throws: LicenseInputError.duplicate("tenant '\(acme)'")) {
                try await temporary.createTenant()
            }
            await #expect(throws: LicenseInputError.unknownTenant("nobody")) {
                try await temporary.store.tenant("nobody")
            }
            #expect(try await temporary.store.version(of: acme) == 1)
            #expect(try await temporary.store.tenantVersions() == [acme: 1])
        }
    }

    @Test(
        "activation stores the package; a lower count than in use is refused naming the holders and changes nothing",
        arguments: StoreBackend.allCases)
    func activation(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.licensed(users: ["alice", "bob", "carol"])
            for user in ["alice", "bob", "carol"] { _ = try await temporary.assign(user, "user") }
            let version = try await temporary.store.version(of: acme)

            let lower = try Fixtures.issue(
                spec: Fixtures.sampleSpec(issuedAt: Fixtures.date("2026-02-01T00:00:00Z"), counts: ["user": 2]), now: now)
            let preview = try await temporary.store.previewActivation(tenant: acme, package: lower, now: now)
            #expect(!preview.canBeActivated)
            let user = try #require(preview.modules.first { $0.name == "user" })
            #expect(user.mustRemove == 1)
            #expect(user.holders == ["alice", "bob", "carol"])

            let refused = try await temporary.store.activate(tenant: acme, package: lower, actor: Fixtures.actor, now: now)
            #expect(!refused.canBeActivated)
            #expect(try await temporary.store.version(of: acme) == version)
            #expect(
                try await temporary.store.loadSnapshot(tenant: acme).owners[Fixtures.superOffice]?.modules["user"]?.count
                    == 10)

            let higher = try Fixtures.issue(
                spec: Fixtures.sampleSpec(issuedAt: Fixtures.date("2026-03-01T00:00:00Z"), counts: ["user": 20]), now: now)
            #expect(
                try await temporary.store.activate(tenant: acme, package: higher, actor: Fixtures.actor, now: now).canBeActivated)
            #expect(
                try await temporary.store.loadSnapshot(tenant: acme).owners[Fixtures.superOffice]?.modules["user"]?.count
                    == 20)

            let older = try Fixtures.issue(spec: Fixtures.sampleSpec(issuedAt: Fixtures.date("2026-02-15T00:00:00Z")), now: now)
            await #expect(throws: LicenseRefusal.self) {
                try await temporary.store.activate(tenant: acme, package: older, actor: Fixtures.actor, now: now)
            }
            #expect(try await temporary.store.verify(tenant: acme).isEmpty)
        }
    }

    @Test(
        "a plan grants its modules, takes their seats, and is removed with them; dependents need cascade",
        arguments: StoreBackend.allCases)
    func plansAndDependents(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.licensed(users: ["alice"])
            let rows = try await temporary.assign("alice", "sales-premium")
            #expect(Set(rows.map(\.module)) == ["sales-premium", "user", "web", "chat-cal"])
            #expect(try await temporary.granted("alice", "web"))
            #expect(try await temporary.store.holders(tenant: acme, module: Fixtures.key("chat-cal")) == ["alice"])

            _ = try await temporary.assign("alice", "windows")
            await #expect(throws: LicenseRefusal.self) {
                try await temporary.store.unassign(
                    tenant: acme, userName: "alice", module: Fixtures.key("sales-premium"), cascade: false,
                    actor: Fixtures.actor, now: now)
            }
            let removed = try await temporary.store.unassign(
                tenant: acme, userName: "alice", module: Fixtures.key("sales-premium"), cascade: true, actor: Fixtures.actor,
                now: now)
            #expect(removed.contains { $0.module == "windows" })
            #expect(!(try await temporary.granted("alice", "web")))
            #expect(try await temporary.store.verify(tenant: acme).isEmpty)
        }
    }

    @Test(
        "40 concurrent assignments for 10 seats: exactly 10 succeed, the rest are refused no-free-seat",
        arguments: StoreBackend.allCases)
    func concurrentSeats(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            let names = (1...40).map { "u\($0)" }
            try await temporary.licensed(users: names)
            let outcomes = await withTaskGroup(of: LicenseRefusal.Code?.self) { group in
                for name in names {
                    group.addTask {
                        do {
                            _ = try await temporary.assign(name, "user")
                            return nil
                        } catch let refusal as LicenseRefusal {
                            return refusal.code
                        } catch {
                            return .integrity
                        }
                    }
                }
                return await group.reduce(into: [LicenseRefusal.Code?]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == nil }.count == 10)
            #expect(outcomes.filter { $0 == .noFreeSeat }.count == 30)
            #expect(try await temporary.store.holders(tenant: acme, module: Fixtures.key("user")).count == 10)
            #expect(try await temporary.store.verify(tenant: acme).isEmpty)
        }
    }

    @Test(
        "20 concurrent plan assignments for 5 plan seats: exactly 5 users get the plan and its modules, 15 are refused no-free-seat",
        arguments: StoreBackend.allCases)
    func concurrentPlans(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            let names = (1...20).map { "p\($0)" }
            try await temporary.licensed(users: names)
            let outcomes = await withTaskGroup(of: Result<Void, any Error>.self) { group in
                for name in names {
                    group.addTask {
                        do {
                            _ = try await temporary.assign(name, "sales-premium")
                            return .success(())
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: [Result<Void, any Error>]()) { $0.append($1) }
            }
            let errors = outcomes.compactMap { if case .failure(let error) = $0 { error } else { nil } }
            let refusals = errors.compactMap { $0 as? LicenseRefusal }
            #expect(outcomes.count - errors.count == 5)
            #expect(refusals.count == 15 && refusals.allSatisfy { $0.code == .noFreeSeat }, "\(errors)")
            let holders = try await temporary.store.holders(tenant: acme, module: Fixtures.key("sales-premium"))
            #expect(holders.count == 5)
            #expect(try await temporary.store.holders(tenant: acme, module: Fixtures.key("web")) == holders)
        }
    }

    @Test(
        "users: a taken name is refused; a change is stored and audited; a delete takes the user's assignments",
        arguments: StoreBackend.allCases)
    func users(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.licensed(users: ["alice", "bob"])
            await #expect(throws: LicenseInputError.duplicate("user 'alice'")) {
                try await temporary.addUsers(["alice"])
            }
            await #expect(throws: LicenseInputError.duplicate("user 'x' (twice in the input)")) {
                try await temporary.addUsers(["x", "x"])
            }
            let retired = try await temporary.store.updateUser(
                tenant: acme, userName: "bob", changes: UserChanges(retired: true, displayName: .some("Bob B")),
                actor: Fixtures.actor, now: now)
            #expect(retired.retired)
            #expect(retired.displayName == "Bob B")
            _ = try await temporary.assign("alice", "user")
            try await temporary.store.deleteUser(tenant: acme, userName: "alice", actor: Fixtures.actor, now: now)
            #expect(try await temporary.store.holders(tenant: acme, module: Fixtures.key("user")).isEmpty)
            let actions = try await temporary.store.audit(tenant: acme, before: nil, limit: 3).map(\.action)
            #expect(actions == ["user.delete", "license.assign", "user.update"])
            #expect(try await temporary.store.verify(tenant: acme).isEmpty)
        }
    }

    @Test("satellites hold satellite licenses; a missing one is refused", arguments: StoreBackend.allCases)
    func satellites(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let spec = Fixtures.sampleSpec(adding: [ModuleLicense(name: "sat", type: .satellite, count: 1, sortOrder: 9)])
            try await temporary.activate(spec)
            _ = try await temporary.store.addSatellite(tenant: acme, name: "oslo", actor: Fixtures.actor, now: now)
            try await temporary.store.assignSatellite(
                tenant: acme, satellite: "oslo", module: Fixtures.key("sat"), actor: Fixtures.actor, now: now)
            #expect(try await temporary.store.holders(tenant: acme, module: Fixtures.key("sat")) == ["oslo"])
            _ = try await temporary.store.addSatellite(tenant: acme, name: "bergen", actor: Fixtures.actor, now: now)
            await #expect(throws: LicenseRefusal.self) {
                try await temporary.store.assignSatellite(
                    tenant: acme, satellite: "bergen", module: Fixtures.key("sat"), actor: Fixtures.actor, now: now)
            }
            try await temporary.store.unassignSatellite(
                tenant: acme, satellite: "oslo", module: Fixtures.key("sat"), actor: Fixtures.actor, now: now)
            await #expect(throws: LicenseInputError.unknownSatellite("nowhere")) {
                try await temporary.store.unassignSatellite(
                    tenant: acme, satellite: "nowhere", module: Fixtures.key("sat"), actor: Fixtures.actor, now: now)
            }
            #expect(try await temporary.store.verify(tenant: acme).isEmpty)
        }
    }

    @Test(
        "tokens: created, listed, revoked; the fingerprint moves; an edited row is not a token", arguments: StoreBackend.allCases)
    func tokens(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let token = APIToken(
                id: "0123456789ab", tenant: acme, role: .reader, name: "ci", secretHash: APIToken.hash(secret: "s"),
                createdAt: now.wholeSeconds, createdBy: Fixtures.actor)
            let before = try await temporary.store.tokensFingerprint()
            try await temporary.store.createToken(token, now: now)
            let created = try await temporary.store.tokensFingerprint()
            #expect(created != before)
            #expect(try await temporary.store.tokens(tenant: acme).map(\.id) == [token.id])
            #expect(try await temporary.store.token(id: token.id)?.role == .reader)

            try await RawDatabase(temporary).execute("UPDATE api_token SET role = 'admin' WHERE id = ?", [token.id])
            #expect(try await temporary.store.token(id: token.id) == nil, "an edited token row is refused")
            try await RawDatabase(temporary).execute("UPDATE api_token SET role = 'reader' WHERE id = ?", [token.id])

            try await temporary.store.revokeToken(id: token.id, actor: Fixtures.actor, now: now)
            #expect(try await temporary.store.token(id: token.id)?.revokedAt != nil)
            #expect(try await temporary.store.tokensFingerprint() != created)
        }
    }

    @Test("every write bumps the tenant's version and appends one chained audit entry", arguments: StoreBackend.allCases)
    func versionsAndAudit(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.licensed(users: ["alice"])
            let version = try await temporary.store.version(of: acme)
            _ = try await temporary.assign("alice", "user")
            #expect(try await temporary.store.version(of: acme) == version + 1)
            let entries = try await temporary.store.audit(tenant: acme, before: nil, limit: 100)
            #expect(entries.map(\.sequence) == Array((1...entries.count).reversed()).map(Int64.init))
            #expect(entries.first?.action == "license.assign")
            #expect(try await temporary.store.audit(tenant: acme, before: 2, limit: 10).map(\.sequence) == [1])
        }
    }
}

@Suite("Moving data from SQLite to PostgreSQL")
struct DataMigrationTests {
    @Test("a tenant moves with its signatures, seals and audit chain intact; a tampered row stays detected")
    func copyTenant() async throws {
        try await TemporaryStore.with(.sqlite) { source in
            try await source.licensed(users: ["alice", "bob"])
            _ = try await source.assign("alice", "sales-premium")
            _ = try await source.store.addEvent(
                tenant: acme, EventDraft(key: SystemEvent.messageOfTheDay, message: "Hello"), actor: Fixtures.actor, now: now)
            let url = try await PostgresTestServer.shared.makeDatabase()
            let target = try await PostgresLicenseStore.connect(url: url, sealer: source.sealer, requestTimeout: .seconds(60))
            do {
                let sqlite = try #require(source.store as? SQLiteLicenseStore)
                let counts = try await DataMigration.copy(tenants: [acme], from: sqlite, to: target)
                #expect(counts["assignment"] == 4)
                #expect(counts["user"] == 2)
                #expect(try await target.verify(tenant: acme).isEmpty)
                #expect(
                    try await target.loadSnapshot(tenant: acme).check(userName: "alice", module: Fixtures.key("web"), now: now)
                        .granted)
                #expect(
                    try await target.audit(tenant: acme, before: nil, limit: 1000).count
                        == (try await source.store.audit(tenant: acme, before: nil, limit: 1000).count))
                await #expect(throws: LicenseInputError.self, "a tenant already there is refused") {
                    try await DataMigration.copy(tenants: [acme], from: sqlite, to: target)
                }
                _ = try await PostgresTestServer.psql(url, "UPDATE module_license SET count = 99 WHERE module_name = 'web'")
                // The row's signature and the table's digest in the sealed head both name the table.
                #expect(Set(try await target.verify(tenant: acme).map(\.table)) == ["module_license"])
                await target.close()
            } catch {
                await target.close()
                throw error
            }
            try? await PostgresTestServer.shared.dropDatabase(url)
        }
    }
}
