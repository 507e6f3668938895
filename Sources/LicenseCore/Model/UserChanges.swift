import Foundation

/// Changes to a user's license-relevant flags; nil leaves a field as it is.
public struct UserChanges: Sendable, Equatable {
    public var canLogIn: Bool?
    public var retired: Bool?
    public var waitingForApproval: Bool?
    public var isAdministrator: Bool?
    public var type: UserType?
    public var displayName: String??
    public var email: String??
    public var passwordHash: String?

    public init(
        canLogIn: Bool? = nil, retired: Bool? = nil, waitingForApproval: Bool? = nil, isAdministrator: Bool? = nil,
        type: UserType? = nil, displayName: String?? = nil, email: String?? = nil, passwordHash: String? = nil
    ) {
        self.canLogIn = canLogIn
        self.retired = retired
        self.waitingForApproval = waitingForApproval
        self.isAdministrator = isAdministrator
        self.type = type
        self.displayName = displayName
        self.email = email
        self.passwordHash = passwordHash
    }

    /// Checks the free-text fields as `NewUser` does: a display name of at most 200 characters, an e-mail address of
    /// at most 254, neither with control characters.
    public func validate() throws(LicenseInputError) {
        if let displayName { try Validate.text(displayName, field: "displayName", limit: 200) }
        if let email { try Validate.text(email, field: "email", limit: 254) }
    }

    /// The user with these changes made; `.some(nil)` clears a display name or e-mail address.
    ///
    /// `passwordHash` is not part of `User`: the store keeps it beside the row and applies it itself.
    public func applied(to user: User) -> User {
        var user = user
        if let canLogIn { user.canLogIn = canLogIn }
        if let retired { user.retired = retired }
        if let waitingForApproval { user.waitingForApproval = waitingForApproval }
        if let isAdministrator { user.isAdministrator = isAdministrator }
        if let type { user.type = type }
        if let displayName { user.displayName = displayName }
        if let email { user.email = email }
        return user
    }
}
