import Foundation

// MARK: - Lifecycle: raising, finishing, upkeep

extension EventRule {
    /// The event finished by hand at `now`; only an active event may finish.
    public static func finish(_ event: SystemEvent, now: Date) throws -> SystemEvent {
        guard event.status == .active else {
            throw LicenseRefusal(.eventConflict, "event #\(event.id) is already \(event.status.rawValue)")
        }
        var finished = event
        finished.status = .finished
        finished.finishedAt = now.wholeSeconds
        return finished
    }

    /// The id of the next event: never one used before, not even one whose row was deleted behind the server's back.
    ///
    /// - Parameters:
    ///   - storedMax: the largest id stored in the event table, nil when it is empty.
    ///   - recorded: the ids the tenant head records.
    ///   - issued: the last id handed out (the head's event sequence).
    public static func nextID(storedMax: Int64?, recorded: [Int64], issued: Int64) -> Int64 {
        Swift.max(storedMax ?? 0, recorded.max() ?? 0, issued) + 1
    }

    /// Raises an event with the id the caller allocated (see `nextID`).
    ///
    /// `active` are the active events with the draft's key, scope and owner (others passed are ignored). An event active
    /// at `now` among them is a conflict, refused unless `replacingActive` (system events such as `license-activated`
    /// replace their predecessor); every one of them comes back finished at `now`, for the caller to store with the new
    /// event.
    public static func raise(
        _ draft: EventDraft, id: Int64, active: [SystemEvent], replacingActive: Bool, actor: String, now: Date
    ) throws -> (finished: [SystemEvent], raised: SystemEvent) {
        let same = active.filter {
            $0.status == .active && $0.key == draft.key && $0.scope == draft.scope && $0.scopeOwner == draft.scopeOwner
        }
        if !replacingActive { try checkNoConflict(draft, active: same, now: now) }
        let finished = same.map { event in
            var event = event
            event.status = .finished
            event.finishedAt = now.wholeSeconds
            return event
        }
        let raised = SystemEvent(
            id: id, key: draft.key, scope: draft.scope, scopeOwner: draft.scopeOwner, message: draft.message,
            activatedAt: now.wholeSeconds, activatedBy: actor, expectedFinish: draft.expectedFinish?.wholeSeconds,
            systemWide: draft.systemWide, progressDone: draft.progressDone, progressTotal: draft.progressTotal)
        return (finished, raised)
    }

    /// The upkeep a write (or a periodic task) performs: events past their expected finish come back finished at that
    /// finish, and a `license-expiring` draft per owner past its admin-warning date not warned about before.
    public static func upkeep(
        events: [SystemEvent], owners: [String: OwnerLicense], now: Date
    ) -> (finished: [SystemEvent], drafts: [EventDraft]) {
        (expired(events, now: now).map(finishedAtExpectedFinish), expiringDrafts(owners: owners, events: events, now: now))
    }

    /// The events as they stand at `now`, for reads that must not write: an active event past its expected finish is
    /// shown finished at that finish, as upkeep will store it; the others are unchanged.
    public static func asOf(_ events: [SystemEvent], now: Date) -> [SystemEvent] {
        events.map { event in isExpired(event, now: now) ? finishedAtExpectedFinish(event) : event }
    }

    static func isExpired(_ event: SystemEvent, now: Date) -> Bool {
        event.status == .active && (event.expectedFinish.map { $0 <= now } ?? false)
    }

    private static func finishedAtExpectedFinish(_ event: SystemEvent) -> SystemEvent {
        var finished = event
        finished.status = .finished
        finished.finishedAt = event.expectedFinish
        return finished
    }
}
