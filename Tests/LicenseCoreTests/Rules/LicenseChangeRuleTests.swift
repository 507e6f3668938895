import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("A user's licenses changed in one decision (DESIGN §7 Assignment, issue 11)")
struct LicenseChangeRuleTests {
    enum Outcome: Sendable {
        /// The rows removed and inserted, each "module" or "module via plan".
        case change(removed: Set<String>, inserted: Set<String>)
        case refused(LicenseRefusal)
        case invalid(LicenseInputError)
    }

    struct ChangeCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var userType: UserType = .employee
        /// alice's plans before, each with the rows it brought.
        var heldPlans: [String] = []
        /// alice's direct modules before.
        var heldModules: [String] = []
        /// Modules whose every seat is taken, alice's own included.
        var full: [String] = []
        var plans: [String] = []
        var modules: [String] = []
        var outcome: Outcome
    }

    static let cases: [ChangeCase] = [
        // Switching plans
        ChangeCase(
            testDescription: "switching from a plan with free seats to a full plan is refused, naming every full module",
            heldPlans: ["sales-premium"], full: ["service-premium", "windows"], plans: ["service-premium"],
            outcome: .refused(
                LicenseRefusal(
                    .noFreeSeat,
                    "no free seat for superoffice.service-premium: 5 of 5 in use; superoffice.windows: 10 of 10 in use"))),
        ChangeCase(
            testDescription:
                "switching between two plans when the new one has a seat removes the old plan's rows and inserts the new",
            heldPlans: ["sales-premium"], plans: ["service-premium"],
            outcome: .change(
                removed: [
                    "sales-premium", "user via sales-premium", "web via sales-premium", "chat-cal via sales-premium",
                ],
                inserted: ["service-premium", "user via service-premium", "windows via service-premium"])),
        ChangeCase(
            testDescription: "switching plans keeps a module both plans bring without a new seat, even when it is full",
            heldPlans: ["sales-premium"], full: ["user"], plans: ["service-premium"],
            outcome: .change(
                removed: [
                    "sales-premium", "user via sales-premium", "web via sales-premium", "chat-cal via sales-premium",
                ],
                inserted: ["service-premium", "user via service-premium", "windows via service-premium"])),
        ChangeCase(
            testDescription: "seats freed by the user's own removals make room for the same modules from a plan",
            heldModules: ["user", "web"], full: ["user", "web"], plans: ["sales-premium"],
            outcome: .change(
                removed: ["user", "web"],
                inserted: ["sales-premium", "user via sales-premium", "web via sales-premium", "chat-cal via sales-premium"])),
        ChangeCase(
            testDescription: "keeping a full plan needs no new seat of it",
            heldPlans: ["sales-premium"], full: ["sales-premium"], plans: ["sales-premium"], modules: ["windows"],
            outcome: .change(removed: [], inserted: ["windows"])),

        // No change
        ChangeCase(
            testDescription: "the same set is no change", heldPlans: ["sales-premium"], heldModules: ["visible-for"],
            plans: ["sales-premium"], modules: ["visible-for"], outcome: .change(removed: [], inserted: [])),
        ChangeCase(
            testDescription: "a key listed twice counts once", heldModules: ["user"], modules: ["user", "user"],
            outcome: .change(removed: [], inserted: [])),

        // Adding and removing modules
        ChangeCase(
            testDescription: "a prerequisite may come in the same change", modules: ["user", "web"],
            outcome: .change(removed: [], inserted: ["user", "web"])),
        ChangeCase(
            testDescription: "a module a kept plan brings may be given directly beside it", heldPlans: ["sales-premium"],
            plans: ["sales-premium"], modules: ["web"], outcome: .change(removed: [], inserted: ["web"])),
        ChangeCase(
            testDescription: "wanting nothing removes everything, a plan with what it brought",
            heldPlans: ["sales-premium"], heldModules: ["visible-for"],
            outcome: .change(
                removed: [
                    "sales-premium", "user via sales-premium", "web via sales-premium", "chat-cal via sales-premium",
                    "visible-for",
                ], inserted: [])),
        ChangeCase(
            testDescription: "every module short of a seat is named at once", full: ["web", "windows"],
            modules: ["user", "web", "windows"],
            outcome: .refused(
                LicenseRefusal(
                    .noFreeSeat, "no free seat for superoffice.web: 10 of 10 in use; superoffice.windows: 10 of 10 in use"))),

        // Prerequisites
        ChangeCase(
            testDescription: "dropping a prerequisite while keeping a dependent is refused", heldModules: ["user", "web"],
            modules: ["web"],
            outcome: .refused(
                LicenseRefusal(.prerequisiteMissing, "superoffice.web requires superoffice.user, which alice would not have"))),
        ChangeCase(
            testDescription: "every missing prerequisite is named at once", heldModules: ["user", "web", "windows"],
            modules: ["web", "windows"],
            outcome: .refused(
                LicenseRefusal(
                    .prerequisiteMissing,
                    "superoffice.web requires superoffice.user, which alice would not have; superoffice.windows requires superoffice.user, which alice would not have"
                ))),
        ChangeCase(
            testDescription: "dropping the plan that brought a kept module's prerequisite is refused",
            heldPlans: ["service-premium"], heldModules: ["web"], modules: ["web"],
            outcome: .refused(
                LicenseRefusal(.prerequisiteMissing, "superoffice.web requires superoffice.user, which alice would not have"))),
        ChangeCase(
            testDescription: "a new module without its prerequisite is refused", modules: ["windows"],
            outcome: .refused(
                LicenseRefusal(.prerequisiteMissing, "superoffice.windows requires superoffice.user, which alice would not have"))
        ),

        // What may not be given
        ChangeCase(
            testDescription: "a hidden module cannot be wanted directly", modules: ["chat-cal"],
            outcome: .refused(LicenseRefusal(.hiddenModule, "superoffice.chat-cal is hidden and can only come from a user plan"))),
        ChangeCase(
            testDescription: "a module the user's type is not allowed is refused", userType: .resource, modules: ["user"],
            outcome: .refused(LicenseRefusal(.userTypeNotAllowed, "superoffice.user is not allowed for resource users (alice)"))),
        ChangeCase(
            testDescription: "a site license cannot go to a user", modules: ["saint"],
            outcome: .refused(
                LicenseRefusal(
                    .wrongModuleType, "superoffice.saint is a site license and applies to the whole tenant, not to users"))),

        // Input that names the wrong thing
        ChangeCase(
            testDescription: "a plan listed under modules is invalid, naming it", modules: ["sales-premium"],
            outcome: .invalid(
                .invalid(field: "modules", reason: "superoffice.sales-premium is a plan; list it under plans"))),
        ChangeCase(
            testDescription: "a module listed under plans is invalid, naming it", plans: ["web"],
            outcome: .invalid(.invalid(field: "plans", reason: "superoffice.web is not a plan; list it under modules"))),
        ChangeCase(
            testDescription: "two plans of one owner are invalid", plans: ["sales-premium", "service-premium"],
            outcome: .invalid(
                .invalid(
                    field: "plans",
                    reason:
                        "a user has at most one plan of SUPEROFFICE, not superoffice.sales-premium and superoffice.service-premium"
                ))),
        ChangeCase(
            testDescription: "an unknown module is named", modules: ["user", "nope"],
            outcome: .invalid(.unknownModule("superoffice.nope"))),
    ]

    @Test("the change from what a user holds to what is wanted", arguments: cases)
    func change(_ example: ChangeCase) throws {
        // Given alice with the case's rows, and the case's modules full
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice", type: example.userType)
        for plan in example.heldPlans { tenant.givePlan(plan, to: alice) }
        for module in example.heldModules { tenant.give(module, to: alice) }
        for module in example.full { tenant.fill(module) }
        let desired = DesiredLicenses(
            plans: example.plans.map { Fixtures.key($0) }, modules: example.modules.map { Fixtures.key($0) })

        // When her licenses are changed to the wanted set
        let plan = {
            try LicenseChangeRule.plan(userID: alice.id, desired: desired, in: tenant.state, actor: "admin", now: Fixtures.now)
        }

        // Then the rows removed and inserted, or the refusal, are the expected ones
        switch example.outcome {
        case .change(let removed, let inserted):
            let change = try plan()
            #expect(Set(change.removals.map(Self.describe)) == removed)
            #expect(change.removals.count == removed.count)
            #expect(Set(change.inserts.map(Self.describe)) == inserted)
            #expect(change.inserts.count == inserted.count)
            #expect(change.isEmpty == (removed.isEmpty && inserted.isEmpty))
            #expect(change.removals.allSatisfy { tenant.rows(of: alice).contains($0) }, "removes only rows that exist")
            #expect(change.inserts.allSatisfy { !tenant.rows(of: alice).contains($0) }, "rows that stay are untouched")
        case .refused(let expected):
            let refusal = try #require(throws: LicenseRefusal.self) { try plan() }
            #expect(refusal == expected)
        case .invalid(let expected):
            let error = try #require(throws: LicenseInputError.self) { try plan() }
            #expect(error == expected)
        }
    }

    static func describe(_ row: Assignment) -> String {
        row.viaPlan.map { "\(row.module) via \($0)" } ?? row.module
    }

    // MARK: - The change applied

    @Test("a switch applied leaves the user with the new plan's modules, stamped with the actor and now")
    func switchApplied() throws {
        // Given alice holds sales-premium
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        tenant.givePlan("sales-premium", to: alice)

        // When she is switched to service-premium and the change is written
        let change = try LicenseChangeRule.plan(
            userID: alice.id, desired: DesiredLicenses(plans: [Fixtures.key("service-premium")]), in: tenant.state,
            actor: "admin", now: Fixtures.now.addingTimeInterval(0.5))
        tenant.apply(change)

        // Then she has service-premium's modules and none of sales-premium's
        let effective = EffectiveModules.of(userAssignments: tenant.rows(of: alice), owners: tenant.owners, now: Fixtures.now)
        #expect(
            Set(effective.filter { $0.value != .site }.keys)
                == Set(["service-premium", "user", "windows"].map { Fixtures.key($0) }))
        #expect(change.inserts.allSatisfy { $0.userID == alice.id && $0.createdBy == "admin" && $0.createdAt == Fixtures.now })

        // And asking again for the same set changes nothing
        let again = try LicenseChangeRule.plan(
            userID: alice.id, desired: DesiredLicenses(plans: [Fixtures.key("service-premium")]), in: tenant.state,
            actor: "admin", now: Fixtures.now)
        #expect(again.isEmpty)
    }

    @Test("another owner's plan is switched without touching the first owner's, and an unknown owner's rows stay")
    func ownersAreIndependent() throws {
        // Given alice with SUPEROFFICE's sales-premium, ACME's acme-basic, and a row of an owner with no verified package
        var partner = Fixtures.emptySpec(owner: "ACME")
        partner.modules = [
            ModuleLicense(name: "crm", type: .user, count: 5),
            ModuleLicense(name: "acme-basic", type: .user, count: 5, extraFlags: 1, extraInfo: "set=crm"),
            ModuleLicense(name: "acme-pro", type: .user, count: 5, extraFlags: 1, extraInfo: "set=crm"),
        ]
        var tenant = TenantStateBuilder(owners: [Fixtures.sampleOwner, try Fixtures.ownerLicense(spec: partner)])
        let alice = tenant.addUser("alice")
        tenant.givePlan("sales-premium", to: alice)
        tenant.givePlan("acme-basic", to: alice, owner: "ACME")
        tenant.give("legacy", to: alice, owner: "GONE")

        // When ACME's plan is switched to acme-pro, SUPEROFFICE's kept
        let change = try LicenseChangeRule.plan(
            userID: alice.id,
            desired: DesiredLicenses(plans: [Fixtures.key("sales-premium"), Fixtures.key("acme-pro", owner: "ACME")]),
            in: tenant.state, actor: "admin", now: Fixtures.now)

        // Then only ACME's rows move; crm comes with the new plan and needs no new seat
        #expect(
            Set(change.removals.map { "\($0.key) via \($0.viaPlan ?? "-")" }) == [
                "acme.acme-basic via -", "acme.crm via acme-basic",
            ])
        #expect(
            Set(change.inserts.map { "\($0.key) via \($0.viaPlan ?? "-")" }) == ["acme.acme-pro via -", "acme.crm via acme-pro"])
    }

    @Test("a user who does not exist is named")
    func unknownUser() throws {
        let tenant = TenantStateBuilder()
        let error = try #require(throws: LicenseInputError.self) {
            try LicenseChangeRule.plan(
                userID: 99, desired: DesiredLicenses(), in: tenant.state, actor: "admin", now: Fixtures.now)
        }
        #expect(error == .unknownUser("#99"))
    }

    @Test("an expired owner's licenses cannot be added, but can be removed")
    func expiredOwner() throws {
        // Given SUPEROFFICE's grace date has passed, and alice holds user and web
        var tenant = try TenantStateBuilder(
            spec: Fixtures.sampleSpec(dates: OwnerDates(expiresAt: Fixtures.days(-30), graceUntil: Fixtures.days(-1))))
        let alice = tenant.addUser("alice")
        for module in ["user", "web"] { tenant.give(module, to: alice) }

        // When windows is added, it is refused
        let refusal = try #require(throws: LicenseRefusal.self) {
            try LicenseChangeRule.plan(
                userID: alice.id, desired: DesiredLicenses(modules: ["user", "web", "windows"].map { Fixtures.key($0) }),
                in: tenant.state, actor: "admin", now: Fixtures.now)
        }
        #expect(refusal.code == .ownerExpired)

        // And when web is dropped, it goes
        let change = try LicenseChangeRule.plan(
            userID: alice.id, desired: DesiredLicenses(modules: [Fixtures.key("user")]), in: tenant.state, actor: "admin",
            now: Fixtures.now)
        #expect(change.removals.map(\.module) == ["web"])
        #expect(change.inserts.isEmpty)
    }

    // MARK: - Seats a decision counts

    @Test(
        "the seats an assignment counts: a plan with its set= modules, a module alone, an unknown one by its name",
        arguments: [
            ("sales-premium", ["sales-premium", "user", "web", "chat-cal"]),
            ("service-premium", ["service-premium", "user", "windows"]),
            ("web", ["web"]),
            ("nope", ["nope"]),
        ])
    func countedModules(module: String, expected: [String]) {
        let owners = [Fixtures.sampleOwner.name: Fixtures.sampleOwner]
        #expect(AssignmentRule.countedModules(for: Fixtures.key(module), owners: owners) == expected)
    }

    @Test("an unknown owner's module counts by its name")
    func countedModulesOfUnknownOwner() {
        #expect(AssignmentRule.countedModules(for: Fixtures.key("crm", owner: "ACME"), owners: [:]) == ["crm"])
    }

    @Test("the seats a license change counts: every wanted license, plans expanded, once each")
    func countedModulesOfChange() {
        let owners = [Fixtures.sampleOwner.name: Fixtures.sampleOwner]
        let desired = DesiredLicenses(
            plans: [Fixtures.key("sales-premium")], modules: [Fixtures.key("web"), Fixtures.key("windows")])
        #expect(
            LicenseChangeRule.countedModules(for: desired, owners: owners)
                == ["chat-cal", "sales-premium", "user", "web", "windows"].map { Fixtures.key($0) })
    }
}
