import Foundation

/// A row that failed verification: which table, which row, what is wrong.
public struct IntegrityProblem: Sendable, Equatable, Codable, Hashable {
    public var table: String
    public var key: String
    public var problem: String

    public init(table: String, key: String, problem: String) {
        self.table = table
        self.key = key
        self.problem = problem
    }
}
