import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Owner dates and effective modules (DESIGN §7 Dates)")
struct OwnerDatesTests {
    /// Warning 2026-05-01, expiry 2026-06-01, grace until 2026-07-01, next check 2026-05-15.
    static let dates = OwnerDates(
        expiresAt: Fixtures.date("2026-06-01T00:00:00Z"), graceUntil: Fixtures.date("2026-07-01T00:00:00Z"),
        maintenanceUntil: Fixtures.date("2026-12-31T00:00:00Z"), adminWarningAt: Fixtures.date("2026-05-01T00:00:00Z"),
        nextCheckAt: Fixtures.date("2026-05-15T00:00:00Z"))

    struct Moment: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var at: String
        var adminWarning: Bool
        var updateCheckDue: Bool
        var expired: Bool
        var inGrace: Bool
        var grantsNothing: Bool
    }

    static let moments: [Moment] = [
        Moment(
            testDescription: "before the warning date nothing shows", at: "2026-04-30T23:59:59Z", adminWarning: false,
            updateCheckDue: false, expired: false, inGrace: false, grantsNothing: false),
        Moment(
            testDescription: "from the warning date administrators see a warning", at: "2026-05-01T00:00:00Z",
            adminWarning: true, updateCheckDue: false, expired: false, inGrace: false, grantsNothing: false),
        Moment(
            testDescription: "from the next-check date an update check is due", at: "2026-05-15T00:00:00Z",
            adminWarning: true, updateCheckDue: true, expired: false, inGrace: false, grantsNothing: false),
        Moment(
            testDescription: "from the expiry date the license shows as expired, in grace", at: "2026-06-01T00:00:00Z",
            adminWarning: true, updateCheckDue: true, expired: true, inGrace: true, grantsNothing: false),
        Moment(
            testDescription: "the last second of grace still grants", at: "2026-06-30T23:59:59Z", adminWarning: true,
            updateCheckDue: true, expired: true, inGrace: true, grantsNothing: false),
        Moment(
            testDescription: "from the grace date nothing is granted", at: "2026-07-01T00:00:00Z", adminWarning: true,
            updateCheckDue: true, expired: true, inGrace: false, grantsNothing: true),
    ]

    @Test("owner date status", arguments: moments)
    func status(_ moment: Moment) {
        let status = Self.dates.status(at: Fixtures.date(moment.at))

        #expect(status.adminWarning == moment.adminWarning)
        #expect(status.updateCheckDue == moment.updateCheckDue)
        #expect(status.expired == moment.expired)
        #expect(status.inGrace == moment.inGrace)
        #expect(status.grantsNothing == moment.grantsNothing)
    }

    @Test("without a grace date the expiry date ends the grant, with no grace period")
    func expiryWithoutGrace() {
        let dates = OwnerDates(expiresAt: Fixtures.date("2026-06-01T00:00:00Z"))

        let before = dates.status(at: Fixtures.date("2026-05-31T23:59:59Z"))
        let after = dates.status(at: Fixtures.date("2026-06-01T00:00:00Z"))

        #expect(!before.expired && !before.grantsNothing)
        #expect(after.expired && after.grantsNothing && !after.inGrace)
        #expect(dates.grantsUntil == dates.expiresAt)
    }

    @Test("an owner without dates grants for ever and never warns")
    func noDates() {
        let status = OwnerDates().status(at: .distantFuture)
        #expect(!status.adminWarning && !status.expired && !status.inGrace && !status.grantsNothing && !status.updateCheckDue)
        #expect(OwnerDates().grantsUntil == nil)
    }

    // MARK: - Effective modules

    @Test(
        "after the grant date nothing is granted: neither checks nor effective modules",
        arguments: [
            OwnerDates(expiresAt: Fixtures.days(-30), graceUntil: Fixtures.days(-1)),
            OwnerDates(expiresAt: Fixtures.days(-1)),
        ])
    func nothingAfterGrantDate(dates: OwnerDates) throws {
        // Given alice holds user directly, web through a plan, and the site license saint applies to all
        var tenant = try TenantStateBuilder(spec: Fixtures.sampleSpec(dates: dates))
        let alice = tenant.addUser("alice")
        tenant.give("user", to: alice)
        tenant.givePlan("sales-premium", to: alice)
        let snapshot = tenant.snapshot()

        // When checked after the grant date
        let effective = snapshot.effectiveModules(of: "alice", now: Fixtures.now)

        // Then nothing is effective and every check answers owner-expired
        #expect(effective.isEmpty)
        #expect(EffectiveModules.of(userAssignments: tenant.assignments, owners: tenant.owners, now: Fixtures.now).isEmpty)
        for module in ["user", "web", "chat-cal", "sales-premium", "saint"] {
            #expect(snapshot.check(userName: "alice", module: Fixtures.key(module), now: Fixtures.now) == .denied(.ownerExpired))
        }
    }

    @Test("before the grant date the same rows grant")
    func grantsBeforeGrantDate() throws {
        var tenant = try TenantStateBuilder(
            spec: Fixtures.sampleSpec(dates: OwnerDates(expiresAt: Fixtures.days(1), graceUntil: Fixtures.days(30))))
        let alice = tenant.addUser("alice")
        tenant.give("user", to: alice)
        let snapshot = tenant.snapshot()

        #expect(snapshot.check(userName: "alice", module: Fixtures.key("user"), now: Fixtures.now) == .granted)
        #expect(snapshot.check(userName: "alice", module: Fixtures.key("user"), now: Fixtures.days(29)) == .granted)
        #expect(snapshot.check(userName: "alice", module: Fixtures.key("user"), now: Fixtures.days(30)) == .denied(.ownerExpired))
        #expect(
            Set(snapshot.effectiveModules(of: "alice", now: Fixtures.now).keys) == [Fixtures.key("user"), Fixtures.key("saint")])
    }

    @Test("a site license applies to every user; a site license with count 0 to none")
    func siteModules() throws {
        var tenant = try TenantStateBuilder(spec: Fixtures.sampleSpec(counts: ["saint": 0]))
        tenant.addUser("alice")
        var withSite = TenantStateBuilder()
        withSite.addUser("alice")

        #expect(withSite.snapshot().effectiveModules(of: "alice", now: Fixtures.now) == [Fixtures.key("saint"): .site])
        #expect(tenant.snapshot().effectiveModules(of: "alice", now: Fixtures.now).isEmpty)
    }

    @Test("a user module assigned directly and through a plan counts as assigned")
    func directWinsOverPlan() {
        let rows = [
            Fixtures.assignment("user", to: 1, viaPlan: "sales-premium"),
            Fixtures.assignment("user", to: 1),
        ]
        let effective = EffectiveModules.of(
            userAssignments: rows, owners: [Fixtures.superOffice: Fixtures.sampleOwner], now: Fixtures.now)
        #expect(effective[Fixtures.key("user")] == .assigned)
    }

    @Test("rows of an unknown owner or module, or of a non-user module, grant nothing")
    func strayRowsGrantNothing() {
        let rows = [
            Fixtures.assignment("user", to: 1, owner: "PARTNER"),
            Fixtures.assignment("gone", to: 1),
            Fixtures.assignment("saint", to: 1),
        ]
        let effective = EffectiveModules.of(
            userAssignments: rows, owners: [Fixtures.superOffice: Fixtures.sampleOwner], now: Fixtures.now)
        #expect(effective == [Fixtures.key("saint"): .site])
    }
}
