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
