import Foundation
import LicenseCore

/// What the status template shows: the database, the seats and the system notifications with the selected one.
struct StatusView {
    struct Row {
        var id: Int64
        var href: String
        var label: String
        var status: String
        var statusClass: String
        var message: String
        var activated: String
        var activatedBy: String
        var activatedFrom: String?
        var finished: String
        /// The finish shown is the expected one, not yet reached.
        var isExpected: Bool
        var type: String
        var selected: Bool
        /// "1,200 of 5,000" for a long job that reports progress.
        var progress: String?
        var progressDone: Int
        var progressTotal: Int
    }

    struct Detail {
        var id: Int64
        var label: String
        var key: String
        var status: String
        var scope: String
        var message: String
        var activated: String
        var activatedBy: String
        var activatedFrom: String?
        var expectedFinish: String
        var finishedAt: String
        var type: String
        var progress: String?
        var isActive: Bool
        var editHref: String
        var finishAction: String
        var deleteAction: String
    }

    var csrf: String
    var tabs: [TabView]
    var companyName: String
    var databaseOwner: String
    var serialNumber: String
    var databaseType: String
    var nextExpiry: String
    var loggedOnUser: String
    var tenantIntact: Bool
    var userWebPurchased: String
    var userWebInUse: String
    var plansPurchased: String
    var plansInUse: String
    var warnings: [String]
    var hasWarnings: Bool
    var events: [Row]
    var hasEvents: Bool
    var detail: Detail?

    init(
        csrf: String, tabs: [TabView], report: StatusReport, events: [SystemEvent], selectedID: Int64?, now: Date,
        moduleLabel: @escaping (ModuleKey) -> String? = { _ in nil }
    ) {
        self.csrf = csrf
        self.tabs = tabs
        let database = report.database
        companyName = database.companyName
        databaseOwner = database.owner ?? "—"
        serialNumber = database.serialNumber
        databaseType = database.type == .central ? "Central database" : "Satellite database"
        nextExpiry = AdminFormat.date(database.nextExpiry)
        loggedOnUser = database.loggedOnUser ?? "—"
        tenantIntact = report.tenantIntact
        userWebPurchased = AdminFormat.number(report.seats.userWeb.purchased)
        userWebInUse = AdminFormat.number(report.seats.userWeb.inUse)
        plansPurchased = AdminFormat.number(report.seats.plans.purchased)
        plansInUse = AdminFormat.number(report.seats.plans.inUse)
        warnings = report.owners.flatMap(\.warnings).map { AdminFormat.humanize($0, label: moduleLabel) }
        hasWarnings = !warnings.isEmpty
        self.events = events.map { event in
            let status = EventLabels.status(event, now: now)
            let finished = AdminFormat.compactDateTime(event.finishedAt ?? event.expectedFinish)
            let full = AdminFormat.humanize(event.message, label: moduleLabel)
            // A failed job's message is its reason: shown whole.
            let message = full.count > 60 && event.status != .failed ? String(full.prefix(58)) + "…" : full
            let actor = AdminFormat.actor(event.activatedBy)
            return Row(
                id: event.id, href: "/admin/status?event=\(event.id)", label: EventLabels.label(event.key),
                status: status, statusClass: "status-\(status.lowercased())", message: message,
                activated: AdminFormat.compactDateTime(event.activatedAt), activatedBy: actor.name, activatedFrom: actor.source,
                finished: finished, isExpected: event.finishedAt == nil && event.expectedFinish != nil,
                type: event.systemWide ? "System-wide" : "Local",
                selected: event.id == selectedID, progress: EventLabels.progress(event),
                progressDone: max(0, event.progressDone ?? 0), progressTotal: max(1, event.progressTotal ?? 1))
        }
        hasEvents = !events.isEmpty
        detail = events.first { $0.id == selectedID }.map { event in
            var scope = event.scope.rawValue.prefix(1).uppercased() + event.scope.rawValue.dropFirst()
            if let owner = event.scopeOwner { scope += ": \(owner)" }
            let actor = AdminFormat.actor(event.activatedBy)
            return Detail(
                id: event.id, label: EventLabels.label(event.key), key: event.key, status: EventLabels.status(event, now: now),
                scope: scope, message: AdminFormat.humanize(event.message, label: moduleLabel),
                activated: AdminFormat.dateTime(event.activatedAt), activatedBy: actor.name, activatedFrom: actor.source,
                expectedFinish: AdminFormat.dateTime(event.expectedFinish),
                finishedAt: AdminFormat.dateTime(event.finishedAt), type: event.systemWide ? "System-wide" : "Local",
                progress: EventLabels.progress(event), isActive: event.status == .active,
                editHref: "/admin/events/\(event.id)/edit",
                finishAction: "/admin/events/\(event.id)/finish", deleteAction: "/admin/events/\(event.id)/delete")
        }
    }
}
