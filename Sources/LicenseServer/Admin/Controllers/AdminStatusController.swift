import Foundation
import Hummingbird
import LicenseCore
import LicenseStore

/// The Status tab: the database box, the button to the consumption dashboard, and the system notifications with
/// Add, Edit, Finish and Delete.
struct AdminStatusController {
    let ui: AdminUI

    func register(on group: RouterGroup<AdminContext>) {
        group.get("status") { request, context in
            let (session, tenant, userName) = try context.signedIn()
            let now = Date()
            let events = try await self.events(tenant: tenant, now: now)
            let snapshot = try await ui.snapshots.snapshot(tenant)
            let report = StatusReport.make(from: snapshot, loggedOnUser: userName, now: now)
            let owners = LicenseListReport.make(from: snapshot, now: now).owners
            let selectedID = request.uri.queryParameters["event"].flatMap { Int64(String($0)) }
            if let selectedID, !events.contains(where: { $0.id == selectedID }) {
                throw AdminError.notFound("There is no system event #\(selectedID). It may have been deleted.")
            }
            let view = StatusView(
                csrf: session.csrf, tabs: AdminTabs.make(owners: owners, current: AdminTabs.status), report: report,
                events: events, selectedID: selectedID, now: now, moduleLabel: AdminFormat.moduleLabel(in: snapshot))
            return await ui.page(.status, view, title: "Licenses – Status", section: .licenses, context: context)
        }

        group.get("events/new") { _, context in
            let (session, _, _) = try context.signedIn()
            return await ui.page(
                .eventForm, EventFormView.new(csrf: session.csrf), title: "Add system event", section: .licenses,
                context: context)
        }

        group.post("events") { _, context in
            let (session, tenant, _) = try context.signedIn()
            let form = context.form
            let key = form["key"] ?? ""
            guard EventRule.administratorKeys.contains(key) else {
                throw AdminError.invalid("Pick an event type from the list.")
            }
            let scope = SystemEvent.Scope(rawValue: form["scope"] ?? "system") ?? .system
            let finish = try AdminFormat.parseInput(date: form["finishDate"], time: form["finishTime"])
            let message = (form.text("message") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let draft = EventDraft(
                key: key, scope: scope, scopeOwner: scope == .system || scope == .database ? nil : form["scopeOwner"],
                message: message, expectedFinish: finish)
            // A no-login event starts at once and logs nobody but administrators in: it needs a second, deliberate yes.
            if key == SystemEvent.noLogin && form["confirmNoLogin"] != "yes" {
                var view = EventFormView.new(csrf: session.csrf)
                view.fill(
                    key: key, scope: scope, scopeOwner: form["scopeOwner"], message: form.text("message") ?? "",
                    finishDate: form["finishDate"], finishTime: form["finishTime"])
                view.confirmNoLogin = true
                return await ui.page(
                    .eventForm, view, title: "Add system event", section: .licenses, context: context,
                    status: .unprocessableContent)
            }
            do {
                let event = try await ui.store.addEvent(tenant: tenant, draft, actor: session.actor, now: Date())
                await EventsController.wrote(tenant: tenant, store: ui.store, snapshots: ui.snapshots, logger: context.logger)
                return ui.redirect(
                    "/admin/status?event=\(event.id)", context: context, .success,
                    "Added the event “\(EventLabels.label(event.key))”.")
            } catch {
                guard let message = await ui.describe(error, tenant: tenant) else { throw error }
                var view = EventFormView.new(csrf: session.csrf)
                view.fill(
                    key: key, scope: scope, scopeOwner: form["scopeOwner"], message: form.text("message") ?? "",
                    finishDate: form["finishDate"], finishTime: form["finishTime"])
                view.error = message
                return await ui.page(
                    .eventForm, view, title: "Add system event", section: .licenses, context: context,
                    status: .unprocessableContent)
            }
        }

        group.get("events/:id/edit") { _, context in
            let (session, tenant, _) = try context.signedIn()
            let event = try await self.event(context, tenant: tenant)
            return await ui.page(
                .eventForm, EventFormView.edit(csrf: session.csrf, event: event), title: "Edit system event",
                section: .licenses, context: context)
        }

        group.post("events/:id") { _, context in
            let (session, tenant, _) = try context.signedIn()
            let event = try await self.event(context, tenant: tenant)
            let form = context.form
            let finish = try AdminFormat.parseInput(date: form["finishDate"], time: form["finishTime"])
            let message = (form.text("message") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            do {
                _ = try await ui.store.updateEvent(
                    tenant: tenant, id: event.id, changes: EventChanges(message: message, expectedFinish: .some(finish)),
                    actor: session.actor, now: Date())
                await EventsController.wrote(tenant: tenant, store: ui.store, snapshots: ui.snapshots, logger: context.logger)
                return ui.redirect("/admin/status?event=\(event.id)", context: context, .success, "Saved the event.")
            } catch {
                guard let text = await ui.describe(error, tenant: tenant) else { throw error }
                var view = EventFormView.edit(csrf: session.csrf, event: event)
                view.message = form.text("message") ?? ""
                view.error = text
                return await ui.page(
                    .eventForm, view, title: "Edit system event", section: .licenses, context: context,
                    status: .unprocessableContent)
            }
        }

        group.post("events/:id/finish") { _, context in
            let (session, tenant, _) = try context.signedIn()
            let event = try await self.event(context, tenant: tenant)
            _ = try await ui.store.finishEvent(tenant: tenant, id: event.id, actor: session.actor, now: Date())
            await EventsController.wrote(tenant: tenant, store: ui.store, snapshots: ui.snapshots, logger: context.logger)
            return ui.redirect(
                "/admin/status?event=\(event.id)", context: context, .success,
                "Finished the event “\(EventLabels.label(event.key))”.")
        }

        group.post("events/:id/delete") { _, context in
            let (session, tenant, _) = try context.signedIn()
            let event = try await self.event(context, tenant: tenant)
            try await ui.store.deleteEvent(tenant: tenant, id: event.id, actor: session.actor, now: Date())
            ui.snapshots.invalidate(tenant)
            return ui.redirect(
                "/admin/status", context: context, .success, "Deleted the event “\(EventLabels.label(event.key))”.")
        }
    }

    private func event(_ context: AdminContext, tenant: String) async throws -> SystemEvent {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), id > 0 else { throw AdminError.notFound }
        guard let event = try await events(tenant: tenant, now: Date()).first(where: { $0.id == id }) else {
            throw AdminError.notFound("There is no system event #\(id). It may have been deleted.")
        }
        return event
    }

    /// The tenant's events as of `now` (an event past its expected finish reads as finished), active ones first. A
    /// read: the background upkeep writes that down.
    private func events(tenant: String, now: Date) async throws -> [SystemEvent] {
        EventsController.sorted(try await ui.store.events(tenant: tenant, now: now), now: now)
    }
}

/// Names of event types for people.
enum EventLabels {
    static func label(_ key: String) -> String {
        switch key {
        case SystemEvent.noLogin: "No login"
        case "no-freetext": "No free-text search"
        case "no-travel": "No travel"
        case SystemEvent.messageOfTheDay: "Message of the day"
        case SystemEvent.licenseActivated: "License activated"
        case "license-update-available": "License update available"
        case "license-expiring": "License expiring"
        case SystemEvent.tamperDetected: "Tampering detected"
        case "threshold-crossed": "Consumption threshold crossed"
        case "freetext-rebuild": "Free-text index rebuild"
        case "saint-rebuild": "SAINT rebuild"
        case "user-import": "User import"
        default: sentence(key)
        }
    }

    /// `some-event-key` → `Some event key`.
    static func sentence(_ key: String) -> String {
        let words = key.split(separator: "-").joined(separator: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// "1,200 of 5,000" for an event of a long job that reports its progress, else nil.
    static func progress(_ event: SystemEvent) -> String? {
        guard let done = event.progressDone, let total = event.progressTotal else { return nil }
        return "\(AdminFormat.number(done)) of \(AdminFormat.number(total))"
    }

    static func status(_ event: SystemEvent, now: Date) -> String {
        switch event.status {
        case .active: event.isActive(at: now) ? "Active" : "Ended"
        case .finished: "Finished"
        case .cancelled: "Cancelled"
        case .failed: "Failed"
        }
    }
}

// MARK: - View models

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

struct EventFormView {
    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    var csrf: String
    var isNew: Bool
    var heading: String
    var action: String
    var submitLabel: String
    var types: [Option]
    var scopes: [Option]
    var scopeOwner: String
    var message: String
    var finishDate: String
    var finishTime: String
    var eventLabel: String?
    var error: String?
    /// A no-login event was asked for without the box that confirms it: ask again with the box.
    var confirmNoLogin = false

    static func new(csrf: String) -> EventFormView {
        EventFormView(
            csrf: csrf, isNew: true, heading: "Add system event", action: "/admin/events", submitLabel: "Add event",
            // Message of the day by default: "No login" is one click from locking everyone out.
            types: EventRule.administratorKeys.map {
                Option(value: $0, label: EventLabels.label($0), selected: $0 == SystemEvent.messageOfTheDay)
            },
            scopes: SystemEvent.Scope.allCases.map {
                Option(
                    value: $0.rawValue, label: $0.rawValue.prefix(1).uppercased() + $0.rawValue.dropFirst(),
                    selected: $0 == .system)
            },
            scopeOwner: "", message: "", finishDate: "", finishTime: "", eventLabel: nil, error: nil)
    }

    static func edit(csrf: String, event: SystemEvent) -> EventFormView {
        let parts = AdminFormat.inputParts(event.expectedFinish)
        return EventFormView(
            csrf: csrf, isNew: false, heading: "Edit system event", action: "/admin/events/\(event.id)", submitLabel: "Save",
            types: [], scopes: [], scopeOwner: event.scopeOwner ?? "", message: event.message, finishDate: parts.date,
            finishTime: parts.time, eventLabel: EventLabels.label(event.key), error: nil)
    }

    mutating func fill(
        key: String, scope: SystemEvent.Scope, scopeOwner: String?, message: String, finishDate: String?, finishTime: String?
    ) {
        types = types.map { Option(value: $0.value, label: $0.label, selected: $0.value == key) }
        scopes = scopes.map { Option(value: $0.value, label: $0.label, selected: $0.value == scope.rawValue) }
        self.scopeOwner = scopeOwner ?? ""
        self.message = message
        self.finishDate = finishDate ?? ""
        self.finishTime = finishTime ?? ""
    }
}
