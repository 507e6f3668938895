import ArgumentParser
import Crypto
import Foundation
import LicenseCore
import LicenseStore
import LicenseStoreEngine

extension Aggregation: ExpressibleByArgument {}

struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage", abstract: "Metered services: record usage, monthly reports, invoice preview, tariffs.",
        subcommands: [Record.self, Report.self, Invoice.self, Tariffs.self, Service.self, Prune.self])

    static func month(_ text: String?) throws -> Month {
        guard let text else { return Month(containing: Date()) }
        return try Month(parsing: text)
    }

    static func report(_ store: any LicenseStoring, tenant: String, month: Month) async throws -> UsageReport {
        let snapshot = try await store.loadSnapshot(tenant: tenant)
        return MeteringRule.report(
            month: month, services: try await store.services(tenant: tenant), tariffs: try await store.tariffs(tenant: tenant),
            aggregates: try await store.usageAggregates(tenant: tenant, month: month),
            userCounts: snapshot.userCounts(activeOnly: false), now: Date())
    }

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record one usage event.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The service, e.g. mailing-emails.") var service: String
        @Option(help: "The quantity.") var quantity: Int64
        @Option(help: "A unique id (default: random); a repeated id is not counted again.") var id: String?
        @Option(help: "When it happened (ISO 8601; default now).") var at: String?
        @Option(help: "The subject, for services that count unique subjects.") var subject: String?

        func run() async throws {
            try await guarded(json: store.json) {
                let occurredAt = try EventsCommand.parseDate(at) ?? Date()
                let eventID = id ?? Base64URL.encode(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let users = MeteringRule.allowanceUsers(
                    try await sqlite.loadSnapshot(tenant: tenant).userCounts(activeOnly: false))
                let event = UsageEvent(
                    id: eventID, service: service, quantity: quantity, occurredAt: occurredAt, subject: subject)
                do {
                    let result = try await sqlite.ingestUsage(tenant: tenant, [event], users: users, now: Date())
                    if store.json { return Output.json(result) }
                    Output.line(
                        result.accepted == 1
                            ? "recorded \(quantity) \(service) (id \(eventID))" : "already recorded (id \(eventID))")
                    for message in result.thresholdEvents { Output.line("! \(message)") }
                } catch let rejected as UsageBatchRejected {
                    throw CLIError.input(rejected.problems.map(\.reason).joined(separator: "; "))
                }
            }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Usage, allowance and overage per service for a month.")
        @OptionGroup var store: StoreOptions
        @Option(help: "YYYY-MM (default: this month).") var month: String?

        func run() async throws {
            try await guarded(json: store.json) {
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let report = try await UsageCommand.report(sqlite, tenant: tenant, month: try UsageCommand.month(month))
                if store.json { return Output.json(report) }
                Output.line("\(report.month), \(report.users) users")
                for s in report.services {
                    Output.line(
                        "  \(s.service.padding(toLength: 24, withPad: " ", startingAt: 0)) \(s.usage) of \(s.allowance) \(s.unit) (\(s.percentUsed) %)"
                            + (s.overageUnits > 0 ? ", over by \(s.overageUnits) units = \(s.overageAmount) \(s.currency)" : ""))
                }
            }
        }
    }

    struct Invoice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The invoice preview of a month's overage.")
        @OptionGroup var store: StoreOptions
        @Option(help: "YYYY-MM (default: this month).") var month: String?

        func run() async throws {
            try await guarded(json: store.json) {
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let m = try UsageCommand.month(month)
                let report = try await UsageCommand.report(sqlite, tenant: tenant, month: m)
                let invoice = MeteringRule.invoice(
                    month: m, usages: report.services, tariffs: try await sqlite.tariffs(tenant: tenant))
                if store.json { return Output.json(invoice) }
                Output.line("Invoice preview \(invoice.month)")
                for line in invoice.lines {
                    Output.line(
                        "  \(line.service.padding(toLength: 24, withPad: " ", startingAt: 0)) \(line.overageUnits) × \(line.pricePerUnit) = \(line.amount) \(line.currency)"
                    )
                }
                Output.line("  total \(invoice.total) \(invoice.currency)")
            }
        }
    }

    struct Tariffs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tariff", abstract: "Show the tariffs, or set one service's with --service and the values.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The service to set.") var service: String?
        @Option(help: "Included per month regardless of users.") var base: Int64?
        @Option(help: "Included per month per user.") var perUser: Int64?
        @Option(help: "Overage is billed in units of this size.") var unitSize: Int64?
        @Option(help: "Price per unit over the allowance, e.g. 2.50.") var price: String?
        @Option(help: "ISO 4217 currency.") var currency: String?

        func run() async throws {
            try await guarded(json: store.json) {
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                if let service {
                    guard var tariff = try await sqlite.tariffs(tenant: tenant)[service] else {
                        throw CLIError.input("unknown service '\(service)'")
                    }
                    if let base { tariff.includedBase = base }
                    if let perUser { tariff.includedPerUser = perUser }
                    if let unitSize { tariff.unitSize = unitSize }
                    if let price {
                        guard let value = Decimal(string: price, locale: Locale(identifier: "en_US_POSIX")) else {
                            throw CLIError.input("--price must be a number such as 2.50")
                        }
                        tariff.pricePerUnit = value
                    }
                    if let currency { tariff.currency = currency }
                    try await sqlite.setTariff(tenant: tenant, tariff, actor: store.actor, now: Date())
                }
                let tariffs = try await sqlite.tariffs(tenant: tenant).values.sorted { $0.service < $1.service }
                if store.json { return Output.json(["tariffs": tariffs]) }
                for t in tariffs { Output.line("\(t.service): \(AuditText.tariff(t))") }
            }
        }
    }

    struct Service: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Define a custom metered service.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The service name.") var name: String
        @Option(help: "sum, max, count or unique.") var aggregation: Aggregation
        @Option(help: "The unit shown.") var unit: String

        func run() async throws {
            try await guarded(json: store.json) {
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                try await sqlite.defineService(
                    tenant: tenant, MeteredService(name: name, aggregation: aggregation, unit: unit), actor: store.actor,
                    now: Date()
                )
                if store.json { Output.json(["service": name]) } else { Output.line("defined service \(name)") }
            }
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete raw usage events older than N months (aggregates stay).")
        @OptionGroup var store: StoreOptions
        @Option(help: "Whole months to keep before this one.") var keepMonths: Int = 13

        func run() async throws {
            try await guarded(json: store.json) {
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let removed = try await sqlite.pruneUsage(tenant: tenant, keepMonths: keepMonths, now: Date())
                if store.json { Output.json(["removed": removed]) } else { Output.line("removed \(removed) raw usage events") }
            }
        }
    }
}
