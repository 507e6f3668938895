import Foundation

/// The audit chain check of `verify`, fed one entry at a time so a store can stream millions of rows.
///
/// The audit log is a chain: each entry's seal covers the previous seal, and the sealed head names the last one, so an
/// edited, inserted or deleted entry (the last one included) is found. Feed the entries in ascending sequence order
/// with whether each one's seal holds, then ask for the problems with the tenant's head.
///
/// ```swift
/// var check = AuditChainCheck(tenant: tenant)
/// for row in auditRows { check.add(row.entry, seal: row.seal, isSealValid: verifier.isValid(row.seal, for: …)) }
/// problems += check.problems(head: head, isHeadSealValid: verifier.isValid(headSeal, for: …))
/// ```
public struct AuditChainCheck: Sendable {
    public let tenant: String
    /// The sequence number the next entry should have.
    private var expected: Int64 = 1
    private var previousSeal = ""
    private var entryProblems: [IntegrityProblem] = []

    public init(tenant: String) {
        self.tenant = tenant
    }

    /// The problem to report when the tenant has no head row at all (then the entries need not be read).
    public static func missingHead(tenant: String) -> [IntegrityProblem] {
        [IntegrityProblem(table: "tenant_head", key: tenant, problem: "missing")]
    }

    /// Takes the next entry in sequence order, with its stored seal and whether that seal matches the entry.
    public mutating func add(_ entry: AuditEntry, seal: String, isSealValid: Bool) {
        let key = "#\(entry.sequence)"
        if entry.sequence != expected {
            let missing = entry.sequence > expected ? "entries #\(expected)–#\(entry.sequence - 1) are missing" : "out of order"
            entryProblems.append(IntegrityProblem(table: "audit_entry", key: key, problem: missing + " (chain broken)"))
        } else if entry.previousSeal != previousSeal {
            entryProblems.append(IntegrityProblem(table: "audit_entry", key: key, problem: "does not chain to the entry before"))
        }
        if !isSealValid {
            entryProblems.append(
                IntegrityProblem(table: "audit_entry", key: key, problem: "seal does not match the entry (edited)"))
        }
        expected = entry.sequence + 1
        previousSeal = seal
    }

    /// Every problem found: the head's seal first, then the entries' in sequence order, then a chain that does not end
    /// where the head says.
    public func problems(head: TenantHead, isHeadSealValid: Bool) -> [IntegrityProblem] {
        var problems: [IntegrityProblem] = []
        if !isHeadSealValid {
            problems.append(IntegrityProblem(table: "tenant_head", key: tenant, problem: "seal does not match the row (edited)"))
        }
        problems += entryProblems
        if expected - 1 != head.auditSequence || previousSeal != head.auditSeal {
            problems.append(
                IntegrityProblem(
                    table: "audit_entry", key: "#\(head.auditSequence)",
                    problem: "the newest entries are missing or replaced (log ends at #\(expected - 1))"))
        }
        return problems
    }
}
