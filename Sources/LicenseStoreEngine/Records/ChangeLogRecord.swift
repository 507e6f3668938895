import Foundation
import LicenseCore

/// One committed write's change set, kept for other processes and nodes (issue 13): the rows of the snapshot tables
/// it put in and took out, from the tenant's version `baseVersion` to `version`, sealed with the installation key over
/// the tenant, both versions and the body. A process whose snapshot is at `baseVersion` applies it instead of loading
/// the tenant; an entry edited, moved to another tenant or version, or missing makes it load the tenant instead.
struct ChangeLogRecord: StoredRecord {
    static let table = "change_log"
    /// Change sets a tenant keeps: the entries of its last writes (older ones are pruned every `pruneEvery` writes).
    static let kept: Int64 = 1_000
    static let pruneEvery: Int64 = 100

    var tenantID: String
    var baseVersion: Int64
    var version: Int64
    /// `ChangeLogBody` as JSON.
    var body: String
    var seal: String

    init(tenantID: String, baseVersion: Int64, version: Int64, body: String, seal: String) {
        self.tenantID = tenantID
        self.baseVersion = baseVersion
        self.version = version
        self.body = body
        self.seal = seal
    }

    init(row: SQLRow) throws {
        tenantID = try row["tenant_id"]
        baseVersion = try row["base_version"]
        version = try row["version"]
        body = try row["body"]
        seal = try row["seal"]
    }

    var columns: [(name: String, value: SQLValue)] {
        [
            ("tenant_id", tenantID.sqlValue), ("version", version.sqlValue), ("base_version", baseVersion.sqlValue),
            ("body", body.sqlValue), ("seal", seal.sqlValue),
        ]
    }

    var sealBytes: [UInt8] {
        var e = CanonicalEncoder(context: "licensing/change-log/v1")
        e.add("tenant", tenantID)
        e.add("base", baseVersion)
        e.add("version", version)
        e.add("body", body)
        return e.bytes
    }
}

/// What a change-log entry holds: the rows a write put in and took out, in the order written, or only that a load is
/// needed (the write changed owners, module rows or the tenant row: a package is not copied into the log).
struct ChangeLogBody: Codable, Equatable {
    struct Row: Codable, Equatable {
        var table: String
        var isInsert: Bool
        var columns: [String]
        var values: [ChangeLogValue]
    }

    var requiresLoad: Bool
    var rows: [Row]

    /// The body of the rows a transaction wrote (`ChangeRecorder.snapshotRows`).
    init(_ rows: [(table: String, isInsert: Bool, row: SQLRow)]) {
        let decodable = ChangeLogBody.decodableTables
        if rows.contains(where: { !decodable.contains($0.table) }) {
            requiresLoad = true
            self.rows = []
        } else {
            requiresLoad = false
            self.rows = rows.map {
                Row(
                    table: $0.table, isInsert: $0.isInsert, columns: $0.row.columns.names,
                    values: $0.row.values.map(ChangeLogValue.init))
            }
        }
    }

    /// A body that says only that a load is needed.
    init(requiringLoad: Void) {
        requiresLoad = true
        rows = []
    }

    /// The tables a change set carries rows of; a row of any other table makes it one only a load can apply.
    static let decodableTables: Set<String> = ["user", "assignment", "satellite", "satellite_assignment", "system_event"]

    /// The rows as the transaction wrote them, each table's columns checked against what its record reads.
    var snapshotRows: [(table: String, isInsert: Bool, row: SQLRow)] {
        get throws {
            try rows.map { row in
                guard Self.decodableTables.contains(row.table), row.columns.count == row.values.count else {
                    throw ChangeLogError.malformed
                }
                return (row.table, row.isInsert, SQLRow(columns: SQLColumns(row.columns), values: row.values.map(\.value)))
            }
        }
    }

    /// The body as JSON, written straight into bytes: every write makes one, and `JSONEncoder` was a measurable share
    /// of a write (its output reads back the same way, through `decode`).
    func json() throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64 + rows.count * 256)
        out += Array(#"{"requiresLoad":"#.utf8)
        out += Array((requiresLoad ? "true" : "false").utf8)
        out += Array(#","rows":["#.utf8)
        for (index, row) in rows.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += Array(#"{"columns":["#.utf8)
            for (i, column) in row.columns.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendString(column, to: &out)
            }
            out += Array(#"],"isInsert":"#.utf8)
            out += Array((row.isInsert ? "true" : "false").utf8)
            out += Array(#","table":"#.utf8)
            Self.appendString(row.table, to: &out)
            out += Array(#","values":["#.utf8)
            for (i, value) in row.values.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                switch value.value {
                case .null: out += Array("[]".utf8)
                case .integer(let int): Self.appendTagged("i", String(int), to: &out)
                case .real(let double): Self.appendTagged("r", String(double.bitPattern), to: &out)
                case .text(let text): Self.appendTagged("t", text, to: &out)
                case .blob(let bytes): Self.appendTagged("b", Base64URL.encode(bytes), to: &out)
                }
            }
            out += Array("]}".utf8)
        }
        out += Array("]}".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) throws -> ChangeLogBody {
        try JSONDecoder().decode(ChangeLogBody.self, from: Data(text.utf8))
    }

    private static func appendTagged(_ tag: String, _ payload: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        appendString(tag, to: &out)
        out.append(UInt8(ascii: ","))
        appendString(payload, to: &out)
        out.append(UInt8(ascii: "]"))
    }

    /// A JSON string (RFC 8259 §7): quotation mark, reverse solidus and control characters escaped, the rest as UTF-8.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)],
                    hex[Int(byte & 0xF)],
                ]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

enum ChangeLogError: Error { case malformed }

/// A column value in a change-log body, with its storage class: `[]` for null, `["i", "12"]`, `["r", "bit pattern"]`,
/// `["t", "text"]`, `["b", "base64url"]` (numbers as text, so none is rounded on the way through JSON).
struct ChangeLogValue: Codable, Equatable {
    var value: SQLValue

    init(_ value: SQLValue) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        switch value {
        case .null: break
        case .integer(let int):
            try c.encode("i")
            try c.encode(String(int))
        case .real(let double):
            try c.encode("r")
            try c.encode(String(double.bitPattern))
        case .text(let text):
            try c.encode("t")
            try c.encode(text)
        case .blob(let bytes):
            try c.encode("b")
            try c.encode(Base64URL.encode(Data(bytes)))
        }
    }

    init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        guard !c.isAtEnd else {
            value = .null
            return
        }
        let tag = try c.decode(String.self)
        let payload = try c.decode(String.self)
        guard c.isAtEnd else { throw ChangeLogError.malformed }
        switch tag {
        case "i":
            guard let int = Int64(payload) else { throw ChangeLogError.malformed }
            value = .integer(int)
        case "r":
            guard let bits = UInt64(payload) else { throw ChangeLogError.malformed }
            value = .real(Double(bitPattern: bits))
        case "t":
            value = .text(payload)
        case "b":
            guard let data = Base64URL.decode(payload) else { throw ChangeLogError.malformed }
            value = .blob([UInt8](data))
        default:
            throw ChangeLogError.malformed
        }
    }
}
