import Foundation

/// A calendar month in UTC, `YYYY-MM`.
public struct Month: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    public init(containing date: Date) {
        // Arithmetic on the seconds since 1970 (ingestion computes one month per event; Calendar is slow), within
        // years where the proleptic Gregorian calendar and Foundation's agree; Calendar elsewhere.
        let seconds = date.timeIntervalSince1970
        if seconds >= Self.arithmeticRange.lowerBound, seconds < Self.arithmeticRange.upperBound {
            let whole = Int(seconds.rounded(.down))
            let civil = Self.civil(days: whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400)
            self.init(year: civil.year, month: civil.month)
            return
        }
        let parts = Self.calendar.dateComponents([.year, .month], from: date)
        self.init(year: parts.year!, month: parts.month!)
    }

    /// 1900-01-01T00:00:00Z ..< 10000-01-01T00:00:00Z in seconds since 1970.
    static let arithmeticRange: Range<TimeInterval> = -2_208_988_800..<253_402_300_800

    /// The year and month of a day counted from 1970-01-01 (H. Hinnant's `civil_from_days`, proleptic Gregorian).
    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's `days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public init(parsing text: String) throws(LicenseInputError) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
            (1970...9999).contains(year), (1...12).contains(month)
        else { throw .invalid(field: "month", reason: "expected YYYY-MM, got '\(text.prefix(20))'") }
        self.init(year: year, month: month)
    }

    public var start: Date { Self.calendar.date(from: DateComponents(year: year, month: month, day: 1))! }
    public var next: Month { month == 12 ? Month(year: year + 1, month: 1) : Month(year: year, month: month + 1) }
    public var previous: Month { month == 1 ? Month(year: year - 1, month: 12) : Month(year: year, month: month - 1) }
    public var description: String {
        guard (1000...9999).contains(year), (1...12).contains(month) else { return String(format: "%04d-%02d", year, month) }
        return String(year) + (month < 10 ? "-0" : "-") + String(month)
    }

    public static func < (lhs: Month, rhs: Month) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try Month(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// How a service's events add up over a month.
public enum Aggregation: String, Codable, Sendable, CaseIterable {
    /// The month's sum of quantities (e-mails sent).
    case sum
    /// The month's maximum quantity (a gauge: storage used).
    case max
    /// The number of events.
    case count
    /// The number of distinct subjects.
    case unique
}

/// A metered service (DESIGN §8).
public struct MeteredService: Codable, Sendable, Equatable {
    public var name: String
    public var aggregation: Aggregation
    public var unit: String
    public var isBuiltIn: Bool

    public init(name: String, aggregation: Aggregation, unit: String, isBuiltIn: Bool = false) {
        self.name = name
        self.aggregation = aggregation
        self.unit = unit
        self.isBuiltIn = isBuiltIn
    }

    public static let builtIn: [MeteredService] = [
        MeteredService(name: "storage", aggregation: .max, unit: "bytes", isBuiltIn: true),
        MeteredService(name: "mailing-emails", aggregation: .sum, unit: "emails", isBuiltIn: true),
        MeteredService(name: "customer-centre-logins", aggregation: .sum, unit: "logins", isBuiltIn: true),
        MeteredService(name: "chat-sessions", aggregation: .sum, unit: "sessions", isBuiltIn: true),
        MeteredService(name: "form-submissions", aggregation: .sum, unit: "submissions", isBuiltIn: true),
    ]

    public func validate() throws(LicenseInputError) {
        try Validate.moduleName(name)
        try Validate.identifier(unit, field: "unit", limit: 32)
    }
}

/// The price of a service for one tenant: what is included and what an extra unit costs.
public struct Tariff: Codable, Sendable, Equatable {
    public var service: String
    public var includedBase: Int64
    public var includedPerUser: Int64
    /// Overage is billed in whole units of this size, rounded up.
    public var unitSize: Int64
    public var pricePerUnit: Decimal
    public var currency: String

    public init(
        service: String, includedBase: Int64, includedPerUser: Int64, unitSize: Int64, pricePerUnit: Decimal, currency: String
    ) {
        self.service = service
        self.includedBase = includedBase
        self.includedPerUser = includedPerUser
        self.unitSize = unitSize
        self.pricePerUnit = pricePerUnit
        self.currency = currency
    }

    static let gib: Int64 = 1 << 30

    /// The documented defaults (docs/metering.md).
    public static func defaultTariff(for service: String) -> Tariff {
        switch service {
        case "storage":
            Tariff(
                service: service, includedBase: 10 * gib, includedPerUser: 2 * gib, unitSize: gib, pricePerUnit: 2,
                currency: "EUR")
        case "mailing-emails":
            Tariff(service: service, includedBase: 5_000, includedPerUser: 500, unitSize: 1_000, pricePerUnit: 5, currency: "EUR")
        case "customer-centre-logins":
            Tariff(service: service, includedBase: 1_000, includedPerUser: 100, unitSize: 100, pricePerUnit: 1, currency: "EUR")
        case "chat-sessions":
            Tariff(service: service, includedBase: 500, includedPerUser: 50, unitSize: 100, pricePerUnit: 2, currency: "EUR")
        case "form-submissions":
            Tariff(service: service, includedBase: 1_000, includedPerUser: 100, unitSize: 100, pricePerUnit: 1, currency: "EUR")
        default: Tariff(service: service, includedBase: 0, includedPerUser: 0, unitSize: 1, pricePerUnit: 0, currency: "EUR")
        }
    }

    public func validate() throws(LicenseInputError) {
        guard (0...Self.amountLimit).contains(includedBase), (0...Self.amountLimit).contains(includedPerUser) else {
            throw .invalid(field: "tariff", reason: "included amounts must be between 0 and 10^15")
        }
        guard (1...Self.amountLimit).contains(unitSize) else {
            throw .invalid(field: "unitSize", reason: "must be between 1 and 10^15")
        }
        guard pricePerUnit >= 0, pricePerUnit <= 1_000_000 else {
            throw .invalid(field: "pricePerUnit", reason: "must be between 0 and 1000000")
        }
        guard currency.count == 3, currency.allSatisfy({ $0.isUppercase && $0.isASCII }) else {
            throw .invalid(field: "currency", reason: "an ISO 4217 code such as EUR")
        }
    }

    /// The largest amount a tariff or an event takes; sums saturate at `Int64.max` rather than trap.
    public static let amountLimit: Int64 = 1_000_000_000_000_000

    /// Allowance for a month = base + per user × users (saturating).
    public func allowance(users: Int) -> Int64 {
        let (perUsers, overflow) = includedPerUser.multipliedReportingOverflow(by: Int64(max(0, users)))
        return overflow ? Int64.max : includedBase.addingSaturating(perUsers)
    }
}

/// One usage event as reported by an application server.
public struct UsageEvent: Codable, Sendable, Equatable {
    public var id: String
    public var service: String
    public var quantity: Int64
    public var occurredAt: Date
    public var subject: String?

    public init(id: String, service: String, quantity: Int64, occurredAt: Date, subject: String? = nil) {
        self.id = id
        self.service = service
        self.quantity = quantity
        self.occurredAt = occurredAt
        self.subject = subject
    }
}

/// A bad event of a batch: its index and why.
public struct BatchProblem: Codable, Sendable, Equatable {
    public var index: Int
    public var reason: String
}

/// The month's figures for one service.
public struct ServiceUsage: Codable, Sendable, Equatable {
    public var service: String
    public var unit: String
    public var aggregation: Aggregation
    public var usage: Int64
    public var allowance: Int64
    public var remaining: Int64
    public var overageUnits: Int64
    public var overageAmount: Decimal
    public var currency: String
    public var percentUsed: Double
    public var users: Int
}

public struct UsageReport: Codable, Sendable, Equatable {
    public var month: Month
    public var users: Int
    public var services: [ServiceUsage]
}

public struct InvoicePreview: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var service: String
        public var usage: Int64
        public var allowance: Int64
        public var overageUnits: Int64
        public var unitSize: Int64
        public var pricePerUnit: Decimal
        public var amount: Decimal
        public var currency: String
    }
    public var month: Month
    public var lines: [Line]
    public var total: Decimal
    public var currency: String
}

/// DESIGN §8, as functions of values.
public enum MeteringRule {
    public static let batchLimit = 1_000
    public static let futureTolerance: TimeInterval = 300
    public static let thresholds = [85, 100]

    /// Checks a batch: every event valid, or the whole batch refused with each bad event's index and reason.
    public static func validate(_ events: [UsageEvent], services: [String: MeteredService], now: Date) -> [BatchProblem] {
        var problems: [BatchProblem] = []
        if events.isEmpty { return [BatchProblem(index: 0, reason: "the batch is empty")] }
        if events.count > batchLimit {
            return [
                BatchProblem(index: batchLimit, reason: "a batch holds at most \(batchLimit) events, this one \(events.count)")
            ]
        }
        let oldest = Month(containing: now).previous.start
        for (index, event) in events.enumerated() {
            func bad(_ reason: String) { problems.append(BatchProblem(index: index, reason: reason)) }
            // Printable ASCII is 0x20...0x7E; for such a string bytes and characters count the same.
            guard (1...128).contains(event.id.utf8.count), event.id.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                bad("id must be 1–128 printable ASCII characters")
                continue
            }
            guard let service = services[event.service] else {
                bad("unknown service '\(event.service.prefix(64))'")
                continue
            }
            guard (0...Tariff.amountLimit).contains(event.quantity) else {
                bad("quantity must be between 0 and 10^15")
                continue
            }
            if event.occurredAt > now.addingTimeInterval(futureTolerance) {
                bad("occurredAt is more than 5 minutes in the future")
                continue
            }
            if event.occurredAt < oldest {
                bad("occurredAt is before the previous month (\(Month(containing: oldest)))")
                continue
            }
            if service.aggregation == .unique {
                // Characters never outnumber bytes: count them only when the bytes are over the limit.
                guard let subject = event.subject, !subject.isEmpty, subject.utf8.count <= 256 || subject.count <= 256 else {
                    bad("a '\(service.name)' event needs a subject (1–256 characters)")
                    continue
                }
            }
            // An id repeated within the batch is no problem: like a repeat across batches, the store counts it once.
        }
        return problems
    }

    /// The value a month's aggregate takes after one new event.
    public static func aggregate(
        _ current: Int64, adding event: UsageEvent, aggregation: Aggregation, isNewSubject: Bool
    ) -> Int64 {
        switch aggregation {
        case .sum: current.addingSaturating(event.quantity)
        case .max: Swift.max(current, event.quantity)
        case .count: current.addingSaturating(1)
        case .unique: current.addingSaturating(isNewSubject ? 1 : 0)
        }
    }

    public static func usage(service: MeteredService, value: Int64, tariff: Tariff, users: Int) -> ServiceUsage {
        let allowance = tariff.allowance(users: users)
        let over = Swift.max(0, value - allowance)
        let units = over / tariff.unitSize + (over % tariff.unitSize == 0 ? 0 : 1)
        let percent = allowance == 0 ? (value > 0 ? 100 : 0) : Double(value) * 100 / Double(allowance)
        return ServiceUsage(
            service: service.name, unit: service.unit, aggregation: service.aggregation, usage: value, allowance: allowance,
            remaining: Swift.max(0, allowance - value), overageUnits: units, overageAmount: Decimal(units) * tariff.pricePerUnit,
            currency: tariff.currency, percentUsed: (percent * 10).rounded() / 10, users: users)
    }

    /// The thresholds (85, 100) a service's usage has crossed going from `before` to `after`.
    public static func crossed(before: Int64, after: Int64, allowance: Int64) -> [Int] {
        guard allowance > 0 else { return after > 0 && before == 0 ? [100] : [] }
        return thresholds.filter { threshold in
            // In Double: allowance × threshold may not fit in Int64.
            let limit = Double(allowance) * Double(threshold) / 100
            return Double(before) < limit && Double(after) >= limit
        }
    }

    /// The users a month's allowances grow with: the plan seats in use (DESIGN §7, counting method 2), because user
    /// plans are what customers pay for and each plan seat is one user who can use the product.
    public static func allowanceUsers(_ counts: UserCounts) -> Int { counts.plans.inUse }

    /// The month's report from the tenant's user counts now (see `allowanceUsers`), as the server and the CLI show it.
    public static func report(
        month: Month, services: [MeteredService], tariffs: [String: Tariff], aggregates: [String: (value: Int64, users: Int)],
        userCounts: UserCounts, now: Date
    ) -> UsageReport {
        report(
            month: month, services: services, tariffs: tariffs, aggregates: aggregates,
            currentUsers: allowanceUsers(userCounts), now: now)
    }

    /// The month's report; the running month uses `currentUsers`, a past month the users recorded with its last event.
    public static func report(
        month: Month, services: [MeteredService], tariffs: [String: Tariff], aggregates: [String: (value: Int64, users: Int)],
        currentUsers: Int, now: Date
    ) -> UsageReport {
        let isRunning = month >= Month(containing: now)
        let rows = services.map { service -> ServiceUsage in
            let aggregate = aggregates[service.name]
            let users = isRunning ? currentUsers : (aggregate?.users ?? currentUsers)
            return usage(
                service: service, value: aggregate?.value ?? 0,
                tariff: tariffs[service.name] ?? Tariff.defaultTariff(for: service.name),
                users: users)
        }
        return UsageReport(
            month: month, users: isRunning ? currentUsers : (aggregates.values.first?.users ?? currentUsers), services: rows)
    }

    /// The thresholds (85, 100) a month's usage stands at or above.
    public static func reached(value: Int64, allowance: Int64) -> [Int] {
        guard allowance > 0 else { return value > 0 ? [100] : [] }
        return thresholds.filter { Double(value) >= Double(allowance) * Double($0) / 100 }
    }

    public static func invoice(month: Month, usages: [ServiceUsage], tariffs: [String: Tariff]) -> InvoicePreview {
        let lines = usages.map { usage -> InvoicePreview.Line in
            let tariff = tariffs[usage.service] ?? Tariff.defaultTariff(for: usage.service)
            return InvoicePreview.Line(
                service: usage.service, usage: usage.usage, allowance: usage.allowance, overageUnits: usage.overageUnits,
                unitSize: tariff.unitSize, pricePerUnit: tariff.pricePerUnit, amount: usage.overageAmount,
                currency: tariff.currency)
        }
        let currency = lines.first?.currency ?? "EUR"
        return InvoicePreview(month: month, lines: lines, total: lines.reduce(0) { $0 + $1.amount }, currency: currency)
    }
}

// MARK: - Threshold events and closed months

extension MeteringRule {
    /// What marks a threshold event of a service and month, its scope owner: `service@YYYY-MM@threshold`.
    public static func thresholdMarker(service: String, month: Month, threshold: Int) -> String {
        "\(service)@\(month)@\(threshold)"
    }

    /// One `threshold-crossed` draft per threshold the month's usage stands at (`reached`) not raised before.
    ///
    /// Every threshold reached, not only those crossed now: an allowance that shrank (fewer users) puts usage over a
    /// threshold without a crossing. `existingMarkers` are the scope owners of the tenant's `threshold-crossed` events
    /// (any status), so each threshold is raised once per month.
    public static func thresholdDrafts(
        service: String, unit: String, month: Month, value: Int64, allowance: Int64, existingMarkers: Set<String>
    ) -> [EventDraft] {
        reached(value: value, allowance: allowance).compactMap { threshold in
            let marker = thresholdMarker(service: service, month: month, threshold: threshold)
            guard !existingMarkers.contains(marker) else { return nil }
            return EventDraft(
                key: SystemEvent.thresholdCrossed, scope: .database, scopeOwner: marker,
                message: "\(service) reached \(threshold) % of its \(month) allowance (\(value) of \(allowance) \(unit))",
                systemWide: true)
        }
    }

    /// The users to record with a month's aggregate: a closed month (before `now`'s) keeps the users stored while it
    /// ran, so a late event does not move its allowance; the running month (or a month with nothing stored) takes the
    /// batch's users.
    public static func recordedUsers(month: Month, now: Date, stored: Int?, batchUsers: Int) -> Int {
        guard month < Month(containing: now), let stored else { return batchUsers }
        return stored
    }
}

/// A usage batch refused whole: each bad event's index and reason.
public struct UsageBatchRejected: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [BatchProblem]
    public init(problems: [BatchProblem]) { self.problems = problems }
    public var description: String {
        "the batch was refused: " + problems.prefix(10).map { "event \($0.index): \($0.reason)" }.joined(separator: "; ")
            + (problems.count > 10 ? "; and \(problems.count - 10) more" : "")
    }
}

/// What an ingestion did.
public struct IngestResult: Codable, Sendable, Equatable {
    public var accepted: Int
    public var duplicates: Int
    public var thresholdEvents: [String]

    public init(accepted: Int, duplicates: Int, thresholdEvents: [String]) {
        self.accepted = accepted
        self.duplicates = duplicates
        self.thresholdEvents = thresholdEvents
    }
}

extension Int64 {
    /// Addition that stops at the bounds instead of trapping.
    func addingSaturating(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
