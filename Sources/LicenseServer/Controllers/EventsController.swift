import Foundation
import Hummingbird
import LicenseCore
import LicenseStore
import Logging

/// `/api/v1/tenants/{tenant}/events`: system events (DESIGN §9).
struct EventsController {
    let store: any LicenseStoring
    let snapshots: SnapshotCache

    struct EventList: Codable {
        var events: [SystemEvent]
    }

    struct NewEvent: Decodable {
        var key: String
        var message: String
        var scope: SystemEvent.Scope?
        var owner: String?
        var expectedFinish: Date?
    }

    struct EventPatch: Decodable {
        var message: String?
        /// Absent: unchanged; null: cleared; a date: set.
        var expectedFinish: Date??

        enum CodingKeys: String, CodingKey { case message, expectedFinish }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            message = try c.decodeIfPresent(String.self, forKey: .message)
            if c.contains(.expectedFinish) {
                expectedFinish = .some(
                    try c.decodeNil(forKey: .expectedFinish) ? nil : try c.decode(Date.self, forKey: .expectedFinish))
            }
        }
    }

    /// After a write of events: what the write made due (an expected finish already past) is written down at once,
    /// rather than at the next background round, and the snapshot refreshed. The write has committed, so a failing
    /// upkeep is logged, not answered; the background round tries again.
    static func wrote(tenant: String, store: any LicenseStoring, snapshots: SnapshotCache, logger: Logger) async {
        do {
            _ = try await store.upkeep(tenant: tenant, now: Date())
        } catch {
            logger.warning("upkeep after an event write failed", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
        }
    }

    /// The events as of `now`, active ones first, newest first: an event past its expected finish reads as finished.
    static func sorted(_ events: [SystemEvent], now: Date) -> [SystemEvent] {
        events.sorted { ($0.isActive(at: now) ? 0 : 1, -$0.id) < ($1.isActive(at: now) ? 0 : 1, -$1.id) }
    }

    func register(on group: RouterGroup<LicenseRequestContext>) {
        group.get("events") { _, context in
            try context.require(.read)
            let now = Date()
            let events = try await store.events(tenant: try context.tenant(), now: now)
            return try JSONResponse.make(EventList(events: Self.sorted(events, now: now)))
        }
        group.post("events") { request, context in
            try context.require(.write)
            let tenant = try context.tenant()
            let body = try await request.decodeJSON(NewEvent.self, context: context)
            let draft = EventDraft(
                key: body.key, scope: body.scope ?? .system, scopeOwner: body.owner, message: body.message,
                expectedFinish: body.expectedFinish)
            let event = try await store.addEvent(tenant: tenant, draft, actor: context.actor, now: Date())
            await Self.wrote(tenant: tenant, store: store, snapshots: snapshots, logger: context.logger)
            return try JSONResponse.make(event, status: .created)
        }
        group.get("events/:id") { _, context in
            try context.require(.read)
            let id = try Self.id(context)
            guard let event = try await store.events(tenant: try context.tenant(), now: Date()).first(where: { $0.id == id })
            else {
                throw APIError.notFound("unknown event #\(id)")
            }
            return try JSONResponse.make(event)
        }
        group.patch("events/:id") { request, context in
            try context.require(.write)
            let tenant = try context.tenant()
            let body = try await request.decodeJSON(EventPatch.self, context: context)
            let changes = EventChanges(message: body.message, expectedFinish: body.expectedFinish)
            let event = try await store.updateEvent(
                tenant: tenant, id: try Self.id(context), changes: changes, actor: context.actor, now: Date())
            await Self.wrote(tenant: tenant, store: store, snapshots: snapshots, logger: context.logger)
            return try JSONResponse.make(event)
        }
        group.delete("events/:id") { _, context in
            try context.require(.write)
            let tenant = try context.tenant()
            try await store.deleteEvent(tenant: tenant, id: try Self.id(context), actor: context.actor, now: Date())
            return Response(status: .noContent)
        }
        group.post("events/:id/finish") { _, context in
            try context.require(.write)
            let tenant = try context.tenant()
            let event = try await store.finishEvent(tenant: tenant, id: try Self.id(context), actor: context.actor, now: Date())
            await Self.wrote(tenant: tenant, store: store, snapshots: snapshots, logger: context.logger)
            return try JSONResponse.make(event)
        }
    }

    static func id(_ context: LicenseRequestContext) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), id > 0 else { throw APIError.invalid("event ids are positive whole numbers") }
        return id
    }
}
