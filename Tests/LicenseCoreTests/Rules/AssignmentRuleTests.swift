import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Assignment rule (DESIGN §7 Assignment)")
struct AssignmentRuleTests {
    // MARK: - Plans

    @Test("a plan grants its set= modules, marked as coming from the plan")
    func planGrantsItsSet() throws {
        // Given an employee with nothing
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")

        // When the plan sales-premium is assigned
        let plan = try AssignmentRule.check(tenant.request(alice, "sales-premium"), in: tenant.state, now: Fixtures.now)

        // Then the plan row is direct and user, web and chat-cal come with it
        let rows = Set(plan.inserts.map { Row($0.module, viaPlan: $0.viaPlan) })
        #expect(
            rows == [
                Row("sales-premium", viaPlan: nil), Row("user", viaPlan: "sales-premium"),
                Row("web", viaPlan: "sales-premium"), Row("chat-cal", viaPlan: "sales-premium"),
            ])
        #expect(plan.inserts.allSatisfy { $0.owner == Fixtures.superOffice && $0.userID == alice.id })
        #expect(plan.inserts.allSatisfy { $0.createdBy == Fixtures.actor && $0.createdAt == Fixtures.now.wholeSeconds })
    }

    @Test("a plan's modules become effective for the user, the hidden one included")
    func planModulesAreEffective() throws {
        // Given alice with the sales-premium plan applied
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        tenant.apply(try AssignmentRule.check(tenant.request(alice, "sales-premium"), in: tenant.state, now: Fixtures.now))

        // When her effective modules are computed
        let effective = EffectiveModules.of(userAssignments: tenant.rows(of: alice), owners: tenant.owners, now: Fixtures.now)

        // Then the plan's modules come from the plan and the site license from the site
        #expect(effective[Fixtures.key("sales-premium")] == .assigned)
        #expect(effective[Fixtures.key("user")] == .plan)
        #expect(effective[Fixtures.key("web")] == .plan)
        #expect(effective[Fixtures.key("chat-cal")] == .plan)
        #expect(effective[Fixtures.key("saint")] == .site)
        #expect(effective[Fixtures.key("windows")] == nil)
    }

    @Test("a plan whose implied module has no free seat assigns nothing, and the refusal names that module")
    func planWithFullImpliedModuleAssignsNothing() throws {
        // Given chat-cal (hidden, only from plans) is full
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        tenant.fill("chat-cal")

        // When the plan that grants chat-cal is assigned
        let refusal = #expect(throws: LicenseRefusal.self) {
            try AssignmentRule.check(tenant.request(alice, "sales-premium"), in: tenant.state, now: Fixtures.now)
        }

        // Then it is refused as a whole, naming chat-cal and its use
        #expect(refusal?.code == .noFreeSeat)
        #expect(refusal?.message.contains("superoffice.chat-cal: 10 of 10 in use") == true)
        #expect(refusal?.message.contains("superoffice.web") == false)
    }

    @Test("a second plan of the same owner is refused")
    func secondPlanOfSameOwnerRefused() throws {
        // Given alice holds sales-premium
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        tenant.givePlan("sales-premium", to: alice)

        // When service-premium is assigned as well
        let refusal = #expect(throws: LicenseRefusal.self) {
            try AssignmentRule.check(tenant.request(alice, "service-premium"), in: tenant.state, now: Fixtures.now)
        }

        // Then it is refused, naming the plan she has
        #expect(refusal?.code == .planAlreadyAssigned)
        #expect(refusal?.message.contains("superoffice.sales-premium") == true)
    }

    @Test("a plan of another owner may be held beside a plan of the first")
    func planOfAnotherOwnerAllowed() throws {
        // Given a partner with its own plan, and alice holding sales-premium of SUPEROFFICE
        var partnerSpec = Fixtures.emptySpec(owner: "ACME")
        partnerSpec.modules = [
            ModuleLicense(name: "crm-addon", type: .user, count: 5),
            ModuleLicense(name: "acme-plan", type: .user, count: 5, extraFlags: 1, extraInfo: "set=crm-addon"),
        ]
        var tenant = TenantStateBuilder(owners: [Fixtures.sampleOwner, try Fixtures.ownerLicense(spec: partnerSpec)])
        let alice = tenant.addUser("alice")
        tenant.givePlan("sales-premium", to: alice)

        // When the partner's plan is assigned
        let plan = try AssignmentRule.check(
            tenant.request(alice, "acme-plan", owner: "acme"), in: tenant.state, now: Fixtures.now)

        // Then it is granted with its module
        #expect(plan.inserts.map(\.module).sorted() == ["acme-plan", "crm-addon"])
        #expect(plan.inserts.allSatisfy { $0.owner == "ACME" })
    }

    @Test("a prerequisite is satisfied by a module the same plan brings")
    func prerequisiteSatisfiedBySamePlan() throws {
        // Given bob has nothing, and windows requires user
        var tenant = TenantStateBuilder()
        let bob = tenant.addUser("bob")

        // When service-premium (set=user,windows) is assigned
        let plan = try AssignmentRule.check(tenant.request(bob, "service-premium"), in: tenant.state, now: Fixtures.now)

        // Then windows comes with it although bob had no user license before
        #expect(plan.inserts.contains { $0.module == "windows" && $0.viaPlan == "service-premium" })
        #expect(plan.inserts.contains { $0.module == "user" && $0.viaPlan == "service-premium" })
    }

    @Test("a plan is refused for a user type one of its modules does not allow")
    func planRefusedForDisallowedImpliedModule() throws {
        // Given a resource user (the user module is for employees only)
        var tenant = TenantStateBuilder()
        let room = tenant.addUser("meeting-room", type: .resource)

        // When a plan that grants user is assigned
        let refusal = #expect(throws: LicenseRefusal.self) {
            try AssignmentRule.check(tenant.request(room, "sales-premium"), in: tenant.state, now: Fixtures.now)
        }

        // Then it is refused, naming the module
        #expect(refusal?.code == .userTypeNotAllowed)
        #expect(refusal?.message.contains("superoffice.user") == true)
    }

    @Test("a plan adds its own rows beside a module the user already holds directly, without a second seat")
    func planBesideDirectModule() throws {
        // Given alice holds user directly, and user has no free seat left
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        tenant.give("user", to: alice)
        tenant.fill("user")

        // When sales-premium is assigned
        let plan = try AssignmentRule.check(tenant.request(alice, "sales-premium"), in: tenant.state, now: Fixtures.now)

        // Then the plan's user row is added (her seat is counted once), and the direct row stays as it was
        #expect(plan.inserts.contains { $0.module == "user" && $0.viaPlan == "sales-premium" })
        tenant.apply(plan)
        #expect(tenant.seatsInUse[Fixtures.key("user")] == 10)
    }

    // MARK: - Refusals, table-driven

    struct RefusalCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var module: String
        var userType: UserType = .employee
        var holds: [String] = []
        var full: [String] = []
        var code: LicenseRefusal.Code
        var mentions: String

        init(
            _ testDescription: String, module: String, userType: UserType = .employee, holds: [String] = [],
            full: [String] = [], code: LicenseRefusal.Code, mentions: String
        ) {
            self.testDescription = testDescription
            self.module = module
            self.userType = userType
            self.holds = holds
            self.full = full
            self.code = code
            self.mentions = mentions
        }
    }

    static let refusals: [RefusalCase] = [
        RefusalCase("a hidden module cannot be assigned directly", module: "chat-cal", code: .hiddenModule, mentions: "chat-cal"),
        RefusalCase(
            "a module whose prerequisite is missing", module: "web", code: .prerequisiteMissing,
            mentions: "requires superoffice.user"),
        RefusalCase(
            "a user type the module does not allow", module: "user", userType: .external, code: .userTypeNotAllowed,
            mentions: "external"),
        RefusalCase(
            "a site module to a user", module: "saint", code: .wrongModuleType, mentions: "whole tenant"),
        RefusalCase(
            "a satellite module to a user", module: "travel", code: .wrongModuleType, mentions: "satellites"),
        RefusalCase(
            "a module whose count is reached", module: "user", full: ["user"], code: .noFreeSeat,
            mentions: "no free seat for superoffice.user: 10 of 10 in use"),
        RefusalCase(
            "a plan whose own count is reached", module: "service-premium", full: ["service-premium"],
            code: .noFreeSeat, mentions: "superoffice.service-premium: 5 of 5 in use"),
        RefusalCase(
            "a client module whose count is reached, prerequisite held", module: "web", holds: ["user"], full: ["web"],
            code: .noFreeSeat, mentions: "superoffice.web"),
    ]

    @Test("the rule refuses", arguments: refusals)
    func refuses(_ example: RefusalCase) throws {
        // Given a user of the case's type holding the case's modules, with the case's modules full
        var tenant = try TenantStateBuilder(
            spec: Fixtures.sampleSpec(adding: [ModuleLicense(name: "travel", type: .satellite, count: 2)]))
        let user = tenant.addUser("someone", type: example.userType)
        for module in example.holds { tenant.give(module, to: user) }
        for module in example.full { tenant.fill(module) }
        let before = tenant.assignments

        // When the module is assigned
        let refusal = #expect(throws: LicenseRefusal.self) {
            try AssignmentRule.check(tenant.request(user, example.module), in: tenant.state, now: Fixtures.now)
        }

        // Then the refusal has the stable code and the facts, and nothing changed
        #expect(refusal?.code == example.code)
        #expect(refusal?.message.contains(example.mentions) == true, "\(refusal?.message ?? "no refusal")")
        #expect(tenant.assignments == before)
    }

    // MARK: - Counts

    @Test("an unrestricted module may be assigned beyond its count")
    func unrestrictedBeyondCount() throws {
        // Given visible-for (count 1, unrestricted) already held by 5 other users
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        tenant.otherHolders[Fixtures.key("visible-for")] = 5

        // When alice gets it
        let plan = try AssignmentRule.check(tenant.request(alice, "visible-for"), in: tenant.state, now: Fixtures.now)

        // Then it is granted
        #expect(plan.inserts.map(\.module) == ["visible-for"])
    }

    @Test("the last free seat can be taken, the one after it cannot", arguments: [(9, true), (10, false)])
    func lastFreeSeat(inUse: Int, isGranted: Bool) throws {
        // Given user (count 10) held by `inUse` others
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        tenant.otherHolders[Fixtures.key("user")] = inUse

        // When alice gets it
        let plan = try? AssignmentRule.check(tenant.request(alice, "user"), in: tenant.state, now: Fixtures.now)

        // Then it is granted only while sum + 1 ≤ count
        #expect((plan != nil) == isGranted)
    }

    @Test("assigning a module the user already holds directly is a no-op")
    func alreadyAssignedIsNoOp() throws {
        // Given alice holds user directly and user is full
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        tenant.give("user", to: alice)
        tenant.fill("user")

        // When user is assigned again
        let plan = try AssignmentRule.check(tenant.request(alice, "user"), in: tenant.state, now: Fixtures.now)

        // Then nothing is to be inserted
        #expect(plan.isAlreadyAssigned)
        #expect(plan.inserts.isEmpty)
    }

    @Test("a module held through a plan can also be assigned directly without taking a second seat")
    func directBesidePlan() throws {
        // Given alice has web through sales-premium and web is full
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        tenant.givePlan("sales-premium", to: alice)
        tenant.fill("web")

        // When web is assigned directly
        let plan = try AssignmentRule.check(tenant.request(alice, "web"), in: tenant.state, now: Fixtures.now)

        // Then a direct row is added
        #expect(plan.inserts.count == 1)
        #expect(plan.inserts.first?.module == "web")
        #expect(plan.inserts.first?.isDirect == true)
    }

    // MARK: - Inputs and dates

    @Test("an unknown user or module is an input error, not a refusal")
    func unknownUserOrModule() throws {
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        let ghost = Fixtures.user(99, "ghost")

        #expect(throws: LicenseInputError.unknownUser("#99")) {
            try AssignmentRule.check(tenant.request(ghost, "user"), in: tenant.state, now: Fixtures.now)
        }
        #expect(throws: LicenseInputError.unknownModule("superoffice.nope")) {
            try AssignmentRule.check(tenant.request(alice, "nope"), in: tenant.state, now: Fixtures.now)
        }
        #expect(throws: LicenseInputError.unknownModule("partner.user")) {
            try AssignmentRule.check(tenant.request(alice, "user", owner: "PARTNER"), in: tenant.state, now: Fixtures.now)
        }
    }

    @Test("nothing can be assigned after the owner's grace date")
    func nothingAfterGrace() throws {
        // Given an owner that expired and whose grace has passed
        var tenant = try TenantStateBuilder(
            spec: Fixtures.sampleSpec(dates: OwnerDates(expiresAt: Fixtures.days(-30), graceUntil: Fixtures.days(-1))))
        let alice = tenant.addUser("alice")

        // When user is assigned
        let refusal = #expect(throws: LicenseRefusal.self) {
            try AssignmentRule.check(tenant.request(alice, "user"), in: tenant.state, now: Fixtures.now)
        }

        // Then it is refused as expired
        #expect(refusal?.code == .ownerExpired)
    }
}

/// A row reduced to what a plan decides: which module, and through which plan.
private struct Row: Hashable, CustomStringConvertible {
    var module: String
    var viaPlan: String?
    init(_ module: String, viaPlan: String?) {
        self.module = module
        self.viaPlan = viaPlan
    }
    var description: String { "\(module) via \(viaPlan ?? "-")" }
}
