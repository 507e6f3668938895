import Foundation

/// A PATCH target (RFC 7644 §3.5.2): `attribute`, `attribute.sub`, `attribute[filter]` or `attribute[filter].sub`, with
/// names as the schema spells them.
public struct SCIMPatchPath: Sendable, Equatable, CustomStringConvertible {
    public var attribute: String
    public var filter: SCIMFilter?
    public var subAttribute: String?

    public init(attribute: String, filter: SCIMFilter? = nil, subAttribute: String? = nil) {
        self.attribute = attribute
        self.filter = filter
        self.subAttribute = subAttribute
    }

    public var description: String {
        attribute + (filter == nil ? "" : "[…]") + (subAttribute.map { ".\($0)" } ?? "")
    }

    /// Parses a path and resolves it against `schema`; a malformed or unknown path is `invalidPath`.
    public static func parse(_ text: String, schema: SCIMSchema) throws(SCIMError) -> SCIMPatchPath {
        guard !text.isEmpty, text.count <= SCIMFilter.maxLength else {
            throw .invalidPath("a path is 1–\(SCIMFilter.maxLength) characters")
        }
        let scalars = Array(text.unicodeScalars)
        var head = text
        var filterText: String?
        var tail: String?
        if let open = scalars.firstIndex(of: "[") {
            guard let close = scalars.lastIndex(of: "]"), close > open else {
                throw .invalidPath("'\(text.prefix(120))': a '[' without its ']'")
            }
            head = String(String.UnicodeScalarView(scalars[..<open]))
            filterText = String(String.UnicodeScalarView(scalars[(open + 1)..<close]))
            let rest = String(String.UnicodeScalarView(scalars[(close + 1)...]))
            if !rest.isEmpty {
                guard rest.hasPrefix("."), SCIMAttributePath.isAttributeName(rest.dropFirst()) else {
                    throw .invalidPath("'\(text.prefix(120))': after ']' only a sub-attribute such as '.value' may follow")
                }
                tail = String(rest.dropFirst())
            }
        }
        let path = try SCIMAttributePath(parsing: head, error: SCIMError.invalidPath)
        let (attribute, sub) = try schema.resolve(path, error: SCIMError.invalidPath)
        guard attribute.mutability != .readOnly else {
            throw .mutability("\(attribute.name) is read-only; the server sets it")
        }
        guard let filterText else { return SCIMPatchPath(attribute: attribute.name, subAttribute: sub?.name) }
        guard sub == nil else {
            throw .invalidPath(
                "'\(text.prefix(120))': a value filter follows the attribute itself, as in emails[type eq \"work\"]")
        }
        guard attribute.kind == .complex, attribute.isMultiValued else {
            throw .invalidPath("\(attribute.name) is not a multi-valued complex attribute, so it takes no value filter '[…]'")
        }
        let elementSchema = SCIMSchema(id: schema.id, attributes: attribute.subAttributes)
        let filter: SCIMFilter
        do {
            filter = try SCIMFilter.parse(filterText, schema: elementSchema)
        } catch {
            throw .invalidPath("the value filter of '\(text.prefix(120))': \(error.detail)")
        }
        var tailName: String?
        if let tail {
            guard let found = attribute.subAttribute(tail) else {
                let known = attribute.subAttributes.map(\.name).joined(separator: ", ")
                throw .invalidPath(
                    "unknown sub-attribute '\(tail.prefix(64))' of \(attribute.name); its sub-attributes are \(known)")
            }
            tailName = found.name
        }
        return SCIMPatchPath(attribute: attribute.name, filter: filter, subAttribute: tailName)
    }
}

/// One operation of a PATCH request.
public struct SCIMPatchOperation: Sendable, Equatable {
    public enum Op: String, Sendable, CaseIterable {
        case add, remove, replace
    }

    public var op: Op
    public var path: SCIMPatchPath?
    public var value: SCIMValue?

    public init(op: Op, path: SCIMPatchPath? = nil, value: SCIMValue? = nil) {
        self.op = op
        self.path = path
        self.value = value
    }
}

/// PATCH (RFC 7644 §3.5.2) as pure functions: reading a `PatchOp` message, and applying its operations to a resource.
public enum SCIMPatch {
    public static let maxOperations = 1_000

    /// Reads a PatchOp message: `schemas` must list the PatchOp URN; `Operations` and `op` are read
    /// case-insensitively (Entra ID sends `"op": "Replace"`).
    public static func parse(_ body: SCIMValue, schema: SCIMSchema) throws(SCIMError) -> [SCIMPatchOperation] {
        guard case .object = body else { throw .invalidSyntax("a PATCH body is a JSON object, not \(body.kindName)") }
        guard case .array(let schemas)? = body.member("schemas"), schemas.contains(.string(SCIMSchema.patchOpURN)) else {
            throw .invalidSyntax("\"schemas\" must be an array that lists \(SCIMSchema.patchOpURN)")
        }
        guard case .array(let items)? = body.member("Operations") else {
            throw .invalidSyntax("\"Operations\" must be an array of operations")
        }
        guard !items.isEmpty else { throw .invalidSyntax("\"Operations\" is empty; send at least one operation") }
        guard items.count <= maxOperations else { throw .invalidSyntax("more than \(maxOperations) operations in one PATCH") }
        var operations: [SCIMPatchOperation] = []
        for (index, item) in items.enumerated() {
            let at = "Operations[\(index)]"
            guard case .object = item else { throw .invalidSyntax("\(at) must be an object, not \(item.kindName)") }
            guard case .string(let opText)? = item.member("op"),
                let op = SCIMPatchOperation.Op(rawValue: opText.lowercased())
            else {
                throw .invalidSyntax("\(at).op must be \"add\", \"remove\" or \"replace\"")
            }
            var path: SCIMPatchPath?
            switch item.member("path") {
            case nil, .null?: path = nil
            case .string(let text)?:
                do {
                    path = try SCIMPatchPath.parse(text, schema: schema)
                } catch {
                    throw SCIMError(status: error.status, scimType: error.scimType, detail: "\(at).path: \(error.detail)")
                }
            case let other?: throw .invalidPath("\(at).path must be a string, not \(other.kindName)")
            }
            let value = item.member("value")
            switch (op, path) {
            case (.remove, nil):
                throw .noTarget("\(at): remove needs a path naming what to remove")
            case (.add, nil), (.replace, nil):
                guard case .object? = value else {
                    throw .invalidValue("\(at): without a path, value must be an object of attributes")
                }
            case (.add, _?), (.replace, _?):
                guard value != nil else { throw .invalidValue("\(at): \(op.rawValue) needs a value") }
            case (.remove, _?):
                break
            }
            operations.append(SCIMPatchOperation(op: op, path: path, value: value))
        }
        return operations
    }

    /// Applies the operations in order to `resource` (as `SCIMUser.resource()` writes it) and returns the result;
    /// the caller reads it back (`SCIMUser(resource:)`), which checks the values' types. Attributes a value object
    /// names that the schema does not declare are ignored, read-only ones too.
    public static func apply(
        _ operations: [SCIMPatchOperation], to resource: SCIMValue, schema: SCIMSchema
    ) throws(SCIMError) -> SCIMValue {
        guard case .object(var members) = resource else { throw .invalidSyntax("the resource is not an object") }
        for operation in operations {
            if let path = operation.path {
                try apply(operation.op, path: path, value: operation.value, to: &members, schema: schema)
                continue
            }
            guard case .object(let values)? = operation.value else { continue }
            for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                // A schema URN as a key holds that schema's attributes; a key may itself be a path (Entra ID sends
                // "name.givenName" and `emails[type eq "work"].value` as keys).
                if key.caseInsensitiveCompare(schema.id) == .orderedSame, case .object(let inner) = value {
                    for (innerKey, innerValue) in inner.sorted(by: { $0.key < $1.key }) {
                        try applyKey(innerKey, operation.op, innerValue, to: &members, schema: schema)
                    }
                    continue
                }
                try applyKey(key, operation.op, value, to: &members, schema: schema)
            }
        }
        return .object(members)
    }

    private static func applyKey(
        _ key: String, _ op: SCIMPatchOperation.Op, _ value: SCIMValue, to members: inout [String: SCIMValue],
        schema: SCIMSchema
    ) throws(SCIMError) {
        let path: SCIMPatchPath
        do {
            path = try SCIMPatchPath.parse(key, schema: schema)
        } catch {
            // Unknown attributes and read-only ones in a value object are ignored (RFC 7644 §3.5.2: mutability
            // applies to what a path names; the "unknown attributes are ignored").
            if error.scimType == .invalidPath || error.scimType == .mutability, !key.contains("[") { return }
            throw error
        }
        try apply(op, path: path, value: value, to: &members, schema: schema)
    }

    // MARK: - One operation

    private static func apply(
        _ op: SCIMPatchOperation.Op, path: SCIMPatchPath, value: SCIMValue?, to members: inout [String: SCIMValue],
        schema: SCIMSchema
    ) throws(SCIMError) {
        guard let attribute = schema.attribute(path.attribute) else { throw .invalidPath("unknown attribute \(path.attribute)") }
        let key = attribute.name
        let value = value.map { canonical($0, for: attribute, sub: path.subAttribute) }
        if let filter = path.filter {
            try applyFiltered(op, filter: filter, sub: path.subAttribute, value: value, attribute: attribute, to: &members)
            return
        }
        if let sub = path.subAttribute {
            switch (members[key], op) {
            case (.array(var items)?, _) where attribute.isMultiValued:
                guard !items.isEmpty || op == .remove else {
                    throw .noTarget(
                        "\(key) has no values whose \(sub) could be set; use a value filter such as \(key)[type eq \"work\"].\(sub)"
                    )
                }
                for index in items.indices { items[index] = set(sub, op == .remove ? nil : value, in: items[index]) }
                members[key] = .array(items)
            case (_, .remove):
                if let current = members[key] { members[key] = set(sub, nil, in: current) }
            default:
                guard !attribute.isMultiValued else {
                    throw .noTarget(
                        "\(key) has no values whose \(sub) could be set; use a value filter such as \(key)[type eq \"work\"].\(sub)"
                    )
                }
                members[key] = set(sub, value, in: members[key] ?? .object([:]))
            }
            return
        }
        switch op {
        case .remove:
            if attribute.isMultiValued, let value, value != .null, case .array(let items)? = members[key] {
                let removing: [SCIMValue] = if case .array(let list) = value { list } else { [value] }
                members[key] = .array(items.filter { item in !removing.contains { sameElement($0, item) } })
            } else {
                members[key] = nil
            }
        case .add, .replace:
            guard let value, value != .null else {
                members[key] = nil
                return
            }
            if attribute.isMultiValued {
                let adding: [SCIMValue] = if case .array(let list) = value { list } else { [value] }
                if op == .add, case .array(let items)? = members[key] {
                    members[key] = .array(items + adding.filter { new in !items.contains { sameElement(new, $0) } })
                } else {
                    members[key] = .array(adding)
                }
            } else if attribute.kind == .complex, case .object(let parts) = value, case .object(var current)? = members[key] {
                for (part, partValue) in parts { current[part] = partValue == .null ? nil : partValue }
                members[key] = .object(current)
            } else {
                members[key] = value
            }
        }
    }

    private static func applyFiltered(
        _ op: SCIMPatchOperation.Op, filter: SCIMFilter, sub: String?, value: SCIMValue?, attribute: SCIMAttribute,
        to members: inout [String: SCIMValue]
    ) throws(SCIMError) {
        let key = attribute.name
        let elementSchema = SCIMSchema(id: "", attributes: attribute.subAttributes)
        var items: [SCIMValue] = if case .array(let list)? = members[key] { list } else { [] }
        let matching = items.indices.filter { filter.matches(items[$0], schema: elementSchema) }
        switch op {
        case .remove:
            // Removing what is already gone is not an error: identity providers retry.
            if let sub {
                for index in matching { items[index] = set(sub, nil, in: items[index]) }
            } else {
                items = items.indices.filter { !matching.contains($0) }.map { items[$0] }
            }
        case .add, .replace:
            guard let value else { return }
            if matching.isEmpty {
                // `emails[type eq "work"].value` on a user without a work address makes one (Entra ID and Okta send
                // it that way); a filter that is not a set of `eq` comparisons describes no value to make.
                guard let seed = seed(filter) else {
                    throw .noTarget("no value of \(key) matches the filter, and the filter does not describe one to add")
                }
                if let sub {
                    items.append(set(sub, value, in: .object(seed)))
                } else if case .object(let parts) = value {
                    items.append(.object(seed.merging(parts) { _, new in new }))
                } else {
                    throw .invalidValue("\(key)[…] takes an object value")
                }
            } else {
                for index in matching {
                    if let sub {
                        items[index] = set(sub, value, in: items[index])
                    } else if case .object(let parts) = value {
                        if op == .replace {
                            items[index] = .object(parts)
                        } else if case .object(let current) = items[index] {
                            items[index] = .object(current.merging(parts) { _, new in new })
                        }
                    } else {
                        throw .invalidValue("\(key)[…] takes an object value")
                    }
                }
            }
        }
        members[key] = items.isEmpty ? nil : .array(items)
    }

    /// The sub-attribute values an `eq` filter (or several joined by `and`) pins: what a new element must hold.
    private static func seed(_ filter: SCIMFilter) -> [String: SCIMValue]? {
        switch filter {
        case .compare(let path, .eq, let value) where path.subAttribute == nil && value != .null:
            return [path.attribute: value]
        case .and(let left, let right):
            guard let l = seed(left), let r = seed(right) else { return nil }
            return l.merging(r) { first, _ in first }
        default:
            return nil
        }
    }

    private static func set(_ sub: String, _ value: SCIMValue?, in object: SCIMValue) -> SCIMValue {
        guard case .object(var parts) = object else { return object }
        for existing in object.keys(matching: sub) { parts[existing] = nil }
        if let value, value != .null { parts[sub] = value }
        return .object(parts)
    }

    /// Two elements of a multi-valued attribute are the same when their `value`s are (or, without one, when equal).
    private static func sameElement(_ a: SCIMValue, _ b: SCIMValue) -> Bool {
        if let left = a.member("value"), let right = b.member("value") {
            if case .string(let l) = left, case .string(let r) = right { return l.caseInsensitiveCompare(r) == .orderedSame }
            return left == right
        }
        return a == b
    }

    /// A value with its member names spelled as the schema does and members it does not declare dropped.
    private static func canonical(_ value: SCIMValue, for attribute: SCIMAttribute, sub: String?) -> SCIMValue {
        guard sub == nil, attribute.kind == .complex else { return value }
        switch value {
        case .array(let items): return .array(items.map { canonical($0, for: attribute, sub: nil) })
        case .object(let parts):
            var result: [String: SCIMValue] = [:]
            for (name, part) in parts {
                if let known = attribute.subAttribute(name) { result[known.name] = part }
            }
            return .object(result)
        default: return value
        }
    }
}
