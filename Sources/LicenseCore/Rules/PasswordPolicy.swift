import Foundation

/// The one password rule of administrators (API, CLI and admin pages).
public enum PasswordPolicy {
    public static let minimumCharacters = 8
    public static let maximumCharacters = 72
    /// bcrypt reads at most 72 bytes: a longer password would be checked by its first 72 bytes only.
    public static let maximumBytes = 72

    /// Checks a password before it is hashed: 8 to 72 characters and at most 72 bytes in UTF-8.
    public static func validate(_ password: String) throws(LicenseInputError) {
        guard (minimumCharacters...maximumCharacters).contains(password.count) else {
            throw .invalid(field: "password", reason: "must be \(minimumCharacters) to \(maximumCharacters) characters")
        }
        let bytes = password.utf8.count
        guard bytes <= maximumBytes else {
            throw .invalid(
                field: "password",
                reason:
                    "must be at most \(maximumBytes) bytes in UTF-8, the most bcrypt reads (this one is \(bytes) bytes)")
        }
    }
}
