import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Metering: a threshold event once per month, and a closed month keeps its users (DESIGN §8)")
struct ThresholdEventTests {
    static let june = Month(year: 2026, month: 6)

    @Test(
        "a threshold's marker names the service, the month and the threshold",
        arguments: [
            ("mailing-emails", Month(year: 2026, month: 6), 85, "mailing-emails@2026-06@85"),
            ("storage", Month(year: 2025, month: 12), 100, "storage@2025-12@100"),
        ])
    func marker(service: String, month: Month, threshold: Int, expected: String) {
        #expect(MeteringRule.thresholdMarker(service: service, month: month, threshold: threshold) == expected)
    }

    struct DraftCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var value: Int64
        var allowance: Int64
        var existing: Set<String>
        var thresholds: [Int]
    }

    static let draftCases: [DraftCase] = [
        DraftCase(testDescription: "below 85 % nothing is raised", value: 849, allowance: 1_000, existing: [], thresholds: []),
        DraftCase(
            testDescription: "at 85 % the 85 % event is raised", value: 850, allowance: 1_000, existing: [], thresholds: [85]),
        DraftCase(
            testDescription: "at 100 % both are raised when neither was", value: 1_000, allowance: 1_000, existing: [],
            thresholds: [85, 100]),
        DraftCase(
            testDescription: "a threshold raised before this month is not raised again", value: 1_200, allowance: 1_000,
            existing: ["mailing-emails@2026-06@85"], thresholds: [100]),
        DraftCase(
            testDescription: "with both raised nothing more comes", value: 5_000, allowance: 1_000,
            existing: ["mailing-emails@2026-06@85", "mailing-emails@2026-06@100"], thresholds: []),
        DraftCase(
            testDescription: "a marker of another month or service does not count", value: 900, allowance: 1_000,
            existing: ["mailing-emails@2026-05@85", "storage@2026-06@85"], thresholds: [85]),
        DraftCase(
            testDescription: "with no allowance any use is 100 %", value: 1, allowance: 0, existing: [], thresholds: [100]),
        DraftCase(testDescription: "with no allowance and no use nothing", value: 0, allowance: 0, existing: [], thresholds: []),
    ]

    @Test("one threshold-crossed draft per threshold reached and not raised before", arguments: draftCases)
    func drafts(_ example: DraftCase) {
        // When the month's usage stands at the case's value
        let drafts = MeteringRule.thresholdDrafts(
            service: "mailing-emails", unit: "emails", month: Self.june, value: example.value, allowance: example.allowance,
            existingMarkers: example.existing)

        // Then one database-scoped, system-wide draft per new threshold, marked and worded as before
        #expect(
            drafts
                == example.thresholds.map { threshold in
                    EventDraft(
                        key: "threshold-crossed", scope: .database, scopeOwner: "mailing-emails@2026-06@\(threshold)",
                        message:
                            "mailing-emails reached \(threshold) % of its 2026-06 allowance (\(example.value) of \(example.allowance) emails)",
                        systemWide: true)
                })
    }

    struct UsersCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var month: Month
        var stored: Int?
        var recorded: Int
    }

    static let usersCases: [UsersCase] = [
        UsersCase(testDescription: "the running month takes the batch's users", month: june, stored: 7, recorded: 12),
        UsersCase(
            testDescription: "a closed month keeps the users stored while it ran", month: june.previous, stored: 7, recorded: 7),
        UsersCase(
            testDescription: "a closed month with nothing stored takes the batch's users", month: june.previous, stored: nil,
            recorded: 12),
        UsersCase(testDescription: "a new running month takes the batch's users", month: june, stored: nil, recorded: 12),
        UsersCase(testDescription: "a month ahead is not closed", month: june.next, stored: 7, recorded: 12),
    ]

    @Test("the users recorded with a month's aggregate", arguments: usersCases)
    func recordedUsers(_ example: UsersCase) {
        // Given now in June 2026 and a batch counted with 12 users
        let users = MeteringRule.recordedUsers(month: example.month, now: Fixtures.now, stored: example.stored, batchUsers: 12)
        #expect(users == example.recorded)
    }
}
