import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

/// `BulkSealVerifier` compares a seal's text with the row's MAC in place; it must decide as `Sealer.isValid` does.
@Suite("Bulk seal verification")
struct BulkSealVerifierTests {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    struct Variant: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var apply: @Sendable (String) -> String
    }

    static let variants: [Variant] = [
        Variant(testDescription: "the seal as written") { $0 },
        Variant(testDescription: "empty") { _ in "" },
        Variant(testDescription: "with '=' padding") { $0 + "=" },
        Variant(testDescription: "one character more") { $0 + "A" },
        Variant(testDescription: "the last character dropped") { String($0.dropLast()) },
        Variant(testDescription: "a character of the standard alphabet") { "+" + $0.dropFirst() },
        Variant(testDescription: "a spare bit set in the last character") { seal in
            let last = alphabet.firstIndex(of: seal.last!)!
            return String(seal.dropLast()) + String(alphabet[last | 1])
        },
        Variant(testDescription: "the first character changed") { seal in
            let first = alphabet.firstIndex(of: seal.first!)!
            return String(alphabet[(first + 1) % 64]) + seal.dropFirst()
        },
        Variant(testDescription: "a non-ASCII character") { String($0.dropLast()) + "é" },
        Variant(testDescription: "the seal of another row") { _ in
            try! Sealer(secret: Data(repeating: 7, count: 32)).seal(
                Fixtures.user(8, "bob").sealBytes(tenant: "acme", passwordHash: nil))
        },
    ]

    @Test("the bulk verifier agrees with the sealer", arguments: variants)
    func agrees(_ variant: Variant) throws {
        // Given a sealed row and a variant of its seal
        let sealer = try Sealer(secret: Data(repeating: 7, count: 32))
        let bytes = Fixtures.user(7, "alice").sealBytes(tenant: "acme", passwordHash: nil)
        let seal = variant.apply(sealer.seal(bytes))

        // Then both verifiers decide the same, and only the seal as written holds
        let verifier = sealer.makeBulkVerifier()
        #expect(verifier.isValid(seal, for: bytes) == sealer.isValid(seal, for: bytes))
        #expect(verifier.isValid(seal, for: bytes) == (variant.testDescription == "the seal as written"))
    }

    @Test("one verifier checks many rows, each against its own bytes")
    func manyRows() throws {
        let sealer = try Sealer(secret: Sealer.makeSecret())
        let rows = (1...200).map { Fixtures.assignment("web", to: Int64($0)).sealBytes(tenant: "acme") }
        let seals = rows.map(sealer.seal)
        let verifier = sealer.makeBulkVerifier()

        #expect(zip(seals, rows).allSatisfy { verifier.isValid($0, for: $1) })
        #expect(!zip(seals.dropFirst(), rows).contains { verifier.isValid($0, for: $1) })
    }
}
