import Foundation

/// The canonical byte encoding that row signatures and seals cover (see `docs/canonical-encoding.md`).
///
/// A context line, then one line per field in a fixed order: `name=LEN:VALUE\n` with LEN the UTF-8 byte count of
/// VALUE in decimal, or `name=-\n` for a null. Booleans are `0`/`1`, dates whole seconds since 1970 UTC, lists are
/// joined with `,`. Length prefixes make the encoding unambiguous whatever the values contain.
public struct CanonicalEncoder {
    private(set) public var bytes: [UInt8]

    public init(context: String) {
        bytes = []
        bytes.reserveCapacity(256)
        bytes.append(contentsOf: context.utf8)
        bytes.append(0x0A)
    }

    public mutating func add(_ name: String, _ value: String?) {
        appendName(name)
        if let value {
            let utf8 = value.utf8
            appendDecimal(UInt64(utf8.count))
            bytes.append(0x3A)  // :
            bytes.append(contentsOf: utf8)
        } else {
            bytes.append(0x2D)  // -
        }
        bytes.append(0x0A)
    }

    // Numbers are written as `String(n)` would write them, straight into the bytes: `verify` encodes millions of rows,
    // and a String per number was a measurable share of it.
    public mutating func add(_ name: String, _ value: Int64?) {
        appendName(name)
        if let value {
            let magnitude = value.magnitude
            appendDecimal(UInt64(Self.digitCount(magnitude) + (value < 0 ? 1 : 0)))
            bytes.append(0x3A)  // :
            if value < 0 { bytes.append(0x2D) }  // -
            appendDecimal(magnitude)
        } else {
            bytes.append(0x2D)  // -
        }
        bytes.append(0x0A)
    }

    public mutating func add(_ name: String, _ value: Int?) { add(name, value.map { Int64($0) }) }

    public mutating func add(_ name: String, _ value: Bool) {
        appendName(name)
        bytes.append(0x31)  // 1, the length
        bytes.append(0x3A)  // :
        bytes.append(value ? 0x31 : 0x30)
        bytes.append(0x0A)
    }

    public mutating func add(_ name: String, _ value: Date?) {
        add(name, value.map { Int64($0.timeIntervalSince1970.rounded(.down)) })
    }

    // MARK: - Bytes

    private mutating func appendName(_ name: String) {
        bytes.append(contentsOf: name.utf8)
        bytes.append(0x3D)  // =
    }

    private static func digitCount(_ value: UInt64) -> Int {
        var count = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        return count
    }

    /// Appends `value` in decimal, most significant digit first, without a leading zero.
    private mutating func appendDecimal(_ value: UInt64) {
        let start = bytes.count
        var rest = value
        repeat {
            bytes.append(0x30 + UInt8(truncatingIfNeeded: rest % 10))
            rest /= 10
        } while rest != 0
        bytes[start...].reverse()
    }
}
