import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

/// A package whose every signature is valid but whose JWS another verifier could read differently (issue 12, Why 8).
struct AmbiguousJWS: Sendable, CustomTestStringConvertible {
    var testDescription: String
    /// The protected header's JSON text.
    var header: String = Self.genuineHeader
    /// Changes the genuine payload's JSON text.
    var editPayload: @Sendable (String) -> String = { $0 }
    /// Words the refusal must contain.
    var mentions: [String]

    static let genuineHeader = #"{"alg":"EdDSA","kid":"SUPEROFFICE","typ":"license+jws"}"#

    /// The sample package, re-signed by the SUPEROFFICE owner key with this header and payload.
    func package() throws -> Data {
        let payload = editPayload(try Fixtures.payloadText(of: Fixtures.issue()))
        return try Fixtures.compactJWS(header: header, payload: Data(payload.utf8), key: Fixtures.superOfficeKey.privateKey())
    }

    /// Inserts `member` (`"name":value`) as the first member of the payload object.
    static func prepending(_ member: String) -> @Sendable (String) -> String {
        { payload in "{" + member + "," + payload.dropFirst() }
    }
}

@Suite("A JWS is read one way only: no crit, no member twice (RFC 7515 §4.1.11, §5.2)")
struct StrictJWSTests {
    static let cases: [AmbiguousJWS] = [
        AmbiguousJWS(
            testDescription: "crit naming exp",
            header: #"{"alg":"EdDSA","crit":["exp"],"exp":1,"kid":"SUPEROFFICE","typ":"license+jws"}"#,
            mentions: ["'crit'", "does not understand"]),
        AmbiguousJWS(
            testDescription: "crit naming b64 with b64 false (RFC 7797)",
            header: #"{"alg":"EdDSA","b64":false,"crit":["b64"],"kid":"SUPEROFFICE","typ":"license+jws"}"#,
            mentions: ["'crit'"]),
        AmbiguousJWS(
            testDescription: "an empty crit",
            header: #"{"alg":"EdDSA","crit":[],"kid":"SUPEROFFICE","typ":"license+jws"}"#, mentions: ["'crit'"]),
        AmbiguousJWS(
            testDescription: "b64 false without crit",
            header: #"{"alg":"EdDSA","b64":false,"kid":"SUPEROFFICE","typ":"license+jws"}"#, mentions: ["'b64'"]),
        AmbiguousJWS(
            testDescription: "alg twice in the header",
            header: #"{"alg":"none","alg":"EdDSA","kid":"SUPEROFFICE","typ":"license+jws"}"#,
            mentions: ["duplicate member 'alg'", "JWS header"]),
        AmbiguousJWS(
            testDescription: "kid twice in the header",
            header: #"{"alg":"EdDSA","kid":"OTHER","kid":"SUPEROFFICE","typ":"license+jws"}"#,
            mentions: ["duplicate member 'kid'", "JWS header"]),
        AmbiguousJWS(
            testDescription: "serialNumber twice in the payload",
            editPayload: AmbiguousJWS.prepending(#""serialNumber":"9999-0001""#),
            mentions: ["duplicate member 'serialNumber' in the package payload"]),
        AmbiguousJWS(
            testDescription: "companyName twice in the payload",
            editPayload: AmbiguousJWS.prepending(#""companyName":"Other Corp""#),
            mentions: ["duplicate member 'companyName' in the package payload"]),
        AmbiguousJWS(
            testDescription: "serialNumber twice, once spelt with an escape",
            editPayload: AmbiguousJWS.prepending(#""serial\u004eumber":"9999-0001""#),
            mentions: ["duplicate member 'serialNumber'"]),
        AmbiguousJWS(
            testDescription: "a module's count twice",
            editPayload: { $0.replacingOccurrences(of: #""count":10,"#, with: #""count":10,"count":1000,"#) },
            mentions: ["duplicate member 'count' at modules[", "in the package payload"]),
        AmbiguousJWS(
            testDescription: "modules twice", editPayload: AmbiguousJWS.prepending(#""modules":[]"#),
            mentions: ["duplicate member 'modules'"]),
    ]

    @Test("a validly signed package with an ambiguous JWS is refused as malformed, naming the member", arguments: cases)
    func refused(_ jws: AmbiguousJWS) throws {
        // Given the sample package re-signed with the owner key around an ambiguous header or payload
        let package = try jws.package()

        // When it is verified
        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(package, for: Fixtures.tenant(), now: Fixtures.now)
        }

        // Then it is malformed, and the message says why
        #expect(error?.code == "malformed-package", "\(String(describing: error))")
        for word in jws.mentions {
            #expect(error?.description.contains(word) == true, "should name \(word): \(String(describing: error))")
        }
    }

    @Test("the same hand-made JWS with the genuine header and payload verifies, so each refusal is the edit's")
    func genuineHandMadeVerifies() throws {
        let package = try AmbiguousJWS(testDescription: "genuine", mentions: []).package()

        let verified = try PackageVerifier.verify(package, for: Fixtures.tenant(), now: Fixtures.now)

        #expect(verified.moduleLicenses == Fixtures.sampleModules)
    }

    @Test("an owner certificate whose JWS header has crit is refused")
    func certificateWithCrit() throws {
        // Given an owner key whose certificate the root re-signed with a crit header
        var ownerKey = Fixtures.superOfficeKey
        let certificate = try #require(ownerKey.certificate)
        let payload = try Fixtures.payloadText(of: Data(certificate.utf8))
        ownerKey.certificate = String(
            decoding: try Fixtures.compactJWS(
                header: #"{"alg":"EdDSA","crit":["exp"],"kid":"root","typ":"owner-cert+jws"}"#, payload: Data(payload.utf8),
                key: Fixtures.rootKey.privateKey()),
            as: UTF8.self)
        let package = try Fixtures.issue(ownerKey: ownerKey)

        // When the package is verified
        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(package, for: Fixtures.tenant(), now: Fixtures.now)
        }

        // Then the certificate's crit is named
        #expect(error?.description.contains("owner certificate") == true, "\(String(describing: error))")
        #expect(error?.description.contains("'crit'") == true, "\(String(describing: error))")
    }

    @Test("an owner certificate with sub twice is refused")
    func certificateWithDuplicateSubject() throws {
        var ownerKey = Fixtures.superOfficeKey
        let certificate = try #require(ownerKey.certificate)
        let payload = "{\"sub\":\"ACME\"," + (try Fixtures.payloadText(of: Data(certificate.utf8))).dropFirst()
        ownerKey.certificate = String(
            decoding: try Fixtures.compactJWS(
                header: #"{"alg":"EdDSA","kid":"root","typ":"owner-cert+jws"}"#, payload: Data(payload.utf8),
                key: Fixtures.rootKey.privateKey()),
            as: UTF8.self)

        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(Fixtures.issue(ownerKey: ownerKey), for: Fixtures.tenant(), now: Fixtures.now)
        }

        #expect(error?.description.contains("duplicate member 'sub'") == true, "\(String(describing: error))")
    }
}
