import Foundation

/// An attribute path (RFC 7644 §3.10): `[URN ":"] attribute ["." subAttribute]`, names compared case-insensitively.
public struct SCIMAttributePath: Sendable, Equatable, CustomStringConvertible {
    public var schema: String?
    public var attribute: String
    public var subAttribute: String?

    public init(schema: String? = nil, attribute: String, subAttribute: String? = nil) {
        self.schema = schema
        self.attribute = attribute
        self.subAttribute = subAttribute
    }

    /// Parses `userName`, `name.givenName`, `urn:ietf:params:scim:schemas:core:2.0:User:userName`; `error` makes the
    /// refusal with the caller's `scimType`.
    public init(parsing text: String, error: (String) -> SCIMError) throws(SCIMError) {
        var rest = Substring(text)
        var schema: String?
        if let colon = text.lastIndex(of: ":") {
            schema = String(text[..<colon])
            rest = text[text.index(after: colon)...]
            guard schema!.lowercased().hasPrefix("urn:") else {
                throw error("'\(text.prefix(120))' is not an attribute path; a schema prefix starts with 'urn:'")
            }
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy(Self.isAttributeName) else {
            throw error(
                "'\(text.prefix(120))' is not an attribute path; expected a name such as userName or name.givenName")
        }
        self.init(schema: schema, attribute: String(parts[0]), subAttribute: parts.count == 2 ? String(parts[1]) : nil)
    }

    /// `ATTRNAME = ALPHA *(ALPHA / DIGIT / "-" / "_")`, and `$ref`.
    static func isAttributeName(_ name: Substring) -> Bool {
        if name == "$ref" { return true }
        guard let first = name.unicodeScalars.first, first.isASCII, CharacterSet.letters.contains(first) else { return false }
        return name.count <= 64
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
            }
    }

    public var description: String {
        (schema.map { "\($0):" } ?? "") + attribute + (subAttribute.map { ".\($0)" } ?? "")
    }
}

/// A SCIM filter (RFC 7644 §3.4.2.2) parsed into a tree: comparisons, `pr`, `and`/`or`/`not` and value paths
/// (`emails[type eq "work"]`). `parse(_:schema:)` checks it against the schema; `matches` evaluates it on a resource.
public indirect enum SCIMFilter: Sendable, Equatable {
    public enum Operator: String, Sendable, CaseIterable {
        case eq, ne, co, sw, ew, gt, ge, lt, le
    }

    case compare(SCIMAttributePath, Operator, SCIMValue)
    case present(SCIMAttributePath)
    case not(SCIMFilter)
    case and(SCIMFilter, SCIMFilter)
    case or(SCIMFilter, SCIMFilter)
    case valuePath(SCIMAttributePath, SCIMFilter)

    /// The longest filter accepted, in characters.
    public static let maxLength = 2_048
    /// The most comparisons and presence tests one filter may hold: its complexity limit.
    public static let maxTerms = 50
    /// The deepest nesting of parentheses, `not` and value paths.
    public static let maxDepth = 10

    /// Parses `text` and checks every attribute and operand against `schema`; throws `invalidFilter` saying what is
    /// wrong and where.
    public static func parse(_ text: String, schema: SCIMSchema) throws(SCIMError) -> SCIMFilter {
        let filter = try parse(text)
        try filter.check(in: schema.attributes, schema: schema, insideValuePath: false)
        return filter
    }

    /// Parses `text` without a schema: the grammar and the complexity limit only.
    public static func parse(_ text: String) throws(SCIMError) -> SCIMFilter {
        guard text.count <= maxLength else {
            throw .invalidFilter("the filter is longer than \(maxLength) characters")
        }
        var parser = try FilterParser(text)
        let filter = try parser.parseFilter(depth: 0)
        if let token = parser.peek {
            throw .invalidFilter("unexpected \(token.kind.shown) at character \(token.offset + 1) of the filter")
        }
        return filter
    }

    // MARK: - Checking against a schema

    private func check(in scope: [SCIMAttribute], schema: SCIMSchema, insideValuePath: Bool) throws(SCIMError) {
        switch self {
        case .and(let left, let right), .or(let left, let right):
            try left.check(in: scope, schema: schema, insideValuePath: insideValuePath)
            try right.check(in: scope, schema: schema, insideValuePath: insideValuePath)
        case .not(let inner):
            try inner.check(in: scope, schema: schema, insideValuePath: insideValuePath)
        case .present(let path):
            _ = try Self.resolve(path, in: scope, schema: schema, insideValuePath: insideValuePath)
        case .compare(let path, let op, let operand):
            let attribute = try Self.resolve(path, in: scope, schema: schema, insideValuePath: insideValuePath)
            try Self.checkOperand(operand, op: op, attribute: attribute, path: path)
        case .valuePath(let path, let inner):
            guard !insideValuePath else { throw .invalidFilter("a value filter cannot hold another one ('\(path)[…]')") }
            guard path.subAttribute == nil else {
                throw .invalidFilter("'\(path)[…]': a value filter follows the attribute itself, as in emails[type eq \"work\"]")
            }
            let attribute = try schema.resolve(path, error: SCIMError.invalidFilter).attribute
            guard attribute.kind == .complex else {
                throw .invalidFilter("\(attribute.name) is not complex, so it takes no value filter '[…]'")
            }
            try inner.check(in: attribute.subAttributes, schema: schema, insideValuePath: true)
        }
    }

    /// The attribute a path compares: a sub-attribute, or a multi-valued complex attribute's `value`.
    static func resolve(
        _ path: SCIMAttributePath, in scope: [SCIMAttribute], schema: SCIMSchema, insideValuePath: Bool
    ) throws(SCIMError) -> SCIMAttribute {
        let attribute: SCIMAttribute
        if insideValuePath {
            guard path.schema == nil, path.subAttribute == nil,
                let found = scope.first(where: { $0.name.caseInsensitiveCompare(path.attribute) == .orderedSame })
            else {
                let known = scope.map(\.name).joined(separator: ", ")
                throw .invalidFilter("unknown sub-attribute '\(String(describing: path).prefix(64))'; here they are \(known)")
            }
            attribute = found
        } else {
            let (top, sub) = try schema.resolve(path, error: SCIMError.invalidFilter)
            attribute = sub ?? top
        }
        if attribute.kind == .complex {
            if attribute.isMultiValued, let value = attribute.subAttribute("value") { return value }
            let subs = attribute.subAttributes.map { "\(attribute.name).\($0.name)" }.prefix(3).joined(separator: ", ")
            throw .invalidFilter("\(attribute.name) is complex; filter on a sub-attribute such as \(subs)")
        }
        return attribute
    }

    private static func checkOperand(
        _ operand: SCIMValue, op: Operator, attribute: SCIMAttribute, path: SCIMAttributePath
    ) throws(SCIMError) {
        if operand == .null {
            guard op == .eq || op == .ne else { throw .invalidFilter("'\(op.rawValue) null' compares nothing; use eq or ne") }
            return
        }
        switch attribute.kind {
        case .boolean:
            guard case .bool = operand else {
                throw .invalidFilter("\(path) is a boolean; compare it with true or false, not \(operand.kindName)")
            }
            guard op == .eq || op == .ne else {
                throw .invalidFilter("\(path) is a boolean; only eq, ne and pr apply to it, not \(op.rawValue)")
            }
        case .decimal, .integer:
            guard case .number = operand else {
                throw .invalidFilter("\(path) is a number; compare it with a number, not \(operand.kindName)")
            }
            guard ![.co, .sw, .ew].contains(op) else {
                throw .invalidFilter("\(path) is a number; \(op.rawValue) applies to strings only")
            }
        case .dateTime:
            guard case .string(let text) = operand, ISO8601.date(text) != nil else {
                throw .invalidFilter("\(path) is a date; compare it with a quoted ISO 8601 date such as \"2024-01-31T00:00:00Z\"")
            }
        case .string, .reference, .complex:
            guard case .string = operand else {
                throw .invalidFilter("\(path) is a string; compare it with a quoted string, not \(operand.kindName)")
            }
        }
    }
}

// MARK: - Tokens and parsing

struct FilterToken: Equatable {
    enum Kind: Equatable {
        case open, close, openBracket, closeBracket
        case word(String)
        case string(String)

        var shown: String {
            switch self {
            case .open: "'('"
            case .close: "')'"
            case .openBracket: "'['"
            case .closeBracket: "']'"
            case .word(let word): "'\(word.prefix(64))'"
            case .string: "a quoted string"
            }
        }
    }

    var kind: Kind
    var offset: Int
}

/// Splits a filter or PATCH path into tokens: brackets, quoted JSON strings, and words (paths, operators, literals).
func tokenizeFilter(_ text: String, error: (String) -> SCIMError) throws(SCIMError) -> [FilterToken] {
    var tokens: [FilterToken] = []
    let scalars = Array(text.unicodeScalars)
    var index = 0
    while index < scalars.count {
        let scalar = scalars[index]
        switch scalar {
        case " ", "\t", "\n", "\r":
            index += 1
        case "(", ")", "[", "]":
            let kind: FilterToken.Kind =
                switch scalar {
                case "(": .open
                case ")": .close
                case "[": .openBracket
                default: .closeBracket
                }
            tokens.append(FilterToken(kind: kind, offset: index))
            index += 1
        case "\"":
            let start = index
            index += 1
            var escaped = false
            while index < scalars.count, escaped || scalars[index] != "\"" {
                escaped = !escaped && scalars[index] == "\\"
                index += 1
            }
            guard index < scalars.count else { throw error("a string opened at character \(start + 1) is not closed") }
            index += 1
            var literal = String.UnicodeScalarView()
            literal.append(contentsOf: scalars[start..<index])
            guard let value = try? JSONInput.decoder.decode(String.self, from: Data(String(literal).utf8)) else {
                throw error("the string at character \(start + 1) is not a valid JSON string")
            }
            tokens.append(FilterToken(kind: .string(value), offset: start))
        default:
            let start = index
            while index < scalars.count, !" \t\n\r()[]\"".unicodeScalars.contains(scalars[index]) {
                index += 1
            }
            var word = String.UnicodeScalarView()
            word.append(contentsOf: scalars[start..<index])
            tokens.append(FilterToken(kind: .word(String(word)), offset: start))
        }
    }
    return tokens
}

struct FilterParser {
    private let tokens: [FilterToken]
    private var position = 0
    private var terms = 0
    private let textLength: Int

    init(_ text: String) throws(SCIMError) {
        tokens = try tokenizeFilter(text, error: SCIMError.invalidFilter)
        textLength = text.unicodeScalars.count
        guard !tokens.isEmpty else { throw .invalidFilter("the filter is empty") }
    }

    var peek: FilterToken? { position < tokens.count ? tokens[position] : nil }

    private mutating func next() -> FilterToken? {
        defer { position += 1 }
        return peek
    }

    private func isKeyword(_ token: FilterToken?, _ keyword: String) -> Bool {
        if case .word(let word)? = token?.kind { return word.caseInsensitiveCompare(keyword) == .orderedSame }
        return false
    }

    private var here: String {
        peek.map { "at character \($0.offset + 1)" } ?? "at the end of the filter"
    }

    mutating func parseFilter(depth: Int) throws(SCIMError) -> SCIMFilter {
        var left = try parseAnd(depth: depth)
        while isKeyword(peek, "or") {
            position += 1
            left = .or(left, try parseAnd(depth: depth))
        }
        return left
    }

    private mutating func parseAnd(depth: Int) throws(SCIMError) -> SCIMFilter {
        var left = try parseUnary(depth: depth)
        while isKeyword(peek, "and") {
            position += 1
            left = .and(left, try parseUnary(depth: depth))
        }
        return left
    }

    private mutating func parseUnary(depth: Int) throws(SCIMError) -> SCIMFilter {
        guard depth < SCIMFilter.maxDepth else {
            throw .invalidFilter("the filter nests deeper than \(SCIMFilter.maxDepth) levels")
        }
        if isKeyword(peek, "not") {
            position += 1
            guard peek?.kind == .open else { throw .invalidFilter("'not' must be followed by '(' \(here)") }
            return .not(try parseUnary(depth: depth + 1))
        }
        if peek?.kind == .open {
            position += 1
            let inner = try parseFilter(depth: depth + 1)
            guard next()?.kind == .close else { throw .invalidFilter("expected ')' \(hereBefore)") }
            return inner
        }
        guard let token = next() else { throw .invalidFilter("expected an attribute at the end of the filter") }
        guard case .word(let word) = token.kind else {
            throw .invalidFilter("expected an attribute at character \(token.offset + 1), found \(token.kind.shown)")
        }
        let path = try SCIMAttributePath(parsing: word) { SCIMError.invalidFilter("\($0) (at character \(token.offset + 1))") }
        if peek?.kind == .openBracket {
            position += 1
            let inner = try parseFilter(depth: depth + 1)
            guard next()?.kind == .closeBracket else { throw .invalidFilter("expected ']' \(hereBefore)") }
            return .valuePath(path, inner)
        }
        terms += 1
        guard terms <= SCIMFilter.maxTerms else {
            throw .invalidFilter("the filter has more than \(SCIMFilter.maxTerms) comparisons; split the request")
        }
        guard let opToken = next(), case .word(let opWord) = opToken.kind else {
            throw .invalidFilter("expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after '\(word.prefix(64))'")
        }
        if opWord.caseInsensitiveCompare("pr") == .orderedSame { return .present(path) }
        guard let op = SCIMFilter.Operator(rawValue: opWord.lowercased()) else {
            throw .invalidFilter(
                "unknown operator '\(opWord.prefix(16))' at character \(opToken.offset + 1); use eq, ne, co, sw, ew, gt, ge, lt, le or pr"
            )
        }
        guard let valueToken = next() else {
            throw .invalidFilter("'\(word.prefix(64)) \(opWord)' needs a value: a quoted string, a number, true, false or null")
        }
        return .compare(path, op, try Self.literal(valueToken))
    }

    /// Where the previous token ended, for "expected …" after a run of tokens.
    private var hereBefore: String {
        if let token = tokens[safe: position - 1] { return "at character \(token.offset + 1), found \(token.kind.shown)" }
        return "at the end of the filter (character \(textLength))"
    }

    private static func literal(_ token: FilterToken) throws(SCIMError) -> SCIMValue {
        switch token.kind {
        case .string(let text): return .string(text)
        case .word(let word):
            switch word.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default:
                let isNumber =
                    word.range(of: #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$"#, options: .regularExpression) != nil
                guard isNumber, let number = Double(word) else {
                    throw .invalidFilter(
                        "'\(word.prefix(64))' at character \(token.offset + 1) is not a value; quote strings (\"…\"), or use a number, true, false or null"
                    )
                }
                return .number(number)
            }
        default:
            throw .invalidFilter("expected a value at character \(token.offset + 1), found \(token.kind.shown)")
        }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
