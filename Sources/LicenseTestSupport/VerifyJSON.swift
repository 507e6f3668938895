/// `licensing verify --json` and `POST …/verify`: whether every row verifies, and the problems by table and key.
public struct VerifyJSON: Decodable, Sendable {
    public struct Problem: Decodable, Sendable, CustomStringConvertible {
        public var table: String
        public var key: String
        public var problem: String
        public var description: String { "\(table) \(key): \(problem)" }
    }
    public var ok: Bool
    public var problems: [Problem]
}
