import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Login check (DESIGN §7 Login check)")
struct LoginRuleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var retired = false
        var canLogIn = true
        var waitingForApproval = false
        var modules = ["user", "web", "windows"]
        var client = LoginClient.web
        var reasons: [CheckReason]
    }

    static let cases: [Case] = [
        Case(testDescription: "an ordinary licensed user may log in", reasons: []),
        Case(testDescription: "a retired user is denied", retired: true, reasons: [.userRetired]),
        Case(testDescription: "a user without the can-log-in right is denied", canLogIn: false, reasons: [.cannotLogIn]),
        Case(
            testDescription: "a user waiting for approval is denied with its own reason", waitingForApproval: true,
            reasons: [.waitingForApproval]),
        Case(
            testDescription: "all three user flags give three distinct reasons", retired: true, canLogIn: false,
            waitingForApproval: true, reasons: [.userRetired, .cannotLogIn, .waitingForApproval]),
        Case(testDescription: "a user without the user module is denied", modules: ["web"], reasons: [.missingUserLicense]),
        Case(
            testDescription: "a web login without web is denied", modules: ["user", "windows"], reasons: [.missingClientLicense]),
        Case(
            testDescription: "a windows login without windows is denied", modules: ["user", "web"], client: .windows,
            reasons: [.missingClientLicense]),
        Case(
            testDescription: "a windows login with windows but no web is allowed", modules: ["user", "windows"],
            client: .windows, reasons: []),
        Case(
            testDescription: "a user with no modules misses both", modules: [],
            reasons: [.missingUserLicense, .missingClientLicense]),
    ]

    @Test("login check reasons", arguments: cases)
    func reasons(_ example: Case) {
        // Given a user with the case's flags and modules
        var tenant = TenantStateBuilder()
        let user = tenant.addUser(
            "alice", canLogIn: example.canLogIn, retired: example.retired, waitingForApproval: example.waitingForApproval)
        for module in example.modules { tenant.give(module, to: user) }

        // When the user logs in
        let decision = tenant.snapshot().loginCheck(userName: "alice", client: example.client, now: Fixtures.now)

        // Then the answer has exactly the case's reasons
        #expect(decision.reasons == example.reasons)
        #expect(decision.allowed == example.reasons.isEmpty)
    }

    @Test("an unknown user is denied")
    func unknownUser() {
        let decision = TenantStateBuilder().snapshot().loginCheck(userName: "nobody", client: .web, now: Fixtures.now)
        #expect(!decision.allowed)
        #expect(decision.reasons == [.unknownUser])
    }

    @Test("modules that come from a plan are enough to log in")
    func planGrantsLogin() {
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        tenant.givePlan("sales-premium", to: alice)

        let snapshot = tenant.snapshot()

        #expect(snapshot.loginCheck(userName: "alice", client: .web, now: Fixtures.now).allowed)
        #expect(snapshot.loginCheck(userName: "alice", client: .windows, now: Fixtures.now).reasons == [.missingClientLicense])
    }

    // MARK: - Events

    @Test("an active no-login event blocks a normal user but not an administrator")
    func noLoginBlocksNormalUsers() {
        // Given a licensed user and a licensed administrator, and a system-wide no-login event
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        let admin = tenant.addUser("admin", isAdministrator: true)
        for user in [alice, admin] { for module in ["user", "web"] { tenant.give(module, to: user) } }
        tenant.events = [Fixtures.event(SystemEvent.noLogin, message: "Upgrade in progress")]

        // When both log in
        let snapshot = tenant.snapshot()
        let normal = snapshot.loginCheck(userName: "alice", client: .web, now: Fixtures.now)
        let administrator = snapshot.loginCheck(userName: "admin", client: .web, now: Fixtures.now)

        // Then only the normal user is blocked, and is told why
        #expect(normal.reasons == [.noLoginEvent])
        #expect(normal.noLoginMessage == "Upgrade in progress")
        #expect(administrator.allowed)
        #expect(administrator.noLoginMessage == nil)
    }

    @Test("a user-scoped no-login event blocks only that user")
    func userScopedNoLogin() {
        var tenant = TenantStateBuilder()
        for name in ["alice", "bob"] {
            let user = tenant.addUser(name)
            for module in ["user", "web"] { tenant.give(module, to: user) }
        }
        tenant.events = [Fixtures.event(SystemEvent.noLogin, scope: .user, scopeOwner: "bob")]

        let snapshot = tenant.snapshot()

        #expect(snapshot.loginCheck(userName: "alice", client: .web, now: Fixtures.now).allowed)
        #expect(snapshot.loginCheck(userName: "bob", client: .web, now: Fixtures.now).reasons == [.noLoginEvent])
    }

    @Test(
        "a no-login event that is not active does not block",
        arguments: [
            Fixtures.event(SystemEvent.noLogin, status: .finished),
            Fixtures.event(SystemEvent.noLogin, status: .cancelled),
            Fixtures.event(SystemEvent.noLogin, expectedFinish: Fixtures.days(-1, from: Fixtures.now)),
            Fixtures.event(SystemEvent.noLogin, scope: .group, scopeOwner: "sales"),
        ])
    func inactiveNoLogin(event: SystemEvent) {
        let decision = LoginRule.decide(
            user: Fixtures.user(1, "alice"), isUserIntact: true, hasModule: { _ in true }, client: .web,
            isTenantIntact: true, events: [event], now: Fixtures.now)
        #expect(decision.allowed)
    }

    @Test("the active message of the day comes with every answer, allowed or not")
    func messageOfTheDay() {
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        for module in ["user", "web"] { tenant.give(module, to: alice) }
        tenant.addUser("bob")
        tenant.events = [
            Fixtures.event(SystemEvent.messageOfTheDay, id: 1, message: "old", status: .finished),
            Fixtures.event(SystemEvent.messageOfTheDay, id: 2, message: "Welcome back"),
        ]

        let snapshot = tenant.snapshot()

        #expect(snapshot.loginCheck(userName: "alice", client: .web, now: Fixtures.now).messageOfTheDay == "Welcome back")
        #expect(snapshot.loginCheck(userName: "bob", client: .web, now: Fixtures.now).messageOfTheDay == "Welcome back")
        #expect(snapshot.loginCheck(userName: "nobody", client: .web, now: Fixtures.now).messageOfTheDay == "Welcome back")
    }

    @Test("a user-scoped message of the day is shown only to that user")
    func userScopedMessageOfTheDay() {
        // Given a message of the day scoped to bob
        let events = [Fixtures.event(SystemEvent.messageOfTheDay, scope: .user, scopeOwner: "bob", message: "Bob, call IT")]

        // When alice and bob log in
        let alice = LoginRule.decide(
            user: Fixtures.user(1, "alice"), isUserIntact: true, hasModule: { _ in true }, client: .web, isTenantIntact: true,
            events: events, now: Fixtures.now)
        let bob = LoginRule.decide(
            user: Fixtures.user(2, "bob"), isUserIntact: true, hasModule: { _ in true }, client: .web, isTenantIntact: true,
            events: events, now: Fixtures.now)

        // Then only bob sees it, as only bob would be blocked by a no-login event of the same scope
        #expect(bob.messageOfTheDay == "Bob, call IT")
        #expect(alice.messageOfTheDay == nil)
    }

    // MARK: - Integrity and dates

    @Test("a tampered tenant row denies every login, administrators included")
    func tenantIntegrity() {
        var tenant = TenantStateBuilder()
        let admin = tenant.addUser("admin", isAdministrator: true)
        for module in ["user", "web"] { tenant.give(module, to: admin) }
        tenant.isTenantIntact = false

        let decision = tenant.snapshot().loginCheck(userName: "admin", client: .web, now: Fixtures.now)

        #expect(!decision.allowed)
        #expect(decision.reasons == [.tenantIntegrity])
    }

    @Test("a user whose row is void cannot log in")
    func voidUser() {
        let tenant = TenantStateBuilder()
        let decision = tenant.snapshot(voidUsers: [Fixtures.user(7, "mallory", isAdministrator: true)])
            .loginCheck(userName: "mallory", client: .web, now: Fixtures.now)

        #expect(!decision.allowed)
        #expect(decision.reasons.first == .userIntegrity)
    }

    @Test(
        "after the owner's grant date the login lacks its licenses",
        arguments: [
            OwnerDates(expiresAt: Fixtures.days(-30), graceUntil: Fixtures.days(-1)),
            OwnerDates(expiresAt: Fixtures.days(-1)),
        ])
    func loginAfterGrace(dates: OwnerDates) throws {
        var tenant = try TenantStateBuilder(spec: Fixtures.sampleSpec(dates: dates))
        let alice = tenant.addUser("alice")
        for module in ["user", "web"] { tenant.give(module, to: alice) }

        let decision = tenant.snapshot().loginCheck(userName: "alice", client: .web, now: Fixtures.now)

        #expect(decision.reasons == [.missingUserLicense, .missingClientLicense])
    }

    @Test("in grace (expired, grace not passed) the login still works")
    func loginInGrace() throws {
        var tenant = try TenantStateBuilder(
            spec: Fixtures.sampleSpec(dates: OwnerDates(expiresAt: Fixtures.days(-1), graceUntil: Fixtures.days(14))))
        let alice = tenant.addUser("alice")
        for module in ["user", "web"] { tenant.give(module, to: alice) }

        #expect(tenant.snapshot().loginCheck(userName: "alice", client: .web, now: Fixtures.now).allowed)
    }
}
