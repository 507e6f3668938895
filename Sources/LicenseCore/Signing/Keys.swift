import Crypto
import Foundation

/// An Ed25519 key as a JSON Web Key (RFC 8037: `kty` `OKP`, `crv` `Ed25519`).
public struct SigningKeyJWK: Codable, Sendable, Equatable {
    public var kty: String
    public var crv: String
    public var x: String
    /// The private part; absent in `*.pub.jwk` files.
    public var d: String?
    public var kid: String?
    public var use: String?
    public var alg: String?
    /// For an owner key: the root's certificate of it (a compact JWS), kept beside the private key for issuing.
    public var certificate: String?

    public init(privateKey: Curve25519.Signing.PrivateKey, kid: String?) {
        kty = "OKP"
        crv = "Ed25519"
        x = Base64URL.encode(privateKey.publicKey.rawRepresentation)
        d = Base64URL.encode(privateKey.rawRepresentation)
        self.kid = kid
        use = "sig"
        alg = "EdDSA"
    }

    public init(publicKey: Curve25519.Signing.PublicKey, kid: String?) {
        kty = "OKP"
        crv = "Ed25519"
        x = Base64URL.encode(publicKey.rawRepresentation)
        d = nil
        self.kid = kid
        use = "sig"
        alg = "EdDSA"
    }

    /// The same key without its private part.
    public var publicOnly: SigningKeyJWK {
        var copy = self
        copy.d = nil
        copy.certificate = nil
        return copy
    }

    public func publicKey() throws(LicenseInputError) -> Curve25519.Signing.PublicKey {
        guard kty == "OKP", crv == "Ed25519" else {
            throw .invalid(field: "jwk", reason: "expected an OKP Ed25519 key, got kty=\(kty) crv=\(crv)")
        }
        guard let raw = Base64URL.decode(x), raw.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { throw .invalid(field: "jwk", reason: "the public key 'x' is not a 32-byte base64url value") }
        return key
    }

    public func privateKey() throws(LicenseInputError) -> Curve25519.Signing.PrivateKey {
        guard let d else { throw .invalid(field: "jwk", reason: "this is a public key; a private key file is needed") }
        guard let raw = Base64URL.decode(d), raw.count == 32,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else { throw .invalid(field: "jwk", reason: "the private key 'd' is not a 32-byte base64url value") }
        guard key.publicKey.rawRepresentation == (try publicKey()).rawRepresentation else {
            throw .invalid(field: "jwk", reason: "the private and public parts do not belong together")
        }
        return key
    }

    /// Parses a JWK file's contents.
    public static func parse(_ data: Data) throws(LicenseInputError) -> SigningKeyJWK {
        guard data.count <= 16_384 else { throw .invalid(field: "jwk", reason: "the key file is larger than 16 KiB") }
        do {
            return try JSONDecoder().decode(SigningKeyJWK.self, from: data)
        } catch {
            throw .invalid(field: "jwk", reason: "not a JSON Web Key (expected kty, crv and x)")
        }
    }

    /// Pretty JSON with sorted keys, as written to `*.jwk` files.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }
}
