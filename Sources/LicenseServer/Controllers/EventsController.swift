import Foundation
import Hummingbird
import LicenseCore
import LicenseStore
import Logging

/// `/api/v1/tenants/{tenant}/events`: system events (DESIGN §9), generated operations (`tags: events`).
extension TenantAPI {
    func listEvents(_ input: Operations.ListEvents.Input) async throws -> Operations.ListEvents.Output {
        let now = Date()
        let events = try await store.events(tenant: try CurrentRequest.current().tenant(), now: now)
        let list = try EventsController.sorted(events, now: now).map { try Components.Schemas.SystemEvent(converting: $0) }
        return .ok(.init(body: .json(.init(events: list))))
    }

    func createEvent(_ input: Operations.CreateEvent.Input) async throws -> Operations.CreateEvent.Output {
        let context = try CurrentRequest.current()
        let tenant = try context.tenant()
        guard case .json(let body) = input.body else { throw APIError.badRequest("the request body is empty; expected JSON") }
        let draft = EventDraft(
            key: body.key, scope: try NullableEnum.value(body.scope, as: SystemEvent.Scope.self, field: "scope") ?? .system,
            scopeOwner: body.owner, message: body.message, expectedFinish: body.expectedFinish)
        let event = try await store.addEvent(tenant: tenant, draft, actor: context.actor, now: Date())
        await EventsController.wrote(tenant: tenant, store: store, snapshots: snapshots, logger: context.logger)
        return .created(.init(body: .json(try .init(converting: event))))
    }

    func getEvent(_ input: Operations.GetEvent.Input) async throws -> Operations.GetEvent.Output {
        let id = Int64(input.path.id)
        guard
            let event = try await store.events(tenant: try CurrentRequest.current().tenant(), now: Date()).first(where: {
                $0.id == id
            })
        else {
            throw APIError.notFound("unknown event #\(id)")
        }
        return .ok(.init(body: .json(try .init(converting: event))))
    }

    /// Absent fields are left as they are; `expectedFinish: null` clears the expected finish. The generated type reads
    /// null and absent alike as nil, so the body says which it was.
    func updateEvent(_ input: Operations.UpdateEvent.Input) async throws -> Operations.UpdateEvent.Output {
        let context = try CurrentRequest.current()
        let tenant = try context.tenant()
        guard case .json(let body) = input.body else { throw APIError.badRequest("the request body is empty; expected JSON") }
        let expectedFinish: Date?? =
            if let date = body.expectedFinish { .some(date) } else if CurrentRequest.sentNull("expectedFinish") {
                .some(nil)
            } else { nil }
        let event = try await store.updateEvent(
            tenant: tenant, id: Int64(input.path.id),
            changes: EventChanges(message: body.message, expectedFinish: expectedFinish),
            actor: context.actor, now: Date())
        await EventsController.wrote(tenant: tenant, store: store, snapshots: snapshots, logger: context.logger)
        return .ok(.init(body: .json(try .init(converting: event))))
    }

    func deleteEvent(_ input: Operations.DeleteEvent.Input) async throws -> Operations.DeleteEvent.Output {
        let context = try CurrentRequest.current()
        try await store.deleteEvent(tenant: try context.tenant(), id: Int64(input.path.id), actor: context.actor, now: Date())
        return .noContent(.init())
    }

    func finishEvent(_ input: Operations.FinishEvent.Input) async throws -> Operations.FinishEvent.Output {
        let context = try CurrentRequest.current()
        let tenant = try context.tenant()
        let event = try await store.finishEvent(tenant: tenant, id: Int64(input.path.id), actor: context.actor, now: Date())
        await EventsController.wrote(tenant: tenant, store: store, snapshots: snapshots, logger: context.logger)
        return .ok(.init(body: .json(try .init(converting: event))))
    }
}

/// What the API's events and the admin pages' Status tab share.
enum EventsController {
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
}
