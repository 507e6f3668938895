import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Metering: calendar months in UTC")
struct MonthTests {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    @Test("the month containing a moment is the one the UTC calendar gives, either side of every month's edges")
    func containing() {
        var month = Month(year: 1900, month: 1)
        while month.year < 2400 {
            for offset in [-1.0, -0.001, 0, 0.5, 86_399, 1_234_567] {
                let date = month.start.addingTimeInterval(offset)
                let parts = Self.calendar.dateComponents([.year, .month], from: date)
                #expect(Month(containing: date) == Month(year: parts.year!, month: parts.month!), "\(date)")
            }
            month = month.next
        }
    }

    @Test("moments outside 1900–9999 still get their month")
    func farMoments() {
        #expect(Month(containing: Fixtures.date("1899-12-31T23:59:59Z")) == Month(year: 1899, month: 12))
        #expect(Month(containing: Date(timeIntervalSince1970: 253_402_300_800)) == Month(year: 10000, month: 1))
    }

    @Test(
        "a month is written YYYY-MM",
        arguments: [
            (Month(year: 2026, month: 6), "2026-06"), (Month(year: 2026, month: 12), "2026-12"),
            (Month(year: 1970, month: 1), "1970-01"), (Month(year: 999, month: 3), "0999-03"),
        ])
    func description(_ month: Month, _ text: String) throws {
        #expect(month.description == text)
        if month.year >= 1970 { #expect(try Month(parsing: text) == month) }
    }
}
