import Foundation

/// The query of a SCIM list request (RFC 7644 §3.4.2): filter, paging, sorting and which attributes to return, read
/// from the query parameters and checked against the schema.
public struct SCIMListQuery: Sendable, Equatable {
    public var filter: SCIMFilter?
    /// 1-based; values below 1 are read as 1 (RFC 7644 §3.4.2.4).
    public var startIndex: Int
    /// Negative values are read as 0; more than `maxResults` is cut to it.
    public var count: Int
    public var sortBy: SCIMAttributePath?
    public var isDescending: Bool
    public var attributes: [SCIMAttributePath]
    public var excludedAttributes: [SCIMAttributePath]

    /// The most resources one page holds (`filter.maxResults` of ServiceProviderConfig).
    public static let maxResults = 1_000
    /// The page size when `count` is absent.
    public static let defaultCount = 100

    public init(
        filter: SCIMFilter? = nil, startIndex: Int = 1, count: Int = defaultCount, sortBy: SCIMAttributePath? = nil,
        isDescending: Bool = false, attributes: [SCIMAttributePath] = [], excludedAttributes: [SCIMAttributePath] = []
    ) {
        self.filter = filter
        self.startIndex = startIndex
        self.count = count
        self.sortBy = sortBy
        self.isDescending = isDescending
        self.attributes = attributes
        self.excludedAttributes = excludedAttributes
    }

    /// Reads `filter`, `startIndex`, `count`, `sortBy`, `sortOrder`, `attributes` and `excludedAttributes`.
    public init(parameters: [String: String], schema: SCIMSchema) throws(SCIMError) {
        self.init()
        if let text = parameters["filter"] { filter = try SCIMFilter.parse(text, schema: schema) }
        if let text = parameters["startIndex"] {
            guard let value = Int(text) else { throw .invalidValue("startIndex must be an integer (1 is the first result)") }
            startIndex = max(1, value)
        }
        if let text = parameters["count"] {
            guard let value = Int(text) else { throw .invalidValue("count must be an integer (0 asks for totalResults only)") }
            count = min(max(0, value), Self.maxResults)
        }
        if let text = parameters["sortBy"] {
            let path = try SCIMAttributePath(parsing: text, error: SCIMError.invalidValue)
            let resolved = try schema.resolve(path, error: { SCIMError.invalidValue("sortBy: \($0)") })
            guard (resolved.sub ?? resolved.attribute).kind != .complex || resolved.attribute.isMultiValued else {
                throw .invalidValue("sortBy: \(resolved.attribute.name) is complex; sort by one of its sub-attributes")
            }
            sortBy = path
        }
        switch parameters["sortOrder"]?.lowercased() {
        case nil, "ascending": isDescending = false
        case "descending": isDescending = true
        case let other?: throw .invalidValue("sortOrder must be ascending or descending, not '\(other.prefix(32))'")
        }
        attributes = try Self.paths(parameters["attributes"], "attributes", schema: schema)
        excludedAttributes = try Self.paths(parameters["excludedAttributes"], "excludedAttributes", schema: schema)
    }

    private static func paths(_ text: String?, _ parameter: String, schema: SCIMSchema) throws(SCIMError) -> [SCIMAttributePath] {
        guard let text else { return [] }
        var paths: [SCIMAttributePath] = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            let path = try SCIMAttributePath(parsing: name) { SCIMError.invalidValue("\(parameter): \($0)") }
            _ = try schema.resolve(path) { SCIMError.invalidValue("\(parameter): \($0)") }
            paths.append(path)
        }
        return paths
    }

    /// The resources this query selects from `resources` (each a resource as JSON, in the store's stable order):
    /// filtered, sorted (ties keep the given order), and the total before paging.
    public func select(_ resources: [SCIMValue], schema: SCIMSchema) -> (page: [SCIMValue], totalResults: Int) {
        var selected = resources
        if let filter { selected = selected.filter { filter.matches($0, schema: schema) } }
        if let sortBy {
            let keyed = selected.enumerated().map {
                (offset: $0.offset, key: Self.sortKey($0.element, sortBy), value: $0.element)
            }
            selected = keyed.sorted { a, b in
                switch (a.key, b.key) {
                case (let x?, let y?) where x != y: return isDescending ? x > y : x < y
                case (nil, _?): return false
                case (_?, nil): return true
                default: return a.offset < b.offset
                }
            }.map(\.value)
        }
        let total = selected.count
        let start = min(startIndex - 1, total)
        let end = min(start + count, total)
        return (Array(selected[start..<end]), total)
    }

    /// The sort key: a multi-valued attribute sorts by its primary value, else its first (RFC 7644 §3.4.2.3).
    private static func sortKey(_ resource: SCIMValue, _ path: SCIMAttributePath) -> String? {
        guard let top = resource.member(path.attribute) else { return nil }
        var item = top
        if case .array(let items) = top {
            guard let first = items.first(where: { $0.member("primary") == .bool(true) }) ?? items.first else { return nil }
            item = first
        }
        let value: SCIMValue? =
            if let sub = path.subAttribute { item.member(sub) } else if case .object = item { item.member("value") } else { item }
        switch value {
        case .string(let text)?: return text.lowercased()
        case .number(let number)?: return String(format: "%020.6f", number)
        case .bool(let flag)?: return flag ? "1" : "0"
        default: return nil
        }
    }

    /// The resource with only the attributes asked for (`attributes`) or without those excluded
    /// (`excludedAttributes`); `id` and `schemas` are always returned (RFC 7643 §7 "returned").
    public func project(_ resource: SCIMValue) -> SCIMValue {
        guard case .object(var members) = resource else { return resource }
        let always: Set<String> = ["id", "schemas"]
        if !attributes.isEmpty {
            var kept: [String: SCIMValue] = [:]
            for (key, value) in members {
                if always.contains(key) {
                    kept[key] = value
                    continue
                }
                let asked = attributes.filter { $0.attribute.caseInsensitiveCompare(key) == .orderedSame }
                guard !asked.isEmpty else { continue }
                if asked.contains(where: { $0.subAttribute == nil }) {
                    kept[key] = value
                } else {
                    kept[key] = Self.keeping(asked.compactMap(\.subAttribute), of: value)
                }
            }
            members = kept
        }
        for path in excludedAttributes {
            for key in resource.keys(matching: path.attribute) where !always.contains(key) {
                if let sub = path.subAttribute, let value = members[key] {
                    members[key] = Self.removing(sub, from: value)
                } else if path.subAttribute == nil {
                    members[key] = nil
                }
            }
        }
        return .object(members)
    }

    private static func keeping(_ subs: [String], of value: SCIMValue) -> SCIMValue {
        switch value {
        case .array(let items): return .array(items.map { keeping(subs, of: $0) })
        case .object(let parts):
            return .object(parts.filter { part in subs.contains { $0.caseInsensitiveCompare(part.key) == .orderedSame } })
        default: return value
        }
    }

    private static func removing(_ sub: String, from value: SCIMValue) -> SCIMValue {
        switch value {
        case .array(let items): return .array(items.map { removing(sub, from: $0) })
        case .object(let parts): return .object(parts.filter { $0.key.caseInsensitiveCompare(sub) != .orderedSame })
        default: return value
        }
    }
}
