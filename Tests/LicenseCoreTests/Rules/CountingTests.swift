import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("User counts, fencing and satellites (DESIGN §7)")
struct CountingTests {
    // MARK: - User counts

    /// alice: user+web directly; bob: sales-premium (user, web, chat-cal); carol: service-premium (user, windows);
    /// dave: user+web but retired; erin: user+web and sales-premium without the can-log-in right.
    static func tenantWithUsers(counts: [String: Int] = [:]) throws -> TenantStateBuilder {
        var tenant = try TenantStateBuilder(spec: Fixtures.sampleSpec(counts: counts))
        let alice = tenant.addUser("alice")
        tenant.give("user", to: alice)
        tenant.give("web", to: alice)
        tenant.givePlan("sales-premium", to: tenant.addUser("bob"))
        tenant.givePlan("service-premium", to: tenant.addUser("carol"))
        let dave = tenant.addUser("dave", retired: true)
        let erin = tenant.addUser("erin", canLogIn: false)
        for user in [dave, erin] {
            tenant.give("user", to: user)
            tenant.give("web", to: user)
        }
        tenant.givePlan("sales-premium", to: erin)
        return tenant
    }

    @Test("users are counted from user and web, and from plans")
    func countsBothWays() throws {
        let counts = try Self.tenantWithUsers().snapshot().userCounts(activeOnly: false, now: Fixtures.now)

        // user 10, web 10: 10 purchased; alice, bob, dave and erin hold both
        #expect(counts.userWeb.purchased == 10)
        #expect(counts.userWeb.inUse == 4)
        // plans 5 + 5; bob, carol and erin hold one each
        #expect(counts.plans.purchased == 10)
        #expect(counts.plans.inUse == 3)
        #expect(!counts.activeOnly)
    }

    @Test("counting only active users leaves out retired users and users who cannot log in")
    func activeOnly() throws {
        let counts = try Self.tenantWithUsers().snapshot().userCounts(activeOnly: true, now: Fixtures.now)

        #expect(counts.userWeb.inUse == 2, "alice and bob")
        #expect(counts.plans.inUse == 2, "bob and carol")
        #expect(counts.userWeb.purchased == 10 && counts.plans.purchased == 10, "purchased does not change")
        #expect(counts.activeOnly)
    }

    @Test("the purchased user+web count is the smaller of the two")
    func purchasedIsUpperBound() throws {
        let counts = try Self.tenantWithUsers(counts: ["web": 6, "sales-premium": 2]).snapshot()
            .userCounts(activeOnly: false, now: Fixtures.now)

        #expect(counts.userWeb.purchased == 6)
        #expect(counts.plans.purchased == 7)
    }

    @Test("after the grant date no user is counted as in use")
    func countsAfterGrace() throws {
        var tenant = try TenantStateBuilder(spec: Fixtures.sampleSpec(dates: OwnerDates(expiresAt: Fixtures.days(-1))))
        let alice = tenant.addUser("alice")
        tenant.givePlan("sales-premium", to: alice)

        let counts = tenant.snapshot().userCounts(activeOnly: false, now: Fixtures.now)

        #expect(counts.userWeb.inUse == 0 && counts.plans.inUse == 0)
    }

    // MARK: - Fencing

    @Test(
        "fencing levels",
        arguments: [
            (84, 100, FencingLevel.ok), (85, 100, .nearing), (99, 100, .nearing), (100, 100, .reached),
            (101, 100, .reached), (0, 0, .ok), (1, 0, .reached), (8, 10, .ok), (9, 10, .nearing), (17, 20, .nearing),
        ])
    func fencingLevels(inUse: Int, total: Int, level: FencingLevel) {
        #expect(FencingLevel.of(inUse: inUse, total: total) == level)
    }

    @Test("fencing lists restricted user and satellite modules with a count, at 84 %, 85 % and 100 %")
    func fencingEntries() throws {
        // Given user 100 with 84 in use, web 100 with 85, windows 100 with 100
        let owner = try Fixtures.ownerLicense(
            spec: Fixtures.sampleSpec(
                counts: ["user": 100, "web": 100, "windows": 100],
                adding: [ModuleLicense(name: "travel", type: .satellite, count: 2)]))
        let seats = [Fixtures.key("user"): 84, Fixtures.key("web"): 85, Fixtures.key("windows"): 100, Fixtures.key("travel"): 2]

        // When fencing is computed
        let entries = Fencing.entries(owners: [owner.name: owner], seatsInUse: seats)
        let levels = Dictionary(uniqueKeysWithValues: entries.map { ($0.module, $0.level) })

        // Then each has its level; the site and unrestricted modules are not listed
        #expect(levels["user"] == .ok)
        #expect(levels["web"] == .nearing)
        #expect(levels["windows"] == .reached)
        #expect(levels["travel"] == .reached)
        #expect(levels["saint"] == nil)
        #expect(levels["visible-for"] == nil)
        #expect(levels["chat-cal"] == .ok)
        let web = try #require(entries.first { $0.module == "web" })
        #expect(web.inUse == 85 && web.total == 100 && web.owner == Fixtures.superOffice)
    }

    // MARK: - Satellites

    static func satelliteTenant() throws -> TenantStateBuilder {
        var tenant = try TenantStateBuilder(
            spec: Fixtures.sampleSpec(adding: [ModuleLicense(name: "travel", type: .satellite, count: 2)]))
        for name in ["oslo", "bergen", "tromso"] { tenant.satellites[name] = Satellite(name: name, createdAt: Fixtures.now) }
        return tenant
    }

    @Test("a satellite license goes to a satellite within its count")
    func satelliteAssigned() throws {
        let tenant = try Self.satelliteTenant()

        let row = try SatelliteRule.check(
            satellite: "oslo", module: Fixtures.key("travel"), actor: Fixtures.actor, in: tenant.state, now: Fixtures.now)

        #expect(row?.satellite == "oslo")
        #expect(row?.key == Fixtures.key("travel"))
    }

    @Test("a satellite that already holds the license is a no-op")
    func satelliteNoOp() throws {
        var tenant = try Self.satelliteTenant()
        tenant.satelliteAssignments = [
            SatelliteAssignment(
                owner: Fixtures.superOffice, module: "travel", satellite: "oslo", createdAt: Fixtures.now, createdBy: "x")
        ]

        let row = try SatelliteRule.check(
            satellite: "oslo", module: Fixtures.key("travel"), actor: Fixtures.actor, in: tenant.state, now: Fixtures.now)

        #expect(row == nil)
    }

    @Test("a third satellite does not fit in a count of 2")
    func satelliteFull() throws {
        var tenant = try Self.satelliteTenant()
        tenant.satelliteAssignments = ["oslo", "bergen"].map {
            SatelliteAssignment(
                owner: Fixtures.superOffice, module: "travel", satellite: $0, createdAt: Fixtures.now, createdBy: "x")
        }

        let refusal = #expect(throws: LicenseRefusal.self) {
            try SatelliteRule.check(
                satellite: "tromso", module: Fixtures.key("travel"), actor: Fixtures.actor, in: tenant.state, now: Fixtures.now)
        }

        #expect(refusal?.code == .noFreeSeat)
        #expect(refusal?.message.contains("2 of 2 in use") == true)
    }

    @Test("only satellite licenses go to satellites", arguments: ["user", "saint"])
    func satelliteWrongType(module: String) throws {
        let tenant = try Self.satelliteTenant()

        let refusal = #expect(throws: LicenseRefusal.self) {
            try SatelliteRule.check(
                satellite: "oslo", module: Fixtures.key(module), actor: Fixtures.actor, in: tenant.state, now: Fixtures.now)
        }

        #expect(refusal?.code == .wrongModuleType)
    }

    @Test("an unknown satellite or module is an input error, an expired owner a refusal")
    func satelliteInputsAndDates() throws {
        let tenant = try Self.satelliteTenant()
        #expect(throws: LicenseInputError.unknownSatellite("stavanger")) {
            try SatelliteRule.check(
                satellite: "stavanger", module: Fixtures.key("travel"), actor: Fixtures.actor, in: tenant.state, now: Fixtures.now
            )
        }
        #expect(throws: LicenseInputError.unknownModule("superoffice.nope")) {
            try SatelliteRule.check(
                satellite: "oslo", module: Fixtures.key("nope"), actor: Fixtures.actor, in: tenant.state, now: Fixtures.now)
        }
        var expiring = tenant
        expiring.owners = [
            Fixtures.superOffice: try Fixtures.ownerLicense(
                spec: Fixtures.sampleSpec(
                    dates: OwnerDates(expiresAt: Fixtures.days(-1)),
                    adding: [ModuleLicense(name: "travel", type: .satellite, count: 2)]))
        ]
        let expired = #expect(throws: LicenseRefusal.self) {
            try SatelliteRule.check(
                satellite: "oslo", module: Fixtures.key("travel"), actor: Fixtures.actor, in: expiring.state, now: Fixtures.now)
        }
        #expect(expired?.code == .ownerExpired)
    }
}
