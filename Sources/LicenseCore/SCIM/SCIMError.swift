import Foundation

/// A SCIM request refused, in the terms of RFC 7644 §3.12: the `scimType` an identity provider understands and a
/// `detail` its administrator can act on. Nothing is changed when one is thrown.
public struct SCIMError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `scimType` values of RFC 7644 §3.12 that this server answers.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case invalidFilter, tooMany, uniqueness, mutability, invalidSyntax, invalidPath, noTarget, invalidValue
        case invalidVers, sensitive
    }

    /// The HTTP status the RFC gives the error (400 for every `scimType` but `uniqueness`, 409).
    public let status: Int
    /// nil for errors the RFC gives no `scimType` (404, 409 without one, 412, 413).
    public let scimType: Kind?
    public let detail: String

    public init(status: Int, scimType: Kind?, detail: String) {
        self.status = status
        self.scimType = scimType
        self.detail = detail
    }

    public var description: String { "\(status) \(scimType?.rawValue ?? "-"): \(detail)" }

    public static func invalidFilter(_ detail: String) -> SCIMError {
        .init(status: 400, scimType: .invalidFilter, detail: detail)
    }
    public static func invalidPath(_ detail: String) -> SCIMError { .init(status: 400, scimType: .invalidPath, detail: detail) }
    public static func invalidValue(_ detail: String) -> SCIMError { .init(status: 400, scimType: .invalidValue, detail: detail) }
    public static func invalidSyntax(_ detail: String) -> SCIMError {
        .init(status: 400, scimType: .invalidSyntax, detail: detail)
    }
    public static func noTarget(_ detail: String) -> SCIMError { .init(status: 400, scimType: .noTarget, detail: detail) }
    public static func mutability(_ detail: String) -> SCIMError { .init(status: 400, scimType: .mutability, detail: detail) }
    public static func uniqueness(_ detail: String) -> SCIMError { .init(status: 409, scimType: .uniqueness, detail: detail) }
}
