import Foundation

/// The three license types of the reference system (`ModuleLicense.Type` 1, 2, 3).
public enum ModuleType: String, Codable, Sendable, CaseIterable, Comparable {
    /// Type 1: applies to the whole tenant ("system licenses").
    case site
    /// Type 2: given to satellite databases.
    case satellite
    /// Type 3: given to users, within a purchased count.
    case user

    public static func < (lhs: ModuleType, rhs: ModuleType) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The kinds of user ("associate" in the reference system).
public enum UserType: String, Codable, Sendable, CaseIterable {
    case employee, resource, external, anonymous, system
}

/// Whether a tenant is the central database or a satellite of it.
public enum DatabaseType: String, Codable, Sendable, CaseIterable {
    case central, satellite
}

/// A module named across owners: `owner.module`, the owner part case-insensitive.
///
/// Owner names are kept upper case (`SUPEROFFICE`), module names lower case (`web`).
public struct ModuleKey: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let owner: String
    public let module: String

    public init(owner: String, module: String) {
        self.owner = owner.uppercased()
        self.module = module.lowercased()
    }

    /// Parses `owner.module`; the module part may itself not contain a dot.
    public init(parsing text: String) throws(LicenseInputError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let dot = trimmed.lastIndex(of: "."), dot != trimmed.startIndex,
            trimmed.index(after: dot) != trimmed.endIndex
        else {
            throw .invalid(field: "module", reason: "expected OWNER.MODULE, got '\(text.prefix(80))'")
        }
        let owner = String(trimmed[..<dot])
        let module = String(trimmed[trimmed.index(after: dot)...])
        try Validate.ownerName(owner)
        try Validate.moduleName(module.lowercased())
        self.init(owner: owner, module: module)
    }

    public var description: String { "\(owner.lowercased()).\(module)" }

    public static func < (lhs: ModuleKey, rhs: ModuleKey) -> Bool {
        (lhs.owner, lhs.module) < (rhs.owner, rhs.module)
    }
}

/// Validation of names that come from outside, shared by every edge.
public enum Validate {
    static let nameLimit = 64

    /// Owner names: letters, digits, `-` and `_`, 1–64 characters.
    public static func ownerName(_ name: String) throws(LicenseInputError) {
        guard !name.isEmpty, name.count <= nameLimit,
            name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "_" })
        else {
            throw .invalid(field: "owner", reason: "owner names are 1–64 letters, digits, '-' or '_'")
        }
    }

    /// Module names: lower case letters, digits and `-`, 1–64 characters.
    public static func moduleName(_ name: String) throws(LicenseInputError) {
        guard !name.isEmpty, name.count <= nameLimit,
            name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" })
        else {
            throw .invalid(field: "module", reason: "module names are 1–64 lower case letters, digits, '-' or '_'")
        }
    }

    /// User, satellite and tenant names: printable, no slashes or control characters, 1–128 characters.
    public static func identifier(_ value: String, field: String, limit: Int = 128) throws(LicenseInputError) {
        guard !value.isEmpty, value.count <= limit else {
            throw .invalid(field: field, reason: "must be 1–\(limit) characters")
        }
        guard value.unicodeScalars.allSatisfy({ !isControl($0) && $0 != "/" && $0 != "\\" }), value != ".", value != ".."
        else {
            throw .invalid(field: field, reason: "must not contain slashes or control characters")
        }
        guard value.trimmingCharacters(in: .whitespaces) == value else {
            throw .invalid(field: field, reason: "must not start or end with spaces")
        }
    }

    /// Tenant ids: a short slug of lower case letters, digits and `-`.
    public static func tenantID(_ value: String) throws(LicenseInputError) {
        guard !value.isEmpty, value.count <= 63,
            value.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }),
            value.first != "-"
        else {
            throw .invalid(field: "tenant", reason: "tenant ids are 1–63 lower case letters, digits or '-'")
        }
    }

    /// A control or format character (Unicode Cc or Cf), refused in names and text. Read from the scalar's general
    /// category, the same on every platform: Foundation's `CharacterSet.controlCharacters` is not (on Linux it also
    /// holds code points Unicode has not assigned, which the OpenAPI document's patterns allow).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format: true
        default: false
        }
    }

    /// Free text (descriptions, messages): bounded and without control characters other than newlines and tabs.
    public static func text(_ value: String?, field: String, limit: Int = 2_000) throws(LicenseInputError) {
        guard let value else { return }
        guard value.count <= limit else { throw .invalid(field: field, reason: "longer than \(limit) characters") }
        guard value.unicodeScalars.allSatisfy({ !isControl($0) || $0 == "\n" || $0 == "\t" })
        else { throw .invalid(field: field, reason: "contains control characters") }
    }
}
