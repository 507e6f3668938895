import Foundation

/// A JSON value as SCIM carries it (RFC 7643 §2): resources, PATCH values and filter operands are dynamic.
///
/// Member names are kept as sent; `member(_:)` finds one case-insensitively, as RFC 7643 §2.1 wants attribute names.
public enum SCIMValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([SCIMValue])
    case object([String: SCIMValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([SCIMValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: SCIMValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Reads a request body: strict JSON (no member twice, nesting bounded) as `JSONInput` reads every body.
    public static func parse(_ data: Data) throws(SCIMError) -> SCIMValue {
        guard !data.isEmpty else { throw .invalidSyntax("the request body is empty; send a JSON object") }
        do {
            _ = try JSONInput.members(data, what: "the request body")
        } catch {
            if case .malformedPackage(let why) = error { throw .invalidSyntax(why) }
            throw .invalidSyntax("the request body is not valid JSON")
        }
        guard let value = try? JSONInput.decoder.decode(SCIMValue.self, from: data) else {
            throw .invalidSyntax("the request body is not valid JSON")
        }
        return value
    }

    /// The member named `name`, compared case-insensitively; nil if absent or if this is not an object.
    public func member(_ name: String) -> SCIMValue? {
        guard case .object(let members) = self else { return nil }
        if let exact = members[name] { return exact }
        return members.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The member names of an object that equal `name` case-insensitively.
    func keys(matching name: String) -> [String] {
        guard case .object(let members) = self else { return [] }
        return members.keys.filter { $0.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// `null`, an empty string, an empty array and an empty object count as "no value" (RFC 7644 §3.4.2.2 `pr`).
    public var isEmptyValue: Bool {
        switch self {
        case .null: true
        case .string(let text): text.isEmpty
        case .array(let values): values.isEmpty || values.allSatisfy(\.isEmptyValue)
        case .object(let members): members.isEmpty || members.values.allSatisfy(\.isEmptyValue)
        case .bool, .number: false
        }
    }

    /// A short description of the JSON type, for error details.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The encoded form, keys sorted.
    public func encoded() -> Data {
        (try? JSONInput.encoder.encode(self)) ?? Data("null".utf8)
    }
}
