import Foundation
import LicenseCore
import LicenseStore

extension LicenseEngine {
    /// Walks every row of the tenant and names each one whose signature, seal or audit chain fails.
    public func verify(tenant: String) async throws -> [IntegrityProblem] {
        try await read(timeout: .seconds(3_600)) { s in try self.verify(s, tenant: tenant) }
    }

    func verify(_ s: Backend.Session, tenant: String) throws -> [IntegrityProblem] {
        var problems: [IntegrityProblem] = []
        let (tenantValue, isIntact) = try loadTenant(s, tenant)
        if !isIntact {
            problems.append(IntegrityProblem(table: "tenant", key: tenant, problem: "seal does not match the row (edited)"))
        }
        problems += try verifyOwners(s, tenant: tenantValue)
        let verifier = sealer.makeBulkVerifier()
        let legacy = try isLegacyHead(s, tenant: tenant)
        var userNames: [Int64: String] = [:]
        /// Rows whose seal opens with this key: none at all means the key is not this database's.
        var opened = isIntact ? 1 : 0
        try s.forEachRow("SELECT * FROM \(s.dialect.userTable) WHERE tenant_id = ?", [.text(tenant)]) { row in
            let record = try UserRecord(row: row)
            userNames[record.user.id] = record.user.userName
            if record.isSealValid(verifier.isValid, legacy: legacy) {
                opened += 1
            } else {
                problems.append(
                    IntegrityProblem(table: "user", key: record.user.userName, problem: "seal does not match the row (edited)"))
            }
        }
        let check = AssignmentSealCheck(sealer: sealer, tenant: tenant)
        // One pass over the assignments (the bulk of a tenant) checks each seal and sums the table's digest.
        let (failed, assignmentDigest) = try check.failures { submit in
            try s.forEachRow(
                "SELECT \(AssignmentRecord.selection) FROM assignment WHERE tenant_id = ?", [.text(tenant)], submit)
        }
        for record in failed {
            let a = record.assignment
            let who = userNames[a.userID] ?? "#\(a.userID)"
            problems.append(
                IntegrityProblem(
                    table: "assignment", key: "\(a.key) → \(who)" + (a.viaPlan.map { " (via \($0))" } ?? ""),
                    problem: "seal does not match the row (edited or inserted)"))
        }
        for record in try s.fetchAll(SatelliteRecord.self, "SELECT * FROM satellite WHERE tenant_id = ?", [.text(tenant)])
        where !verifier.isValid(record.seal, for: record.satellite.sealBytes(tenant: tenant)) {
            problems.append(
                IntegrityProblem(table: "satellite", key: record.satellite.name, problem: "seal does not match the row"))
        }
        for record in try s.fetchAll(
            SatelliteAssignmentRecord.self, "SELECT * FROM satellite_assignment WHERE tenant_id = ?", [.text(tenant)])
        where !verifier.isValid(record.seal, for: record.assignment.sealBytes(tenant: tenant)) {
            problems.append(
                IntegrityProblem(
                    table: "satellite_assignment", key: "\(record.assignment.key) → \(record.assignment.satellite)",
                    problem: "seal does not match the row"))
        }
        problems += try verifyUsage(s, tenant: tenant, legacy: legacy)
        let events = try loadEvents(s, tenant: tenant)
        for event in events.void {
            problems.append(
                IntegrityProblem(
                    table: "system_event", key: "#\(event.id) \(event.key)", problem: "seal does not match the row (edited)"))
        }
        guard let head = try s.fetchOne(TenantHeadRecord.self, "SELECT * FROM tenant_head WHERE tenant_id = ?", [.text(tenant)])
        else {
            return problems + [IntegrityProblem(table: "tenant_head", key: tenant, problem: "missing")]
        }
        var chain = AuditChainCheck(tenant: tenant)
        try s.forEachRow("SELECT * FROM audit_entry WHERE tenant_id = ? ORDER BY sequence", [.text(tenant)]) { row in
            let record = try AuditRecord(row: row)
            let isValid = verifier.isValid(record.seal, for: record.entry.sealBytes(tenant: tenant))
            if isValid { opened += 1 }
            chain.add(record.entry, seal: record.seal, isSealValid: isValid)
        }
        let isHeadSealValid = verifier.isValid(head.seal, for: head.head.sealBytes(tenant: tenant))
        guard isHeadSealValid || opened > 0 else {
            throw LicenseRefusal(
                .integrity,
                "the installation key does not match this database (no sealed row of tenant '\(tenant)' verifies with it); nothing was checked further or written"
            )
        }
        problems += chain.problems(head: head.head, isHeadSealValid: isHeadSealValid)
        if isHeadSealValid { problems += try verifyChangeLog(s, tenant: tenant, headVersion: head.head.version) }
        if isHeadSealValid, let commitment = head.head.commitment {
            problems += try verifyCommitment(s, tenant: tenant, commitment, known: ["assignment": assignmentDigest])
        }
        let stored = Set((events.valid + events.void).map(\.id))
        let recorded = Set(head.head.eventIDs)
        for id in recorded.subtracting(stored).sorted() {
            problems.append(IntegrityProblem(table: "system_event", key: "#\(id)", problem: "row deleted"))
        }
        for id in stored.subtracting(recorded).sorted() {
            problems.append(IntegrityProblem(table: "system_event", key: "#\(id)", problem: "row inserted outside the server"))
        }
        return problems
    }

    /// The state as a whole (DESIGN §6a): each table's rows against the head's digest, each owner's stored package
    /// against the one the head records.
    private func verifyCommitment(
        _ s: Backend.Session, tenant: String, _ commitment: StateCommitment, known: [String: MultisetDigest]
    ) throws -> [IntegrityProblem] {
        var problems: [IntegrityProblem] = []
        for table in CommittedTables.all.sorted()
        where try !matches(
            s, tenant: tenant, table: table, sum: known[table] ?? digest(s, tenant: tenant, table: table), commitment)
        {
            problems.append(
                IntegrityProblem(
                    table: table, key: IntegrityProblem.wholeTable,
                    problem:
                        "the rows differ from what the sealed head commits to: a row was inserted, deleted, edited, put back or restored outside the server"
                ))
        }
        // The seat counts the head keeps, against the rows; rows that differ are named above already.
        if let seats = commitment.seats, !problems.contains(where: { ["assignment", "satellite_assignment"].contains($0.table) })
        {
            let counted = try seatsInUse(s, tenant: tenant)
            for key in Set(seats.keys).union(counted.keys).sorted() where seats[key] != counted[key] {
                problems.append(
                    IntegrityProblem(
                        table: "tenant_head", key: key.description,
                        problem:
                            "the sealed head counts \(seats[key] ?? 0) seats in use, the rows \(counted[key] ?? 0)"))
            }
        }
        var stored: [String: (issuedAt: Int64, digest: String)] = [:]
        try s.forEachRow("SELECT owner_name, issued_at, raw_package FROM license_owner WHERE tenant_id = ?", [.text(tenant)]) {
            row in
            stored[try row["owner_name"]] = (try row["issued_at"], OwnerCommitment.digest(ofPackage: try row["raw_package"]))
        }
        for (owner, recorded) in commitment.owners.sorted(by: { $0.key < $1.key }) {
            guard let row = stored[owner] else {
                // A repair that accepted an owner's rows as gone keeps only the highest issuedAt.
                if recorded.packageDigest.isEmpty { continue }
                problems.append(
                    IntegrityProblem(
                        table: "license_owner", key: owner, problem: "row deleted (the sealed head records an active package)"))
                continue
            }
            if row.digest != recorded.packageDigest {
                problems.append(
                    IntegrityProblem(
                        table: "license_owner", key: owner,
                        problem: "not the package the sealed head records as active (an older package's rows put back?)"))
            }
        }
        for owner in stored.keys.sorted() where commitment.owners[owner] == nil {
            problems.append(
                IntegrityProblem(
                    table: "license_owner", key: owner, problem: "a package the sealed head does not record (inserted)"))
        }
        return problems
    }

    /// Usage events and month aggregates: each row's seal (an invoice is computed from them). Rows written before
    /// seals existed (an empty seal) count while the tenant's head predates the commitment.
    private func verifyUsage(_ s: Backend.Session, tenant: String, legacy: Bool) throws -> [IntegrityProblem] {
        var problems: [IntegrityProblem] = []
        let verifier = sealer.makeBulkVerifier()
        try s.forEachRow("SELECT * FROM usage_event WHERE tenant_id = ? ORDER BY id", [.text(tenant)]) { row in
            let seal: String = try row["seal"]
            if legacy && seal.isEmpty { return }
            let event = UsageEvent(
                id: try row["id"], service: try row["service"], quantity: try row["quantity"],
                occurredAt: Date(epochSeconds: try row["occurred_at"]), subject: try row["subject"])
            if !verifier.isValid(seal, for: event.sealBytes(tenant: tenant, receivedAt: try row["received_at"])) {
                problems.append(
                    IntegrityProblem(table: "usage_event", key: event.id, problem: "seal does not match the row (edited)"))
            }
        }
        for record in try s.fetchAll(
            UsageMonthRecord.self, "SELECT * FROM usage_month WHERE tenant_id = ? ORDER BY month, service", [.text(tenant)])
        where !record.isSealValid(verifier.isValid, legacy: legacy) {
            problems.append(
                IntegrityProblem(
                    table: "usage_month", key: "\(record.row.month) \(record.row.service)",
                    problem: "seal does not match the row (edited)"))
        }
        return problems
    }

    /// Owners and module rows: signatures chained to the root, bound to the tenant's company and serial; when an
    /// owner's signature fails, the stored package file names the rows that should be there.
    private func verifyOwners(_ s: Backend.Session, tenant: Tenant) throws -> [IntegrityProblem] {
        var problems: [IntegrityProblem] = []
        for rows in try loadOwnerRows(s, tenant: tenant, withPackage: true) {
            let owner = rows.record.header.owner
            if let problem = rows.check.ownerProblem {
                problems.append(IntegrityProblem(table: "license_owner", key: owner, problem: problem))
            }
            for (module, problem) in rows.check.badModules.sorted(by: { $0.key < $1.key }) {
                problems.append(
                    IntegrityProblem(table: "module_license", key: "\(owner.lowercased()).\(module)", problem: problem))
            }
            guard rows.check.ownerProblem != nil else { continue }
            guard let packaged = PackageVerifier.storedPackageModules(raw: rows.record.rawPackage, tenant: tenant) else {
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
        try s.forEachRow(
            """
            SELECT m.owner_name AS owner_name, m.module_name AS module_name FROM module_license m LEFT JOIN license_owner o
            ON o.tenant_id = m.tenant_id AND o.owner_name = m.owner_name WHERE m.tenant_id = ? AND o.owner_name IS NULL
            ORDER BY m.owner_name, m.module_name
            """, [.text(tenant.id)]
        ) { row in
            let owner: String = try row["owner_name"]
            let module: String = try row["module_name"]
            problems.append(
                IntegrityProblem(
                    table: "module_license", key: "\(owner.lowercased()).\(module)", problem: "row of an owner with no package"))
        }
        return problems
    }
}

/// Checks assignment seals, the bulk of a `verify` (a million rows and more), on other threads while this one keeps
/// reading rows, and sums the rows' elements for the table's digest: the rows go out in batches, at most two checked
/// at a time, so reading and checking overlap on two cores and memory stays a few batches.
final class AssignmentSealCheck: @unchecked Sendable {
    static let batchSize = 4_096
    static let batchesInFlight = 2

    private let sealer: Sealer
    private let tenant: String
    private let group = DispatchGroup()
    private let slots = DispatchSemaphore(value: AssignmentSealCheck.batchesInFlight)
    private let lock = NSLock()
    /// Rows whose seal failed, by batch number, and the sum of every row's element; guarded by `lock`.
    private var failed: [Int: [AssignmentRecord]] = [:]
    private var digest = MultisetDigest.zero
    private var decodeError: (any Error)?

    init(sealer: Sealer, tenant: String) {
        self.sealer = sealer
        self.tenant = tenant
    }

    /// The rows `read` submits whose seal does not match, in the order submitted, and the digest of all of them.
    func failures(_ read: (_ submit: (SQLRow) -> Void) throws -> Void) throws -> ([AssignmentRecord], MultisetDigest) {
        // Every submitted batch is waited for, also when reading fails, so no check outlives the read transaction.
        defer { group.wait() }
        var batch: [SQLRow] = []
        batch.reserveCapacity(Self.batchSize)
        var number = 0
        try read { row in
            batch.append(row)
            if batch.count == Self.batchSize {
                submit(batch, number: number)
                number += 1
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { submit(batch, number: number) }
        group.wait()
        return try lock.withLock {
            if let decodeError { throw decodeError }
            return (failed.sorted { $0.key < $1.key }.flatMap(\.value), digest)
        }
    }

    /// Checks the seals of `records` on every core: whether each holds, in their order, and the sum of their elements.
    static func check(_ records: [AssignmentRecord], sealer: Sealer, tenant: String) -> (isValid: [Bool], digest: MultisetDigest)
    {
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount * 2, records.count / 1_024))
        var isValid = [Bool](repeating: false, count: records.count)
        var sums = [MultisetDigest](repeating: .zero, count: chunks)
        isValid.withUnsafeMutableBufferPointer { valid in
            sums.withUnsafeMutableBufferPointer { sums in
                nonisolated(unsafe) let (valid, sums) = (valid, sums)
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let verifier = sealer.makeBulkVerifier()
                    let digester = sealer.makeDigester()
                    let range = (records.count * chunk / chunks)..<(records.count * (chunk + 1) / chunks)
                    var sum = MultisetDigest.zero
                    for index in range {
                        let record = records[index]
                        valid[index] = verifier.isValid(record.seal, for: record.assignment.sealBytes(tenant: tenant))
                        sum += digester.element(table: "assignment", seal: record.seal)
                    }
                    sums[chunk] = sum
                }
            }
        }
        return (isValid, sums.reduce(.zero, +))
    }

    private func submit(_ batch: [SQLRow], number: Int) {
        slots.wait()
        group.enter()
        DispatchQueue.global(qos: .userInitiated).async {
            defer {
                self.slots.signal()
                self.group.leave()
            }
            let verifier = self.sealer.makeBulkVerifier()
            let digester = self.sealer.makeDigester()
            var bad: [AssignmentRecord] = []
            var sum = MultisetDigest.zero
            do {
                for row in batch {
                    let record = try AssignmentRecord(row: row)
                    if !verifier.isValid(record.seal, for: record.assignment.sealBytes(tenant: self.tenant)) {
                        bad.append(record)
                    }
                    sum += digester.element(table: "assignment", seal: record.seal)
                }
            } catch {
                self.lock.withLock { self.decodeError = error }
                return
            }
            self.lock.withLock {
                if !bad.isEmpty { self.failed[number] = bad }
                self.digest += sum
            }
        }
    }
}
