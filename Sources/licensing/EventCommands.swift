import ArgumentParser
import Foundation
import LicenseCore
import LicenseStore

extension SystemEvent.Scope: ExpressibleByArgument {}

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "System events: no login, message of the day, what the system raises.",
        subcommands: [List.self, Add.self, Update.self, Finish.self, Delete.self])

    static func parseDate(_ text: String?) throws -> Date? {
        guard let text else { return nil }
        guard let date = ISO8601.date(text) else { throw CLIError.input("'\(text.prefix(40))' is not an ISO 8601 date and time") }
        return date
    }

    static func print(_ event: SystemEvent) {
        var line = "#\(event.id) \(event.key) [\(event.status.rawValue)] \(event.scope.rawValue)"
        if let owner = event.scopeOwner { line += ":\(owner)" }
        line += " — \(event.message) (by \(event.activatedBy) at \(ISO8601.string(event.activatedAt))"
        if let finish = event.expectedFinish { line += ", until \(ISO8601.string(finish))" }
        if let done = event.progressDone, let total = event.progressTotal { line += ", \(done)/\(total)" }
        Output.line(line + ")")
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List events, active first.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await guarded(json: store.json) {
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let now = Date()
                // The CLI has no background task: write down what time has done before reading (the server does it
                // periodically).
                _ = try await sqlite.upkeep(tenant: tenant, now: now)
                let events = try await sqlite.events(tenant: tenant, now: now).sorted {
                    ($0.isActive(at: now) ? 0 : 1, -$0.id) < ($1.isActive(at: now) ? 0 : 1, -$1.id)
                }
                if store.json { return Output.json(["events": events]) }
                events.forEach(EventsCommand.print)
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an event (refused if one is active for the same key and scope).")
        @OptionGroup var store: StoreOptions
        @Option(help: "no-login, no-freetext, no-travel, message-of-the-day, …") var key: String
        @Option(help: "The message shown to users.") var message: String
        @Option(help: "system, database, group or user.") var scope: SystemEvent.Scope = .system
        @Option(help: "The user or group name for user and group scope.") var owner: String?
        @Option(help: "When it ends by itself (ISO 8601).") var finish: String?

        func run() async throws {
            try await guarded(json: store.json) {
                let draft = EventDraft(
                    key: key, scope: scope, scopeOwner: owner, message: message,
                    expectedFinish: try EventsCommand.parseDate(finish))
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let event = try await sqlite.addEvent(tenant: tenant, draft, actor: store.actor, now: Date())
                if store.json { Output.json(event) } else { EventsCommand.print(event) }
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an event's message or finish time.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The event id.") var id: Int64
        @Option(help: "The new message.") var message: String?
        @Option(help: "The new finish time (ISO 8601), or 'none'.") var finish: String?

        func run() async throws {
            try await guarded(json: store.json) {
                var changes = EventChanges(message: message)
                if let finish {
                    changes.expectedFinish = finish == "none" ? .some(nil) : .some(try EventsCommand.parseDate(finish))
                }
                guard changes != EventChanges() else { throw CLIError.input("nothing to change: pass --message or --finish") }
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let event = try await sqlite.updateEvent(
                    tenant: tenant, id: id, changes: changes, actor: store.actor, now: Date())
                if store.json { Output.json(event) } else { EventsCommand.print(event) }
            }
        }
    }

    struct Finish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Finish an active event now.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The event id.") var id: Int64

        func run() async throws {
            try await guarded(json: store.json) {
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let event = try await sqlite.finishEvent(tenant: tenant, id: id, actor: store.actor, now: Date())
                if store.json { Output.json(event) } else { EventsCommand.print(event) }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an event.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The event id.") var id: Int64

        func run() async throws {
            try await guarded(json: store.json) {
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                try await sqlite.deleteEvent(tenant: tenant, id: id, actor: store.actor, now: Date())
                if store.json { Output.json(["deleted": id]) } else { Output.line("deleted event #\(id)") }
            }
        }
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "The Status tab: database, owners and their dates, seats, events.")
    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await guarded(json: store.json) {
            let sqlite = try await store.openStore()
            let tenant = try await store.resolveTenant(sqlite)
            let now = Date()
            // As `events list`: what time has done is written down first, so the status shows it stored.
            _ = try await sqlite.upkeep(tenant: tenant, now: now)
            let report = StatusReport.make(from: try await sqlite.loadSnapshot(tenant: tenant), loggedOnUser: cliActor, now: now)
            if store.json { return Output.json(report) }
            let db = report.database
            Output.line("Database: \(db.owner ?? db.companyName), serial number \(db.serialNumber), \(db.type.rawValue)")
            if let next = db.nextExpiry { Output.line("Next expiry: \(ISO8601.string(next))") }
            if !report.tenantIntact { Output.line("WARNING: the tenant row has been tampered with; logins are blocked") }
            for owner in report.owners {
                Output.line(
                    "\(owner.name): issued \(ISO8601.string(owner.issuedAt))"
                        + (owner.expiresAt.map { ", expires \(ISO8601.string($0))" } ?? ""))
                for warning in owner.warnings { Output.line("  ! \(warning)") }
            }
            Output.line(
                "Seats: user/web \(report.seats.userWeb.inUse)/\(report.seats.userWeb.purchased), plans \(report.seats.plans.inUse)/\(report.seats.plans.purchased)"
            )
            report.events.forEach(EventsCommand.print)
        }
    }
}
