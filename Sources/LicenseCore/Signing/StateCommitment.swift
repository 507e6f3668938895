import Crypto
import Foundation

/// A keyed incremental multiset digest (DESIGN §6a; MSet-Add-Hash, Clarke et al. 2003): the sum modulo 2^256 of the
/// elements of a table's rows, each element the HMAC of the row under the installation key.
///
/// Adding a row adds its element and deleting one subtracts it, in O(1); a row put back, restored from a backup,
/// inserted or deleted behind the store's back leaves the stored sum and the rows' sum apart.
public struct MultisetDigest: Sendable, Hashable, CustomStringConvertible {
    /// Little-endian 64-bit words.
    private var words: (UInt64, UInt64, UInt64, UInt64)

    public static let zero = MultisetDigest(words: (0, 0, 0, 0))

    private init(words: (UInt64, UInt64, UInt64, UInt64)) { self.words = words }

    /// The 32 bytes of a MAC, read as a big-endian number.
    init(bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        precondition(array.count == 32)
        func word(_ index: Int) -> UInt64 {
            array[(index * 8)..<(index * 8 + 8)].reduce(0) { $0 << 8 | UInt64($1) }
        }
        words = (word(3), word(2), word(1), word(0))
    }

    /// The digest written as 64 lower-case hex digits (big-endian); nil for anything else.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.init(bytes: bytes)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    public var hex: String {
        String(unsafeUninitializedCapacity: 64) { buffer in
            let digits = Array("0123456789abcdef".utf8)
            var index = 0
            for word in [words.3, words.2, words.1, words.0] {
                for shift in stride(from: 60, through: 0, by: -4) {
                    buffer[index] = digits[Int((word >> UInt64(shift)) & 0xF)]
                    index += 1
                }
            }
            return 64
        }
    }

    public var description: String { hex }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    public static func + (lhs: Self, rhs: Self) -> Self {
        var carry: UInt64 = 0
        func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let (partial, overflow) = a.addingReportingOverflow(b)
            let (sum, carried) = partial.addingReportingOverflow(carry)
            carry = (overflow || carried) ? 1 : 0
            return sum
        }
        let s0 = add(lhs.words.0, rhs.words.0)
        let s1 = add(lhs.words.1, rhs.words.1)
        let s2 = add(lhs.words.2, rhs.words.2)
        let s3 = add(lhs.words.3, rhs.words.3)
        return MultisetDigest(words: (s0, s1, s2, s3))
    }

    /// The two's complement: `x + (-x) == zero`.
    public static prefix func - (value: Self) -> Self {
        let inverted = MultisetDigest(words: (~value.words.0, ~value.words.1, ~value.words.2, ~value.words.3))
        return inverted + MultisetDigest(words: (1, 0, 0, 0))
    }

    public static func - (lhs: Self, rhs: Self) -> Self { lhs + (-rhs) }

    public static func += (lhs: inout Self, rhs: Self) { lhs = lhs + rhs }
    public static func -= (lhs: inout Self, rhs: Self) { lhs = lhs - rhs }
}

/// What the sealed head commits to for one license owner: the active package and the newest package ever activated.
public struct OwnerCommitment: Sendable, Equatable, Codable {
    /// SHA-256 of the active package file, hex.
    public var packageDigest: String
    /// The highest `issuedAt` ever activated for the owner, whole seconds since 1970; kept when the owner's rows go.
    public var highestIssuedAt: Int64

    public init(packageDigest: String, highestIssuedAt: Int64) {
        self.packageDigest = packageDigest
        self.highestIssuedAt = highestIssuedAt
    }

    /// The digest of a package file as the head records it.
    public static func digest(ofPackage raw: String) -> String {
        SHA256.hash(data: Data(raw.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// The state a tenant's sealed head commits to besides its audit chain (DESIGN §6a): per owner the active package and
/// the newest ever activated, per table the multiset digest of its rows, and per module the seats in use.
public struct StateCommitment: Sendable, Equatable, Codable {
    public var owners: [String: OwnerCommitment]
    /// Table name → digest; a table with no rows has the zero digest (or no entry).
    public var tables: [String: MultisetDigest]
    /// Seats in use per module (distinct users holding a row of it, plus satellites), kept by every write in its own
    /// transaction so a decision reads its counts here instead of counting rows (issue 13); a module without holders
    /// has no entry. Nil in a head written before the counts were kept, until its next write counts them.
    public var seats: [ModuleKey: Int]?

    public init(
        owners: [String: OwnerCommitment] = [:], tables: [String: MultisetDigest] = [:], seats: [ModuleKey: Int]? = [:]
    ) {
        self.owners = owners
        self.tables = tables
        self.seats = seats
    }

    public func digest(of table: String) -> MultisetDigest { tables[table] ?? .zero }

    /// One line per owner and table in name order: the text the head stores and its seal covers.
    public var canonicalText: String {
        let ownerLines = owners.keys.sorted().map { name in
            let owner = owners[name]!
            return "owner \(name) \(owner.packageDigest) \(owner.highestIssuedAt)"
        }
        let tableLines = tables.keys.sorted().filter { tables[$0] != .zero }.map { "table \($0) \(tables[$0]!.hex)" }
        var seatLines: [String] = []
        if let seats {
            seatLines.append("seats-counted")
            for key in seats.keys.sorted() where seats[key]! > 0 {
                seatLines.append("seats \(key.owner) \(key.module) \(seats[key]!)")
            }
        }
        return (ownerLines + tableLines + seatLines).joined(separator: "\n")
    }

    /// Reads `canonicalText`; nil when a line is malformed (the head was edited).
    public init?(canonicalText text: String) {
        var owners: [String: OwnerCommitment] = [:]
        var tables: [String: MultisetDigest] = [:]
        var seats: [ModuleKey: Int]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let parts = line.split(separator: " ").map(String.init)
            switch parts.first {
            case "owner":
                guard parts.count == 4, let issued = Int64(parts[3]), parts[2].count == 64 else { return nil }
                owners[parts[1]] = OwnerCommitment(packageDigest: parts[2], highestIssuedAt: issued)
            case "table":
                guard parts.count == 3, let digest = MultisetDigest(hex: parts[2]) else { return nil }
                tables[parts[1]] = digest
            case "seats-counted":
                guard parts.count == 1, seats == nil else { return nil }
                seats = [:]
            case "seats":
                guard parts.count == 4, seats != nil, let count = Int(parts[3]), count > 0 else { return nil }
                seats?[ModuleKey(owner: parts[1], module: parts[2])] = count
            default:
                return nil
            }
        }
        self.init(owners: owners, tables: tables, seats: seats)
    }

    // Codable as its canonical text.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = StateCommitment(canonicalText: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "malformed commitment"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(canonicalText)
    }
}

extension Sealer {
    /// Computes row elements with one prepared key (not `Sendable`; one per thread).
    public func makeDigester() -> RowDigester { RowDigester(key: SymmetricKey(data: secretData)) }
}

/// The element of a row: HMAC-SHA256 under the installation key of the row's canonical bytes, as a 256-bit number.
public struct RowDigester {
    private let prepared: HMAC<SHA256>

    init(key: SymmetricKey) { prepared = HMAC<SHA256>(key: key) }

    public func element(_ bytes: [UInt8]) -> MultisetDigest {
        var hmac = prepared
        bytes.withUnsafeBytes { hmac.update(data: $0) }
        return hmac.finalize().withUnsafeBytes { MultisetDigest(bytes: $0) }
    }

    /// The element of a sealed row: the same as `element(Self.sealElementBytes(table:seal:))`, streamed into the MAC
    /// without building the bytes (a snapshot load and `verify` take one per row).
    public func element(table: String, seal: String) -> MultisetDigest {
        var hmac = prepared
        var head = Self.sealContext
        head.append(contentsOf: "table=\(table.utf8.count):\(table)\nseal=\(seal.utf8.count):".utf8)
        head.withUnsafeBytes { hmac.update(data: $0) }
        var seal = seal
        seal.withUTF8 { hmac.update(data: UnsafeRawBufferPointer($0)) }
        withUnsafeBytes(of: UInt8(0x0A)) { hmac.update(data: $0) }
        return hmac.finalize().withUnsafeBytes { MultisetDigest(bytes: $0) }
    }

    private static let sealContext = Array("licensing/row-seal/v1\n".utf8)

    /// The committed bytes of a sealed row (docs/canonical-encoding.md): context `licensing/row-seal/v1`, fields
    /// `table` and `seal`.
    public static func sealElementBytes(table: String, seal: String) -> [UInt8] {
        var e = CanonicalEncoder(context: "licensing/row-seal/v1")
        e.add("table", table)
        e.add("seal", seal)
        return e.bytes
    }
}
