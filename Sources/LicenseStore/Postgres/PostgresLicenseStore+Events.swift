import Foundation
import GRDB
import LicenseCore

// The events of SQLiteLicenseStore+Events.swift, in PostgreSQL transactions.

extension PostgresLicenseStore {
    public func addEvent(tenant: String, _ draft: EventDraft, actor: String, now: Date) async throws -> SystemEvent {
        try EventRule.validate(draft)
        return try await write(tenant: tenant) { session in
            _ = try await self.requireIntactTenant(session, tenant)
            let event = try await self.raiseEvent(
                session, tenant: tenant, draft: draft, actor: actor, now: now, replacingActive: false)
            try await self.appendAudit(
                session, tenant: tenant, actor: actor, action: "event.add", target: "#\(event.id) \(event.key)",
                before: nil, after: event.message, now: now)
            return event
        }
    }

    public func updateEvent(
        tenant: String, id: Int64, changes: EventChanges, actor: String, now: Date
    ) async throws -> SystemEvent {
        try await write(tenant: tenant) { session in
            _ = try await self.requireIntactTenant(session, tenant)
            var record = try await self.requireEvent(session, tenant: tenant, id: id)
            let before = record.event
            record.event = try EventRule.apply(changes, to: record.event)
            record.seal = self.sealer.seal(record.event.sealBytes(tenant: tenant))
            try await session.update(record, key: ["tenant_id", "id"])
            try await self.appendAudit(
                session, tenant: tenant, actor: actor, action: "event.update", target: "#\(id) \(before.key)",
                before: before.message, after: record.event.message, now: now)
            return record.event
        }
    }

    public func finishEvent(tenant: String, id: Int64, actor: String, now: Date) async throws -> SystemEvent {
        try await write(tenant: tenant) { session in
            _ = try await self.requireIntactTenant(session, tenant)
            var record = try await self.requireEvent(session, tenant: tenant, id: id)
            guard record.event.status == .active else {
                throw LicenseRefusal(.eventConflict, "event #\(id) is already \(record.event.status.rawValue)")
            }
            record.event.status = .finished
            record.event.finishedAt = now.wholeSeconds
            record.seal = self.sealer.seal(record.event.sealBytes(tenant: tenant))
            try await session.update(record, key: ["tenant_id", "id"])
            try await self.appendAudit(
                session, tenant: tenant, actor: actor, action: "event.finish", target: "#\(id) \(record.event.key)",
                before: "active", after: "finished", now: now)
            return record.event
        }
    }

    public func deleteEvent(tenant: String, id: Int64, actor: String, now: Date) async throws {
        try await write(tenant: tenant) { session in
            _ = try await self.requireIntactTenant(session, tenant)
            let record = try await self.requireEvent(session, tenant: tenant, id: id)
            try await session.execute("DELETE FROM system_event WHERE tenant_id = ? AND id = ?", [tenant, id])
            try await self.updateHeadEventIDs(session, tenant: tenant) { $0.removeAll { $0 == id } }
            try await self.appendAudit(
                session, tenant: tenant, actor: actor, action: "event.delete", target: "#\(id) \(record.event.key)",
                before: record.event.message, after: nil, now: now)
        }
    }

    public func events(tenant: String, now: Date) async throws -> [SystemEvent] {
        let (events, owners) = try await read { session -> ([SystemEvent], [String: OwnerLicense]) in
            let (tenantValue, _) = try await self.loadTenant(session, tenant)
            return (
                try await self.loadEvents(session, tenant: tenant).valid, try await self.loadOwners(session, tenant: tenantValue)
            )
        }
        let needsUpkeep =
            !EventRule.expired(events, now: now).isEmpty
            || !EventRule.expiringDrafts(owners: owners, events: events, now: now).isEmpty
        guard needsUpkeep else { return events }
        return try await write(tenant: tenant) { session in
            let (tenantValue, isIntact) = try await self.loadTenant(session, tenant)
            guard isIntact else { return try await self.loadEvents(session, tenant: tenant).valid }
            let current = try await self.loadEvents(session, tenant: tenant).valid
            for event in EventRule.expired(current, now: now) {
                var finished = event
                finished.status = .finished
                finished.finishedAt = event.expectedFinish
                try await session.update(
                    EventRecord(tenantID: tenant, event: finished, seal: self.sealer.seal(finished.sealBytes(tenant: tenant))),
                    key: ["tenant_id", "id"])
            }
            let owners = try await self.loadOwners(session, tenant: tenantValue)
            for draft in EventRule.expiringDrafts(owners: owners, events: current, now: now) {
                try await self.raiseEvent(session, tenant: tenant, draft: draft, actor: "system", now: now, replacingActive: true)
            }
            try await self.appendAudit(
                session, tenant: tenant, actor: "system", action: "event.upkeep", target: "events", before: nil,
                after: "finished expired events, raised license warnings", now: now)
            return try await self.loadEvents(session, tenant: tenant).valid
        }
    }

    public func recordTamper(tenant: String, problems: [IntegrityProblem], now: Date) async throws -> [SystemEvent] {
        guard !problems.isEmpty else { return [] }
        return try await write(tenant: tenant) { session in
            // Raised even when the tenant row itself is what was tampered with: that is the point.
            let events = try await self.loadEvents(session, tenant: tenant).valid
            let drafts = EventRule.tamperDrafts(problems: problems.map { ($0.table, $0.key, $0.problem) }, events: events)
            var raised: [SystemEvent] = []
            for draft in drafts {
                raised.append(
                    try await self.raiseEvent(
                        session, tenant: tenant, draft: draft, actor: "system", now: now, replacingActive: false))
            }
            if !raised.isEmpty {
                try await self.appendAudit(
                    session, tenant: tenant, actor: "system", action: "integrity.tamper-detected",
                    target: "\(raised.count) rows", before: nil,
                    after: String(raised.map(\.message).joined(separator: "; ").prefix(4_000)), now: now)
            }
            return raised
        }
    }

    func requireEvent(_ session: PostgresSession, tenant: String, id: Int64) async throws -> EventRecord {
        guard
            let record = try await session.fetchOne(
                EventRecord.self, "SELECT * FROM system_event WHERE tenant_id = ? AND id = ?", [tenant, id])
        else { throw LicenseInputError.unknownEvent(id) }
        guard sealer.isValid(record.seal, for: record.event.sealBytes(tenant: tenant)) else {
            throw LicenseRefusal(.integrity, "event #\(id) has been tampered with (seal broken)")
        }
        return record
    }

    /// Inserts an event; an active one with the same key, scope and owner is refused, or finished first when
    /// `replacingActive`. Ids are never reused, not even one whose row was deleted behind the server's back.
    @discardableResult
    func raiseEvent(
        _ session: PostgresSession, tenant: String, draft: EventDraft, actor: String, now: Date, replacingActive: Bool
    ) async throws -> SystemEvent {
        let active = try await session.fetchAll(
            EventRecord.self,
            "SELECT * FROM system_event WHERE tenant_id = ? AND key = ? AND scope = ? AND scope_owner = ? AND status = 'active'",
            [tenant, draft.key, draft.scope.rawValue, draft.scopeOwner ?? ""])
        if !replacingActive { try EventRule.checkNoConflict(draft, active: active.map(\.event), now: now) }
        for var record in active {
            record.event.status = .finished
            record.event.finishedAt = now.wholeSeconds
            record.seal = sealer.seal(record.event.sealBytes(tenant: tenant))
            try await session.update(record, key: ["tenant_id", "id"])
        }
        let stored = try await session.scalar(Int64.self, "SELECT MAX(id) FROM system_event WHERE tenant_id = ?", [tenant]) ?? 0
        let head = try await session.fetchOne(TenantHeadRecord.self, "SELECT * FROM tenant_head WHERE tenant_id = ?", [tenant])
        let issued =
            try await session.scalar(Int64.self, "SELECT event_sequence FROM tenant_head WHERE tenant_id = ?", [tenant]) ?? 0
        let id = max(stored, head?.head.eventIDs.max() ?? 0, issued) + 1
        try await session.execute("UPDATE tenant_head SET event_sequence = ? WHERE tenant_id = ?", [id, tenant])
        let event = SystemEvent(
            id: id, key: draft.key, scope: draft.scope, scopeOwner: draft.scopeOwner, message: draft.message,
            activatedAt: now.wholeSeconds, activatedBy: actor, expectedFinish: draft.expectedFinish?.wholeSeconds,
            systemWide: draft.systemWide, progressDone: draft.progressDone, progressTotal: draft.progressTotal)
        try await session.insert(EventRecord(tenantID: tenant, event: event, seal: sealer.seal(event.sealBytes(tenant: tenant))))
        try await updateHeadEventIDs(session, tenant: tenant) { $0.append(id) }
        return event
    }
}
