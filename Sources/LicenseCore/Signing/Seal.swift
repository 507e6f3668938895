import Crypto
import Foundation

/// HMAC-SHA256 seals over locally written rows, keyed by the installation secret (DESIGN §6).
public struct Sealer: Sendable {
    private let secret: Data
    private var key: SymmetricKey { SymmetricKey(data: secret) }

    public init(secret: Data) throws(LicenseInputError) {
        guard secret.count == 32 else {
            throw .invalid(field: "installation key", reason: "must be 32 bytes (256 bits), got \(secret.count)")
        }
        self.secret = secret
    }

    public static func makeSecret() -> Data {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    }

    public func seal(_ bytes: [UInt8]) -> String {
        Base64URL.encode(Data(HMAC<SHA256>.authenticationCode(for: bytes, using: key)))
    }

    public func isValid(_ seal: String, for bytes: [UInt8]) -> Bool {
        guard let mac = Base64URL.decode(seal) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: bytes, using: key)
    }

    /// A verifier that keeps the key for many rows (not `Sendable`; use it on one thread).
    public func makeBulkVerifier() -> BulkSealVerifier { BulkSealVerifier(key: key) }
}

/// Checks many seals with one key object, for `verify` over millions of rows.
public struct BulkSealVerifier {
    let key: SymmetricKey

    public func isValid(_ seal: String, for bytes: [UInt8]) -> Bool {
        guard let mac = Base64URL.decode(seal) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: bytes, using: key)
    }
}
