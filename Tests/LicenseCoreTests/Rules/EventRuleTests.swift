import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("System events: what they block, what conflicts, what ends by itself (DESIGN §9)")
struct EventRuleTests {
    // MARK: - No login

    struct LoginCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var event: SystemEvent
        /// Who is blocked among alice, bob and the administrator boss.
        var blocked: Set<String>
    }

    static let loginCases: [LoginCase] = [
        LoginCase(
            testDescription: "a system no-login blocks every normal user but not an administrator",
            event: Fixtures.event(SystemEvent.noLogin, message: "Upgrade"), blocked: ["alice", "bob"]),
        LoginCase(
            testDescription: "a database no-login blocks every normal user but not an administrator",
            event: Fixtures.event(SystemEvent.noLogin, scope: .database), blocked: ["alice", "bob"]),
        LoginCase(
            testDescription: "a user-scoped no-login blocks only that user",
            event: Fixtures.event(SystemEvent.noLogin, scope: .user, scopeOwner: "bob"), blocked: ["bob"]),
        LoginCase(
            testDescription: "a user-scoped no-login for an administrator does not block the administrator",
            event: Fixtures.event(SystemEvent.noLogin, scope: .user, scopeOwner: "boss"), blocked: []),
        LoginCase(
            testDescription: "a finished no-login blocks nobody",
            event: Fixtures.event(SystemEvent.noLogin, status: .finished), blocked: []),
        LoginCase(
            testDescription: "a failed no-login blocks nobody",
            event: Fixtures.event(SystemEvent.noLogin, status: .failed), blocked: []),
        LoginCase(
            testDescription: "a no-login past its expected finish blocks nobody",
            event: Fixtures.event(SystemEvent.noLogin, expectedFinish: Fixtures.now), blocked: []),
        LoginCase(
            testDescription: "a no-login with a finish still ahead blocks",
            event: Fixtures.event(SystemEvent.noLogin, expectedFinish: Fixtures.now.addingTimeInterval(1)),
            blocked: ["alice", "bob"]),
        LoginCase(
            testDescription: "other administrator events do not block logins",
            event: Fixtures.event("no-freetext"), blocked: []),
    ]

    @Test("who a no-login event blocks", arguments: loginCases)
    func noLogin(_ example: LoginCase) {
        // Given two licensed users and a licensed administrator, and the event
        var tenant = TenantStateBuilder()
        for name in ["alice", "bob", "boss"] {
            let user = tenant.addUser(name, isAdministrator: name == "boss")
            for module in ["user", "web"] { tenant.give(module, to: user) }
        }
        tenant.events = [example.event]
        let snapshot = tenant.snapshot()

        for name in ["alice", "bob", "boss"] {
            // When each logs in
            let decision = snapshot.loginCheck(userName: name, client: .web, now: Fixtures.now)

            // Then those blocked are denied with no-login-event and its message, the others allowed
            if example.blocked.contains(name) {
                #expect(decision.reasons == [.noLoginEvent], "\(name)")
                #expect(decision.noLoginMessage == example.event.message, "\(name)")
            } else {
                #expect(decision.allowed, "\(name): \(decision.reasons)")
                #expect(decision.noLoginMessage == nil, "\(name)")
            }
        }
    }

    @Test("a no-login reason comes on top of the user's other reasons")
    func noLoginWithOtherReasons() {
        let decision = LoginRule.decide(
            user: Fixtures.user(1, "alice", retired: true), isUserIntact: true, hasModule: { _ in true }, client: .web,
            isTenantIntact: true, events: [Fixtures.event(SystemEvent.noLogin)], now: Fixtures.now)
        #expect(decision.reasons == [.userRetired, .noLoginEvent])
    }

    // MARK: - Message of the day

    @Test(
        "the active message of the day comes with the login answer",
        arguments: [
            ("alice", true),  // allowed
            ("bob", false),  // denied: no modules
            ("nobody", false),  // unknown user
        ])
    func messageOfTheDay(userName: String, allowed: Bool) {
        var tenant = TenantStateBuilder()
        let alice = tenant.addUser("alice")
        for module in ["user", "web"] { tenant.give(module, to: alice) }
        tenant.addUser("bob")
        tenant.events = [
            Fixtures.event(SystemEvent.messageOfTheDay, id: 1, message: "expired", expectedFinish: Fixtures.days(-1)),
            Fixtures.event(SystemEvent.messageOfTheDay, id: 2, message: "Welcome to the new release"),
        ]

        let decision = tenant.snapshot().loginCheck(userName: userName, client: .web, now: Fixtures.now)

        #expect(decision.allowed == allowed)
        #expect(decision.messageOfTheDay == "Welcome to the new release")
    }

    @Test("without an active message of the day the login answer has none, and says so in JSON")
    func noMessageOfTheDay() throws {
        let decision = LoginRule.decide(
            user: Fixtures.user(1, "alice"), isUserIntact: true, hasModule: { _ in true }, client: .web, isTenantIntact: true,
            events: [Fixtures.event(SystemEvent.messageOfTheDay, status: .finished)], now: Fixtures.now)
        #expect(decision.messageOfTheDay == nil)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(decision)) as? [String: Any]
        #expect(json?.keys.contains("messageOfTheDay") == true)
        #expect(json?["messageOfTheDay"] is NSNull)
    }

    // MARK: - Conflicts

    struct ConflictCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var existing: SystemEvent
        var draft: EventDraft
        var conflicts: Bool
    }

    static let conflictCases: [ConflictCase] = [
        ConflictCase(
            testDescription: "the same key, scope and owner while the first is active is refused",
            existing: Fixtures.event(SystemEvent.noLogin, id: 4),
            draft: EventDraft(key: SystemEvent.noLogin, message: "again"), conflicts: true),
        ConflictCase(
            testDescription: "the same user-scoped event for the same user is refused",
            existing: Fixtures.event(SystemEvent.noLogin, scope: .user, scopeOwner: "bob"),
            draft: EventDraft(key: SystemEvent.noLogin, scope: .user, scopeOwner: "bob", message: "again"), conflicts: true),
        ConflictCase(
            testDescription: "the same key for another user is allowed",
            existing: Fixtures.event(SystemEvent.noLogin, scope: .user, scopeOwner: "bob"),
            draft: EventDraft(key: SystemEvent.noLogin, scope: .user, scopeOwner: "alice", message: "m"), conflicts: false),
        ConflictCase(
            testDescription: "the same key in another scope is allowed",
            existing: Fixtures.event(SystemEvent.noLogin),
            draft: EventDraft(key: SystemEvent.noLogin, scope: .database, message: "m"),
            conflicts: false),
        ConflictCase(
            testDescription: "another key in the same scope is allowed",
            existing: Fixtures.event(SystemEvent.noLogin), draft: EventDraft(key: SystemEvent.messageOfTheDay, message: "m"),
            conflicts: false),
        ConflictCase(
            testDescription: "the same key after the first was finished is allowed",
            existing: Fixtures.event(SystemEvent.noLogin, status: .finished),
            draft: EventDraft(key: SystemEvent.noLogin, message: "m"),
            conflicts: false),
        ConflictCase(
            testDescription: "the same key after the first was cancelled is allowed",
            existing: Fixtures.event(SystemEvent.noLogin, status: .cancelled),
            draft: EventDraft(key: SystemEvent.noLogin, message: "m"),
            conflicts: false),
        ConflictCase(
            testDescription: "the same key after the first's expected finish has passed is allowed",
            existing: Fixtures.event(SystemEvent.noLogin, expectedFinish: Fixtures.days(-1)),
            draft: EventDraft(key: SystemEvent.noLogin, message: "m"), conflicts: false),
    ]

    @Test("at most one active event per key, scope and owner", arguments: conflictCases)
    func conflicts(_ example: ConflictCase) throws {
        if example.conflicts {
            let refusal = try #require(throws: LicenseRefusal.self) {
                try EventRule.checkNoConflict(example.draft, active: [example.existing], now: Fixtures.now)
            }
            #expect(refusal.code == .eventConflict)
            #expect(refusal.message.contains("#\(example.existing.id)"))
        } else {
            #expect(throws: Never.self) {
                try EventRule.checkNoConflict(example.draft, active: [example.existing], now: Fixtures.now)
            }
        }
    }

    // MARK: - Ending by itself

    struct ExpiryCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var event: SystemEvent
        var isActive: Bool
        var expired: Bool
    }

    static let expiryCases: [ExpiryCase] = [
        ExpiryCase(
            testDescription: "an event without a finish time never ends by itself",
            event: Fixtures.event(SystemEvent.noLogin), isActive: true, expired: false),
        ExpiryCase(
            testDescription: "an event whose finish time has passed has ended",
            event: Fixtures.event(SystemEvent.noLogin, expectedFinish: Fixtures.days(-1)), isActive: false, expired: true),
        ExpiryCase(
            testDescription: "an event whose finish time is now has ended",
            event: Fixtures.event(SystemEvent.noLogin, expectedFinish: Fixtures.now), isActive: false, expired: true),
        ExpiryCase(
            testDescription: "an event whose finish time is a second away is still active",
            event: Fixtures.event(SystemEvent.noLogin, expectedFinish: Fixtures.now.addingTimeInterval(1)), isActive: true,
            expired: false),
        ExpiryCase(
            testDescription: "a finished event past its finish time is not finished again",
            event: Fixtures.event(SystemEvent.noLogin, status: .finished, expectedFinish: Fixtures.days(-1)), isActive: false,
            expired: false),
        ExpiryCase(
            testDescription: "a cancelled event is not active",
            event: Fixtures.event(SystemEvent.noLogin, status: .cancelled), isActive: false, expired: false),
    ]

    @Test("a past expected finish ends the event", arguments: expiryCases)
    func expiry(_ example: ExpiryCase) {
        #expect(example.event.isActive(at: Fixtures.now) == example.isActive)
        #expect(EventRule.expired([example.event], now: Fixtures.now).map(\.id) == (example.expired ? [example.event.id] : []))
    }

    // MARK: - license-expiring

    static func owner(
        _ name: String, warning: Date?, expires: Date? = Fixtures.days(30), issuedAt: Date = Fixtures.issuedAt
    ) throws
        -> OwnerLicense
    {
        try Fixtures.ownerLicense(
            spec: Fixtures.sampleSpec(
                owner: name, issuedAt: issuedAt, dates: OwnerDates(expiresAt: expires, adminWarningAt: warning)))
    }

    @Test("license-expiring is drafted once the admin-warning date has passed, and only once per owner")
    func licenseExpiring() throws {
        // Given SUPEROFFICE past its warning date and ACME before it
        let superOffice = try Self.owner(Fixtures.superOffice, warning: Fixtures.days(-1))
        let acme = try Self.owner("ACME", warning: Fixtures.days(5))
        let owners = [superOffice.name: superOffice, acme.name: acme]

        // When upkeep drafts the warnings
        let drafts = EventRule.expiringDrafts(owners: owners, events: [], now: Fixtures.now)

        // Then one draft for SUPEROFFICE, naming the expiry
        let draft = try #require(drafts.first)
        #expect(drafts.count == 1)
        #expect(draft.key == EventRule.licenseExpiring)
        #expect(draft.scopeOwner?.hasPrefix("SUPEROFFICE@") == true)
        #expect(draft.message.contains("SUPEROFFICE"))
        #expect(draft.message.contains(ISO8601.string(Fixtures.days(30))))
        #expect(draft.expectedFinish == Fixtures.days(30))

        // And once raised (even if finished since), it is not drafted again for the same package
        for status in SystemEvent.Status.allCases {
            let raised = Fixtures.event(EventRule.licenseExpiring, scope: .database, scopeOwner: draft.scopeOwner, status: status)
            #expect(EventRule.expiringDrafts(owners: owners, events: [raised], now: Fixtures.now).isEmpty, "\(status)")
        }

        // And ACME gets its own once its date passes
        let later = EventRule.expiringDrafts(owners: owners, events: [], now: Fixtures.days(6))
        #expect(later.compactMap(\.scopeOwner).map { String($0.split(separator: "@")[0]) } == ["ACME", "SUPEROFFICE"])
    }

    @Test(
        "no license-expiring before the warning date or without one",
        arguments: [Fixtures.days(1), Fixtures.now.addingTimeInterval(1), nil] as [Date?])
    func noLicenseExpiring(warning: Date?) throws {
        let owner = try Self.owner(Fixtures.superOffice, warning: warning)
        #expect(EventRule.expiringDrafts(owners: [owner.name: owner], events: [], now: Fixtures.now).isEmpty)
    }

    @Test("a renewed package past its own warning date is warned about again")
    func renewedPackage() throws {
        let old = try Self.owner(Fixtures.superOffice, warning: Fixtures.days(-60))
        let oldDraft = try #require(EventRule.expiringDrafts(owners: [old.name: old], events: [], now: Fixtures.now).first)
        let raised = Fixtures.event(EventRule.licenseExpiring, scope: .database, scopeOwner: oldDraft.scopeOwner)

        let renewed = try Self.owner(
            Fixtures.superOffice, warning: Fixtures.days(-1), issuedAt: Fixtures.date("2026-03-01T00:00:00Z"))
        let drafts = EventRule.expiringDrafts(owners: [renewed.name: renewed], events: [raised], now: Fixtures.now)

        #expect(drafts.count == 1)
        #expect(drafts.first?.scopeOwner != oldDraft.scopeOwner)
    }

    // MARK: - Tamper

    @Test("one tamper draft per problem row, none for a row already reported by an active event")
    func tamperDrafts() {
        let problems = [
            (table: "system_event", key: "#3 no-login", problem: "seal does not match the row (edited)"),
            (table: "system_event", key: "#5", problem: "row deleted"),
        ]
        let first = EventRule.tamperDrafts(problems: problems, events: [])
        #expect(first.map(\.scopeOwner) == ["system_event:#3 no-login", "system_event:#5"])
        #expect(first.allSatisfy { $0.key == SystemEvent.tamperDetected && $0.scope == .database })
        #expect(first[1].message.contains("row deleted"))

        let reported = Fixtures.event(SystemEvent.tamperDetected, id: 9, scope: .database, scopeOwner: "system_event:#3 no-login")
        #expect(EventRule.tamperDrafts(problems: problems, events: [reported]).map(\.scopeOwner) == ["system_event:#5"])
    }

    // MARK: - Validation and changes

    @Test(
        "invalid drafts are refused",
        arguments: [
            EventDraft(key: "", message: "m"),
            EventDraft(key: "No-Login", message: "m"),
            EventDraft(key: "no login", message: "m"),
            EventDraft(key: String(repeating: "k", count: 65), message: "m"),
            EventDraft(key: "no-login", message: ""),
            EventDraft(key: "no-login", scope: .user, message: "m"),
            EventDraft(key: "no-login", scope: .group, message: "m"),
            EventDraft(key: "no-login", scope: .system, scopeOwner: "bob", message: "m"),
            EventDraft(key: "user-import", message: "m", progressDone: 5, progressTotal: 4),
            EventDraft(key: "user-import", message: "m", progressDone: -1, progressTotal: 4),
        ])
    func invalidDraft(_ draft: EventDraft) {
        #expect(throws: LicenseInputError.self) { try EventRule.validate(draft) }
    }

    @Test("system-scoped drafts are system-wide by default, others not")
    func systemWideDefault() throws {
        #expect(EventDraft(key: "no-login", message: "m").systemWide)
        #expect(!EventDraft(key: "no-login", scope: .user, scopeOwner: "bob", message: "m").systemWide)
        try EventRule.validate(EventDraft(key: "no-login", scope: .user, scopeOwner: "bob", message: "m"))
    }

    @Test("changes edit the message, the finish time and the progress; progress beyond the total is refused")
    func changes() throws {
        let event = SystemEvent(
            id: 1, key: EventRule.userImport, message: "Importing", activatedAt: Fixtures.now, activatedBy: "cli",
            expectedFinish: Fixtures.days(1), progressDone: 0, progressTotal: 10)

        let edited = try EventRule.apply(
            EventChanges(message: "Still importing", expectedFinish: .some(nil), progressDone: 7), to: event)
        #expect(edited.message == "Still importing")
        #expect(edited.expectedFinish == nil)
        #expect(edited.progressDone == 7)
        #expect(edited.progressTotal == 10)

        #expect(throws: LicenseInputError.self) { try EventRule.apply(EventChanges(progressDone: 11), to: event) }
        #expect(throws: LicenseInputError.self) { try EventRule.apply(EventChanges(message: ""), to: event) }
        #expect(try EventRule.apply(EventChanges(), to: event) == event)
    }
}
