import Foundation
import LicenseCore
import LicenseStore

// MARK: - The change log (issue 13, Build 2)

extension LicenseEngine {
    /// Keeps a committed write's change set for other processes and nodes, in the write's transaction, and prunes the
    /// tenant's entries beyond the last `ChangeLogRecord.kept` every `pruneEvery` versions.
    func appendChangeLog(
        _ s: Backend.Session, tenant: String, from base: Int64, to version: Int64,
        _ rows: [(table: String, isInsert: Bool, row: SQLRow)], requiresLoad: Bool = false
    ) throws {
        let body = requiresLoad ? ChangeLogBody(requiringLoad: ()) : ChangeLogBody(rows)
        var record = ChangeLogRecord(tenantID: tenant, baseVersion: base, version: version, body: try body.json(), seal: "")
        record.seal = sealer.seal(record.sealBytes)
        let columns = record.columns
        if try s.insert(table: ChangeLogRecord.table, columns, orIgnore: true) == 0 {
            // An entry left at this version by another history (a database restored from a copy): this one replaces it.
            try s.execute("DELETE FROM change_log WHERE tenant_id = ? AND version = ?", [.text(tenant), .integer(version)])
            try s.insert(table: ChangeLogRecord.table, columns)
        }
        if version % ChangeLogRecord.pruneEvery == 0 {
            try s.execute(
                "DELETE FROM change_log WHERE tenant_id = ? AND version <= ?",
                [.text(tenant), .integer(version - ChangeLogRecord.kept)])
        }
    }

    /// The change sets that take a snapshot of `tenant` from `version` to the tenant's current version, in order,
    /// each entry's seal checked and the entries chained version to version; nil when they cannot be had (pruned,
    /// missing, edited, or a change only a load can apply), and the tenant must be loaded instead.
    public func changeSets(tenant: String, since version: Int64) async throws -> [SnapshotChange]? {
        try await read { s in
            guard
                let current = try s.scalar(
                    Int64.self, "SELECT version FROM tenant_head WHERE tenant_id = ?", [.text(tenant)])
            else { return nil }
            if current <= version { return [] }
            if current - version > ChangeLogRecord.kept { return nil }
            var changes: [SnapshotChange] = []
            var reached = version
            var usable = true
            try s.forEachRow(
                "SELECT * FROM change_log WHERE tenant_id = ? AND version > ? AND version <= ? ORDER BY version",
                [.text(tenant), .integer(version), .integer(current)]
            ) { row in
                guard usable else { return }
                guard let record = try? ChangeLogRecord(row: row), record.tenantID == tenant,
                    record.baseVersion == reached, record.version > reached,
                    self.sealer.isValid(record.seal, for: record.sealBytes),
                    let body = try? ChangeLogBody.decode(record.body), !body.requiresLoad,
                    let change = try? self.snapshotChange(
                        tenant: tenant, from: record.baseVersion, to: record.version, body.snapshotRows)
                else {
                    usable = false
                    return
                }
                changes.append(change)
                reached = record.version
            }
            return usable && reached == current ? changes : nil
        }
    }

    /// The tenant's change-log entries that fail: a seal that does not match (edited, or moved from another tenant
    /// or version), versions missing between the oldest kept entry and the sealed head's
    /// version (every write that moves the version leaves an entry; pruning takes only the oldest). Such entries grant
    /// nothing: a process that meets one loads the tenant instead.
    func verifyChangeLog(_ s: Backend.Session, tenant: String, headVersion: Int64) throws -> [IntegrityProblem] {
        var problems: [IntegrityProblem] = []
        let verifier = sealer.makeBulkVerifier()
        var previous: Int64?
        func missing(after: Int64, before: Int64) {
            guard before > after + 1 else { return }
            let range = before == after + 2 ? "version \(after + 1)" : "versions \(after + 1)–\(before - 1)"
            problems.append(IntegrityProblem(table: "change_log", key: range, problem: "row deleted"))
        }
        try s.forEachRow("SELECT * FROM change_log WHERE tenant_id = ? ORDER BY version", [.text(tenant)]) { row in
            guard let record = try? ChangeLogRecord(row: row) else {
                problems.append(IntegrityProblem(table: "change_log", key: "a row", problem: "unreadable"))
                return
            }
            let key = "version \(record.version)"
            if record.version <= headVersion {
                if let previous { missing(after: previous, before: record.version) }
                previous = record.version
            }
            if !verifier.isValid(record.seal, for: record.sealBytes) || record.baseVersion != record.version - 1 {
                problems.append(
                    IntegrityProblem(
                        table: "change_log", key: key,
                        problem: "seal does not match the row (edited, or copied from another version or tenant)"))
            } else if record.version > headVersion {
                problems.append(
                    IntegrityProblem(
                        table: "change_log", key: key,
                        problem: "beyond the sealed head's version \(headVersion) (inserted or restored)"))
            }
            // (A body under a valid seal is one the server wrote: it is not decoded here.)
        }
        if let previous, previous < headVersion { missing(after: previous, before: headVersion + 1) }
        return problems
    }
}
