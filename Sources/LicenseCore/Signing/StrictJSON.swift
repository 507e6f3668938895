import Foundation

/// A strict reading of JSON text (RFC 8259) before a decoder sees it: the grammar, a nesting limit, and no object
/// with the same member name twice.
///
/// Foundation's decoders keep one of two members of the same name and common JOSE libraries keep the other, so a
/// document with a duplicate member means different things to different verifiers (RFC 7515 §5.2, RFC 8259 §4): it
/// is refused here, naming the member and where it is.
public enum StrictJSON {
    /// What the scan found wrong, in words for a message that continues "the package payload …".
    public enum Problem: Error, Equatable, Sendable {
        case notJSON(offset: Int)
        case tooDeep(limit: Int)
        case duplicateMember(name: String, path: String)
    }

    /// The member names of the top-level object, in document order (empty when the document is not an object).
    ///
    /// Throws when the text is not one JSON value, nests deeper than `maxDepth`, or repeats a member name in any
    /// object. Names are compared after escapes are decoded (`"a\u0062"` is `"ab"`).
    public static func scan(_ data: Data, maxDepth: Int) throws(Problem) -> [String] {
        let result: Result<[String], Problem> = data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self), maxDepth: maxDepth)
            do throws(Problem) {
                scanner.skipWhitespace()
                let members = try scanner.value(depth: 0, path: "")
                scanner.skipWhitespace()
                guard scanner.index == scanner.bytes.count else { throw .notJSON(offset: scanner.index) }
                return .success(members)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws(Problem) {
            guard current == byte else { throw .notJSON(offset: index) }
            index += 1
        }

        /// One value; for an object, its member names.
        mutating func value(depth: Int, path: String) throws(Problem) -> [String] {
            switch current {
            case UInt8(ascii: "{"): return try object(depth: depth + 1, path: path)
            case UInt8(ascii: "["):
                try array(depth: depth + 1, path: path)
                return []
            case UInt8(ascii: "\""):
                _ = try string(decoding: false)
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: try number()
            }
            return []
        }

        mutating func object(depth: Int, path: String) throws(Problem) -> [String] {
            guard depth <= maxDepth else { throw .tooDeep(limit: maxDepth) }
            index += 1
            var names: [String] = []
            var seen = Set<String>()
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                index += 1
                return names
            }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw .notJSON(offset: index) }
                guard let name = try string(decoding: true) else { throw .notJSON(offset: index) }
                guard seen.insert(name).inserted else { throw .duplicateMember(name: name, path: path) }
                names.append(name)
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                _ = try value(depth: depth, path: path.isEmpty ? name : path + "." + name)
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    return names
                default: throw .notJSON(offset: index)
                }
            }
        }

        mutating func array(depth: Int, path: String) throws(Problem) {
            guard depth <= maxDepth else { throw .tooDeep(limit: maxDepth) }
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                index += 1
                return
            }
            var element = 0
            while true {
                skipWhitespace()
                _ = try value(depth: depth, path: "\(path)[\(element)]")
                element += 1
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    return
                default: throw .notJSON(offset: index)
                }
            }
        }

        /// A string; its decoded text when `decoding` (member names), else nil.
        mutating func string(decoding: Bool) throws(Problem) -> String? {
            index += 1
            let start = index
            var units: [UInt16]?
            while true {
                guard let byte = current else { throw .notJSON(offset: index) }
                switch byte {
                case UInt8(ascii: "\""):
                    let end = index
                    index += 1
                    guard decoding else { return nil }
                    if let units { return String(decoding: units, as: UTF16.self) }
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                case UInt8(ascii: "\\"):
                    if decoding && units == nil {
                        units = Array(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self).utf16)
                    }
                    index += 1
                    guard let escaped = current else { throw .notJSON(offset: index) }
                    index += 1
                    let unit: UInt16
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unit = UInt16(escaped)
                    case UInt8(ascii: "b"): unit = 0x08
                    case UInt8(ascii: "f"): unit = 0x0C
                    case UInt8(ascii: "n"): unit = 0x0A
                    case UInt8(ascii: "r"): unit = 0x0D
                    case UInt8(ascii: "t"): unit = 0x09
                    case UInt8(ascii: "u"): unit = try hex4()
                    default: throw .notJSON(offset: index - 1)
                    }
                    units?.append(unit)
                case 0x00..<0x20:
                    throw .notJSON(offset: index)
                default:
                    if units != nil {
                        // Copy the run of plain bytes up to the next quote or escape as UTF-16.
                        let runStart = index
                        while let next = current, next != UInt8(ascii: "\""), next != UInt8(ascii: "\\"), next >= 0x20 {
                            index += 1
                        }
                        units?.append(
                            contentsOf: String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<index]), as: UTF8.self)
                                .utf16)
                    } else {
                        index += 1
                    }
                }
            }
        }

        mutating func hex4() throws(Problem) -> UInt16 {
            var value: UInt16 = 0
            for _ in 0..<4 {
                guard let byte = current else { throw .notJSON(offset: index) }
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw .notJSON(offset: index)
                }
                value = value << 4 | UInt16(digit)
                index += 1
            }
            return value
        }

        mutating func literal(_ word: StaticString) throws(Problem) {
            let start = index
            for offset in 0..<word.utf8CodeUnitCount {
                guard current == word.utf8Start[offset] else { throw .notJSON(offset: start) }
                index += 1
            }
        }

        /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`
        mutating func number() throws(Problem) {
            let start = index
            if current == UInt8(ascii: "-") { index += 1 }
            guard let first = current, Self.isDigit(first) else { throw .notJSON(offset: start) }
            index += 1
            if first != UInt8(ascii: "0") { skipDigits() }
            if current == UInt8(ascii: ".") {
                index += 1
                guard let digit = current, Self.isDigit(digit) else { throw .notJSON(offset: index) }
                skipDigits()
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard let digit = current, Self.isDigit(digit) else { throw .notJSON(offset: index) }
                skipDigits()
            }
        }

        mutating func skipDigits() {
            while let byte = current, Self.isDigit(byte) { index += 1 }
        }

        static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    }
}
