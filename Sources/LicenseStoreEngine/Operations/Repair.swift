import Foundation
import LicenseCore
import LicenseStore

extension LicenseEngine {
    public func repairAcceptingCurrent(tenant: String, actor: String, now: Date) async throws -> RepairReport {
        try await write(tenant: tenant, timeout: longTimeout, checkingHead: false) { s in
            let verifier = self.sealer.makeBulkVerifier()
            var resealed: [String: Int] = [:]
            let old = try self.loadHead(s, tenant: tenant)
            let isOldHeadValid = verifier.isValid(old.seal, for: old.head.sealBytes(tenant: tenant))

            // The tenant row, and whether this key is the database's at all: a key that opens nothing would seal
            // every row with the wrong key.
            let tenantRecord = try s.fetchOne(TenantRecord.self, "SELECT * FROM tenant WHERE id = ?", [.text(tenant)])
            let isTenantValid = tenantRecord.map { verifier.isValid($0.seal, for: $0.tenant.sealBytes) } ?? false
            let auditOpens = try s.rows(
                "SELECT * FROM audit_entry WHERE tenant_id = ? ORDER BY sequence LIMIT 50", [.text(tenant)]
            ).contains { row in
                guard let record = try? AuditRecord(row: row) else { return false }
                return verifier.isValid(record.seal, for: record.entry.sealBytes(tenant: tenant))
            }
            guard isOldHeadValid || isTenantValid || auditOpens else {
                throw LicenseRefusal(
                    .integrity,
                    "the installation key does not match this database (no sealed row of tenant '\(tenant)' verifies with it); nothing was repaired"
                )
            }
            if var record = tenantRecord, !isTenantValid {
                record.seal = self.sealer.seal(record.tenant.sealBytes)
                try s.update(record, key: ["id"])
                resealed["tenant"] = 1
            }

            // Local rows: re-sealed as they are now.
            for var record in try s.fetchAll(
                UserRecord.self, "SELECT * FROM \(s.dialect.userTable) WHERE tenant_id = ?", [.text(tenant)])
            where !verifier.isValid(record.seal, for: record.sealBytes) {
                record.seal = self.sealer.seal(record.sealBytes)
                try s.update(record, key: ["tenant_id", "id"])
                resealed["user", default: 0] += 1
            }
            var assignments: [AssignmentRecord] = []
            try self.forEachAssignment(s, tenant: tenant) { record in
                if !verifier.isValid(record.seal, for: record.assignment.sealBytes(tenant: tenant)) {
                    assignments.append(record)
                }
            }
            for var record in assignments {
                record.seal = self.sealer.seal(record.assignment.sealBytes(tenant: tenant))
                try s.update(record, key: ["tenant_id", "owner_name", "module_name", "user_id", "via_plan"])
                resealed["assignment", default: 0] += 1
            }
            for var record in try s.fetchAll(SatelliteRecord.self, "SELECT * FROM satellite WHERE tenant_id = ?", [.text(tenant)])
            where !verifier.isValid(record.seal, for: record.satellite.sealBytes(tenant: tenant)) {
                record.seal = self.sealer.seal(record.satellite.sealBytes(tenant: tenant))
                try s.update(record, key: ["tenant_id", "name"])
                resealed["satellite", default: 0] += 1
            }
            for var record in try s.fetchAll(
                SatelliteAssignmentRecord.self, "SELECT * FROM satellite_assignment WHERE tenant_id = ?", [.text(tenant)])
            where !verifier.isValid(record.seal, for: record.assignment.sealBytes(tenant: tenant)) {
                record.seal = self.sealer.seal(record.assignment.sealBytes(tenant: tenant))
                try s.update(record, key: ["tenant_id", "owner_name", "module_name", "satellite"])
                resealed["satellite_assignment", default: 0] += 1
            }
            let events = try s.fetchAll(EventRecord.self, "SELECT * FROM system_event WHERE tenant_id = ?", [.text(tenant)])
            for var record in events where !verifier.isValid(record.seal, for: record.event.sealBytes(tenant: tenant)) {
                record.seal = self.sealer.seal(record.event.sealBytes(tenant: tenant))
                try s.update(record, key: ["tenant_id", "id"])
                resealed["system_event", default: 0] += 1
            }

            var usage: [(id: String, seal: String)] = []
            try s.forEachRow("SELECT * FROM usage_event WHERE tenant_id = ?", [.text(tenant)]) { row in
                let event = UsageEvent(
                    id: try row["id"], service: try row["service"], quantity: try row["quantity"],
                    occurredAt: Date(epochSeconds: try row["occurred_at"]), subject: try row["subject"])
                let bytes = event.sealBytes(tenant: tenant, receivedAt: try row["received_at"])
                if !verifier.isValid(try row["seal"], for: bytes) { usage.append((event.id, self.sealer.seal(bytes))) }
            }
            for event in usage {
                try s.execute(
                    "UPDATE usage_event SET seal = ? WHERE tenant_id = ? AND id = ?",
                    [.text(event.seal), .text(tenant), .text(event.id)])
                resealed["usage_event", default: 0] += 1
            }
            for var record in try s.fetchAll(
                UsageMonthRecord.self, "SELECT * FROM usage_month WHERE tenant_id = ?", [.text(tenant)])
            where !verifier.isValid(record.seal, for: record.row.sealBytes(tenant: tenant)) {
                record.seal = self.sealer.seal(record.row.sealBytes(tenant: tenant))
                try s.update(record, key: ["tenant_id", "month", "service"])
                resealed["usage_month", default: 0] += 1
            }

            // The audit chain, re-linked from its first entry as it now stands.
            var previous = ""
            var last: (sequence: Int64, seal: String) = (0, "")
            for var record in try s.fetchAll(
                AuditRecord.self, "SELECT * FROM audit_entry WHERE tenant_id = ? ORDER BY sequence", [.text(tenant)])
            {
                if record.entry.previousSeal != previous
                    || !verifier.isValid(record.seal, for: record.entry.sealBytes(tenant: tenant))
                {
                    record.entry.previousSeal = previous
                    record.seal = self.sealer.seal(record.entry.sealBytes(tenant: tenant))
                    try s.update(record, key: ["tenant_id", "sequence"])
                    resealed["audit_entry", default: 0] += 1
                }
                previous = record.seal
                last = (record.entry.sequence, record.seal)
            }

            // The head: what the rows are now, keeping the highest issuedAt the old head remembered when it held.
            var commitment = try self.computeCommitment(s, tenant: tenant)
            if isOldHeadValid, let recorded = old.head.commitment {
                for (owner, committed) in recorded.owners {
                    if var current = commitment.owners[owner] {
                        current.highestIssuedAt = max(current.highestIssuedAt, committed.highestIssuedAt)
                        commitment.owners[owner] = current
                    } else {
                        commitment.owners[owner] = OwnerCommitment(packageDigest: "", highestIssuedAt: committed.highestIssuedAt)
                    }
                }
            }
            let ids = events.map(\.event.id).sorted()
            var head = old
            head.head = TenantHead(
                version: old.head.version, auditSequence: last.sequence, auditSeal: last.seal, eventIDs: ids,
                commitment: commitment)
            head.eventSequence = max(old.eventSequence, ids.last ?? 0)
            if !isOldHeadValid { resealed["tenant_head"] = 1 }
            self.adoptHead(s, tenant: tenant, head)

            // The reports that led here are resolved.
            for var record in events
            where record.event.key == SystemEvent.tamperDetected && record.event.status == .active {
                record.event = try EventRule.finish(record.event, now: now)
                try self.save(s, &record)
            }
            let before = isOldHeadValid ? (old.head.commitment?.tables ?? [:]).mapValues(\.hex) : [:]
            let after = commitment.tables.mapValues(\.hex)
            let report = RepairReport(resealed: resealed, before: before, after: after)
            try self.appendAudit(
                s, tenant: tenant, actor: actor, action: "integrity.repair", target: "accept current rows",
                before: isOldHeadValid ? Self.digestSummary(before) : "the sealed head did not verify",
                after: "re-sealed "
                    + (resealed.isEmpty
                        ? "nothing"
                        : resealed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                            .joined(separator: ", ")) + "; " + Self.digestSummary(after), now: now)
            return report
        }
    }

    /// Each table's digest, shortened, for the audit entry.
    static func digestSummary(_ digests: [String: String]) -> String {
        digests.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.prefix(16))" }.joined(separator: ", ")
    }
}
