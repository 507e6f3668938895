import Crypto
import Foundation

/// Compact JWS (RFC 7515) with `alg` `EdDSA` over Ed25519 (RFC 8037).
public enum JWS {
    struct Header: Codable {
        var alg: String
        var typ: String?
        var kid: String?
    }

    public static func sign(payload: Data, typ: String, kid: String?, key: Curve25519.Signing.PrivateKey) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let header = try encoder.encode(Header(alg: "EdDSA", typ: typ, kid: kid))
        let signingInput = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        let signature = try key.signature(for: Data(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// The parts of a compact JWS whose form is right; the signature is not yet checked.
    public struct Parsed: Sendable {
        public var typ: String?
        public var kid: String?
        public var payload: Data
        var signingInput: Data
        var signature: Data

        public func isSigned(by key: Curve25519.Signing.PublicKey) -> Bool {
            key.isValidSignature(signature, for: signingInput)
        }
    }

    public static func parse(_ text: String, what: String) throws(LicenseInputError) -> Parsed {
        let compact = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw .malformedPackage("\(what) is not a compact JWS (expected three base64url parts separated by '.')")
        }
        guard let headerData = Base64URL.decode(parts[0]) else {
            throw .malformedPackage("\(what): the JWS header is not base64url JSON")
        }
        let members = try JSONInput.members(headerData, what: "the JWS header of \(what)")
        guard let header = try? JSONDecoder().decode(Header.self, from: headerData) else {
            throw .malformedPackage("\(what): the JWS header is not base64url JSON")
        }
        // RFC 7515 §4.1.11: a recipient must refuse a `crit` it does not understand, and this one understands no
        // extension. RFC 7797's `b64` is only meaningful with `crit`; refused too, so no reader can take the payload
        // for unencoded bytes.
        for member in ["crit", "b64"] where members.contains(member) {
            throw .malformedPackage(
                "\(what): the JWS header has '\(member)', an extension this verifier does not understand (RFC 7515 §4.1.11)")
        }
        guard header.alg == "EdDSA" else {
            throw .badSignature("\(what): unsupported algorithm '\(header.alg.prefix(20))', expected EdDSA")
        }
        guard let payload = Base64URL.decode(parts[1]) else {
            throw .malformedPackage("\(what): the JWS payload is not base64url")
        }
        guard let signature = Base64URL.decode(parts[2]), signature.count == 64 else {
            throw .badSignature("\(what): the signature is not a 64-byte Ed25519 signature")
        }
        return Parsed(
            typ: header.typ, kid: header.kid, payload: payload,
            signingInput: Data(compact.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count)),
            signature: signature)
    }
}

/// The root's statement that a public key belongs to a license owner for a period.
public struct OwnerCertificate: Codable, Sendable, Equatable {
    public var typ: String
    /// The owner name.
    public var sub: String
    public var jwk: SigningKeyJWK
    /// Seconds since 1970: issued, valid from, valid until.
    public var iat: Int64
    public var nbf: Int64
    public var exp: Int64

    public var validFrom: Date { Date(timeIntervalSince1970: TimeInterval(nbf)) }
    public var validUntil: Date { Date(timeIntervalSince1970: TimeInterval(exp)) }

    /// Verifies a certificate against the trust root and returns it with the owner key it certifies.
    ///
    /// Pass `now` to also require the certificate to be valid at that moment.
    public static func verify(
        _ compact: String, root: Curve25519.Signing.PublicKey, now: Date?
    ) throws(LicenseInputError) -> (certificate: OwnerCertificate, key: Curve25519.Signing.PublicKey) {
        let parsed = try JWS.parse(compact, what: "the owner certificate")
        guard parsed.isSigned(by: root) else {
            throw .untrustedCertificate("the owner certificate is not signed by the trusted root key")
        }
        _ = try JSONInput.members(parsed.payload, what: "the owner certificate's payload")
        guard let certificate = try? JSONDecoder().decode(OwnerCertificate.self, from: parsed.payload),
            certificate.typ == "owner-certificate"
        else { throw .untrustedCertificate("the owner certificate's payload is not an owner certificate") }
        let key = try certificate.jwk.publicKey()
        if let now {
            guard now >= certificate.validFrom else {
                throw .untrustedCertificate(
                    "the owner certificate of \(certificate.sub) is not valid before \(ISO8601.string(certificate.validFrom))")
            }
            guard now < certificate.validUntil else {
                throw .certificateExpired(owner: certificate.sub, validUntil: certificate.validUntil)
            }
        }
        return (certificate, key)
    }
}
