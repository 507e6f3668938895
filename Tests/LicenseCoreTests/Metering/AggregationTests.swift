import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

/// Folds events into a month's value the way a store does: one `MeteringRule.aggregate` step per new event, a
/// subject counting as new the first time it is seen.
func foldEvents(_ events: [UsageEvent], _ aggregation: Aggregation, startingAt start: Int64 = 0) -> Int64 {
    var subjects: Set<String> = []
    return events.reduce(start) { value, event in
        let isNew = event.subject.map { subjects.insert($0).inserted } ?? false
        return MeteringRule.aggregate(value, adding: event, aggregation: aggregation, isNewSubject: isNew)
    }
}

@Suite("Metering: how a month's events add up (DESIGN §8)")
struct AggregationTests {
    /// The same five events, read by each aggregation.
    static let events: [UsageEvent] = [
        Fixtures.usageEvent("e1", quantity: 40, subject: "ann"),
        Fixtures.usageEvent("e2", quantity: 100, subject: "bob"),
        Fixtures.usageEvent("e3", quantity: 25, subject: "ann"),
        Fixtures.usageEvent("e4", quantity: 0, subject: "cid"),
        Fixtures.usageEvent("e5", quantity: 60, subject: "bob"),
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var aggregation: Aggregation
        var expected: Int64
        var testDescription: String
    }

    @Test(
        "the same events give the sum, the maximum, the count or the distinct subjects",
        arguments: [
            Case(aggregation: .sum, expected: 225, testDescription: "sum adds the quantities: 40+100+25+0+60"),
            Case(aggregation: .max, expected: 100, testDescription: "max keeps the largest quantity (a gauge)"),
            Case(aggregation: .count, expected: 5, testDescription: "count counts events, whatever their quantity"),
            Case(aggregation: .unique, expected: 3, testDescription: "unique counts distinct subjects: ann, bob, cid"),
        ])
    func aggregations(_ example: Case) {
        #expect(foldEvents(Self.events, example.aggregation) == example.expected)
    }

    @Test(
        "a month continues from its stored value",
        arguments: [
            (Aggregation.sum, Int64(1_000), Int64(1_225)),
            (.max, 1_000, 1_000),  // the stored maximum is larger than any new quantity
            (.max, 50, 100),
            (.count, 7, 12),
        ])
    func continuesFromStoredValue(aggregation: Aggregation, stored: Int64, expected: Int64) {
        #expect(foldEvents(Self.events, aggregation, startingAt: stored) == expected)
    }

    @Test("a gauge does not go down when a smaller reading follows a larger one")
    func gaugeNeverDecreases() {
        let readings: [Int64] = [5, 9, 3, 9, 1]
        var value: Int64 = 0
        var seen: [Int64] = []
        for (i, quantity) in readings.enumerated() {
            value = MeteringRule.aggregate(
                value, adding: Fixtures.usageEvent("g\(i)", "storage", quantity: quantity), aggregation: .max, isNewSubject: false
            )
            seen.append(value)
        }
        #expect(seen == [5, 9, 9, 9, 9])
    }

    @Test("the built-in services are the storage gauge and four counters")
    func builtInServices() {
        let byName = Dictionary(uniqueKeysWithValues: MeteredService.builtIn.map { ($0.name, $0.aggregation) })
        #expect(
            byName == [
                "storage": .max, "mailing-emails": .sum, "customer-centre-logins": .sum, "chat-sessions": .sum,
                "form-submissions": .sum,
            ])
        #expect(MeteredService.builtIn.allSatisfy { $0.isBuiltIn })
    }
}

@Suite("Metering: months are calendar months in UTC")
struct MonthBoundaryTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var instant: String
        var month: String
        var testDescription: String { "\(instant) falls in \(month)" }
    }

    @Test(
        "an instant belongs to the UTC month it falls in",
        arguments: [
            Case(instant: "2026-05-31T23:59:59Z", month: "2026-05"),
            Case(instant: "2026-06-01T00:00:00Z", month: "2026-06"),
            Case(instant: "2025-12-31T23:59:59Z", month: "2025-12"),
            Case(instant: "2026-01-01T00:00:00Z", month: "2026-01"),
            Case(instant: "2028-02-29T23:59:59Z", month: "2028-02"),
            Case(instant: "2028-03-01T00:00:00Z", month: "2028-03"),
            // Local offsets do not matter: these are the same instants written elsewhere.
            Case(instant: "2026-06-01T01:59:59+02:00", month: "2026-05"),
            Case(instant: "2026-05-31T20:00:00-04:00", month: "2026-06"),
        ])
    func monthOfInstant(_ example: Case) throws {
        let date = try #require(ISO8601.date(example.instant))
        #expect(Month(containing: date).description == example.month)
    }

    @Test("a month starts at midnight UTC of its first day, and one second earlier is the month before")
    func monthStart() throws {
        let june = try Month(parsing: "2026-06")
        #expect(june.start == Fixtures.date("2026-06-01T00:00:00Z"))
        #expect(Month(containing: june.start.addingTimeInterval(-1)) == june.previous)
        #expect(june.previous.description == "2026-05")
        #expect(june.next.description == "2026-07")
        #expect(try Month(parsing: "2026-01").previous.description == "2025-12")
        #expect(try Month(parsing: "2026-12").next.description == "2027-01")
    }

    @Test("events either side of midnight on the last day go to different months")
    func eventsEitherSideOfMidnight() {
        let late = Fixtures.usageEvent("late", at: Fixtures.date("2026-05-31T23:59:59Z"))
        let early = Fixtures.usageEvent("early", at: Fixtures.date("2026-06-01T00:00:00Z"))
        let byMonth = Dictionary(grouping: [late, early]) { Month(containing: $0.occurredAt).description }.mapValues {
            $0.map(\.id)
        }
        #expect(byMonth == ["2026-05": ["late"], "2026-06": ["early"]])
    }

    @Test(
        "malformed months are refused",
        arguments: ["2026-6", "26-06", "2026-13", "2026-00", "2026/06", "2026-06-01", "", "abcd-ef"])
    func malformedMonth(_ text: String) {
        #expect(throws: LicenseInputError.self) { try Month(parsing: text) }
    }

    @Test("a month is written and read as YYYY-MM in JSON")
    func monthJSON() throws {
        let data = try JSONEncoder().encode(["month": try Month(parsing: "2026-03")])
        #expect(String(decoding: data, as: UTF8.self) == #"{"month":"2026-03"}"#)
        #expect(try JSONDecoder().decode([String: Month].self, from: data)["month"] == Month(year: 2026, month: 3))
    }
}
