import Foundation
import LicenseCore
import LicenseStore
import LicenseTestSupport
import Testing

private let acme = Fixtures.tenantID
private let now = Fixtures.now

private extension TemporaryStore {
    func change(_ user: String, plans: [String] = [], modules: [String] = []) async throws -> LicenseChange {
        try await store.changeLicenses(
            tenant: acme, userName: user,
            to: DesiredLicenses(plans: plans.map { Fixtures.key($0) }, modules: modules.map { Fixtures.key($0) }),
            actor: Fixtures.actor, now: now)
    }

    /// The user's rows as `module` or `module (via plan)`, sorted.
    func rows(_ user: String) async throws -> [String] {
        let state = try await store.loadSnapshot(tenant: acme).licenseState()
        guard let id = state.users.values.first(where: { $0.userName == user })?.id else { return [] }
        return state.assignments(of: id).map { row in row.module + (row.viaPlan.map { " (via \($0))" } ?? "") }.sorted()
    }
}

@Suite("A user's licenses changed in one decision, on SQLite and PostgreSQL (issue 11, Build 5)")
struct LicenseChangeStoreTests {
    @Test(
        "switching to a plan whose implied module is full is refused naming the module, and the old plan is kept",
        arguments: StoreBackend.allCases)
    func switchToFullPlanIsRefused(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            // Given windows with one seat, held by ada, and bjorn on sales-premium (free seats)
            try await temporary.createTenant()
            try await temporary.activate(Fixtures.sampleSpec(counts: ["windows": 1]))
            try await temporary.addUsers(["ada", "bjorn"])
            _ = try await temporary.change("ada", modules: ["user", "windows"])
            _ = try await temporary.change("bjorn", plans: ["sales-premium"])
            let version = try await temporary.store.version(of: acme)
            let before = try await temporary.rows("bjorn")

            // When bjorn is switched to service-premium (set=user,windows)
            let refusal = await #expect(throws: LicenseRefusal.self) {
                try await temporary.change("bjorn", plans: ["service-premium"])
            }

            // Then the refusal names the full module with its count, and nothing changed
            #expect(refusal?.code == .noFreeSeat)
            #expect(refusal?.message.contains("superoffice.windows") == true, "\(String(describing: refusal))")
            #expect(refusal?.message.contains("1 of 1") == true, "\(String(describing: refusal))")
            #expect(try await temporary.rows("bjorn") == before)
            #expect(before.contains("sales-premium"))
            #expect(try await temporary.store.version(of: acme) == version)
            #expect(try await temporary.store.verify(tenant: acme).isEmpty)
        }
    }

    @Test(
        "a switch between plans with free seats replaces the old plan and what came with it in one write, keeping direct licenses",
        arguments: StoreBackend.allCases)
    func switchWithFreeSeats(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            // Given bjorn on sales-premium with visible-for given directly
            try await temporary.createTenant()
            try await temporary.activate()
            try await temporary.addUsers(["bjorn"])
            _ = try await temporary.change("bjorn", plans: ["sales-premium"], modules: ["visible-for"])
            let version = try await temporary.store.version(of: acme)
            let auditBefore = try await temporary.store.audit(tenant: acme, before: nil, limit: 1).first?.sequence ?? 0

            // When he is switched to service-premium, keeping visible-for
            let change = try await temporary.change("bjorn", plans: ["service-premium"], modules: ["visible-for"])

            // Then the old plan's rows went and the new plan's came, in one write with one audit entry
            #expect(Set(change.removals.map(\.module)) == ["sales-premium", "user", "web", "chat-cal"])
            #expect(Set(change.inserts.map(\.module)) == ["service-premium", "user", "windows"])
            #expect(
                try await temporary.rows("bjorn") == [
                    "service-premium", "user (via service-premium)", "visible-for", "windows (via service-premium)",
                ])
            #expect(try await temporary.store.version(of: acme) == version + 1)
            let audit = try await temporary.store.audit(tenant: acme, before: nil, limit: 5).filter { $0.sequence > auditBefore }
            #expect(audit.map(\.action) == ["license.change"])
            #expect(try await temporary.store.verify(tenant: acme).isEmpty)
        }
    }

    @Test(
        "50 concurrent plan switches never leave a user without a plan nor a module over its count, and verify passes",
        .timeLimit(.minutes(5)), arguments: StoreBackend.allCases)
    func concurrentSwitches(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            // Given eight users on two plans whose seats (and an implied module's) are nearly all taken
            try await temporary.createTenant()
            try await temporary.activate(PlanSwitches.spec())
            try await PlanSwitches.seedUsers(temporary.store)
            let store = temporary.store
            try #require(PlanSwitches.problems(in: try await store.loadSnapshot(tenant: acme)).isEmpty)
            let auditBefore = try await store.audit(tenant: acme, before: nil, limit: 1).first?.sequence ?? 0

            // When 50 switches run at once, while snapshots are read throughout
            let (outcomes, sampled, seen) = try await PlanSwitches.sampling(store) {
                try await withThrowingTaskGroup(of: Result<LicenseChange, LicenseRefusal>.self) { group in
                    for index in 0..<50 {
                        group.addTask {
                            let (user, plan) = PlanSwitches.request(index)
                            do {
                                return .success(
                                    try await store.changeLicenses(
                                        tenant: acme, userName: user, to: DesiredLicenses(plans: [plan]),
                                        actor: Fixtures.actor, now: now))
                            } catch let refusal as LicenseRefusal {
                                return .failure(refusal)
                            }
                        }
                    }
                    var outcomes: [Result<LicenseChange, LicenseRefusal>] = []
                    for try await outcome in group { outcomes.append(outcome) }
                    return outcomes
                }
            }

            // Then every switch was made or refused for want of a seat, no state ever read had a user without exactly
            // one plan or a module over its count, the end state neither, and verify finds nothing
            let refusals = outcomes.compactMap { if case .failure(let refusal) = $0 { refusal } else { nil } }
            #expect(refusals.allSatisfy { $0.code == .noFreeSeat }, "\(refusals)")
            let made = outcomes.compactMap { if case .success(let change) = $0, !change.isEmpty { change } else { nil } }.count
            #expect(made > 0, "no switch was made")
            // … each switch that answered with a change wrote it, exactly once; a refused one or one that found the user
            // on the plan already wrote nothing
            let changes = try await store.audit(tenant: acme, before: nil, limit: 100).filter { $0.sequence > auditBefore }
            #expect(changes.map(\.action) == Array(repeating: "license.change", count: made))
            #expect(sampled > 0)
            #expect(seen.isEmpty, "\(seen.prefix(5)) in \(sampled) snapshots")
            #expect(PlanSwitches.problems(in: try await store.loadSnapshot(tenant: acme)).isEmpty)
            #expect(try await store.verify(tenant: acme).isEmpty)
        }
    }
}
