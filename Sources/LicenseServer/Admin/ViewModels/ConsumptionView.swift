import Foundation
import LicenseCore

/// What the consumption template shows: per service the chart, the figures and the running month, and the invoice.
struct ConsumptionView {
    struct FigureRow {
        var month: String
        var usage: String
        var allowance: String
        var overage: String
        var isOver: Bool
    }

    struct ServiceBlock {
        var id: String
        var name: String
        var label: String
        var unit: String
        var chart: UsageChart
        var figures: [FigureRow]
        var runningUsage: String
        var runningAllowance: String
        var runningPercent: String
        var meterValue: Int64
        var meterMax: Int64
        var meterLow: Int64
        var meterHigh: Int64
        var isOver: Bool
        var isNearing: Bool
        var runningOverage: String
    }

    struct MonthOption {
        var value: String
        var label: String
        var selected: Bool
    }

    struct InvoiceLine {
        var service: String
        var label: String
        var usage: String
        var allowance: String
        var overageUnits: String
        var unitSize: String
        var price: String
        var amount: String
        var isCharged: Bool
    }

    var csrf: String
    var runningMonth: String
    var dayOfMonth: Int
    var daysInMonth: Int
    var users: String
    var services: [ServiceBlock]
    var monthOptions: [MonthOption]
    var invoiceMonth: String
    var invoiceMonthValue: String
    var invoiceLines: [InvoiceLine]
    var invoiceTotal: String
    var invoiceIsRunning: Bool

    init(
        csrf: String, services: [MeteredService], months: [Month], reports: [Month: UsageReport], running: Month, chosen: Month,
        invoice: InvoicePreview, users: Int, now: Date
    ) {
        self.csrf = csrf
        runningMonth = AdminFormat.month(running)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        dayOfMonth = calendar.component(.day, from: now)
        daysInMonth = calendar.range(of: .day, in: .month, for: now)?.count ?? 30
        self.users = AdminFormat.number(users)
        self.services = services.map { service in
            let usages = months.map { month in reports[month]?.services.first { $0.service == service.name } }
            let points = zip(months, usages).map { month, usage in
                UsageChart.Point(month: month, usage: usage?.usage ?? 0, allowance: usage?.allowance ?? 0)
            }
            let id = "chart-\(service.name)"
            let chart = UsageChart(
                id: id, title: ServiceLabels.label(service.name), unit: service.unit, points: points, runningMonth: running)
            let current = reports[running]?.services.first { $0.service == service.name }
            let usage = current?.usage ?? 0
            let allowance = current?.allowance ?? 0
            return ServiceBlock(
                id: "service-\(service.name)", name: service.name, label: ServiceLabels.label(service.name), unit: service.unit,
                chart: chart,
                figures: points.reversed().map { point in
                    FigureRow(
                        month: AdminFormat.month(point.month), usage: AdminFormat.quantity(point.usage, unit: service.unit),
                        allowance: AdminFormat.quantity(point.allowance, unit: service.unit),
                        overage: point.usage > point.allowance
                            ? AdminFormat.quantity(point.usage - point.allowance, unit: service.unit) : "—",
                        isOver: point.usage > point.allowance)
                },
                runningUsage: AdminFormat.quantity(usage, unit: service.unit),
                runningAllowance: AdminFormat.quantity(allowance, unit: service.unit),
                runningPercent: String(format: "%.1f", current?.percentUsed ?? 0),
                // Over the allowance the meter's scale grows to the usage, so its bar shows the "bad" colour.
                meterValue: usage, meterMax: max(allowance, usage, 1), meterLow: max(allowance, 1) * 85 / 100,
                meterHigh: max(allowance, 1), isOver: usage > allowance,
                isNearing: usage <= allowance && allowance > 0 && usage * 100 >= allowance * 85,
                runningOverage: usage > allowance ? AdminFormat.quantity(usage - allowance, unit: service.unit) : "")
        }
        monthOptions = months.reversed().map {
            MonthOption(
                value: $0.description, label: AdminFormat.month($0) + ($0 == running ? " (running)" : ""), selected: $0 == chosen)
        }
        invoiceMonth = AdminFormat.month(chosen)
        invoiceMonthValue = chosen.description
        invoiceIsRunning = chosen == running
        let units = Dictionary(services.map { ($0.name, $0.unit) }, uniquingKeysWith: { a, _ in a })
        invoiceLines = invoice.lines.map { line in
            let unit = units[line.service] ?? ""
            return InvoiceLine(
                service: line.service, label: ServiceLabels.label(line.service),
                usage: AdminFormat.quantity(line.usage, unit: unit), allowance: AdminFormat.quantity(line.allowance, unit: unit),
                overageUnits: AdminFormat.number(line.overageUnits), unitSize: AdminFormat.quantity(line.unitSize, unit: unit),
                price: AdminFormat.money(line.pricePerUnit, line.currency), amount: AdminFormat.money(line.amount, line.currency),
                isCharged: line.amount > 0)
        }
        invoiceTotal = AdminFormat.money(invoice.total, invoice.currency)
    }
}
