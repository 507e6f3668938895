import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Metering: a batch is accepted whole or refused with each bad event's index and reason")
struct BatchValidationTests {
    static let services: [String: MeteredService] = {
        var services = Dictionary(uniqueKeysWithValues: MeteredService.builtIn.map { ($0.name, $0) })
        services["visitors"] = MeteredService(name: "visitors", aggregation: .unique, unit: "visitors")
        return services
    }()

    /// `Fixtures.now` is 2026-06-01T12:00:00Z: the previous month starts 2026-05-01T00:00:00Z.
    static let now = Fixtures.now

    static func problems(_ events: [UsageEvent], now: Date = BatchValidationTests.now) -> [BatchProblem] {
        MeteringRule.validate(events, services: services, now: now)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var event: UsageEvent
        /// A piece of the reason, or nil when the event is valid.
        var reason: String?
    }

    static let cases: [Case] = [
        Case(testDescription: "an ordinary event now is valid", event: Fixtures.usageEvent("ok"), reason: nil),
        Case(
            testDescription: "exactly 5 minutes in the future is still valid",
            event: Fixtures.usageEvent("f300", at: now.addingTimeInterval(300)), reason: nil),
        Case(
            testDescription: "more than 5 minutes in the future is refused",
            event: Fixtures.usageEvent("f301", at: now.addingTimeInterval(301)), reason: "more than 5 minutes in the future"),
        Case(
            testDescription: "a day in the future is refused", event: Fixtures.usageEvent("f1d", at: Fixtures.days(1)),
            reason: "in the future"),
        Case(
            testDescription: "the first second of the previous month is valid",
            event: Fixtures.usageEvent("p0", at: Fixtures.date("2026-05-01T00:00:00Z")), reason: nil),
        Case(
            testDescription: "the last second before the previous month is refused",
            event: Fixtures.usageEvent("p-1", at: Fixtures.date("2026-04-30T23:59:59Z")),
            reason: "before the previous month (2026-05)"),
        Case(
            testDescription: "a year-old event is refused", event: Fixtures.usageEvent("old", at: Fixtures.days(-365)),
            reason: "before the previous month"),
        Case(
            testDescription: "an unknown service is refused", event: Fixtures.usageEvent("u", "sms"),
            reason: "unknown service 'sms'"),
        Case(
            testDescription: "a negative quantity is refused", event: Fixtures.usageEvent("n", quantity: -1), reason: "quantity"),
        Case(testDescription: "a zero quantity is valid", event: Fixtures.usageEvent("z", quantity: 0), reason: nil),
        Case(testDescription: "an empty id is refused", event: Fixtures.usageEvent(""), reason: "id must be"),
        Case(
            testDescription: "an id over 128 characters is refused",
            event: Fixtures.usageEvent(String(repeating: "x", count: 129)),
            reason: "id must be"),
        Case(
            testDescription: "an id with a control character is refused", event: Fixtures.usageEvent("a\nb"), reason: "id must be"
        ),
        Case(
            testDescription: "an id with non-ASCII letters is refused", event: Fixtures.usageEvent("møte"), reason: "id must be"),
        Case(
            testDescription: "a unique-subject service without a subject is refused", event: Fixtures.usageEvent("v", "visitors"),
            reason: "needs a subject"),
        Case(
            testDescription: "a unique-subject service with a subject is valid",
            event: Fixtures.usageEvent("v", "visitors", subject: "ann"), reason: nil),
    ]

    @Test("one event alone", arguments: cases)
    func oneEvent(_ example: Case) throws {
        let problems = Self.problems([example.event])
        if let reason = example.reason {
            let problem = try #require(problems.first, "expected a problem containing '\(reason)'")
            #expect(problems.count == 1)
            #expect(problem.index == 0)
            #expect(problem.reason.contains(reason), "\(problem.reason)")
        } else {
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test("a batch with bad events names each one by its index, good events in between not")
    func indexAndReason() {
        let batch = [
            Fixtures.usageEvent("a"),
            Fixtures.usageEvent("b", at: Self.now.addingTimeInterval(3_600)),
            Fixtures.usageEvent("c"),
            Fixtures.usageEvent("d", at: Fixtures.date("2026-04-15T00:00:00Z")),
            Fixtures.usageEvent("e", "nope"),
        ]
        let problems = Self.problems(batch)
        #expect(problems.map(\.index) == [1, 3, 4])
        #expect(problems[0].reason.contains("future"))
        #expect(problems[1].reason.contains("previous month"))
        #expect(problems[2].reason.contains("unknown service"))
    }

    @Test("duplicate ids within a batch are not a problem: the batch is valid and the repeat is idempotent")
    func duplicatesWithinBatch() {
        let batch = [
            Fixtures.usageEvent("same", quantity: 5), Fixtures.usageEvent("other"), Fixtures.usageEvent("same", quantity: 5),
            Fixtures.usageEvent("same", quantity: 7),
        ]
        #expect(Self.problems(batch).isEmpty)
    }

    @Test(
        "a batch holds at most 1,000 events",
        arguments: [(1, true), (999, true), (1_000, true), (1_001, false), (5_000, false)])
    func batchLimit(size: Int, accepted: Bool) throws {
        let batch = (0..<size).map { Fixtures.usageEvent("e\($0)") }
        let problems = Self.problems(batch)
        if accepted {
            #expect(problems.isEmpty)
        } else {
            let problem = try #require(problems.first)
            #expect(problems.count == 1)
            #expect(problem.index == 1_000, "the first event over the limit")
            #expect(problem.reason.contains("at most 1000"), "\(problem.reason)")
            #expect(problem.reason.contains("\(size)"), "\(problem.reason)")
        }
    }

    @Test("an empty batch is refused")
    func emptyBatch() {
        #expect(Self.problems([]).map(\.index) == [0])
    }

    @Test("the previous month is found across a year boundary")
    func previousMonthAcrossYears() {
        let now = Fixtures.date("2026-01-10T08:00:00Z")
        #expect(Self.problems([Fixtures.usageEvent("dec", at: Fixtures.date("2025-12-01T00:00:00Z"))], now: now).isEmpty)
        #expect(
            Self.problems([Fixtures.usageEvent("nov", at: Fixtures.date("2025-11-30T23:59:59Z"))], now: now).map(\.index) == [0])
    }

    @Test("a refused batch describes every problem with its index")
    func rejectionDescription() {
        let problems = Self.problems([
            Fixtures.usageEvent("a"), Fixtures.usageEvent("b", at: Self.now.addingTimeInterval(3_600)),
            Fixtures.usageEvent("c", "x"),
        ])
        let rejected = UsageBatchRejected(problems: problems)
        #expect(rejected.description.contains("event 1: occurredAt is more than 5 minutes in the future"), "\(rejected)")
        #expect(rejected.description.contains("event 2: unknown service 'x'"), "\(rejected)")
    }
}
