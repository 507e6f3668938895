import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("System events: finishing, raising, ids and upkeep (DESIGN §9)")
struct EventLifecycleTests {
    /// A moment with a fraction of a second, to show what is stored in whole seconds.
    static let now = Fixtures.now.addingTimeInterval(0.75)

    // MARK: - Finishing by hand

    struct FinishCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var status: SystemEvent.Status
        /// The refusal's message, nil when the event finishes.
        var refusal: String?
    }

    static let finishCases: [FinishCase] = [
        FinishCase(testDescription: "an active event finishes now", status: .active, refusal: nil),
        FinishCase(
            testDescription: "a finished event cannot finish again", status: .finished, refusal: "event #7 is already finished"),
        FinishCase(
            testDescription: "a cancelled event cannot finish", status: .cancelled, refusal: "event #7 is already cancelled"),
    ]

    @Test("only an active event may finish", arguments: finishCases)
    func finish(_ example: FinishCase) throws {
        // Given an event in the case's status
        let event = Fixtures.event(SystemEvent.noLogin, id: 7, status: example.status, expectedFinish: Fixtures.days(1))

        if let message = example.refusal {
            // When it is finished, then it is refused with the status named
            let refusal = try #require(throws: LicenseRefusal.self) { try EventRule.finish(event, now: Self.now) }
            #expect(refusal == LicenseRefusal(.eventConflict, message))
        } else {
            // When it is finished, then it is finished at now in whole seconds, nothing else changed
            let finished = try EventRule.finish(event, now: Self.now)
            var expected = event
            expected.status = .finished
            expected.finishedAt = Fixtures.now
            #expect(finished == expected)
        }
    }

    // MARK: - Ids

    struct IDCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var storedMax: Int64?
        var recorded: [Int64]
        var issued: Int64
        var next: Int64
    }

    static let idCases: [IDCase] = [
        IDCase(testDescription: "the first event of a tenant is #1", storedMax: nil, recorded: [], issued: 0, next: 1),
        IDCase(testDescription: "after the largest stored id", storedMax: 5, recorded: [3, 5], issued: 5, next: 6),
        IDCase(
            testDescription: "after an id the head records whose row was deleted behind the server's back", storedMax: 2,
            recorded: [2, 7], issued: 3, next: 8),
        IDCase(
            testDescription: "after an id handed out whose event was deleted since", storedMax: 2, recorded: [1, 2], issued: 9,
            next: 10),
        IDCase(
            testDescription: "after a row inserted outside the server", storedMax: 12, recorded: [1], issued: 1, next: 13),
    ]

    @Test("an event id is never used twice", arguments: idCases)
    func nextID(_ example: IDCase) {
        #expect(
            EventRule.nextID(storedMax: example.storedMax, recorded: example.recorded, issued: example.issued) == example.next)
    }

    // MARK: - Raising

    struct RaiseCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var active: [SystemEvent]
        var replacingActive: Bool
        /// The ids that come back finished, or nil when the raise is refused.
        var finishedIDs: [Int64]?
    }

    static let raiseCases: [RaiseCase] = [
        RaiseCase(
            testDescription: "with nothing active the event is raised alone", active: [], replacingActive: false, finishedIDs: []),
        RaiseCase(
            testDescription: "an active event of the same key and scope is a conflict",
            active: [Fixtures.event(SystemEvent.noLogin, id: 3)], replacingActive: false, finishedIDs: nil),
        RaiseCase(
            testDescription: "replacing, the active event of the same key and scope is finished now",
            active: [Fixtures.event(SystemEvent.noLogin, id: 3)], replacingActive: true, finishedIDs: [3]),
        RaiseCase(
            testDescription: "an active event past its finish is no conflict and is finished now",
            active: [Fixtures.event(SystemEvent.noLogin, id: 4, expectedFinish: Fixtures.days(-1))], replacingActive: false,
            finishedIDs: [4]),
        RaiseCase(
            testDescription: "events of another key, scope or owner, or no longer active, are left alone",
            active: [
                Fixtures.event(SystemEvent.messageOfTheDay, id: 5),
                Fixtures.event(SystemEvent.noLogin, id: 6, scope: .user, scopeOwner: "bob"),
                Fixtures.event(SystemEvent.noLogin, id: 8, status: .finished),
            ], replacingActive: false, finishedIDs: []),
    ]

    @Test("raising an event: at most one active per key, scope and owner", arguments: raiseCases)
    func raise(_ example: RaiseCase) throws {
        // Given a no-login draft with a finish time and the case's events
        let draft = EventDraft(
            key: SystemEvent.noLogin, message: "Upgrade", expectedFinish: Fixtures.days(1).addingTimeInterval(0.5))

        guard let finishedIDs = example.finishedIDs else {
            // When it is raised, then a conflict is refused, naming the active event
            let refusal = try #require(throws: LicenseRefusal.self) {
                try EventRule.raise(
                    draft, id: 10, active: example.active, replacingActive: example.replacingActive, actor: "admin", now: Self.now
                )
            }
            #expect(refusal == LicenseRefusal(.eventConflict, "an active no-login event (#3) already covers this scope"))
            return
        }
        // When it is raised
        let (finished, raised) = try EventRule.raise(
            draft, id: 10, active: example.active, replacingActive: example.replacingActive, actor: "admin", now: Self.now)

        // Then the replaced events come back finished now, and the new one is active from now, in whole seconds
        #expect(finished.map(\.id) == finishedIDs)
        #expect(finished.allSatisfy { $0.status == .finished && $0.finishedAt == Fixtures.now })
        #expect(
            raised
                == SystemEvent(
                    id: 10, key: SystemEvent.noLogin, scope: .system, status: .active, message: "Upgrade",
                    activatedAt: Fixtures.now, activatedBy: "admin", expectedFinish: Fixtures.days(1), systemWide: true))
    }

    // MARK: - Upkeep and reads

    struct ExpiryCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var event: SystemEvent
        /// When upkeep finishes it (its expected finish), nil when it stays as it is.
        var finishedAt: Date?
    }

    static let expiryCases: [ExpiryCase] = [
        ExpiryCase(
            testDescription: "an active event past its expected finish is finished at that finish",
            event: Fixtures.event(SystemEvent.noLogin, id: 1, expectedFinish: Fixtures.days(-2)), finishedAt: Fixtures.days(-2)),
        ExpiryCase(
            testDescription: "an active event whose expected finish is now is finished",
            event: Fixtures.event(SystemEvent.noLogin, id: 2, expectedFinish: Fixtures.now), finishedAt: Fixtures.now),
        ExpiryCase(
            testDescription: "an active event with a finish ahead stays active",
            event: Fixtures.event(SystemEvent.noLogin, id: 3, expectedFinish: Fixtures.days(1)), finishedAt: nil),
        ExpiryCase(
            testDescription: "an active event without a finish stays active",
            event: Fixtures.event(SystemEvent.noLogin, id: 4), finishedAt: nil),
        ExpiryCase(
            testDescription: "a cancelled event past its finish stays cancelled",
            event: Fixtures.event(SystemEvent.noLogin, id: 5, status: .cancelled, expectedFinish: Fixtures.days(-2)),
            finishedAt: nil),
    ]

    @Test("upkeep finishes what is past its finish, and a read shows the same without writing", arguments: expiryCases)
    func expiry(_ example: ExpiryCase) {
        // When upkeep runs and when a read computes the events as of now
        let upkeep = EventRule.upkeep(events: [example.event], owners: [:], now: Fixtures.now)
        let shown = EventRule.asOf([example.event], now: Fixtures.now)

        // Then both agree: finished at the expected finish, or unchanged
        if let finishedAt = example.finishedAt {
            var expected = example.event
            expected.status = .finished
            expected.finishedAt = finishedAt
            #expect(upkeep.finished == [expected])
            #expect(shown == [expected])
        } else {
            #expect(upkeep.finished.isEmpty)
            #expect(shown == [example.event])
        }
        #expect(upkeep.drafts.isEmpty)
    }

    @Test("upkeep drafts license-expiring for an owner past its warning date, once")
    func upkeepDraftsLicenseExpiring() throws {
        // Given SUPEROFFICE past its admin-warning date
        let owner = try Fixtures.ownerLicense(
            spec: Fixtures.sampleSpec(dates: OwnerDates(expiresAt: Fixtures.days(30), adminWarningAt: Fixtures.days(-1))))
        let owners = [owner.name: owner]

        // When upkeep runs
        let first = EventRule.upkeep(events: [], owners: owners, now: Fixtures.now)

        // Then it drafts the warning, as expiringDrafts does
        #expect(first.drafts == EventRule.expiringDrafts(owners: owners, events: [], now: Fixtures.now))
        #expect(first.drafts.map(\.key) == [EventRule.licenseExpiring])

        // And once that event exists (even finished), upkeep drafts nothing more
        let raised = Fixtures.event(
            EventRule.licenseExpiring, scope: .database, scopeOwner: first.drafts.first?.scopeOwner, status: .finished)
        #expect(EventRule.upkeep(events: [raised], owners: owners, now: Fixtures.now).drafts.isEmpty)
    }

    @Test("a read as of now keeps the order of the events and changes only the expired ones")
    func asOfKeepsOrder() {
        let events = [
            Fixtures.event(SystemEvent.messageOfTheDay, id: 1),
            Fixtures.event(SystemEvent.noLogin, id: 2, expectedFinish: Fixtures.days(-1)),
            Fixtures.event("no-travel", id: 3, status: .finished),
        ]
        let shown = EventRule.asOf(events, now: Fixtures.now)
        #expect(shown.map(\.id) == [1, 2, 3])
        #expect(shown.map(\.status) == [.active, .finished, .finished])
        #expect(shown[0] == events[0] && shown[2] == events[2])
    }
}
