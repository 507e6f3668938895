import Foundation
import GRDB
import LicenseCore

extension SQLiteLicenseStore {
    /// Walks every row of the tenant and names each one whose signature, seal or audit chain fails.
    public func verify(tenant: String) async throws -> [IntegrityProblem] {
        try await read { db in try self.verify(db, tenant: tenant) }
    }

    func verify(_ db: Database, tenant: String) throws -> [IntegrityProblem] {
        var problems: [IntegrityProblem] = []
        let (tenantValue, isIntact) = try loadTenant(db, tenant)
        if !isIntact {
            problems.append(IntegrityProblem(table: "tenant", key: tenant, problem: "seal does not match the row (edited)"))
        }
        // Owners and module rows: signatures chained to the root, bound to the tenant's company and serial.
        for rows in try loadOwnerRows(db, tenant: tenantValue) {
            let owner = rows.record.header.owner
            if let problem = rows.check.ownerProblem {
                problems.append(IntegrityProblem(table: "license_owner", key: owner, problem: problem))
            }
            for (module, problem) in rows.check.badModules.sorted(by: { $0.key < $1.key }) {
                problems.append(
                    IntegrityProblem(table: "module_license", key: "\(owner.lowercased()).\(module)", problem: problem))
            }
            guard rows.check.ownerProblem != nil else { continue }
            // The stored package file names the rows that should be there: a deleted or inserted row is named too.
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
        let orphanModules = try Row.fetchAll(
            db,
            sql: """
                SELECT m.owner_name, m.module_name FROM module_license m LEFT JOIN license_owner o
                ON o.tenant_id = m.tenant_id AND o.owner_name = m.owner_name WHERE m.tenant_id = ? AND o.owner_name IS NULL
                """, arguments: [tenant])
        for row in orphanModules {
            let owner: String = row[0]
            let module: String = row[1]
            problems.append(
                IntegrityProblem(
                    table: "module_license", key: "\(owner.lowercased()).\(module)", problem: "row of an owner with no package"))
        }
        let verifier = sealer.makeBulkVerifier()
        var userNames: [Int64: String] = [:]
        for record in try UserRecord.fetchAll(db, sql: "SELECT * FROM user WHERE tenant_id = ?", arguments: [tenant]) {
            userNames[record.user.id] = record.user.userName
            if !verifier.isValid(record.seal, for: record.user.sealBytes(tenant: tenant)) {
                problems.append(
                    IntegrityProblem(table: "user", key: record.user.userName, problem: "seal does not match the row (edited)"))
            }
        }
        let cursor = try AssignmentRecord.fetchCursor(
            db, sql: "SELECT \(AssignmentRecord.columns) FROM assignment WHERE tenant_id = ?", arguments: [tenant])
        for record in try AssignmentSealCheck(sealer: sealer, tenant: tenant).failures(in: cursor) {
            let a = record.assignment
            let who = userNames[a.userID] ?? "#\(a.userID)"
            problems.append(
                IntegrityProblem(
                    table: "assignment", key: "\(a.key) → \(who)" + (a.viaPlan.map { " (via \($0))" } ?? ""),
                    problem: "seal does not match the row (edited or inserted)"))
        }
        for record in try SatelliteRecord.fetchAll(db, sql: "SELECT * FROM satellite WHERE tenant_id = ?", arguments: [tenant])
        where !verifier.isValid(record.seal, for: record.satellite.sealBytes(tenant: tenant)) {
            problems.append(
                IntegrityProblem(table: "satellite", key: record.satellite.name, problem: "seal does not match the row"))
        }
        for record in try SatelliteAssignmentRecord.fetchAll(
            db, sql: "SELECT * FROM satellite_assignment WHERE tenant_id = ?", arguments: [tenant])
        where !verifier.isValid(record.seal, for: record.assignment.sealBytes(tenant: tenant)) {
            problems.append(
                IntegrityProblem(
                    table: "satellite_assignment", key: "\(record.assignment.key) → \(record.assignment.satellite)",
                    problem: "seal does not match the row"))
        }
        for event in try loadEvents(db, tenant: tenant).void {
            problems.append(
                IntegrityProblem(
                    table: "system_event", key: "#\(event.id) \(event.key)", problem: "seal does not match the row (edited)"))
        }
        problems += try verifyAuditChain(db, tenant: tenant, verifier: verifier)
        if let head = try TenantHeadRecord.fetchOne(db, key: tenant) {
            let stored = Set(try Int64.fetchAll(db, sql: "SELECT id FROM system_event WHERE tenant_id = ?", arguments: [tenant]))
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

    /// The audit log is a chain: each entry's seal covers the previous seal, and the sealed head names the last one,
    /// so an edited, inserted or deleted entry (the last one included) is found.
    func verifyAuditChain(_ db: Database, tenant: String, verifier: BulkSealVerifier) throws -> [IntegrityProblem] {
        var problems: [IntegrityProblem] = []
        guard let head = try TenantHeadRecord.fetchOne(db, key: tenant) else {
            return [IntegrityProblem(table: "tenant_head", key: tenant, problem: "missing")]
        }
        if !verifier.isValid(head.seal, for: head.head.sealBytes(tenant: tenant)) {
            problems.append(IntegrityProblem(table: "tenant_head", key: tenant, problem: "seal does not match the row (edited)"))
        }
        var expected: Int64 = 1
        var previousSeal = ""
        let cursor = try AuditRecord.fetchCursor(
            db, sql: "SELECT * FROM audit_entry WHERE tenant_id = ? ORDER BY sequence", arguments: [tenant])
        while let record = try cursor.next() {
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

/// Checks assignment seals, the bulk of a `verify` (a million rows and more), on other threads while this one keeps
/// reading rows: the rows go out in batches, at most two checked at a time, so reading and checking overlap on two
/// cores and memory stays a few batches.
private final class AssignmentSealCheck: @unchecked Sendable {
    static let batchSize = 4_096
    static let batchesInFlight = 2

    private let sealer: Sealer
    private let tenant: String
    private let group = DispatchGroup()
    private let slots = DispatchSemaphore(value: AssignmentSealCheck.batchesInFlight)
    private let lock = NSLock()
    /// Rows whose seal failed, by batch number; guarded by `lock`.
    private var failed: [Int: [AssignmentRecord]] = [:]

    init(sealer: Sealer, tenant: String) {
        self.sealer = sealer
        self.tenant = tenant
    }

    /// The records of `cursor` whose seal does not match, in the cursor's order.
    func failures(in cursor: RecordCursor<AssignmentRecord>) throws -> [AssignmentRecord] {
        // Every submitted batch is waited for, also when reading fails, so no check outlives the read transaction.
        defer { group.wait() }
        var batch: [AssignmentRecord] = []
        batch.reserveCapacity(Self.batchSize)
        var number = 0
        while let record = try cursor.next() {
            batch.append(record)
            if batch.count == Self.batchSize {
                submit(batch, number: number)
                number += 1
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { submit(batch, number: number) }
        group.wait()
        return lock.withLock { failed.sorted { $0.key < $1.key }.flatMap(\.value) }
    }

    private func submit(_ batch: [AssignmentRecord], number: Int) {
        slots.wait()
        group.enter()
        DispatchQueue.global(qos: .userInitiated).async {
            defer {
                self.slots.signal()
                self.group.leave()
            }
            let verifier = self.sealer.makeBulkVerifier()
            let bad = batch.filter { !verifier.isValid($0.seal, for: $0.assignment.sealBytes(tenant: self.tenant)) }
            if !bad.isEmpty { self.lock.withLock { self.failed[number] = bad } }
        }
    }
}
