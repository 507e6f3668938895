import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("A user import: its input, its batches and its event, finished or failed (DESIGN §9 long jobs)")
struct UserImportRuleTests {
    // MARK: - The input

    struct InputCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var users: [NewUser]
        /// The refusal's text, nil when the input is fine.
        var refusal: String?
    }

    static let inputCases: [InputCase] = [
        InputCase(
            testDescription: "valid users with distinct names pass",
            users: [NewUser(userName: "alice"), NewUser(userName: "bob", email: "bob@example.com")], refusal: nil),
        InputCase(testDescription: "an empty import is refused", users: [], refusal: "invalid users: the import has no users"),
        InputCase(
            testDescription: "a bad user name is refused naming its row",
            users: [NewUser(userName: "alice"), NewUser(userName: "bob"), NewUser(userName: "a/b")],
            refusal: "invalid row 3: invalid userName: must not contain slashes or control characters"),
        InputCase(
            testDescription: "a display name over 200 characters is refused naming its row",
            users: [NewUser(userName: "alice", displayName: String(repeating: "x", count: 201))],
            refusal: "invalid row 1: invalid displayName: longer than 200 characters"),
        InputCase(
            testDescription: "a user name twice is refused naming both rows",
            users: [NewUser(userName: "alice"), NewUser(userName: "bob"), NewUser(userName: "alice")],
            refusal: "invalid row 3: user 'alice' is also on row 1"),
    ]

    @Test("the whole input is checked before anything is written", arguments: inputCases)
    func input(_ example: InputCase) throws {
        if let refusal = example.refusal {
            let error = try #require(throws: LicenseInputError.self) { try UserImportRule.validate(example.users) }
            #expect(error.description == refusal)
        } else {
            try UserImportRule.validate(example.users)
        }
    }

    @Test(
        "batches cover every position once, in order, the last one smaller",
        arguments: [(0, 3, [Range<Int>]()), (5, 5, [0..<5]), (7, 3, [0..<3, 3..<6, 6..<7]), (2, 500, [0..<2])])
    func batches(count: Int, size: Int, expected: [Range<Int>]) throws {
        #expect(try UserImportRule.batches(count: count, size: size) == expected)
    }

    @Test("a batch size below 1 is refused", arguments: [0, -1])
    func badBatchSize(size: Int) {
        #expect(throws: LicenseInputError.invalid(field: "batchSize", reason: "must be at least 1")) {
            try UserImportRule.batches(count: 10, size: size)
        }
    }

    // MARK: - The event

    /// The event an import of 5,000 users raised at `now`, with `done` of them in.
    static func running(done: Int = 0, status: SystemEvent.Status = .active) throws -> SystemEvent {
        let raised = try EventRule.raise(
            EventRule.userImportDraft(total: 5_000, source: "users.csv"), id: 9, active: [], replacingActive: false,
            actor: Fixtures.actor, now: Fixtures.now
        ).raised
        var event = raised
        event.progressDone = done
        event.status = status
        return event
    }

    @Test("an import raises a user-import event for the database with progress 0 of N, naming the count and the source")
    func draft() throws {
        let draft = EventRule.userImportDraft(total: 5_000, source: "users.csv")
        #expect(draft.key == EventRule.userImport)
        #expect(draft.scope == .database)
        #expect(draft.scopeOwner == nil)
        #expect(draft.message == "Importing 5000 users from users.csv")
        #expect((draft.progressDone, draft.progressTotal) == (0, 5_000))
        try EventRule.validate(draft)

        #expect(EventRule.userImportDraft(total: 1, source: nil).message == "Importing 1 user")
        // A source that would break the message's rules is made plain
        let odd = EventRule.userImportDraft(total: 2, source: "a\u{7}b\nc.csv")
        #expect(odd.message == "Importing 2 users from a b c.csv")
        try EventRule.validate(odd)
    }

    @Test("progress is recorded on an active event, within 0…total")
    func progress() throws {
        let event = try Self.running()
        let moved = try EventRule.recordProgress(event, done: 1_500)
        var expected = event
        expected.progressDone = 1_500
        #expect(moved == expected)
        #expect(throws: LicenseInputError.self) { try EventRule.recordProgress(event, done: 5_001) }
        #expect(throws: LicenseInputError.self) { try EventRule.recordProgress(event, done: -1) }
    }

    @Test(
        "an event finished, failed or cancelled meanwhile records no progress: the job stops",
        arguments: [SystemEvent.Status.finished, .failed, .cancelled])
    func progressOnEndedEvent(status: SystemEvent.Status) throws {
        let event = try Self.running(done: 500, status: status)
        let refusal = try #require(throws: LicenseRefusal.self) { try EventRule.recordProgress(event, done: 1_000) }
        #expect(refusal.code == .eventConflict)
        #expect(refusal.message == "event #9 (user-import) was \(status.rawValue) while the job ran; the job stops")
    }

    @Test("an import that completes finishes its event at now with N of N and says so")
    func finish() throws {
        let event = try Self.running(done: 5_000)
        let later = Fixtures.now.addingTimeInterval(90.5)
        let finished = try EventRule.finishUserImport(event, source: "users.csv", now: later)
        #expect(finished.status == .finished)
        #expect(finished.finishedAt == Fixtures.now.addingTimeInterval(90))
        #expect((finished.progressDone, finished.progressTotal) == (5_000, 5_000))
        #expect(finished.message == "Imported 5000 users from users.csv")
        #expect(!finished.isActive(at: later))
    }

    // MARK: - Failed

    @Test("a failed job ends now, keeps its progress, and its message is the reason")
    func fail() throws {
        let event = try Self.running(done: 1_500)
        let later = Fixtures.now.addingTimeInterval(60.25)
        let failed = try EventRule.fail(event, reason: "it broke", now: later)
        var expected = event
        expected.status = .failed
        expected.finishedAt = Fixtures.now.addingTimeInterval(60)
        expected.message = "it broke"
        #expect(failed == expected)
        #expect(!failed.isActive(at: later))
        // A failed event is no longer active, so another of its kind may be raised
        try EventRule.checkNoConflict(
            EventRule.userImportDraft(total: 1, source: nil), active: [failed], now: later)
    }

    @Test("only an active event fails", arguments: [SystemEvent.Status.finished, .failed, .cancelled])
    func failEnded(status: SystemEvent.Status) throws {
        let event = try Self.running(status: status)
        let refusal = try #require(throws: LicenseRefusal.self) { try EventRule.fail(event, reason: "x", now: Fixtures.now) }
        #expect(refusal == LicenseRefusal(.eventConflict, "event #9 is already \(status.rawValue)"))
    }

    @Test("a failure reason too long or with control characters is made a valid message")
    func failReasonIsAValidMessage() throws {
        let failed = try EventRule.fail(
            try Self.running(), reason: "bad\u{0}byte " + String(repeating: "x", count: 3_000), now: Fixtures.now)
        #expect(failed.message.hasPrefix("bad byte xxx"))
        #expect(failed.message.count == 2_000)
        try Validate.text(failed.message, field: "message")
    }

    struct FailureCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var imported: Int
        var cause: String
        var message: String
    }

    static let failureCases: [FailureCase] = [
        FailureCase(
            testDescription: "after some batches: how far, why, and that those users stay", imported: 1_500,
            cause: "user 'x' already exists",
            message: "Import of 5000 users from users.csv failed after 1500 of 5000: user 'x' already exists. "
                + "The 1500 users already added stay."),
        FailureCase(
            testDescription: "after one user", imported: 1, cause: "the database is unavailable: timeout.",
            message: "Import of 5000 users from users.csv failed after 1 of 5000: the database is unavailable: timeout. "
                + "The 1 user already added stays."),
        FailureCase(
            testDescription: "before any user", imported: 0, cause: "user 'x' already exists",
            message: "Import of 5000 users from users.csv failed after 0 of 5000: user 'x' already exists. No user was added."),
    ]

    @Test("a failed import's reason", arguments: failureCases)
    func failureMessage(_ example: FailureCase) {
        #expect(
            EventRule.userImportFailure(imported: example.imported, total: 5_000, source: "users.csv", cause: example.cause)
                == example.message)
    }
}
