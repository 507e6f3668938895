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
        if let d = try? Date(text, strategy: .iso8601) { return d }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
