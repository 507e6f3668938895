import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

/// A package is a plain RFC 7515 JWS: Python's joserfc verifies it with nothing but `OWNER.pub.jwk`.
@Suite("Independent JOSE verification (joserfc)")
struct IndependentJOSETests {
    /// `LICENSING_PYTHON` (a venv with scripts/requirements.txt, made by scripts/test); never skipped.
    static func python() throws -> String {
        guard let python = ProcessInfo.processInfo.environment["LICENSING_PYTHON"], !python.isEmpty else {
            throw HarnessError(
                "LICENSING_PYTHON is not set: run the suite through scripts/test, which makes a venv with joserfc "
                    + "(scripts/requirements.txt) and sets it")
        }
        return python
    }

    static let script = CLI.packageRoot.appendingPathComponent("scripts/verify_jws.py").path

    struct Summary: Decodable {
        var owner: String
        var companyName: String
        var serialNumber: String
    }

    @Test("joserfc verifies a package with the owner's public JWK and reads its payload")
    func joserfcVerifies() async throws {
        // Given
        let python = try Self.python()
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let package = try await fixture.issue(.sample(issuedAt: fixture.baseTime), as: "sample")

        // When
        let result = try await runProgram(python, [Self.script, package, fixture.ownerPublicKey()])

        // Then
        #expect(result.exitCode == 0, "\(result)")
        let summary = try result.json(Summary.self)
        #expect(summary.owner == Fixture.owner)
        #expect(summary.companyName == Fixture.company)
        #expect(summary.serialNumber == Fixture.serial)
    }

    @Test("joserfc rejects a package with one flipped signature byte, and one checked against another key")
    func joserfcRejects() async throws {
        // Given
        let python = try Self.python()
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let package = try await fixture.issue(.sample(issuedAt: fixture.baseTime), as: "sample")
        let flipped = fixture.path("flipped.license")
        try PackageForgery.flipSignatureByte(of: package, to: flipped)

        // When
        let tampered = try await runProgram(python, [Self.script, flipped, fixture.ownerPublicKey()])
        let wrongKey = try await runProgram(python, [Self.script, package, fixture.rootPublicKey])

        // Then
        #expect(tampered.exitCode != 0, "a flipped signature byte must fail: \(tampered)")
        #expect(tampered.stderr.contains("verification failed"), "\(tampered)")
        #expect(wrongKey.exitCode != 0, "the root key did not sign the package: \(wrongKey)")
    }
}

/// Byte-level edits of a compact JWS package.
enum PackageForgery {
    static func parts(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { throw HarnessError("\(path) is not a compact JWS") }
        return parts
    }

    static func write(_ parts: [String], to path: String) throws {
        try Data((parts.joined(separator: ".") + "\n").utf8).write(to: URL(fileURLWithPath: path))
    }

    static func decode(_ part: String) throws -> Data {
        guard let data = Base64URL.decode(part) else { throw HarnessError("not base64url: \(part.prefix(40))") }
        return data
    }

    /// Flips the lowest bit of one byte in the middle of the Ed25519 signature.
    static func flipSignatureByte(of package: String, to out: String) throws {
        var parts = try parts(package)
        var signature = try decode(parts[2])
        signature[signature.startIndex + 31] ^= 0x01
        parts[2] = Base64URL.encode(signature)
        try write(parts, to: out)
    }

    /// Flips one bit of one payload byte inside a JSON string value (the description), so the JSON stays valid.
    static func flipPayloadByte(of package: String, to out: String) throws {
        var parts = try parts(package)
        var payload = try decode(parts[1])
        let marker = Data("\"SuperOffice\"".utf8)
        guard let range = payload.range(of: marker) else { throw HarnessError("no description in the payload") }
        payload[range.lowerBound + 5] ^= 0x01  // "SuperOffice" → "SupesOffice"
        parts[1] = Base64URL.encode(payload)
        try write(parts, to: out)
    }

    /// Changes one character of the payload's base64url text, as a transmission error would.
    static func flipPayloadCharacter(of package: String, to out: String) throws {
        var parts = try parts(package)
        var characters = Array(parts[1])
        let index = characters.count / 2
        characters[index] = characters[index] == "A" ? "B" : "A"
        parts[1] = String(characters)
        try write(parts, to: out)
    }

    /// Decodes the payload, lets `edit` change it, and re-encodes it; the old signature is kept unless `resignWith`.
    static func editPayload(
        of package: String, to out: String, resignWith ownerKey: String? = nil, _ edit: (inout [String: Any]) throws -> Void
    ) throws {
        var parts = try parts(package)
        guard var payload = try JSONSerialization.jsonObject(with: decode(parts[1])) as? [String: Any] else {
            throw HarnessError("the payload is not a JSON object")
        }
        try edit(&payload)
        let data = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes])
        if let ownerKey {
            let key = try SigningKeyJWK.parse(Data(contentsOf: URL(fileURLWithPath: ownerKey)))
            let header = try JSONSerialization.jsonObject(with: decode(parts[0])) as? [String: Any]
            let signed = try JWS.sign(
                payload: data, typ: header?["typ"] as? String ?? "license+jws", kid: header?["kid"] as? String,
                key: key.privateKey())
            try write(signed.split(separator: ".").map(String.init), to: out)
        } else {
            parts[1] = Base64URL.encode(data)
            try write(parts, to: out)
        }
    }

    /// A JWS with an EdDSA header and a 64-byte signature of zeros around any payload bytes.
    static func wrap(payload: Data, to out: String) throws {
        let header = Base64URL.encode(Data(#"{"alg":"EdDSA","kid":"SUPEROFFICE","typ":"license+jws"}"#.utf8))
        try write([header, Base64URL.encode(payload), Base64URL.encode(Data(count: 64))], to: out)
    }
}
