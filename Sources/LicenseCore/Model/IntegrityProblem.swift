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
