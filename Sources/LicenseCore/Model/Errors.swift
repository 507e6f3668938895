import Foundation

/// Input that is malformed, unsigned, foreign or names something unknown. Maps to exit code 2 / HTTP 400–422.
public enum LicenseInputError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(field: String, reason: String)
    case malformedPackage(String)
    case badSignature(String)
    case untrustedCertificate(String)
    case certificateExpired(owner: String, validUntil: Date)
    case foreignPackage(String)
    case unknownUser(String)
    case unknownModule(String)
    case unknownSatellite(String)
    case unknownTenant(String)
    case unknownEvent(Int64)
    case duplicate(String)

    /// A stable machine-readable code.
    public var code: String {
        switch self {
        case .invalid: "invalid-input"
        case .malformedPackage: "malformed-package"
        case .badSignature: "bad-signature"
        case .untrustedCertificate: "untrusted-certificate"
        case .certificateExpired: "certificate-expired"
        case .foreignPackage: "foreign-package"
        case .unknownUser: "unknown-user"
        case .unknownModule: "unknown-module"
        case .unknownSatellite: "unknown-satellite"
        case .unknownTenant: "unknown-tenant"
        case .unknownEvent: "unknown-event"
        case .duplicate: "duplicate"
        }
    }

    public var description: String {
        switch self {
        case .invalid(let field, let reason): "invalid \(field): \(reason)"
        case .malformedPackage(let why): "malformed license package: \(why)"
        case .badSignature(let why): "bad signature: \(why)"
        case .untrustedCertificate(let why): "untrusted owner certificate: \(why)"
        case .certificateExpired(let owner, let until):
            "the owner certificate of \(owner) expired at \(ISO8601.string(until))"
        case .foreignPackage(let why): "the package belongs to another installation: \(why)"
        case .unknownUser(let name): "unknown user '\(name)'"
        case .unknownModule(let name): "unknown module '\(name)'"
        case .unknownSatellite(let name): "unknown satellite '\(name)'"
        case .unknownTenant(let name): "unknown tenant '\(name)'"
        case .unknownEvent(let id): "unknown event #\(id)"
        case .duplicate(let what): "\(what) already exists"
        }
    }
}

/// A rule said no. Maps to exit code 1 / HTTP 409. Carries the facts a human needs.
public struct LicenseRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Codable, Sendable {
        case noFreeSeat = "no-free-seat"
        case wrongModuleType = "wrong-module-type"
        case hiddenModule = "hidden-module"
        case userTypeNotAllowed = "user-type-not-allowed"
        case prerequisiteMissing = "prerequisite-missing"
        case planAlreadyAssigned = "plan-already-assigned"
        case hasDependents = "has-dependents"
        case notAssigned = "not-assigned"
        case ownerExpired = "owner-expired"
        case notNewer = "not-newer"
        case countBelowInUse = "count-below-in-use"
        case integrity = "integrity"
        case eventConflict = "event-conflict"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// ISO 8601 with whole seconds, UTC: the one date format of files, JSON and canonical encodings.
public enum ISO8601 {
    public static func string(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    public static func date(_ text: String) -> Date? {
        guard namesExistingDateTime(text) else { return nil }
        if let d = try? Date(text, strategy: .iso8601) { return d }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Whether a date-time of the form `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` names one that exists, as RFC 3339
    /// and the OpenAPI document's pattern say: years 1000–9999, a day of its month, hours below 24, minutes and seconds
    /// below 60, 1–9 fraction digits, an offset of at most 14 hours. Foundation reads `2026-06-31` or `12:99` as a
    /// later date, so they are refused here. A text that does not start `YYYY-MM-DDT` is Foundation's to read.
    static func namesExistingDateTime(_ text: String) -> Bool {
        let b = Array(text.utf8)
        let dash = UInt8(ascii: "-")
        let colon = UInt8(ascii: ":")
        guard b.count >= 11, b[4] == dash, b[7] == dash, b[10] == UInt8(ascii: "T") else { return true }
        func number(_ from: Int, _ length: Int) -> Int? {
            guard from + length <= b.count else { return nil }
            var value = 0
            for byte in b[from..<(from + length)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), (1000...9999).contains(year),
            (1...12).contains(month), day >= 1, day <= UsageBatchJSON.daysIn(month, of: year), b.count >= 20,
            b[13] == colon, b[16] == colon, let hour = number(11, 2), let minute = number(14, 2),
            let second = number(17, 2), hour < 24, minute < 60, second < 60
        else { return false }
        var index = 19
        if b[index] == UInt8(ascii: ".") {
            var digits = 0
            index += 1
            while index < b.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[index]) {
                digits += 1
                index += 1
            }
            guard (1...9).contains(digits) else { return false }
        }
        guard index < b.count else { return false }
        if b[index] == UInt8(ascii: "Z") { return index == b.count - 1 }
        guard b[index] == UInt8(ascii: "+") || b[index] == dash, b.count == index + 6, b[index + 3] == colon,
            let offsetHours = number(index + 1, 2), let offsetMinutes = number(index + 4, 2)
        else { return false }
        return offsetHours <= 14 && offsetMinutes < 60
    }
}
