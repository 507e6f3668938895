import Foundation
import GRDB
import LicenseCore

// `verify` of SQLiteLicenseStore+Verify.swift over the PostgreSQL tables: every row that fails is named.

extension PostgresLicenseStore {
    public func verify(tenant: String) async throws -> [IntegrityProblem] {
        try await read(timeout: .seconds(3_600)) { session in try await self.verify(session, tenant: tenant) }
    }

    func verify(_ session: PostgresSession, tenant: String) async throws -> [IntegrityProblem] {
        var problems: [IntegrityProblem] = []
        let (tenantValue, isIntact) = try await loadTenant(session, tenant)
        if !isIntact {
            problems.append(IntegrityProblem(table: "tenant", key: tenant, problem: "seal does not match the row (edited)"))
        }
        for rows in try await loadOwnerRows(session, tenant: tenantValue, withPackage: true) {
            let owner = rows.record.header.owner
            if let problem = rows.check.ownerProblem {
                problems.append(IntegrityProblem(table: "license_owner", key: owner, problem: problem))
            }
            for (module, problem) in rows.check.badModules.sorted(by: { $0.key < $1.key }) {
                problems.append(
                    IntegrityProblem(table: "module_license", key: "\(owner.lowercased()).\(module)", problem: problem))
            }
            guard rows.check.ownerProblem != nil else { continue }
            guard let packaged = PackageVerifier.storedPackageModules(raw: rows.record.rawPackage, tenant: tenantValue) else {
                problems.append(
                    IntegrityProblem(table: "license_owner", key: owner, problem: "the stored package file does not verify"))
                continue
            }
            let stored = Set(rows.modules.map(\.module.name))
            let expected = Set(packaged.map(\.module.name))
            for module in expected.subtracting(stored).sorted() {
                problems.append(
                    IntegrityProblem(table: "module_license", key: "\(owner.lowercased()).\(module)", problem: "row deleted"))
            }
            for module in stored.subtracting(expected).sorted() where rows.check.badModules[module] == nil {
                problems.append(
                    IntegrityProblem(
                        table: "module_license", key: "\(owner.lowercased()).\(module)",
                        problem: "row not in the active package (inserted)"))
            }
        }
        for row in try await session.rows(
            """
            SELECT m.owner_name, m.module_name FROM module_license m LEFT JOIN license_owner o
            ON o.tenant_id = m.tenant_id AND o.owner_name = m.owner_name WHERE m.tenant_id = ? AND o.owner_name IS NULL
            """, [tenant])
        {
            let owner: String = row["owner_name"]
            let module: String = row["module_name"]
            problems.append(
                IntegrityProblem(
                    table: "module_license", key: "\(owner.lowercased()).\(module)", problem: "row of an owner with no package"))
        }
        let verifier = sealer.makeBulkVerifier()
        var userNames: [Int64: String] = [:]
        for record in try await session.fetchAll(UserRecord.self, "SELECT * FROM app_user WHERE tenant_id = ?", [tenant]) {
            userNames[record.user.id] = record.user.userName
            if !verifier.isValid(record.seal, for: record.user.sealBytes(tenant: tenant)) {
                problems.append(
                    IntegrityProblem(table: "user", key: record.user.userName, problem: "seal does not match the row (edited)"))
            }
        }
        for row in try await assignmentRows(session, tenant: tenant)
        where !verifier.isValid(row.seal, for: row.assignment.sealBytes(tenant: tenant)) {
            let a = row.assignment
            let who = userNames[a.userID] ?? "#\(a.userID)"
            problems.append(
                IntegrityProblem(
                    table: "assignment", key: "\(a.key) → \(who)" + (a.viaPlan.map { " (via \($0))" } ?? ""),
                    problem: "seal does not match the row (edited or inserted)"))
        }
        for record in try await session.fetchAll(SatelliteRecord.self, "SELECT * FROM satellite WHERE tenant_id = ?", [tenant])
        where !verifier.isValid(record.seal, for: record.satellite.sealBytes(tenant: tenant)) {
            problems.append(
                IntegrityProblem(table: "satellite", key: record.satellite.name, problem: "seal does not match the row"))
        }
        for record in try await session.fetchAll(
            SatelliteAssignmentRecord.self, "SELECT * FROM satellite_assignment WHERE tenant_id = ?", [tenant])
        where !verifier.isValid(record.seal, for: record.assignment.sealBytes(tenant: tenant)) {
            problems.append(
                IntegrityProblem(
                    table: "satellite_assignment", key: "\(record.assignment.key) → \(record.assignment.satellite)",
                    problem: "seal does not match the row"))
        }
        for event in try await loadEvents(session, tenant: tenant).void {
            problems.append(
                IntegrityProblem(
                    table: "system_event", key: "#\(event.id) \(event.key)", problem: "seal does not match the row (edited)"))
        }
        problems += try await verifyAuditChain(session, tenant: tenant, verifier: verifier)
        if let head = try await session.fetchOne(TenantHeadRecord.self, "SELECT * FROM tenant_head WHERE tenant_id = ?", [tenant])
        {
            let stored = Set(try await session.scalars(Int64.self, "SELECT id FROM system_event WHERE tenant_id = ?", [tenant]))
            let recorded = Set(head.head.eventIDs)
            for id in recorded.subtracting(stored).sorted() {
                problems.append(IntegrityProblem(table: "system_event", key: "#\(id)", problem: "row deleted"))
            }
            for id in stored.subtracting(recorded).sorted() {
                problems.append(
                    IntegrityProblem(table: "system_event", key: "#\(id)", problem: "row inserted outside the server"))
            }
        }
        return problems
    }

    /// The audit chain: each entry's seal covers the previous seal, and the sealed head names the last one.
    func verifyAuditChain(
        _ session: PostgresSession, tenant: String, verifier: BulkSealVerifier
    ) async throws
        -> [IntegrityProblem]
    {
        var problems: [IntegrityProblem] = []
        guard
            let head = try await session.fetchOne(
                TenantHeadRecord.self, "SELECT * FROM tenant_head WHERE tenant_id = ?", [tenant])
        else { return [IntegrityProblem(table: "tenant_head", key: tenant, problem: "missing")] }
        if !verifier.isValid(head.seal, for: head.head.sealBytes(tenant: tenant)) {
            problems.append(IntegrityProblem(table: "tenant_head", key: tenant, problem: "seal does not match the row (edited)"))
        }
        var expected: Int64 = 1
        var previousSeal = ""
        for record in try await session.fetchAll(
            AuditRecord.self, "SELECT * FROM audit_entry WHERE tenant_id = ? ORDER BY sequence", [tenant])
        {
            let entry = record.entry
            if entry.sequence != expected {
                let missing =
                    entry.sequence > expected ? "entries #\(expected)–#\(entry.sequence - 1) are missing" : "out of order"
                problems.append(
                    IntegrityProblem(table: "audit_entry", key: "#\(entry.sequence)", problem: missing + " (chain broken)"))
            } else if entry.previousSeal != previousSeal {
                problems.append(
                    IntegrityProblem(
                        table: "audit_entry", key: "#\(entry.sequence)", problem: "does not chain to the entry before"))
            }
            if !verifier.isValid(record.seal, for: entry.sealBytes(tenant: tenant)) {
                problems.append(
                    IntegrityProblem(
                        table: "audit_entry", key: "#\(entry.sequence)", problem: "seal does not match the entry (edited)"))
            }
            expected = entry.sequence + 1
            previousSeal = record.seal
        }
        if expected - 1 != head.head.auditSequence || previousSeal != head.head.auditSeal {
            problems.append(
                IntegrityProblem(
                    table: "audit_entry", key: "#\(head.head.auditSequence)",
                    problem: "the newest entries are missing or replaced (log ends at #\(expected - 1))"))
        }
        return problems
    }
}
