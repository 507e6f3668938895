import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Unassign rule (DESIGN §7 Assignment)")
struct UnassignRuleTests {
    @Test("unassigning a prerequisite is refused with its dependents named")
    func prerequisiteRefusedWithDependents() throws {
        // Given alice holds user, web and windows directly
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        for module in ["user", "web", "windows"] { tenant.give(module, to: alice) }

        // When user is unassigned without cascade
        let refusal = #expect(throws: LicenseRefusal.self) {
            try UnassignRule.check(tenant.unassignRequest(alice, "user"), in: tenant.state, now: Fixtures.now)
        }

        // Then it is refused and names both dependents
        #expect(refusal?.code == .hasDependents)
        #expect(refusal?.message.contains("superoffice.web") == true)
        #expect(refusal?.message.contains("superoffice.windows") == true)
        #expect(refusal?.message.contains("alice") == true)
    }

    @Test("unassigning a prerequisite with cascade removes its dependents too")
    func cascadeRemovesDependents() throws {
        // Given alice holds user, web and windows directly, and visible-for which needs nothing
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        for module in ["user", "web", "windows", "visible-for"] { tenant.give(module, to: alice) }

        // When user is unassigned with cascade
        let removed = try UnassignRule.check(
            tenant.unassignRequest(alice, "user", cascade: true), in: tenant.state, now: Fixtures.now)

        // Then user, web and windows go, visible-for stays
        #expect(Set(removed.map(\.module)) == ["user", "web", "windows"])
        tenant.remove(removed)
        #expect(tenant.rows(of: alice).map(\.module) == ["visible-for"])
    }

    @Test("unassigning a module nobody depends on removes just that row")
    func plainUnassign() throws {
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        for module in ["user", "web"] { tenant.give(module, to: alice) }

        let removed = try UnassignRule.check(tenant.unassignRequest(alice, "web"), in: tenant.state, now: Fixtures.now)

        #expect(removed.map(\.module) == ["web"])
    }

    @Test("unassigning a plan removes what came with it but keeps a module also assigned directly")
    func planRemovalKeepsDirectRows() throws {
        // Given alice holds user directly, then gets sales-premium through the rule
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        tenant.give("user", to: alice)
        tenant.apply(try AssignmentRule.check(tenant.request(alice, "sales-premium"), in: tenant.state, now: Fixtures.now))

        // When the plan is unassigned
        let removed = try UnassignRule.check(tenant.unassignRequest(alice, "sales-premium"), in: tenant.state, now: Fixtures.now)
        tenant.remove(removed)

        // Then the plan and its rows are gone, the direct user row stays and still grants user
        #expect(Set(removed.map(\.module)) == ["sales-premium", "user", "web", "chat-cal"])
        #expect(removed.filter { $0.module != "sales-premium" }.allSatisfy { $0.viaPlan == "sales-premium" })
        #expect(tenant.rows(of: alice).map(\.module) == ["user"])
        #expect(tenant.rows(of: alice).first?.isDirect == true)
        let effective = EffectiveModules.of(userAssignments: tenant.rows(of: alice), owners: tenant.owners, now: Fixtures.now)
        #expect(effective[Fixtures.key("user")] == .assigned)
        #expect(effective[Fixtures.key("web")] == nil)
        #expect(tenant.seatsInUse[Fixtures.key("web")] == nil)
    }

    @Test("unassigning a plan is refused when a direct module relies on the plan's prerequisite")
    func planRemovalWithDependentDirectModule() throws {
        // Given alice has user through service-premium and web directly (web requires user)
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        tenant.givePlan("service-premium", to: alice)
        tenant.give("web", to: alice)

        // When the plan is unassigned without cascade
        let refusal = #expect(throws: LicenseRefusal.self) {
            try UnassignRule.check(tenant.unassignRequest(alice, "service-premium"), in: tenant.state, now: Fixtures.now)
        }

        // Then web is named as a dependent; with cascade it goes too
        #expect(refusal?.code == .hasDependents)
        #expect(refusal?.message.contains("superoffice.web") == true)
        let removed = try UnassignRule.check(
            tenant.unassignRequest(alice, "service-premium", cascade: true), in: tenant.state, now: Fixtures.now)
        #expect(Set(removed.map(\.module)) == ["service-premium", "user", "windows", "web"])
    }

    @Test("cascading away a prerequisite does not leave a plan without the modules it grants")
    func cascadeDoesNotOrphanPlan() throws {
        // Given a plan web-plan (set=web) whose module needs user, which alice holds directly
        var tenant = try TenantStateBuilder(
            spec: Fixtures.sampleSpec(adding: [
                ModuleLicense(name: "web-plan", type: .user, count: 5, extraFlags: 1, extraInfo: "set=web")
            ]))
        let alice = tenant.addUser("alice")
        tenant.give("user", to: alice)
        tenant.apply(try AssignmentRule.check(tenant.request(alice, "web-plan"), in: tenant.state, now: Fixtures.now))

        // When user is unassigned, first without and then with cascade
        let refusal = #expect(throws: LicenseRefusal.self) {
            try UnassignRule.check(tenant.unassignRequest(alice, "user"), in: tenant.state, now: Fixtures.now)
        }
        let removed = try UnassignRule.check(
            tenant.unassignRequest(alice, "user", cascade: true), in: tenant.state, now: Fixtures.now)
        tenant.remove(removed)

        // Then the refusal names what can be unassigned (the plan; web alone cannot be), and no plan row is left
        // holding a seat without the modules it grants
        #expect(refusal?.message.contains("superoffice.web-plan") == true, "\(refusal?.message ?? "")")
        let rows = tenant.rows(of: alice)
        for plan in rows where plan.isDirect && tenant.state.module(plan.key)?.isPlan == true {
            let granted = Set(rows.filter { $0.viaPlan == plan.module }.map(\.module))
            #expect(
                granted == Set(tenant.state.module(plan.key)?.planModules ?? []),
                "\(plan.key) is held without its modules: \(rows.map { "\($0.module) via \($0.viaPlan ?? "-")" })")
        }
    }

    @Test("a module that only came with a plan cannot be unassigned on its own")
    func planRowIsNotDirect() throws {
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        tenant.givePlan("sales-premium", to: alice)

        let refusal = #expect(throws: LicenseRefusal.self) {
            try UnassignRule.check(tenant.unassignRequest(alice, "web"), in: tenant.state, now: Fixtures.now)
        }

        #expect(refusal?.code == .notAssigned)
    }

    @Test("unassigning from an unknown user or an unknown module is an input error")
    func unknownInputs() throws {
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")

        #expect(throws: LicenseInputError.unknownUser("#42")) {
            try UnassignRule.check(tenant.unassignRequest(Fixtures.user(42), "user"), in: tenant.state, now: Fixtures.now)
        }
        #expect(throws: LicenseInputError.unknownModule("superoffice.nope")) {
            try UnassignRule.check(tenant.unassignRequest(alice, "nope"), in: tenant.state, now: Fixtures.now)
        }
    }
}
