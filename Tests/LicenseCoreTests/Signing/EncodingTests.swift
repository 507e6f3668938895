import Foundation
import LicenseCore
import Testing

@Suite("Base64URL (RFC 7515 §2)")
struct Base64URLTests {
    @Test(
        "RFC 4648 test vectors encode without padding",
        arguments: [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ])
    func vectors(plain: String, encoded: String) {
        #expect(Base64URL.encode(Data(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Data(plain.utf8))
    }

    @Test("the url-safe alphabet is used for 62 and 63")
    func urlSafeAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.decode("-_8") == Data([0xFB, 0xFF]))
    }

    @Test("bytes round-trip", arguments: [0, 1, 2, 3, 4, 5, 31, 32, 33, 64, 255, 1_000])
    func roundTrip(length: Int) {
        // Deterministic bytes covering every value
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ 7) }
        let encoded = Base64URL.encode(bytes)
        #expect(encoded.count == (length * 4 + 2) / 3)
        #expect(!encoded.contains("=") && !encoded.contains("+") && !encoded.contains("/"))
        #expect(Base64URL.decode(encoded) == Data(bytes))
    }

    @Test(
        "invalid text does not decode",
        arguments: [
            "Zg==", "Zm8=", "Z", "Zm9vY", "Zh", "Zm9", "a+b/", "ab cd", "Zm9v\n", "Zm9vé", "Zm9v.", "=",
        ])
    func invalid(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }
}

@Suite("Canonical encoding")
struct CanonicalEncoderTests {
    @Test("the documented form: context line, then name=LEN:VALUE lines, '-' for null")
    func documentedForm() {
        var e = CanonicalEncoder(context: "ctx/v1")
        e.add("name", "æb")
        e.add("none", nil as String?)
        e.add("flag", true)
        e.add("count", 42)
        e.add("at", Date(timeIntervalSince1970: 1_700_000_000.9))
        #expect(String(decoding: e.bytes, as: UTF8.self) == "ctx/v1\nname=3:æb\nnone=-\nflag=1:1\ncount=2:42\nat=10:1700000000\n")
    }

    struct Split: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var first: [(String, String?)]
        var second: [(String, String?)]
    }

    static let splits: [Split] = [
        Split(
            testDescription: "a value that looks like the next field", first: [("a", "x\nb=1:y")],
            second: [("a", "x"), ("b", "y")]),
        Split(
            testDescription: "a value moved across the boundary", first: [("a", "xy"), ("b", "")],
            second: [("a", "x"), ("b", "y")]),
        Split(testDescription: "null against a dash", first: [("a", nil)], second: [("a", "-")]),
        Split(testDescription: "null against empty", first: [("a", nil)], second: [("a", "")]),
        Split(testDescription: "a separator inside a name", first: [("a=1:b", "c")], second: [("a", "b=1:c")]),
        Split(
            testDescription: "a list joined differently", first: [("l", "a,b"), ("m", "c")], second: [("l", "a"), ("m", "b,c")]),
    ]

    @Test("two different field splits give different bytes", arguments: splits)
    func unambiguous(_ split: Split) {
        func encode(_ fields: [(String, String?)]) -> [UInt8] {
            var e = CanonicalEncoder(context: "ctx")
            for (name, value) in fields { e.add(name, value) }
            return e.bytes
        }
        #expect(encode(split.first) != encode(split.second))
    }

    @Test("the context separates encodings of different row kinds")
    func contextMatters() {
        var a = CanonicalEncoder(context: "licensing/user/v1")
        var b = CanonicalEncoder(context: "licensing/assignment/v1")
        a.add("x", "1")
        b.add("x", "1")
        #expect(a.bytes != b.bytes)
    }
}
