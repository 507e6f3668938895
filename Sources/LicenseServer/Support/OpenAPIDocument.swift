import Foundation
import Yams

/// The OpenAPI 3.1 document of the JSON API, served at `/openapi.json`.
///
/// `openapi.yaml` beside the server's sources is the one source of the document: it is bundled as a resource and
/// converted to JSON once, when the server starts, so the served document cannot drift from the file. A missing or
/// unreadable file stops the start, naming it. `scripts/schemathesis` checks the live server against the document and
/// `OperationsTests` checks that its operations are the router's routes and its error codes the server's.
enum OpenAPIDocument {
    /// Why the document could not be read.
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// `openapi.yaml` from the server's resources, as JSON with sorted keys.
    static func loadJSON() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw LoadError(description: "openapi.yaml is missing from the server's resources")
        }
        return try json(yaml: String(contentsOf: url, encoding: .utf8))
    }

    /// A YAML document as JSON. Scalars keep the type YAML resolves for them (a quoted `'200'` stays a string).
    static func json(yaml: String) throws -> Data {
        guard let node = try Yams.compose(yaml: yaml) else { throw LoadError(description: "openapi.yaml is empty") }
        return try JSONSerialization.data(
            withJSONObject: try jsonValue(node), options: [.sortedKeys, .withoutEscapingSlashes])
    }

    private static func jsonValue(_ node: Node) throws -> Any {
        switch node {
        case .mapping(let mapping):
            var object: [String: Any] = [:]
            for (key, value) in mapping {
                guard case .scalar(let scalar) = key else {
                    throw LoadError(description: "openapi.yaml: a mapping key is not a scalar (\(key))")
                }
                object[scalar.string] = try jsonValue(value)
            }
            return object
        case .sequence(let sequence):
            return try sequence.map(jsonValue)
        case .scalar(let scalar):
            // A quoted scalar is a string; a plain one is what YAML resolves it to, as PyYAML and schemathesis read it.
            guard scalar.style == .plain || scalar.style == .any else { return scalar.string }
            if ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return NSNull() }
            if let value = node.bool { return value }
            if let value = node.int { return value }
            if let value = node.float { return value }
            return scalar.string
        case .alias:
            throw LoadError(description: "openapi.yaml: aliases are not used in the document")
        }
    }
}
