import Foundation

/// A user to create (one of `addUsers`, a row of an import).
public struct NewUser: Sendable, Equatable {
    public var userName: String
    public var displayName: String?
    public var email: String?
    public var type: UserType
    public var canLogIn: Bool
    public var isAdministrator: Bool
    /// A bcrypt hash; only administrators have one.
    public var passwordHash: String?

    public init(
        userName: String, displayName: String? = nil, email: String? = nil, type: UserType = .employee,
        canLogIn: Bool = false, isAdministrator: Bool = false, passwordHash: String? = nil
    ) {
        self.userName = userName
        self.displayName = displayName
        self.email = email
        self.type = type
        self.canLogIn = canLogIn
        self.isAdministrator = isAdministrator
        self.passwordHash = passwordHash
    }

    /// Checks the fields: a user name as `Validate.identifier` wants it, a display name of at most 200 characters and
    /// an e-mail address of at most 254, neither with control characters.
    public func validate() throws(LicenseInputError) {
        try Validate.identifier(userName, field: "userName")
        try Validate.text(displayName, field: "displayName", limit: 200)
        try Validate.text(email, field: "email", limit: 254)
    }
}
