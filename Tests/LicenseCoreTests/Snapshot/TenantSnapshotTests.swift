import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("TenantSnapshot checks (DESIGN §4)")
struct TenantSnapshotTests {
    /// SUPEROFFICE (sample, no dates) and PARTNER (expired yesterday); alice holds user, web and the partner's addon;
    /// bob holds sales-premium; carol is retired; mallory's row is void.
    static func makeSnapshot() throws -> TenantSnapshot {
        var partner = Fixtures.emptySpec(owner: "PARTNER")
        partner.issuedAt = Fixtures.days(-30)
        partner.expiresAt = Fixtures.days(-1)
        partner.modules = [ModuleLicense(name: "addon", type: .user, count: 3)]
        var tenant = TenantStateBuilder(owners: [Fixtures.sampleOwner, try Fixtures.ownerLicense(spec: partner)])
        let alice = tenant.addUser("alice")
        tenant.give("user", to: alice)
        tenant.give("web", to: alice)
        tenant.give("addon", to: alice, owner: "PARTNER")
        tenant.givePlan("sales-premium", to: tenant.addUser("bob"))
        tenant.give("user", to: tenant.addUser("carol", retired: true))
        return tenant.snapshot(version: 7, voidUsers: [Fixtures.user(99, "mallory")])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var user: String
        var module: String
        var owner = Fixtures.superOffice
        var decision: CheckDecision
    }

    static let cases: [Case] = [
        Case(testDescription: "a directly assigned module is granted", user: "alice", module: "web", decision: .granted),
        Case(testDescription: "a module from a plan is granted", user: "bob", module: "chat-cal", decision: .granted),
        Case(testDescription: "the plan itself is granted", user: "bob", module: "sales-premium", decision: .granted),
        Case(testDescription: "a site module is granted to anyone", user: "alice", module: "saint", decision: .granted),
        Case(testDescription: "an unknown user", user: "nobody", module: "user", decision: .denied(.unknownUser)),
        Case(testDescription: "an unknown module", user: "alice", module: "nope", decision: .denied(.unknownModule)),
        Case(
            testDescription: "a module of an unknown owner", user: "alice", module: "user", owner: "OTHER",
            decision: .denied(.unknownModule)),
        Case(
            testDescription: "a module the user does not hold", user: "alice", module: "windows", decision: .denied(.notLicensed)),
        Case(
            testDescription: "a hidden module without its plan", user: "alice", module: "chat-cal",
            decision: .denied(.notLicensed)),
        Case(
            testDescription: "a module of an expired owner", user: "alice", module: "addon", owner: "PARTNER",
            decision: .denied(.ownerExpired)),
        Case(testDescription: "a retired user", user: "carol", module: "user", decision: .denied(.userRetired)),
        Case(testDescription: "a user whose row is void", user: "mallory", module: "saint", decision: .denied(.userIntegrity)),
    ]

    /// Issue 13, Build 5: effective modules come from the user's entry (no assignment rows read), and they are what the
    /// rule computes from the rows, dates applied: before and after the partner's expiry, for plan, direct and site.
    @Test("effective modules from the snapshot are the rule's, dates applied", arguments: [-10, 0, 400])
    func effectiveModules(daysFromNow: Int) throws {
        var partner = Fixtures.emptySpec(owner: "PARTNER")
        partner.issuedAt = Fixtures.days(-30)
        partner.expiresAt = Fixtures.days(-1)
        partner.modules = [
            ModuleLicense(name: "addon", type: .user, count: 3), ModuleLicense(name: "lobby", type: .site, count: 1),
        ]
        var tenant = TenantStateBuilder(owners: [Fixtures.sampleOwner, try Fixtures.ownerLicense(spec: partner)])
        let alice = tenant.addUser("alice")
        tenant.give("user", to: alice)
        tenant.give("addon", to: alice, owner: "PARTNER")
        let bob = tenant.addUser("bob")
        tenant.givePlan("sales-premium", to: bob)
        tenant.give("chat-cal", to: bob)
        let snapshot = tenant.snapshot(version: 1)
        let now = Fixtures.days(daysFromNow)
        for user in [alice, bob] {
            let rows = tenant.assignments.filter { $0.userID == user.id }
            let expected = EffectiveModules.of(userAssignments: rows, owners: tenant.owners, now: now)
            #expect(snapshot.effectiveModules(of: user.userName, now: now) == expected, "\(user.userName)")
        }
        let bobs = snapshot.effectiveModules(of: "bob", now: now)
        #expect(bobs[Fixtures.key("chat-cal")] == .assigned, "a module held directly and through a plan is assigned")
        #expect(bobs[Fixtures.key("sales-premium")] == .assigned)
        #expect(bobs[ModuleKey(owner: "PARTNER", module: "lobby")] == (daysFromNow < -1 ? .site : nil))
        #expect(snapshot.effectiveModules(of: "nobody", now: now).isEmpty)
    }

    @Test("check answers", arguments: cases)
    func check(_ example: Case) throws {
        let decision = try Self.makeSnapshot().check(
            userName: example.user, module: ModuleKey(owner: example.owner, module: example.module), now: Fixtures.now)
        #expect(decision == example.decision)
    }

    @Test("every check is denied while the tenant row is tampered with")
    func tenantIntegrity() {
        var tenant = TenantStateBuilder()
        tenant.give("user", to: tenant.addUser("alice"))
        tenant.isTenantIntact = false

        let decision = tenant.snapshot().check(userName: "alice", module: Fixtures.key("user"), now: Fixtures.now)

        #expect(decision == .denied(.tenantIntegrity))
    }

    @Test("a void user is known but holds nothing")
    func voidUserHoldsNothing() throws {
        let snapshot = try Self.makeSnapshot()
        #expect(snapshot.user(named: "mallory")?.id == 99)
        #expect(snapshot.effectiveModules(of: "mallory", now: Fixtures.now).isEmpty)
    }

    @Test("a void user does not replace an intact user of the same name")
    func voidUserDoesNotShadow() {
        var tenant = TenantStateBuilder()
        tenant.give("user", to: tenant.addUser("alice"))

        let snapshot = tenant.snapshot(voidUsers: [Fixtures.user(50, "alice")])

        #expect(snapshot.check(userName: "alice", module: Fixtures.key("user"), now: Fixtures.now) == .granted)
    }

    @Test("module checks work past 64 modules (more than one bit word)")
    func manyModules() throws {
        let extra = (1...130).map { ModuleLicense(name: String(format: "m%03d", $0), type: .user, count: 1, sortOrder: 100 + $0) }
        var tenant = try TenantStateBuilder(spec: Fixtures.sampleSpec(adding: extra))
        let alice = tenant.addUser("alice")
        tenant.give("m130", to: alice)
        tenant.give("m065", to: alice)
        let snapshot = tenant.snapshot()

        for module in ["m130", "m065"] {
            #expect(snapshot.check(userName: "alice", module: Fixtures.key(module), now: Fixtures.now) == .granted)
        }
        for module in ["m129", "m064", "m066", "m001"] {
            #expect(snapshot.check(userName: "alice", module: Fixtures.key(module), now: Fixtures.now) == .denied(.notLicensed))
        }
    }

    @Test("the snapshot keeps its version and reports fencing from seats in use")
    func versionAndFencing() {
        var tenant = TenantStateBuilder()
        tenant.otherHolders[Fixtures.key("web")] = 9
        let snapshot = tenant.snapshot(version: 3)

        #expect(snapshot.version == 3)
        #expect(snapshot.fencing().first { $0.module == "web" }?.level == .nearing)
    }
}
