import Foundation

/// A row that failed verification: which table, which row, what is wrong.
public struct IntegrityProblem: Sendable, Equatable, Codable, Hashable {
    public var table: String
    public var key: String
    public var problem: String

    /// The key of a problem with a table as a whole: its rows no longer match the sealed head's digest (DESIGN §6a).
    public static let wholeTable = "(the table's rows)"

    public init(table: String, key: String, problem: String) {
        self.table = table
        self.key = key
        self.problem = problem
    }
}

/// What `repair --accept-current` did: the local rows it re-sealed per table, and the sealed head's table digests
/// before (as the old head recorded them, when its seal still held) and after.
public struct RepairReport: Sendable, Equatable, Codable {
    public var resealed: [String: Int]
    /// Table → digest text, as recorded before the repair; empty when the old head did not verify.
    public var before: [String: String]
    public var after: [String: String]
    /// The tables whose recorded digest the repair changed.
    public var changedTables: [String] {
        Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
    }

    public init(resealed: [String: Int], before: [String: String], after: [String: String]) {
        self.resealed = resealed
        self.before = before
        self.after = after
    }
}
