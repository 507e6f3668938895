import Foundation
import GRDB
import LicenseCore

extension SQLiteLicenseStore {
    public func addEvent(tenant: String, _ draft: EventDraft, actor: String, now: Date) async throws -> SystemEvent {
        try EventRule.validate(draft)
        return try await write { db in
            _ = try self.requireIntactTenant(db, tenant)
            let event = try self.raiseEvent(db, tenant: tenant, draft: draft, actor: actor, now: now, replacingActive: false)
            try self.appendAudit(
                db, tenant: tenant, actor: actor, action: "event.add", target: "#\(event.id) \(event.key)", before: nil,
                after: event.message, now: now)
            return event
        }
    }

    public func updateEvent(
        tenant: String, id: Int64, changes: EventChanges, actor: String, now: Date
    ) async throws -> SystemEvent {
        try await write { db in
            _ = try self.requireIntactTenant(db, tenant)
            var record = try self.requireEvent(db, tenant: tenant, id: id)
            let before = record.event
            record.event = try EventRule.apply(changes, to: record.event)
            record.seal = self.sealer.seal(record.event.sealBytes(tenant: tenant))
            try record.update(db)
            try self.appendAudit(
                db, tenant: tenant, actor: actor, action: "event.update", target: "#\(id) \(before.key)",
                before: before.message, after: record.event.message, now: now)
            return record.event
        }
    }

    public func finishEvent(tenant: String, id: Int64, actor: String, now: Date) async throws -> SystemEvent {
        try await write { db in
            _ = try self.requireIntactTenant(db, tenant)
            var record = try self.requireEvent(db, tenant: tenant, id: id)
            guard record.event.status == .active else {
                throw LicenseRefusal(.eventConflict, "event #\(id) is already \(record.event.status.rawValue)")
            }
            record.event.status = .finished
            record.event.finishedAt = now.wholeSeconds
            record.seal = self.sealer.seal(record.event.sealBytes(tenant: tenant))
            try record.update(db)
            try self.appendAudit(
                db, tenant: tenant, actor: actor, action: "event.finish", target: "#\(id) \(record.event.key)", before: "active",
                after: "finished", now: now)
            return record.event
        }
    }

    public func deleteEvent(tenant: String, id: Int64, actor: String, now: Date) async throws {
        try await write { db in
            _ = try self.requireIntactTenant(db, tenant)
            let record = try self.requireEvent(db, tenant: tenant, id: id)
            try db.execute(sql: "DELETE FROM system_event WHERE tenant_id = ? AND id = ?", arguments: [tenant, id])
            try self.updateHeadEventIDs(db, tenant: tenant) { $0.removeAll { $0 == id } }
            try self.appendAudit(
                db, tenant: tenant, actor: actor, action: "event.delete", target: "#\(id) \(record.event.key)",
                before: record.event.message, after: nil, now: now)
        }
    }

    public func events(tenant: String, now: Date) async throws -> [SystemEvent] {
        let (events, owners) = try await read { db -> ([SystemEvent], [String: OwnerLicense]) in
            let (tenantValue, _) = try self.loadTenant(db, tenant)
            return (try self.loadEvents(db, tenant: tenant).valid, try self.loadOwners(db, tenant: tenantValue))
        }
        let needsUpkeep =
            !EventRule.expired(events, now: now).isEmpty
            || !EventRule.expiringDrafts(owners: owners, events: events, now: now).isEmpty
        guard needsUpkeep else { return events }
        return try await write { db in
            let (tenantValue, isIntact) = try self.loadTenant(db, tenant)
            guard isIntact else { return try self.loadEvents(db, tenant: tenant).valid }
            let current = try self.loadEvents(db, tenant: tenant).valid
            for event in EventRule.expired(current, now: now) {
                var finished = event
                finished.status = .finished
                finished.finishedAt = event.expectedFinish
                try EventRecord(tenantID: tenant, event: finished, seal: self.sealer.seal(finished.sealBytes(tenant: tenant)))
                    .update(db)
            }
            let owners = try self.loadOwners(db, tenant: tenantValue)
            for draft in EventRule.expiringDrafts(owners: owners, events: current, now: now) {
                try self.raiseEvent(db, tenant: tenant, draft: draft, actor: "system", now: now, replacingActive: true)
            }
            try self.appendAudit(
                db, tenant: tenant, actor: "system", action: "event.upkeep", target: "events", before: nil,
                after: "finished expired events, raised license warnings", now: now)
            return try self.loadEvents(db, tenant: tenant).valid
        }
    }

    public func recordTamper(tenant: String, problems: [IntegrityProblem], now: Date) async throws -> [SystemEvent] {
        guard !problems.isEmpty else { return [] }
        return try await write { db in
            // Raised even when the tenant row itself is what was tampered with: that is the point.
            let events = try self.loadEvents(db, tenant: tenant).valid
            let drafts = EventRule.tamperDrafts(problems: problems.map { ($0.table, $0.key, $0.problem) }, events: events)
            var raised: [SystemEvent] = []
            for draft in drafts {
                raised.append(
                    try self.raiseEvent(db, tenant: tenant, draft: draft, actor: "system", now: now, replacingActive: false))
            }
            if !raised.isEmpty {
                try self.appendAudit(
                    db, tenant: tenant, actor: "system", action: "integrity.tamper-detected", target: "\(raised.count) rows",
                    before: nil, after: String(raised.map(\.message).joined(separator: "; ").prefix(4_000)), now: now)
            }
            return raised
        }
    }

    func requireEvent(_ db: Database, tenant: String, id: Int64) throws -> EventRecord {
        guard
            let record = try EventRecord.fetchOne(
                db, sql: "SELECT * FROM system_event WHERE tenant_id = ? AND id = ?", arguments: [tenant, id])
        else { throw LicenseInputError.unknownEvent(id) }
        guard sealer.isValid(record.seal, for: record.event.sealBytes(tenant: tenant)) else {
            throw LicenseRefusal(.integrity, "event #\(id) has been tampered with (seal broken)")
        }
        return record
    }

    /// Inserts an event; an active one with the same key, scope and owner is refused, or finished first when
    /// `replacingActive` (system events such as `license-activated` replace their predecessor).
    @discardableResult
    func raiseEvent(
        _ db: Database, tenant: String, draft: EventDraft, actor: String, now: Date, replacingActive: Bool
    ) throws -> SystemEvent {
        let active = try EventRecord.fetchAll(
            db,
            sql:
                "SELECT * FROM system_event WHERE tenant_id = ? AND key = ? AND scope = ? AND scope_owner = ? AND status = 'active'",
            arguments: [tenant, draft.key, draft.scope.rawValue, draft.scopeOwner ?? ""])
        if !replacingActive { try EventRule.checkNoConflict(draft, active: active.map(\.event), now: now) }
        for var record in active {
            record.event.status = .finished
            record.event.finishedAt = now.wholeSeconds
            record.seal = sealer.seal(record.event.sealBytes(tenant: tenant))
            try record.update(db)
        }
        // Never reuse an id, not even one whose row was deleted behind the server's back.
        let stored = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM system_event WHERE tenant_id = ?", arguments: [tenant]) ?? 0
        let recorded = try TenantHeadRecord.fetchOne(db, key: tenant)?.head.eventIDs.max() ?? 0
        let issued = try Int64.fetchOne(db, sql: "SELECT event_sequence FROM tenant_head WHERE tenant_id = ?", arguments: [tenant]) ?? 0
        let id = max(stored, recorded, issued) + 1
        try db.execute(sql: "UPDATE tenant_head SET event_sequence = ? WHERE tenant_id = ?", arguments: [id, tenant])
        let event = SystemEvent(
            id: id, key: draft.key, scope: draft.scope, scopeOwner: draft.scopeOwner, message: draft.message,
            activatedAt: now.wholeSeconds, activatedBy: actor, expectedFinish: draft.expectedFinish?.wholeSeconds,
            systemWide: draft.systemWide, progressDone: draft.progressDone, progressTotal: draft.progressTotal)
        try EventRecord(tenantID: tenant, event: event, seal: sealer.seal(event.sealBytes(tenant: tenant))).insert(db)
        try updateHeadEventIDs(db, tenant: tenant) { $0.append(id) }
        return event
    }
}
