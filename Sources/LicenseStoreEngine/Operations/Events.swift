import Foundation
import LicenseCore
import LicenseStore

extension LicenseEngine {
    public func addEvent(tenant: String, _ draft: EventDraft, actor: String, now: Date) async throws -> SystemEvent {
        try EventRule.validate(draft)
        return try await write(tenant: tenant) { s in
            _ = try self.requireIntactTenant(s, tenant)
            let event = try self.raiseEvent(s, tenant: tenant, draft: draft, actor: actor, now: now, replacingActive: false)
            try self.appendAudit(
                s, tenant: tenant, actor: actor, action: "event.add", target: "#\(event.id) \(event.key)", before: nil,
                after: event.message, now: now)
            return event
        }
    }

    public func updateEvent(
        tenant: String, id: Int64, changes: EventChanges, actor: String, now: Date
    ) async throws -> SystemEvent {
        try await write(tenant: tenant) { s in
            _ = try self.requireIntactTenant(s, tenant)
            var record = try self.requireEvent(s, tenant: tenant, id: id)
            let before = record.event
            record.event = try EventRule.apply(changes, to: record.event)
            try self.save(s, &record)
            try self.appendAudit(
                s, tenant: tenant, actor: actor, action: "event.update", target: "#\(id) \(before.key)",
                before: before.message, after: record.event.message, now: now)
            return record.event
        }
    }

    public func finishEvent(tenant: String, id: Int64, actor: String, now: Date) async throws -> SystemEvent {
        try await write(tenant: tenant) { s in
            _ = try self.requireIntactTenant(s, tenant)
            var record = try self.requireEvent(s, tenant: tenant, id: id)
            record.event = try EventRule.finish(record.event, now: now)
            try self.save(s, &record)
            try self.appendAudit(
                s, tenant: tenant, actor: actor, action: "event.finish", target: "#\(id) \(record.event.key)",
                before: "active", after: "finished", now: now)
            return record.event
        }
    }

    public func deleteEvent(tenant: String, id: Int64, actor: String, now: Date) async throws {
        try await write(tenant: tenant) { s in
            _ = try self.requireIntactTenant(s, tenant)
            let record = try self.requireEvent(s, tenant: tenant, id: id)
            try self.remove(
                s, tenant: tenant, from: "system_event", where: "tenant_id = ? AND id = ?", [.text(tenant), .integer(id)])
            try self.updateHead(s, tenant: tenant) { $0.head.eventIDs.removeAll { $0 == id } }
            try self.appendAudit(
                s, tenant: tenant, actor: actor, action: "event.delete", target: "#\(id) \(record.event.key)",
                before: record.event.message, after: nil, now: now)
        }
    }

    /// The tenant's verified events as of `now`: an active event past its expected finish reads as finished. A read:
    /// nothing is written (`upkeep` writes that down).
    public func events(tenant: String, now: Date) async throws -> [SystemEvent] {
        try await read { s in
            _ = try self.loadTenant(s, tenant)
            return EventRule.asOf(try self.loadEvents(s, tenant: tenant).valid, now: now)
        }
    }

    public func upkeep(tenant: String, now: Date) async throws -> Bool {
        let isDue = try await read { s -> Bool in
            let (tenantValue, isIntact) = try self.loadTenant(s, tenant)
            guard isIntact else { return false }
            let work = EventRule.upkeep(
                events: try self.loadEvents(s, tenant: tenant).valid, owners: try self.loadOwners(s, tenant: tenantValue),
                now: now)
            return !work.finished.isEmpty || !work.drafts.isEmpty
        }
        guard isDue else { return false }
        return try await write(tenant: tenant) { s in
            let (tenantValue, isIntact) = try self.loadTenant(s, tenant)
            guard isIntact else { return false }
            let work = EventRule.upkeep(
                events: try self.loadEvents(s, tenant: tenant).valid, owners: try self.loadOwners(s, tenant: tenantValue),
                now: now)
            guard !work.finished.isEmpty || !work.drafts.isEmpty else { return false }
            for event in work.finished {
                var record = EventRecord(tenantID: tenant, event: event, seal: "")
                try self.save(s, &record)
            }
            for draft in work.drafts {
                try self.raiseEvent(s, tenant: tenant, draft: draft, actor: "system", now: now, replacingActive: true)
            }
            try self.appendAudit(
                s, tenant: tenant, actor: "system", action: "event.upkeep", target: "events", before: nil,
                after: "finished expired events, raised license warnings", now: now)
            return true
        }
    }

    public func recordTamper(tenant: String, problems: [IntegrityProblem], now: Date) async throws -> [SystemEvent] {
        guard !problems.isEmpty else { return [] }
        return try await write(tenant: tenant) { s in
            // Raised even when the tenant row itself is what was tampered with: that is the point.
            // A problem already reported by an active event, even one whose own row was edited since, is not raised
            // again (the edited event is a problem of its own).
            let events = try self.loadEvents(s, tenant: tenant)
            let drafts = EventRule.tamperDrafts(
                problems: problems.map { ($0.table, $0.key, $0.problem) }, events: events.valid + events.void)
            var raised: [SystemEvent] = []
            for draft in drafts {
                raised.append(
                    try self.raiseEvent(s, tenant: tenant, draft: draft, actor: "system", now: now, replacingActive: false))
            }
            if !raised.isEmpty {
                try self.appendAudit(
                    s, tenant: tenant, actor: "system", action: "integrity.tamper-detected", target: "\(raised.count) rows",
                    before: nil, after: String(raised.map(\.message).joined(separator: "; ").prefix(4_000)), now: now)
            }
            return raised
        }
    }

    func requireEvent(_ s: Backend.Session, tenant: String, id: Int64) throws -> EventRecord {
        guard
            let record = try s.fetchOne(
                EventRecord.self, "SELECT * FROM system_event WHERE tenant_id = ? AND id = ?", [.text(tenant), .integer(id)])
        else { throw LicenseInputError.unknownEvent(id) }
        try IntegrityRule.requireIntactEvent(
            id, isIntact: sealer.isValid(record.seal, for: record.event.sealBytes(tenant: tenant)))
        return record
    }

    /// Seals and updates an event row.
    func save(_ s: Backend.Session, _ record: inout EventRecord) throws {
        record.seal = sealer.seal(record.event.sealBytes(tenant: record.tenantID))
        try replace(s, tenant: record.tenantID, record, key: ["tenant_id", "id"])
    }

    /// Inserts an event (EventRule.raise decides what it finishes or refuses) and records its id in the sealed head.
    /// Only active events whose seal holds take part: a tampered row neither blocks nor is re-sealed.
    @discardableResult
    func raiseEvent(
        _ s: Backend.Session, tenant: String, draft: EventDraft, actor: String, now: Date, replacingActive: Bool
    ) throws -> SystemEvent {
        let active = try s.fetchAll(
            EventRecord.self,
            "SELECT * FROM system_event WHERE tenant_id = ? AND key = ? AND scope = ? AND scope_owner = ? AND status = 'active'",
            [.text(tenant), .text(draft.key), .text(draft.scope.rawValue), .text(draft.scopeOwner ?? "")]
        ).filter { sealer.isValid($0.seal, for: $0.event.sealBytes(tenant: tenant)) }.map(\.event)
        let head = try pendingHead(s, tenant: tenant)
        let storedMax = try s.scalar(Int64.self, "SELECT MAX(id) AS m FROM system_event WHERE tenant_id = ?", [.text(tenant)])
        let id = EventRule.nextID(storedMax: storedMax, recorded: head.head.eventIDs, issued: head.eventSequence)
        let (finished, raised) = try EventRule.raise(
            draft, id: id, active: active, replacingActive: replacingActive, actor: actor, now: now)
        for event in finished {
            var record = EventRecord(tenantID: tenant, event: event, seal: "")
            try save(s, &record)
        }
        try add(
            s, tenant: tenant, EventRecord(tenantID: tenant, event: raised, seal: sealer.seal(raised.sealBytes(tenant: tenant))))
        try updateHead(s, tenant: tenant) { head in
            head.eventSequence = id
            head.head.eventIDs.append(id)
        }
        return raised
    }
}
