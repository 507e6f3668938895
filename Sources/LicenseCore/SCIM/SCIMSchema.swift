import Foundation

/// An attribute a SCIM schema declares (RFC 7643 §2.2, §7): what filters and PATCH paths may name, and how values of
/// it compare.
public struct SCIMAttribute: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case string, boolean, decimal, integer, dateTime, reference, complex
    }

    public enum Mutability: String, Sendable {
        case readOnly, readWrite, immutable, writeOnly
    }

    public var name: String
    public var kind: Kind
    public var isMultiValued: Bool
    /// Whether string comparisons respect case (`id`, `externalId`); most attributes compare without it.
    public var isCaseExact: Bool
    public var mutability: Mutability
    public var subAttributes: [SCIMAttribute]

    public init(
        _ name: String, _ kind: Kind = .string, multiValued: Bool = false, caseExact: Bool = false,
        mutability: Mutability = .readWrite, subAttributes: [SCIMAttribute] = []
    ) {
        self.name = name
        self.kind = kind
        self.isMultiValued = multiValued
        self.isCaseExact = caseExact
        self.mutability = mutability
        self.subAttributes = subAttributes
    }

    /// The sub-attribute named `name`, case-insensitively.
    public func subAttribute(_ name: String) -> SCIMAttribute? {
        subAttributes.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }
}

/// A resource schema: its URN and the attributes it declares.
public struct SCIMSchema: Sendable, Equatable {
    public var id: String
    public var attributes: [SCIMAttribute]

    public init(id: String, attributes: [SCIMAttribute]) {
        self.id = id
        self.attributes = attributes
    }

    /// The attribute named `name`, case-insensitively.
    public func attribute(_ name: String) -> SCIMAttribute? {
        attributes.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// Resolves an attribute path against the schema: its attribute and, for `name.givenName`, the sub-attribute.
    /// A URN prefix must be this schema's. Throws `error` (the caller's `scimType`) naming what is unknown.
    func resolve(
        _ path: SCIMAttributePath, error: (String) -> SCIMError
    ) throws(SCIMError) -> (attribute: SCIMAttribute, sub: SCIMAttribute?) {
        if let urn = path.schema, urn.caseInsensitiveCompare(id) != .orderedSame {
            throw error("unknown schema '\(urn.prefix(120))' in '\(path)'; this server knows \(id)")
        }
        guard let attribute = attribute(path.attribute) else {
            let known = attributes.map(\.name).joined(separator: ", ")
            throw error("unknown attribute '\(path.attribute.prefix(64))'; the attributes are \(known)")
        }
        guard let subName = path.subAttribute else { return (attribute, nil) }
        guard let sub = attribute.subAttribute(subName) else {
            let known = attribute.subAttributes.map(\.name).joined(separator: ", ")
            throw error(
                known.isEmpty
                    ? "\(attribute.name) has no sub-attributes, so '\(path)' names nothing"
                    : "unknown sub-attribute '\(subName.prefix(64))' of \(attribute.name); its sub-attributes are \(known)")
        }
        return (attribute, sub)
    }
}

extension SCIMSchema {
    public static let userURN = "urn:ietf:params:scim:schemas:core:2.0:User"
    public static let patchOpURN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    public static let listResponseURN = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    public static let errorURN = "urn:ietf:params:scim:api:messages:2.0:Error"

    static let meta = SCIMAttribute(
        "meta", .complex, mutability: .readOnly,
        subAttributes: [
            SCIMAttribute("resourceType", caseExact: true, mutability: .readOnly),
            SCIMAttribute("created", .dateTime, mutability: .readOnly),
            SCIMAttribute("lastModified", .dateTime, mutability: .readOnly),
            SCIMAttribute("location", .reference, caseExact: true, mutability: .readOnly),
            SCIMAttribute("version", caseExact: true, mutability: .readOnly),
        ])

    /// The core User schema as this server keeps it (RFC 7643 §4.1): the attributes a licensing user maps to.
    public static let user = SCIMSchema(
        id: userURN,
        attributes: [
            SCIMAttribute("id", caseExact: true, mutability: .readOnly),
            SCIMAttribute("externalId", caseExact: true),
            SCIMAttribute("userName"),
            SCIMAttribute(
                "name", .complex,
                subAttributes: ["formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"]
                    .map { SCIMAttribute($0) }),
            SCIMAttribute("displayName"),
            SCIMAttribute("userType"),
            SCIMAttribute("active", .boolean),
            SCIMAttribute(
                "emails", .complex, multiValued: true,
                subAttributes: [
                    SCIMAttribute("value"), SCIMAttribute("display"), SCIMAttribute("type"), SCIMAttribute("primary", .boolean),
                ]),
            meta,
        ])
}
