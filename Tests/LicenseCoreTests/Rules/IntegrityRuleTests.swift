import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Integrity: refusals on tampered rows, and the audit chain check (DESIGN §6)")
struct IntegrityRuleTests {
    // MARK: - Refusals

    struct RefusalCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var check: @Sendable (Bool) throws -> Void
        var message: String
    }

    static let refusalCases: [RefusalCase] = [
        RefusalCase(
            testDescription: "a tampered tenant row",
            check: { try IntegrityRule.requireIntactTenant("acme", isIntact: $0) },
            message: "the tenant row of 'acme' has been tampered with (seal broken); run 'licensing verify'"),
        RefusalCase(
            testDescription: "a tampered user row",
            check: { try IntegrityRule.requireIntactUser("alice", isIntact: $0) },
            message: "the row of user 'alice' has been tampered with (seal broken)"),
        RefusalCase(
            testDescription: "a tampered event row",
            check: { try IntegrityRule.requireIntactEvent(42, isIntact: $0) },
            message: "event #42 has been tampered with (seal broken)"),
    ]

    @Test("a row whose seal is broken is refused with an integrity refusal, an intact one passes", arguments: refusalCases)
    func refusal(_ example: RefusalCase) throws {
        #expect(throws: Never.self) { try example.check(true) }
        let refusal = try #require(throws: LicenseRefusal.self) { try example.check(false) }
        #expect(refusal == LicenseRefusal(.integrity, example.message))
    }

    // MARK: - Audit chain

    /// An entry of a chain whose seals are "s1", "s2", …: entry n chains to "s(n-1)".
    static func entry(_ sequence: Int64, previousSeal: String? = nil) -> AuditEntry {
        AuditEntry(
            sequence: sequence, at: Fixtures.now, actor: Fixtures.actor, action: "user.add", target: "user\(sequence)",
            before: nil, after: nil, previousSeal: previousSeal ?? (sequence == 1 ? "" : "s\(sequence - 1)"))
    }

    struct Stored: Sendable {
        var entry: AuditEntry
        var seal: String
        var isSealValid: Bool

        init(_ sequence: Int64, previousSeal: String? = nil, seal: String? = nil, isSealValid: Bool = true) {
            entry = IntegrityRuleTests.entry(sequence, previousSeal: previousSeal)
            self.seal = seal ?? "s\(sequence)"
            self.isSealValid = isSealValid
        }
    }

    struct ChainCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var rows: [Stored]
        var head: TenantHead = TenantHead(version: 3, auditSequence: 3, auditSeal: "s3")
        var isHeadSealValid = true
        /// (key, problem) of each problem, in order.
        var problems: [(String, String)]
    }

    static let chainCases: [ChainCase] = [
        ChainCase(testDescription: "an intact chain has no problems", rows: [Stored(1), Stored(2), Stored(3)], problems: []),
        ChainCase(
            testDescription: "an empty log with a head at #0 has no problems", rows: [],
            head: TenantHead(version: 0, auditSequence: 0, auditSeal: ""), problems: []),
        ChainCase(
            testDescription: "an edited head is named first", rows: [Stored(1), Stored(2), Stored(3)], isHeadSealValid: false,
            problems: [("acme", "seal does not match the row (edited)")]),
        ChainCase(
            testDescription: "an edited entry is named", rows: [Stored(1), Stored(2, isSealValid: false), Stored(3)],
            problems: [("#2", "seal does not match the entry (edited)")]),
        ChainCase(
            testDescription: "a deleted entry breaks the chain", rows: [Stored(1), Stored(3)],
            problems: [("#3", "entries #2–#2 are missing (chain broken)")]),
        ChainCase(
            testDescription: "an entry that does not chain to the one before is named",
            rows: [Stored(1), Stored(2, previousSeal: "forged"), Stored(3)],
            problems: [("#2", "does not chain to the entry before")]),
        ChainCase(
            testDescription: "an entry out of order breaks the chain, and the log then ends elsewhere",
            rows: [Stored(1), Stored(3), Stored(2)],
            problems: [
                ("#3", "entries #2–#2 are missing (chain broken)"), ("#2", "out of order (chain broken)"),
                ("#3", "the newest entries are missing or replaced (log ends at #2)"),
            ]),
        ChainCase(
            testDescription: "a deleted last entry is found by the head", rows: [Stored(1), Stored(2)],
            problems: [("#3", "the newest entries are missing or replaced (log ends at #2)")]),
        ChainCase(
            testDescription: "a replaced last entry is found by the head",
            rows: [Stored(1), Stored(2), Stored(3, seal: "other")],
            problems: [("#3", "the newest entries are missing or replaced (log ends at #3)")]),
        ChainCase(
            testDescription: "an edited and a re-chained entry name both problems",
            rows: [Stored(1), Stored(2, previousSeal: "forged", isSealValid: false), Stored(3)],
            problems: [("#2", "does not chain to the entry before"), ("#2", "seal does not match the entry (edited)")]),
    ]

    @Test("the audit chain check names every broken link, as verify does", arguments: chainCases)
    func chain(_ example: ChainCase) {
        // Given the stored entries, fed one at a time
        var check = AuditChainCheck(tenant: "acme")
        for row in example.rows { check.add(row.entry, seal: row.seal, isSealValid: row.isSealValid) }

        // When the problems are asked for with the head
        let problems = check.problems(head: example.head, isHeadSealValid: example.isHeadSealValid)

        // Then they are the expected ones, in order, each in its table
        #expect(problems.map(\.key) == example.problems.map(\.0))
        #expect(problems.map(\.problem) == example.problems.map(\.1))
        #expect(problems.map(\.table) == example.problems.map { $0.0 == "acme" ? "tenant_head" : "audit_entry" })
    }

    @Test("a tenant without a head has one problem: the head is missing")
    func missingHead() {
        #expect(
            AuditChainCheck.missingHead(tenant: "acme") == [
                IntegrityProblem(table: "tenant_head", key: "acme", problem: "missing")
            ])
    }
}
