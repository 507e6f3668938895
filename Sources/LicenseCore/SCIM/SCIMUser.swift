import Foundation

/// A person's name as SCIM carries it (RFC 7643 §4.1.1); every part optional.
public struct SCIMName: Sendable, Equatable, Codable {
    public var formatted: String?
    public var familyName: String?
    public var givenName: String?
    public var middleName: String?
    public var honorificPrefix: String?
    public var honorificSuffix: String?

    public init(
        formatted: String? = nil, familyName: String? = nil, givenName: String? = nil, middleName: String? = nil,
        honorificPrefix: String? = nil, honorificSuffix: String? = nil
    ) {
        self.formatted = formatted
        self.familyName = familyName
        self.givenName = givenName
        self.middleName = middleName
        self.honorificPrefix = honorificPrefix
        self.honorificSuffix = honorificSuffix
    }

    var parts: [(String, String?)] {
        [
            ("formatted", formatted), ("familyName", familyName), ("givenName", givenName), ("middleName", middleName),
            ("honorificPrefix", honorificPrefix), ("honorificSuffix", honorificSuffix),
        ]
    }

    var isEmpty: Bool { parts.allSatisfy { $0.1 == nil } }
}

/// One of a user's e-mail addresses (RFC 7643 §4.1.2).
public struct SCIMEmail: Sendable, Equatable, Codable {
    public var value: String
    public var type: String?
    public var primary: Bool
    public var display: String?

    public init(value: String, type: String? = nil, primary: Bool = false, display: String? = nil) {
        self.value = value
        self.type = type
        self.primary = primary
        self.display = display
    }
}

/// What a SCIM resource's `meta` says (RFC 7643 §3.1); `version` is the ETag `W/"<n>"`.
public struct SCIMMeta: Sendable, Equatable {
    public var created: Date
    public var lastModified: Date
    public var location: String
    public var version: Int64

    public init(created: Date, lastModified: Date, location: String, version: Int64) {
        self.created = created
        self.lastModified = lastModified
        self.location = location
        self.version = version
    }

    /// The ETag of a version, as `meta.version` and the `ETag` header carry it.
    public static func etag(_ version: Int64) -> String { "W/\"\(version)\"" }

    /// The version an `If-Match` value names (`W/"7"`, `"7"`), nil if it names none; `*` is handled by the caller.
    public static func version(fromETag text: String) -> Int64? {
        var tag = Substring(text.trimmingCharacters(in: .whitespaces))
        if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
        guard tag.count >= 2, tag.first == "\"", tag.last == "\"" else { return nil }
        return Int64(tag.dropFirst().dropLast())
    }
}

/// The attributes of a SCIM user that a licensing user row has no column for; the store keeps them beside the row.
public struct SCIMProfile: Sendable, Equatable, Codable {
    public var externalId: String?
    public var name: SCIMName?
    public var emails: [SCIMEmail]

    public init(externalId: String? = nil, name: SCIMName? = nil, emails: [SCIMEmail] = []) {
        self.externalId = externalId
        self.name = name
        self.emails = emails
    }
}

/// A SCIM User (RFC 7643 §4.1) as this server keeps it: a licensing user of the tenant.
///
/// `userName` is the user name (unique per tenant, compared case-insensitively), `active` the right to log in,
/// `userType` the user type, `displayName` and the primary e-mail address are the user row's; `externalId`, `name`
/// and the whole `emails` list are the `SCIMProfile`.
public struct SCIMUser: Sendable, Equatable {
    /// The user's id as text; nil before the store has made the user.
    public var id: String?
    public var externalId: String?
    public var userName: String
    public var name: SCIMName?
    public var displayName: String?
    public var userType: UserType
    public var active: Bool
    public var emails: [SCIMEmail]

    public static let maxEmails = 20

    public init(
        id: String? = nil, externalId: String? = nil, userName: String, name: SCIMName? = nil, displayName: String? = nil,
        userType: UserType = .employee, active: Bool = true, emails: [SCIMEmail] = []
    ) {
        self.id = id
        self.externalId = externalId
        self.userName = userName
        self.name = name
        self.displayName = displayName
        self.userType = userType
        self.active = active
        self.emails = emails
    }

    // MARK: - The licensing user

    /// The user a licensing user row and its profile describe.
    public init(user: User, profile: SCIMProfile?) {
        var emails = profile?.emails ?? []
        if emails.isEmpty, let email = user.email { emails = [SCIMEmail(value: email, type: "work", primary: true)] }
        self.init(
            id: String(user.id), externalId: profile?.externalId, userName: user.userName, name: profile?.name,
            displayName: user.displayName, userType: user.type, active: user.canLogIn, emails: emails)
    }

    /// The address the user row keeps: the primary one, else the first.
    public var primaryEmail: String? { (emails.first(where: \.primary) ?? emails.first)?.value }

    /// The user to create for a SCIM create.
    public var newUser: NewUser {
        NewUser(userName: userName, displayName: displayName, email: primaryEmail, type: userType, canLogIn: active)
    }

    /// The changes to the user row a SCIM replace or patch makes; `canLogIn` is the caller's to apply, since
    /// deactivation also frees seats.
    public var rowChanges: UserChanges {
        UserChanges(type: userType, displayName: .some(displayName), email: .some(primaryEmail))
    }

    public var profile: SCIMProfile { SCIMProfile(externalId: externalId, name: name, emails: emails) }

    /// The key that makes user names unique per tenant: RFC 7643 says `userName` is case-insensitive.
    public static func uniquenessKey(_ userName: String) -> String { userName.lowercased() }

    // MARK: - Reading a request

    /// Reads a User resource from a request body (POST, PUT) or a patched resource: types checked, read-only
    /// attributes (`id`, `meta`) and attributes the schema does not declare ignored. Booleans sent as the strings
    /// "True"/"False" (as Entra ID does) are accepted.
    public init(resource: SCIMValue) throws(SCIMError) {
        guard case .object = resource else { throw .invalidSyntax("a User is a JSON object, not \(resource.kindName)") }
        guard case .array(let schemas)? = resource.member("schemas"),
            schemas.contains(where: { $0 == .string(SCIMSchema.userURN) })
        else {
            throw .invalidSyntax("\"schemas\" must be an array that lists \(SCIMSchema.userURN)")
        }
        guard let userName = try Self.string(resource, "userName", limit: 128) else {
            throw .invalidValue("userName is required")
        }
        do {
            try Validate.identifier(userName, field: "userName")
        } catch {
            throw .invalidValue("userName '\(userName.prefix(64))' \(Self.reason(error))")
        }
        self.userName = userName
        externalId = try Self.string(resource, "externalId", limit: 256)
        displayName = try Self.string(resource, "displayName", limit: 200)
        if let text = try Self.string(resource, "userType", limit: 64) {
            guard let type = UserType.allCases.first(where: { $0.rawValue.caseInsensitiveCompare(text) == .orderedSame }) else {
                let known = UserType.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidValue("userType '\(text.prefix(64))' is not one of \(known)")
            }
            userType = type
        } else {
            userType = .employee
        }
        active = try Self.boolean(resource.member("active"), "active") ?? true
        name = try Self.name(resource.member("name"))
        emails = try Self.emails(resource.member("emails"))
        id = nil
    }

    private static func reason(_ error: LicenseInputError) -> String {
        if case .invalid(_, let reason) = error { return reason }
        return error.description
    }

    static func string(_ object: SCIMValue, _ name: String, limit: Int, path: String? = nil) throws(SCIMError) -> String? {
        let shown = path ?? name
        switch object.member(name) {
        case nil, .null?: return nil
        case .string(let text)?:
            do {
                try Validate.text(text, field: shown, limit: limit)
            } catch {
                throw .invalidValue("\(shown) \(reason(error))")
            }
            return text.isEmpty ? nil : text
        case let other?: throw .invalidValue("\(shown) must be a string, not \(other.kindName)")
        }
    }

    static func boolean(_ value: SCIMValue?, _ shown: String) throws(SCIMError) -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case .string(let text)? where text.lowercased() == "true": return true
        case .string(let text)? where text.lowercased() == "false": return false
        case let other?: throw .invalidValue("\(shown) must be true or false, not \(other.kindName)")
        }
    }

    private static func name(_ value: SCIMValue?) throws(SCIMError) -> SCIMName? {
        switch value {
        case nil, .null?: return nil
        case .object?:
            let object = value!
            var name = SCIMName()
            name.formatted = try string(object, "formatted", limit: 200, path: "name.formatted")
            name.familyName = try string(object, "familyName", limit: 200, path: "name.familyName")
            name.givenName = try string(object, "givenName", limit: 200, path: "name.givenName")
            name.middleName = try string(object, "middleName", limit: 200, path: "name.middleName")
            name.honorificPrefix = try string(object, "honorificPrefix", limit: 200, path: "name.honorificPrefix")
            name.honorificSuffix = try string(object, "honorificSuffix", limit: 200, path: "name.honorificSuffix")
            return name.isEmpty ? nil : name
        case let other?: throw .invalidValue("name must be an object of name parts, not \(other.kindName)")
        }
    }

    private static func emails(_ value: SCIMValue?) throws(SCIMError) -> [SCIMEmail] {
        let items: [SCIMValue]
        switch value {
        case nil, .null?: return []
        case .array(let list)?: items = list
        case let other?: throw .invalidValue("emails must be an array, not \(other.kindName)")
        }
        guard items.count <= maxEmails else { throw .invalidValue("more than \(maxEmails) emails") }
        var emails: [SCIMEmail] = []
        for (index, item) in items.enumerated() {
            let at = "emails[\(index)]"
            guard case .object = item else { throw .invalidValue("\(at) must be an object with a value, not \(item.kindName)") }
            guard let address = try string(item, "value", limit: 254, path: "\(at).value") else {
                throw .invalidValue("\(at).value is required")
            }
            guard address.contains("@") else {
                throw .invalidValue("\(at).value '\(address.prefix(64))' is not an e-mail address")
            }
            emails.append(
                SCIMEmail(
                    value: address, type: try string(item, "type", limit: 64, path: "\(at).type"),
                    primary: try boolean(item.member("primary"), "\(at).primary") ?? false,
                    display: try string(item, "display", limit: 200, path: "\(at).display")))
        }
        guard emails.filter(\.primary).count <= 1 else {
            throw .invalidValue("more than one of emails is primary; mark at most one \"primary\": true")
        }
        return emails
    }

    // MARK: - Writing a response

    /// The resource as JSON, with canonical attribute names; `meta` when the user is stored.
    public func resource(meta: SCIMMeta? = nil) -> SCIMValue {
        var members: [String: SCIMValue] = [
            "schemas": .array([.string(SCIMSchema.userURN)]),
            "userName": .string(userName),
            "active": .bool(active),
            "userType": .string(userType.rawValue),
        ]
        if let id { members["id"] = .string(id) }
        if let externalId { members["externalId"] = .string(externalId) }
        if let displayName { members["displayName"] = .string(displayName) }
        if let name, !name.isEmpty {
            var parts: [String: SCIMValue] = [:]
            for (key, value) in name.parts { if let value { parts[key] = .string(value) } }
            members["name"] = .object(parts)
        }
        if !emails.isEmpty {
            members["emails"] = .array(
                emails.map { email in
                    var item: [String: SCIMValue] = ["value": .string(email.value), "primary": .bool(email.primary)]
                    if let type = email.type { item["type"] = .string(type) }
                    if let display = email.display { item["display"] = .string(display) }
                    return .object(item)
                })
        }
        if let meta {
            members["meta"] = .object([
                "resourceType": .string("User"),
                "created": .string(ISO8601.string(meta.created)),
                "lastModified": .string(ISO8601.string(meta.lastModified)),
                "location": .string(meta.location),
                "version": .string(SCIMMeta.etag(meta.version)),
            ])
        }
        return .object(members)
    }
}
