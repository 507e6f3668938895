import Foundation
import Hummingbird
import LicenseCore
import LicenseStore

/// The consumption dashboard (DESIGN §8): per metered service the last 12 months as a chart, the running month's
/// progress against the allowance, and the invoice preview of a chosen month.
struct AdminConsumptionController {
    let ui: AdminUI
    static let months = 12

    func register(on group: RouterGroup<AdminContext>) {
        group.get("consumption") { request, context in
            let (session, tenant, _) = try context.signedIn()
            let now = Date()
            let running = Month(containing: now)
            var months: [Month] = [running]
            while months.count < Self.months { months.insert(months[0].previous, at: 0) }
            var chosen = running
            if let text = request.uri.queryParameters["month"].map(String.init), !text.isEmpty {
                guard let month = try? Month(parsing: text), months.contains(month) else {
                    throw AdminError.invalid("Choose one of the last \(Self.months) months for the invoice preview.")
                }
                chosen = month
            }
            let snapshot = try await ui.snapshots.snapshot(tenant)
            // Allowances grow with the plan seats in use, as in the API (UsageController).
            let users = MeteringRule.allowanceUsers(snapshot.userCounts(activeOnly: false))
            let services = try await ui.store.services(tenant: tenant)
            let tariffs = try await ui.store.tariffs(tenant: tenant)
            var reports: [Month: UsageReport] = [:]
            for month in months {
                let aggregates = try await ui.store.usageAggregates(tenant: tenant, month: month)
                reports[month] = MeteringRule.report(
                    month: month, services: services, tariffs: tariffs, aggregates: aggregates, currentUsers: users, now: now)
            }
            let invoice = MeteringRule.invoice(month: chosen, usages: reports[chosen]?.services ?? [], tariffs: tariffs)
            let view = ConsumptionView(
                csrf: session.csrf, services: services, months: months, reports: reports, running: running, chosen: chosen,
                invoice: invoice, users: users, now: now)
            return await ui.page(.consumption, view, title: "Consumption", section: .consumption, context: context)
        }
    }
}

enum ServiceLabels {
    static func label(_ name: String) -> String {
        switch name {
        case "storage": "Storage used"
        case "mailing-emails": "E-mails sent through mailings"
        case "customer-centre-logins": "Customer centre logins"
        case "chat-sessions": "Chat sessions started"
        case "form-submissions": "Form submissions"
        default: EventLabels.sentence(name)
        }
    }
}
