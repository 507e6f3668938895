import Foundation

extension SCIMFilter {
    /// Whether `resource` (a SCIM resource as JSON, such as `SCIMUser.resource`) matches the filter, comparing as the
    /// schema says: case-insensitively unless an attribute is case-exact, dates as dates, any value of a multi-valued
    /// attribute matching.
    ///
    /// The filter should have been parsed with the same schema; an attribute it does not know matches nothing.
    public func matches(_ resource: SCIMValue, schema: SCIMSchema) -> Bool {
        evaluate(on: resource, scope: schema.attributes, schema: schema, insideValuePath: false)
    }

    private func evaluate(on object: SCIMValue, scope: [SCIMAttribute], schema: SCIMSchema, insideValuePath: Bool) -> Bool {
        switch self {
        case .and(let left, let right):
            return left.evaluate(on: object, scope: scope, schema: schema, insideValuePath: insideValuePath)
                && right.evaluate(on: object, scope: scope, schema: schema, insideValuePath: insideValuePath)
        case .or(let left, let right):
            return left.evaluate(on: object, scope: scope, schema: schema, insideValuePath: insideValuePath)
                || right.evaluate(on: object, scope: scope, schema: schema, insideValuePath: insideValuePath)
        case .not(let inner):
            return !inner.evaluate(on: object, scope: scope, schema: schema, insideValuePath: insideValuePath)
        case .present(let path):
            return !Self.values(of: path, in: object).isEmpty
        case .compare(let path, let op, let operand):
            guard
                let attribute = try? Self.resolve(path, in: scope, schema: schema, insideValuePath: insideValuePath)
            else { return false }
            let values = Self.values(of: path, in: object)
            if operand == .null { return (op == .eq) == values.isEmpty }
            if op == .ne {
                return !values.contains { Self.compare($0, .eq, operand, attribute: attribute) }
            }
            return values.contains { Self.compare($0, op, operand, attribute: attribute) }
        case .valuePath(let path, let inner):
            guard let attribute = try? schema.resolve(path, error: SCIMError.invalidFilter).attribute,
                let value = object.member(path.attribute)
            else { return false }
            let elements: [SCIMValue] = if case .array(let items) = value { items } else { [value] }
            return elements.contains {
                inner.evaluate(on: $0, scope: attribute.subAttributes, schema: schema, insideValuePath: true)
            }
        }
    }

    /// The non-empty values a path reaches: through arrays, and to `value` of a multi-valued complex attribute
    /// named without a sub-attribute.
    static func values(of path: SCIMAttributePath, in object: SCIMValue) -> [SCIMValue] {
        guard let top = object.member(path.attribute) else { return [] }
        let tops: [SCIMValue] = if case .array(let items) = top { items } else { [top] }
        let reached: [SCIMValue]
        if let sub = path.subAttribute {
            reached = tops.compactMap { $0.member(sub) }
        } else {
            reached = tops.map { item in
                if case .object = item { return item.member("value") ?? .null }
                return item
            }
        }
        return reached.flatMap { value -> [SCIMValue] in
            if case .array(let items) = value { return items }
            return [value]
        }.filter { !$0.isEmptyValue }
    }

    static func compare(_ value: SCIMValue, _ op: Operator, _ operand: SCIMValue, attribute: SCIMAttribute) -> Bool {
        switch (value, operand) {
        case (.bool(let left), .bool(let right)):
            return op == .eq ? left == right : op == .ne ? left != right : false
        case (.number(let left), .number(let right)):
            return order(op, left, right)
        case (.string(let left), .string(let right)):
            if attribute.kind == .dateTime {
                guard let leftDate = ISO8601.date(left), let rightDate = ISO8601.date(right) else { return false }
                return order(op, leftDate, rightDate)
            }
            let (l, r) = attribute.isCaseExact ? (left, right) : (left.lowercased(), right.lowercased())
            switch op {
            case .co: return l.contains(r)
            case .sw: return l.hasPrefix(r)
            case .ew: return l.hasSuffix(r)
            default: return order(op, l, r)
            }
        default:
            return false
        }
    }

    private static func order<T: Comparable>(_ op: Operator, _ left: T, _ right: T) -> Bool {
        switch op {
        case .eq: left == right
        case .ne: left != right
        case .gt: left > right
        case .ge: left >= right
        case .lt: left < right
        case .le: left <= right
        case .co, .sw, .ew: false
        }
    }
}
