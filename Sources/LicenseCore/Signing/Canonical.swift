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
        bytes.append(contentsOf: name.utf8)
        bytes.append(0x3D)  // =
        if let value {
            let utf8 = value.utf8
            bytes.append(contentsOf: String(utf8.count).utf8)
            bytes.append(0x3A)  // :
            bytes.append(contentsOf: utf8)
        } else {
            bytes.append(0x2D)  // -
        }
        bytes.append(0x0A)
    }

    public mutating func add(_ name: String, _ value: Int64?) { add(name, value.map { String($0) }) }
    public mutating func add(_ name: String, _ value: Int?) { add(name, value.map { String($0) }) }
    public mutating func add(_ name: String, _ value: Bool) { add(name, value ? "1" : "0") }
    public mutating func add(_ name: String, _ value: Date?) {
        add(name, value.map { String(Int64($0.timeIntervalSince1970.rounded(.down))) })
    }
}
