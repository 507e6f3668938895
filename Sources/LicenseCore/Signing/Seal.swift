import Crypto
import Foundation

/// HMAC-SHA256 seals over locally written rows, keyed by the installation secret (DESIGN §6).
public struct Sealer: Sendable {
    private let secret: Data
    private var key: SymmetricKey { SymmetricKey(data: secret) }
    var secretData: Data { secret }

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

    /// A verifier that keeps the key for many rows (not `Sendable`; use it on one thread, or make one per thread).
    public func makeBulkVerifier() -> BulkSealVerifier { BulkSealVerifier(key: key) }
}

/// Checks many seals with one key, for `verify` over millions of rows.
///
/// The HMAC key schedule (the inner and outer padded key blocks) is computed once; each row copies the prepared state,
/// hashes its bytes and compares the result with the seal's base64url text in place, without decoding it into a
/// buffer. A seal is valid exactly when it is the strict (unpadded, zero spare bits) base64url of the row's MAC, as
/// `Sealer.isValid` decides.
public struct BulkSealVerifier {
    private let prepared: HMAC<SHA256>

    init(key: SymmetricKey) {
        prepared = HMAC<SHA256>(key: key)
    }

    /// The seal of `bytes`, as `Sealer.seal` makes it, with the prepared key (the ingestion of many rows).
    public func seal(_ bytes: [UInt8]) -> String {
        var hmac = prepared
        bytes.withUnsafeBytes { hmac.update(data: $0) }
        return Base64URL.encode(Data(hmac.finalize()))
    }

    public func isValid(_ seal: String, for bytes: [UInt8]) -> Bool {
        var seal = seal
        return seal.withUTF8 { text in
            // 32 bytes of MAC are 43 characters of unpadded base64url.
            guard text.count == 43 else { return false }
            var hmac = prepared
            bytes.withUnsafeBytes { hmac.update(data: $0) }
            return hmac.finalize().withUnsafeBytes { Self.matches(text, mac: $0) }
        }
    }

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Compares the base64url text of a 32-byte MAC with `text`, touching every byte (no early exit).
    private static func matches(_ text: UnsafeBufferPointer<UInt8>, mac: UnsafeRawBufferPointer) -> Bool {
        alphabet.withUnsafeBufferPointer { alphabet in
            var difference: UInt8 = 0
            var t = 0
            var i = 0
            // Ten groups of three bytes make forty characters …
            while i + 3 <= 30 {
                let n = UInt32(mac[i]) << 16 | UInt32(mac[i + 1]) << 8 | UInt32(mac[i + 2])
                difference |= text[t] ^ alphabet[Int(n >> 18 & 63)]
                difference |= text[t + 1] ^ alphabet[Int(n >> 12 & 63)]
                difference |= text[t + 2] ^ alphabet[Int(n >> 6 & 63)]
                difference |= text[t + 3] ^ alphabet[Int(n & 63)]
                i += 3
                t += 4
            }
            // … and the last two bytes three more, their spare bits zero.
            let n = UInt32(mac[30]) << 16 | UInt32(mac[31]) << 8
            difference |= text[40] ^ alphabet[Int(n >> 18 & 63)]
            difference |= text[41] ^ alphabet[Int(n >> 12 & 63)]
            difference |= text[42] ^ alphabet[Int(n >> 6 & 63)]
            return difference == 0
        }
    }
}
