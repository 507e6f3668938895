import Foundation

/// Decoding of JSON that comes from outside: a size limit, a nesting limit, and errors that name the problem.
public enum JSONInput {
    public static let maxDepth = 32

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = ISO8601.date(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text.prefix(40))' is not an ISO 8601 date")
            }
            return date
        }
        return decoder
    }()

    public static func decode<T: Decodable>(
        _ type: T.Type, from data: Data, what: String, limit: Int
    ) throws(LicenseInputError) -> T {
        guard !data.isEmpty else { throw .malformedPackage("\(what) is empty") }
        guard data.count <= limit else { throw .malformedPackage("\(what) is larger than \(limit >> 10) KiB") }
        _ = try members(data, what: what)
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw .malformedPackage("\(what): \(describe(error))")
        } catch {
            throw .malformedPackage("\(what) is not valid JSON")
        }
    }

    /// Reads `data` strictly (`StrictJSON`) before a decoder sees it: the JSON grammar, nesting up to `maxDepth`, no
    /// member name twice in an object. Returns the top-level object's member names.
    public static func members(_ data: Data, what: String) throws(LicenseInputError) -> [String] {
        do throws(StrictJSON.Problem) {
            return try StrictJSON.scan(data, maxDepth: maxDepth)
        } catch {
            switch error {
            case .notJSON(let offset): throw .malformedPackage("\(what): not valid JSON (at byte \(offset))")
            case .tooDeep(let limit): throw .malformedPackage("\(what) is nested deeper than \(limit) levels")
            case .duplicateMember(let name, let path):
                throw .malformedPackage(
                    "duplicate member '\(name.prefix(64))' \(path.isEmpty ? "" : "at \(path.prefix(120)) ")in \(what)")
            }
        }
    }

    /// Refuses nesting deeper than `maxDepth` before the decoder sees the document.
    static func checkDepth(_ data: Data, what: String) throws(LicenseInputError) {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x5B, 0x7B:
                depth += 1
                if depth > maxDepth { throw .malformedPackage("\(what) is nested deeper than \(maxDepth) levels") }
            case 0x5D, 0x7D: depth -= 1
            default: break
            }
        }
    }

    /// The nesting check alone, for edges that decode themselves.
    public static func checkDepthPublic(_ data: Data) throws(LicenseInputError) {
        try checkDepth(data, what: "the request body")
    }

    public static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "the document" : p
        }
        switch error {
        case .keyNotFound(let key, let context):
            let p = path(context)
            return "missing field '\(key.stringValue)'" + (context.codingPath.isEmpty ? "" : " in \(p)")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(path(context))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not valid JSON" }
            return "invalid value at \(path(context)): \(context.debugDescription.prefix(120))"
        @unknown default:
            return "not valid JSON"
        }
    }
}
