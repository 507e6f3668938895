import Crypto
import Foundation

/// An API token's stored form: never the secret, only its SHA-256 (DESIGN §10).
public struct APIToken: Sendable, Equatable, Codable {
    public enum Role: String, Codable, Sendable, CaseIterable {
        /// Everything within its tenant.
        case admin
        /// Checks, login checks and usage reports only.
        case checker
        /// Reads only.
        case reader
        /// Manages tenants; not bound to one.
        case `operator`
    }

    /// The public part of the token, `lic_<id>_<secret>`; used to find the row.
    public var id: String
    /// nil for operator tokens.
    public var tenant: String?
    public var role: Role
    public var name: String
    public var secretHash: String
    public var createdAt: Date
    public var createdBy: String
    public var revokedAt: Date?

    public init(
        id: String, tenant: String?, role: Role, name: String, secretHash: String, createdAt: Date, createdBy: String,
        revokedAt: Date? = nil
    ) {
        self.id = id
        self.tenant = tenant
        self.role = role
        self.name = name
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.revokedAt = revokedAt
    }

    public static let prefix = "lic_"

    /// A new token with a random id and secret: the stored token (the secret's hash only) and the text presented
    /// once, `lic_<id>_<secret>`.
    public static func generate(
        tenant: String?, role: Role, name: String, createdBy: String, now: Date = Date()
    ) -> (token: APIToken, presented: String) {
        let id = Hex.encode(SymmetricKey(size: .init(bitCount: 48)).withUnsafeBytes { Array($0) })
        let secret = Base64URL.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
        let token = APIToken(
            id: id, tenant: tenant, role: role, name: name, secretHash: hash(secret: secret), createdAt: now.wholeSeconds,
            createdBy: createdBy)
        return (token, "\(prefix)\(id)_\(secret)")
    }

    /// Splits `lic_<id>_<secret>` into its parts, or nil for anything else.
    public static func parse(_ presented: some StringProtocol) -> (id: String, secret: String)? {
        guard presented.hasPrefix(prefix), presented.utf8.count <= 200 else { return nil }
        let rest = presented.dropFirst(prefix.count)
        guard let underscore = rest.firstIndex(of: "_") else { return nil }
        let id = rest[..<underscore]
        let secret = rest[rest.index(after: underscore)...]
        guard id.count == 12, id.allSatisfy({ $0.isHexDigit }), secret.count >= 32,
            secret.utf8.allSatisfy({
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F
            })
        else { return nil }
        return (String(id), String(secret))
    }

    public static func hash(secret: String) -> String {
        Hex.encode(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Constant-time comparison of a presented secret with the stored hash.
    public func matches(secret: String) -> Bool {
        let presented = Array(Self.hash(secret: secret).utf8)
        let stored = Array(secretHash.utf8)
        guard presented.count == stored.count else { return false }
        return zip(presented, stored).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    public func sealBytes() -> [UInt8] {
        var e = CanonicalEncoder(context: "licensing/api-token/v1")
        e.add("id", id)
        e.add("tenant", tenant)
        e.add("role", role.rawValue)
        e.add("name", name)
        e.add("secretHash", secretHash)
        e.add("createdAt", createdAt)
        e.add("createdBy", createdBy)
        e.add("revokedAt", revokedAt)
        return e.bytes
    }
}

/// Lower-case hexadecimal, without `String(format:)` (which costs microseconds per byte on the request path).
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
