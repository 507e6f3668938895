import Foundation
import LicenseCore
import Testing

/// The encoder writes numbers straight into its bytes; they must stay exactly what `String(n)` writes.
@Suite("Canonical encoding of numbers")
struct CanonicalNumberTests {
    static let integers: [Int64] = [
        0, 1, 9, 10, 11, 99, 100, 1_700_000_000, 9_999_999_999, -1, -9, -10, -1_234_567, .max, .min, .max - 1, .min + 1,
    ]

    static func expected(_ name: String, _ text: String?) -> [UInt8] {
        let line = text.map { "\(name)=\($0.utf8.count):\($0)\n" } ?? "\(name)=-\n"
        return Array("ctx\n\(line)".utf8)
    }

    @Test("an integer is its decimal text, with its length", arguments: integers)
    func integer(_ value: Int64) {
        var e = CanonicalEncoder(context: "ctx")
        e.add("n", value)
        #expect(e.bytes == Self.expected("n", String(value)))

        var i = CanonicalEncoder(context: "ctx")
        i.add("n", Int(value))
        #expect(i.bytes == Self.expected("n", String(value)))
    }

    @Test(
        "a date is its whole seconds since 1970, rounded down",
        arguments: [0, 0.5, 1_700_000_000.9, -0.5, -1, -86_400.25, 4_102_444_800])
    func date(_ seconds: Double) {
        var e = CanonicalEncoder(context: "ctx")
        e.add("at", Date(timeIntervalSince1970: seconds))
        #expect(e.bytes == Self.expected("at", String(Int64(seconds.rounded(.down)))))
    }

    @Test("nulls and booleans")
    func nullsAndBooleans() {
        var e = CanonicalEncoder(context: "ctx")
        e.add("a", nil as Int64?)
        e.add("b", nil as Int?)
        e.add("c", nil as Date?)
        e.add("d", true)
        e.add("e", false)
        #expect(String(decoding: e.bytes, as: UTF8.self) == "ctx\na=-\nb=-\nc=-\nd=1:1\ne=1:0\n")
    }

    @Test("a value of ten or more bytes has a two-digit length")
    func longLength() {
        var e = CanonicalEncoder(context: "ctx")
        e.add("s", String(repeating: "x", count: 123))
        #expect(e.bytes == Self.expected("s", String(repeating: "x", count: 123)))
    }
}
