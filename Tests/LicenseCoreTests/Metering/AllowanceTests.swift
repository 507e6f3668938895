import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Metering: allowance, overage, thresholds and the invoice preview (DESIGN §8)")
struct AllowanceTests {
    static let mailing = MeteredService.builtIn.first { $0.name == "mailing-emails" }!
    static let storage = MeteredService.builtIn.first { $0.name == "storage" }!

    /// 1,000 included, 100 more per user, billed per started 100 at 1.50 EUR.
    static let tariff = Tariff(
        service: "mailing-emails", includedBase: 1_000, includedPerUser: 100, unitSize: 100, pricePerUnit: Decimal(string: "1.50")!,
        currency: "EUR")

    // MARK: - Allowance

    @Test(
        "the allowance rises by the per-user amount with each user",
        arguments: [(0, Int64(1_000)), (1, 1_100), (12, 2_200), (250, 26_000)])
    func allowanceRisesWithUsers(users: Int, allowance: Int64) {
        #expect(Self.tariff.allowance(users: users) == allowance)
        #expect(MeteringRule.usage(service: Self.mailing, value: 0, tariff: Self.tariff, users: users).allowance == allowance)
    }

    @Test("adding users turns an overage into remaining allowance")
    func addingUsersRemovesOverage() {
        let before = MeteringRule.usage(service: Self.mailing, value: 1_450, tariff: Self.tariff, users: 2)
        let after = MeteringRule.usage(service: Self.mailing, value: 1_450, tariff: Self.tariff, users: 5)
        #expect((before.allowance, before.remaining, before.overageUnits) == (1_200, 0, 3))
        #expect((after.allowance, after.remaining, after.overageUnits) == (1_500, 50, 0))
        #expect(after.overageAmount == 0)
    }

    @Test("a negative user count counts as none")
    func negativeUsers() {
        #expect(Self.tariff.allowance(users: -3) == 1_000)
    }

    // MARK: - Overage

    struct OverageCase: Sendable, CustomTestStringConvertible {
        var usage: Int64
        var units: Int64
        var amount: String
        var remaining: Int64
        var testDescription: String { "\(usage) of 1200 → \(units) units, \(amount) EUR" }
    }

    @Test(
        "overage is billed in whole units, rounded up",
        arguments: [
            OverageCase(usage: 0, units: 0, amount: "0", remaining: 1_200),
            OverageCase(usage: 1_199, units: 0, amount: "0", remaining: 1),
            OverageCase(usage: 1_200, units: 0, amount: "0", remaining: 0),
            OverageCase(usage: 1_201, units: 1, amount: "1.5", remaining: 0),
            OverageCase(usage: 1_300, units: 1, amount: "1.5", remaining: 0),
            OverageCase(usage: 1_301, units: 2, amount: "3", remaining: 0),
            OverageCase(usage: 2_250, units: 11, amount: "16.5", remaining: 0),
        ])
    func overageRoundsUp(_ example: OverageCase) {
        // Given 2 users: 1,000 + 2 × 100 = 1,200 included
        let result = MeteringRule.usage(service: Self.mailing, value: example.usage, tariff: Self.tariff, users: 2)
        #expect(result.usage == example.usage)
        #expect(result.allowance == 1_200)
        #expect(result.overageUnits == example.units)
        #expect(result.overageAmount == Decimal(string: example.amount)!)
        #expect(result.remaining == example.remaining)
        #expect(result.currency == "EUR")
    }

    @Test("a unit size of one bills every unit over the allowance")
    func unitSizeOne() {
        let perUnit = Tariff(service: "sms", includedBase: 10, includedPerUser: 0, unitSize: 1, pricePerUnit: Decimal(string: "0.10")!, currency: "EUR")
        let sms = MeteredService(name: "sms", aggregation: .count, unit: "messages")
        let result = MeteringRule.usage(service: sms, value: 13, tariff: perUnit, users: 99)
        #expect(result.overageUnits == 3)
        #expect(result.overageAmount == Decimal(string: "0.3")!)
    }

    @Test("the storage default bills each started GiB over 10 GiB + 2 GiB per user")
    func storageDefault() {
        let gib: Int64 = 1 << 30
        let tariff = Tariff.defaultTariff(for: "storage")
        let result = MeteringRule.usage(service: Self.storage, value: 40 * gib + 1, tariff: tariff, users: 12)
        #expect(result.allowance == 34 * gib)
        #expect(result.overageUnits == 7)
        #expect(result.overageAmount == 14)
    }

    /// docs/metering.md, "Default tariffs".
    static let documentedDefaults: [Tariff] = [
        Tariff(service: "storage", includedBase: 10 << 30, includedPerUser: 2 << 30, unitSize: 1 << 30, pricePerUnit: 2, currency: "EUR"),
        Tariff(service: "mailing-emails", includedBase: 5_000, includedPerUser: 500, unitSize: 1_000, pricePerUnit: 5, currency: "EUR"),
        Tariff(service: "customer-centre-logins", includedBase: 1_000, includedPerUser: 100, unitSize: 100, pricePerUnit: 1, currency: "EUR"),
        Tariff(service: "chat-sessions", includedBase: 500, includedPerUser: 50, unitSize: 100, pricePerUnit: 2, currency: "EUR"),
        Tariff(service: "form-submissions", includedBase: 1_000, includedPerUser: 100, unitSize: 100, pricePerUnit: 1, currency: "EUR"),
        Tariff(service: "a-custom-service", includedBase: 0, includedPerUser: 0, unitSize: 1, pricePerUnit: 0, currency: "EUR"),
    ]

    @Test("the default tariffs are the documented ones", arguments: documentedDefaults)
    func defaultTariffs(documented: Tariff) throws {
        let tariff = Tariff.defaultTariff(for: documented.service)
        #expect(tariff == documented)
        try tariff.validate()
    }

    @Test(
        "invalid tariffs are refused",
        arguments: [
            Tariff(service: "x", includedBase: -1, includedPerUser: 0, unitSize: 1, pricePerUnit: 1, currency: "EUR"),
            Tariff(service: "x", includedBase: 0, includedPerUser: -1, unitSize: 1, pricePerUnit: 1, currency: "EUR"),
            Tariff(service: "x", includedBase: 0, includedPerUser: 0, unitSize: 0, pricePerUnit: 1, currency: "EUR"),
            Tariff(service: "x", includedBase: 0, includedPerUser: 0, unitSize: 1, pricePerUnit: -1, currency: "EUR"),
            Tariff(service: "x", includedBase: 0, includedPerUser: 0, unitSize: 1, pricePerUnit: 1, currency: "eur"),
            Tariff(service: "x", includedBase: 0, includedPerUser: 0, unitSize: 1, pricePerUnit: 1, currency: "EURO"),
        ])
    func invalidTariff(_ tariff: Tariff) {
        #expect(throws: LicenseInputError.self) { try tariff.validate() }
    }

    // MARK: - Thresholds

    struct ThresholdCase: Sendable, CustomTestStringConvertible {
        var before: Int64
        var after: Int64
        var allowance: Int64
        var crossed: [Int]
        var testDescription: String { "\(before) → \(after) of \(allowance) crosses \(crossed)" }
    }

    @Test(
        "a threshold is crossed when usage goes from below it to at or above it",
        arguments: [
            ThresholdCase(before: 0, after: 84, allowance: 100, crossed: []),
            ThresholdCase(before: 0, after: 85, allowance: 100, crossed: [85]),
            ThresholdCase(before: 84, after: 99, allowance: 100, crossed: [85]),
            ThresholdCase(before: 85, after: 99, allowance: 100, crossed: []),
            ThresholdCase(before: 99, after: 100, allowance: 100, crossed: [100]),
            ThresholdCase(before: 0, after: 500, allowance: 100, crossed: [85, 100]),
            ThresholdCase(before: 100, after: 500, allowance: 100, crossed: []),
            // 85 % of 7 is 5.95: the threshold is reached at 6, not at 5
            ThresholdCase(before: 0, after: 5, allowance: 7, crossed: []),
            ThresholdCase(before: 5, after: 6, allowance: 7, crossed: [85]),
            // With nothing included, the first use is over 100 %
            ThresholdCase(before: 0, after: 1, allowance: 0, crossed: [100]),
            ThresholdCase(before: 1, after: 2, allowance: 0, crossed: []),
            ThresholdCase(before: 0, after: 0, allowance: 0, crossed: []),
        ])
    func crossings(_ example: ThresholdCase) {
        #expect(MeteringRule.crossed(before: example.before, after: example.after, allowance: example.allowance) == example.crossed)
    }

    @Test("usage growing event by event crosses 85 % and 100 % exactly once each")
    func crossedOnce() {
        var value: Int64 = 0
        var crossings: [Int] = []
        for step in [10, 30, 40, 4, 1, 1, 9, 5, 1, 50, 200] as [Int64] {
            let next = value + step
            crossings += MeteringRule.crossed(before: value, after: next, allowance: 100)
            value = next
        }
        #expect(crossings == [85, 100])
    }

    // MARK: - Report and invoice

    @Test("the running month uses the users now, a past month the users recorded with it")
    func reportUsers() throws {
        let services = [Self.mailing]
        let tariffs = ["mailing-emails": Self.tariff]
        let running = MeteringRule.report(
            month: Month(containing: Fixtures.now), services: services, tariffs: tariffs,
            aggregates: ["mailing-emails": (value: 1_500, users: 3)], currentUsers: 5, now: Fixtures.now)
        let past = MeteringRule.report(
            month: Month(containing: Fixtures.now).previous, services: services, tariffs: tariffs,
            aggregates: ["mailing-emails": (value: 1_500, users: 3)], currentUsers: 5, now: Fixtures.now)
        #expect(running.users == 5)
        #expect(running.services[0].allowance == 1_500)
        #expect(running.services[0].overageUnits == 0)
        #expect(past.users == 3)
        #expect(past.services[0].allowance == 1_300)
        #expect(past.services[0].overageUnits == 2)
    }

    @Test("a service with no events this month reports zero usage and its full allowance")
    func reportWithoutEvents() {
        let report = MeteringRule.report(
            month: Month(containing: Fixtures.now), services: MeteredService.builtIn, tariffs: [:], aggregates: [:],
            currentUsers: 4, now: Fixtures.now)
        #expect(report.services.map(\.service) == MeteredService.builtIn.map(\.name))
        let chat = report.services.first { $0.service == "chat-sessions" }
        #expect(chat?.usage == 0)
        #expect(chat?.allowance == 700)
        #expect(chat?.remaining == 700)
        #expect(chat?.percentUsed == 0)
    }

    @Test("the percentage used is rounded to one decimal")
    func percentUsed() {
        let result = MeteringRule.usage(service: Self.mailing, value: 1_001, tariff: Self.tariff, users: 2)
        #expect(result.percentUsed == 83.4)  // 1001 / 1200 = 83.416…
    }

    @Test("the invoice has one line per service and the total of their amounts")
    func invoiceTotals() throws {
        // Given 12 users and three services over their allowance, one within
        let gib: Int64 = 1 << 30
        let tariffs: [String: Tariff] = [
            "mailing-emails": Tariff(
                service: "mailing-emails", includedBase: 1_000, includedPerUser: 100, unitSize: 250, pricePerUnit: Decimal(string: "2.50")!,
                currency: "EUR"),
            "sms": Tariff(service: "sms", includedBase: 1, includedPerUser: 0, unitSize: 1, pricePerUnit: Decimal(string: "0.10")!, currency: "EUR"),
        ]
        let services = MeteredService.builtIn + [MeteredService(name: "sms", aggregation: .count, unit: "messages")]
        let report = MeteringRule.report(
            month: Month(containing: Fixtures.now), services: services, tariffs: tariffs,
            aggregates: [
                "mailing-emails": (value: 2_500, users: 12),  // 2,200 included → 300 over → 2 units × 2.50 = 5.00
                "storage": (value: 40 * gib, users: 12),  // 34 GiB included → 6 units × 2 = 12
                "chat-sessions": (value: 1_200, users: 12),  // 1,100 included → 1 unit × 2 = 2
                "form-submissions": (value: 2_000, users: 12),  // 2,200 included → 0
                "sms": (value: 3, users: 12),  // 1 included → 2 units × 0.10 = 0.20
            ], currentUsers: 12, now: Fixtures.now)

        // When the invoice is previewed
        let invoice = MeteringRule.invoice(month: report.month, usages: report.services, tariffs: tariffs)

        // Then each line has its units and amount, and the total is their sum: 5 + 12 + 2 + 0.20 = 19.20
        let lines = Dictionary(uniqueKeysWithValues: invoice.lines.map { ($0.service, $0) })
        #expect(invoice.lines.map(\.service) == services.map(\.name))
        #expect(lines["mailing-emails"]?.overageUnits == 2)
        #expect(lines["mailing-emails"]?.unitSize == 250)
        #expect(lines["mailing-emails"]?.amount == 5)
        #expect(lines["storage"]?.overageUnits == 6)
        #expect(lines["storage"]?.amount == 12)
        #expect(lines["chat-sessions"]?.amount == 2)
        #expect(lines["form-submissions"]?.amount == 0)
        #expect(lines["customer-centre-logins"]?.amount == 0)
        #expect(lines["sms"]?.amount == Decimal(string: "0.2")!)
        #expect(invoice.total == Decimal(string: "19.2")!)
        #expect(invoice.currency == "EUR")
        #expect(invoice.month == Month(containing: Fixtures.now))
    }

    @Test("an invoice without overage totals zero")
    func invoiceWithoutOverage() {
        let report = MeteringRule.report(
            month: Month(containing: Fixtures.now), services: MeteredService.builtIn, tariffs: [:],
            aggregates: ["mailing-emails": (value: 10, users: 1)], currentUsers: 1, now: Fixtures.now)
        let invoice = MeteringRule.invoice(month: report.month, usages: report.services, tariffs: [:])
        #expect(invoice.total == 0)
        #expect(invoice.lines.count == MeteredService.builtIn.count)
    }
}
