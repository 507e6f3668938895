import Foundation
import LicenseCore

// Metered usage in tests: the one event builder, and the one reading of the usage report and invoice that the CLI
// (`licensing usage … --json`) and the API (`GET …/usage`, `GET …/usage/invoice`) both print.

extension Fixtures {
    /// A usage event of `service` at `at` (`Fixtures.now` unless said otherwise).
    public static func usageEvent(
        _ id: String, _ service: String = "mailing-emails", quantity: Int64 = 1, at: Date = Fixtures.now,
        subject: String? = nil
    ) -> UsageEvent {
        UsageEvent(id: id, service: service, quantity: quantity, occurredAt: at, subject: subject)
    }
}

/// A month's usage report as JSON: the keys the CLI contract and the OpenAPI document name, read independently of
/// the product's own types.
public struct UsageReportJSON: Decodable, Sendable {
    public struct Service: Decodable, Sendable {
        public var service: String
        public var unit: String
        public var aggregation: String
        public var usage: Int64
        public var allowance: Int64
        public var remaining: Int64
        public var overageUnits: Int64
        public var overageAmount: Decimal
        public var currency: String
        public var users: Int
    }
    public var month: String
    public var users: Int
    public var services: [Service]

    /// The figures of `name`; throws naming the services there are when it is missing.
    public func service(_ name: String) throws -> Service {
        guard let service = services.first(where: { $0.service == name }) else {
            throw HarnessError("no service \(name) in the report: \(services.map(\.service))")
        }
        return service
    }
}

/// A month's invoice preview as JSON.
public struct InvoiceJSON: Decodable, Sendable {
    public struct Line: Decodable, Sendable {
        public var service: String
        public var usage: Int64
        public var allowance: Int64
        public var overageUnits: Int64
        public var unitSize: Int64
        public var pricePerUnit: Decimal
        public var amount: Decimal
        public var currency: String
    }
    public var month: String
    public var lines: [Line]
    public var total: Decimal
    public var currency: String

    /// The line of `name`; throws naming the lines there are when it is missing.
    public func line(_ name: String) throws -> Line {
        guard let line = lines.first(where: { $0.service == name }) else {
            throw HarnessError("no line \(name) in the invoice: \(lines.map(\.service))")
        }
        return line
    }
}
