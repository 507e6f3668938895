import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

/// docs/metering.md and `Tariff.amountLimit`: an event or a tariff amount is at most 10^15, and sums saturate at
/// `Int64.max` rather than trap; the tariff's bounds are inclusive.
@Suite("Metering: saturation at Int64.max and the bounds of events and tariffs")
struct SaturationTests {
    static let limit = Tariff.amountLimit
    static let mailing = MeteredService.builtIn.first { $0.name == "mailing-emails" }!

    // MARK: - Aggregates saturate

    struct AggregateCase: Sendable, CustomTestStringConvertible {
        var aggregation: Aggregation
        var current: Int64
        var quantity: Int64
        var isNewSubject = false
        var expected: Int64
        var testDescription: String { "\(aggregation): \(current) + \(quantity) → \(expected)" }
    }

    @Test(
        "a month's aggregate stops at Int64.max instead of trapping",
        arguments: [
            AggregateCase(aggregation: .sum, current: .max - 10, quantity: 10, expected: .max),
            AggregateCase(aggregation: .sum, current: .max - 10, quantity: 9, expected: .max - 1),
            AggregateCase(aggregation: .sum, current: .max - 10, quantity: 11, expected: .max),
            AggregateCase(aggregation: .sum, current: .max, quantity: limit, expected: .max),
            AggregateCase(aggregation: .sum, current: .max - limit + 1, quantity: limit, expected: .max),
            AggregateCase(aggregation: .sum, current: .max, quantity: 0, expected: .max),
            AggregateCase(aggregation: .count, current: .max, quantity: 1, expected: .max),
            AggregateCase(aggregation: .count, current: .max - 1, quantity: limit, expected: .max),
            AggregateCase(aggregation: .unique, current: .max, quantity: 1, isNewSubject: true, expected: .max),
            AggregateCase(aggregation: .unique, current: .max - 1, quantity: 1, isNewSubject: true, expected: .max),
            AggregateCase(aggregation: .max, current: .max, quantity: limit, expected: .max),
            AggregateCase(aggregation: .max, current: limit - 1, quantity: limit, expected: limit),
        ])
    func aggregateSaturates(_ example: AggregateCase) {
        let event = Fixtures.usageEvent("e", "x", quantity: example.quantity, subject: "s")
        let value = MeteringRule.aggregate(
            example.current, adding: event, aggregation: example.aggregation, isNewSubject: example.isNewSubject)
        #expect(value == example.expected)
    }

    @Test("9,224 events of 10^15 sum to Int64.max and stay there")
    func manyLargestEvents() {
        // 9,223 × 10^15 < Int64.max (≈ 9.2234 × 10^18) < 9,224 × 10^15
        let events = (0..<9_230).map { Fixtures.usageEvent("e\($0)", quantity: Self.limit) }
        #expect(foldEvents(Array(events.prefix(9_223)), .sum) == 9_223 * Self.limit)
        #expect(foldEvents(Array(events.prefix(9_224)), .sum) == .max)
        #expect(foldEvents(events, .sum) == .max)
    }

    // MARK: - Allowances saturate

    struct AllowanceCase: Sendable, CustomTestStringConvertible {
        var base: Int64
        var perUser: Int64
        var users: Int
        var expected: Int64
        var testDescription: String { "\(base) + \(perUser) × \(users) → \(expected)" }
    }

    @Test(
        "an allowance that would overflow is Int64.max",
        arguments: [
            AllowanceCase(base: limit, perUser: limit, users: 9_222, expected: 9_223 * limit),
            // 9,223 × 10^15 fits, adding the base does not
            AllowanceCase(base: limit, perUser: limit, users: 9_223, expected: .max),
            // the product itself overflows
            AllowanceCase(base: 0, perUser: limit, users: 9_224, expected: .max),
            AllowanceCase(base: limit, perUser: limit, users: .max, expected: .max),
            AllowanceCase(base: limit, perUser: 0, users: .max, expected: limit),
            AllowanceCase(base: 0, perUser: 1, users: .max, expected: .max),
        ])
    func allowanceSaturates(_ example: AllowanceCase) throws {
        let tariff = Tariff(
            service: "x", includedBase: example.base, includedPerUser: example.perUser, unitSize: 1, pricePerUnit: 1,
            currency: "EUR")
        try tariff.validate()
        #expect(tariff.allowance(users: example.users) == example.expected)
    }

    // MARK: - Reports on saturated values

    @Test("a saturated usage over a small allowance bills every unit over it, rounded up, without trapping")
    func saturatedUsage() {
        let tariff = Tariff(
            service: "mailing-emails", includedBase: 1_000, includedPerUser: 0, unitSize: 1_000, pricePerUnit: 1_000_000,
            currency: "EUR")
        let usage = MeteringRule.usage(service: Self.mailing, value: .max, tariff: tariff, users: 3)
        let over = Int64.max - 1_000
        let units = over / 1_000 + 1  // Int64.max - 1,000 is not a multiple of 1,000
        #expect(over % 1_000 != 0)
        #expect((usage.usage, usage.allowance, usage.remaining, usage.overageUnits) == (.max, 1_000, 0, units))
        #expect(usage.overageAmount == Decimal(units) * 1_000_000)
        #expect(usage.percentUsed.isFinite && usage.percentUsed > 100)
        let invoice = MeteringRule.invoice(
            month: Month(containing: Fixtures.now), usages: [usage, usage], tariffs: ["mailing-emails": tariff])
        #expect(invoice.total == 2 * Decimal(units) * 1_000_000, "the total is exact, not rounded through Double")
    }

    @Test("a saturated usage within a saturated allowance is 100 % used with nothing over")
    func saturatedAllowance() {
        let tariff = Tariff(
            service: "mailing-emails", includedBase: Self.limit, includedPerUser: Self.limit, unitSize: 1, pricePerUnit: 1,
            currency: "EUR")
        let usage = MeteringRule.usage(service: Self.mailing, value: .max, tariff: tariff, users: 10_000)
        #expect((usage.allowance, usage.remaining, usage.overageUnits, usage.overageAmount) == (.max, 0, 0, 0))
        #expect(usage.percentUsed == 100)
        #expect(MeteringRule.reached(value: .max, allowance: .max) == [85, 100])
        #expect(MeteringRule.crossed(before: 0, after: .max, allowance: .max) == [85, 100])
        #expect(MeteringRule.reached(value: .max / 2, allowance: .max) == [])
    }

    // MARK: - The bounds of an event's quantity

    @Test(
        "an event's quantity is 0…10^15, both ends included",
        arguments: [
            (Int64(0), true), (1, true), (limit - 1, true), (limit, true), (limit + 1, false), (.max, false), (-1, false),
            (.min, false),
        ])
    func quantityBounds(quantity: Int64, isValid: Bool) {
        let services = Dictionary(uniqueKeysWithValues: MeteredService.builtIn.map { ($0.name, $0) })
        let problems = MeteringRule.validate(
            [Fixtures.usageEvent("q", quantity: quantity)], services: services, now: Fixtures.now)
        #expect(problems.isEmpty == isValid, "\(problems)")
        if !isValid {
            #expect(problems.map(\.index) == [0])
            #expect(problems.map(\.reason) == ["quantity must be between 0 and 10^15"])
        }
    }

    // MARK: - The bounds of a tariff

    struct TariffCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var tariff: Tariff
        /// The field the refusal names, or nil when the tariff is valid.
        var field: String?
    }

    static func tariff(
        base: Int64 = 0, perUser: Int64 = 0, unitSize: Int64 = 1, price: Decimal = 1, currency: String = "EUR"
    ) -> Tariff {
        Tariff(
            service: "x", includedBase: base, includedPerUser: perUser, unitSize: unitSize, pricePerUnit: price,
            currency: currency)
    }

    static let tariffCases: [TariffCase] = [
        TariffCase(testDescription: "included base 0", tariff: tariff(base: 0), field: nil),
        TariffCase(testDescription: "included base 10^15", tariff: tariff(base: limit), field: nil),
        TariffCase(testDescription: "included base 10^15 + 1", tariff: tariff(base: limit + 1), field: "tariff"),
        TariffCase(testDescription: "included base Int64.max", tariff: tariff(base: .max), field: "tariff"),
        TariffCase(testDescription: "included per user 10^15", tariff: tariff(perUser: limit), field: nil),
        TariffCase(testDescription: "included per user 10^15 + 1", tariff: tariff(perUser: limit + 1), field: "tariff"),
        TariffCase(testDescription: "included per user -1", tariff: tariff(perUser: -1), field: "tariff"),
        TariffCase(testDescription: "unit size 1", tariff: tariff(unitSize: 1), field: nil),
        TariffCase(testDescription: "unit size 10^15", tariff: tariff(unitSize: limit), field: nil),
        TariffCase(testDescription: "unit size 0", tariff: tariff(unitSize: 0), field: "unitSize"),
        TariffCase(testDescription: "unit size 10^15 + 1", tariff: tariff(unitSize: limit + 1), field: "unitSize"),
        TariffCase(testDescription: "price 0", tariff: tariff(price: 0), field: nil),
        TariffCase(testDescription: "price 1,000,000", tariff: tariff(price: 1_000_000), field: nil),
        TariffCase(
            testDescription: "price 1,000,000.01", tariff: tariff(price: Decimal(string: "1000000.01")!), field: "pricePerUnit"),
        TariffCase(testDescription: "price -0.01", tariff: tariff(price: Decimal(string: "-0.01")!), field: "pricePerUnit"),
        TariffCase(testDescription: "currency NOK", tariff: tariff(currency: "NOK"), field: nil),
        TariffCase(testDescription: "currency E1R", tariff: tariff(currency: "E1R"), field: "currency"),
        TariffCase(testDescription: "currency ÆØÅ", tariff: tariff(currency: "ÆØÅ"), field: "currency"),
        TariffCase(testDescription: "currency EU", tariff: tariff(currency: "EU"), field: "currency"),
    ]

    @Test("a tariff's amounts are within their bounds, both ends included", arguments: tariffCases)
    func tariffBounds(_ example: TariffCase) {
        do throws(LicenseInputError) {
            try example.tariff.validate()
            #expect(example.field == nil, "expected a refusal naming \(example.field ?? "")")
        } catch {
            guard case .invalid(let field, _) = error else {
                Issue.record("expected an invalid-input refusal, got \(error)")
                return
            }
            #expect(field == example.field)
        }
    }

    @Test("at the largest tariff, the largest usage bills without trapping", arguments: [Int64(0), 1, 10_000])
    func largestTariff(users: Int64) {
        let tariff = Self.tariff(base: Self.limit, perUser: Self.limit, unitSize: Self.limit, price: 1_000_000)
        let usage = MeteringRule.usage(service: Self.mailing, value: .max, tariff: tariff, users: Int(users))
        let allowance = tariff.allowance(users: Int(users))
        let over = Int64.max - allowance
        #expect(usage.overageUnits == over / Self.limit + (over % Self.limit == 0 ? 0 : 1))
        #expect(usage.overageAmount == Decimal(usage.overageUnits) * 1_000_000)
    }
}
