import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Users: applying changes and the password policy")
struct UserRulesTests {
    // MARK: - UserChanges

    static let alice = User(
        id: 1, userName: "alice", displayName: "Alice", email: "alice@example.com", type: .employee, canLogIn: true)

    struct ApplyCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var changes: UserChanges
        var expected: @Sendable (inout User) -> Void
    }

    static let applyCases: [ApplyCase] = [
        ApplyCase(testDescription: "no changes leave the user as it is", changes: UserChanges(), expected: { _ in }),
        ApplyCase(
            testDescription: "the flags change", changes: UserChanges(canLogIn: false, retired: true, waitingForApproval: true),
            expected: {
                $0.canLogIn = false
                $0.retired = true
                $0.waitingForApproval = true
            }),
        ApplyCase(
            testDescription: "the administrator right and the type change",
            changes: UserChanges(isAdministrator: true, type: .external),
            expected: {
                $0.isAdministrator = true
                $0.type = .external
            }),
        ApplyCase(
            testDescription: "a new display name and e-mail address replace the old",
            changes: UserChanges(displayName: .some("Alice A."), email: .some("a@example.org")),
            expected: {
                $0.displayName = "Alice A."
                $0.email = "a@example.org"
            }),
        ApplyCase(
            testDescription: "a display name and e-mail address set to nil are cleared",
            changes: UserChanges(displayName: .some(nil), email: .some(nil)),
            expected: {
                $0.displayName = nil
                $0.email = nil
            }),
        ApplyCase(
            testDescription: "a password hash is not part of the user", changes: UserChanges(passwordHash: "$2b$10$hash"),
            expected: { _ in }),
    ]

    @Test("changes are applied field by field; nil leaves a field as it is", arguments: applyCases)
    func apply(_ example: ApplyCase) throws {
        var expected = Self.alice
        example.expected(&expected)
        try example.changes.validate()
        #expect(example.changes.applied(to: Self.alice) == expected)
    }

    @Test(
        "changes with a display name over 200 or an e-mail address over 254 characters, or control characters, are refused",
        arguments: [
            UserChanges(displayName: .some(String(repeating: "a", count: 201))),
            UserChanges(email: .some(String(repeating: "a", count: 255))),
            UserChanges(displayName: .some("Alice\u{7}")),
        ])
    func invalidChanges(_ changes: UserChanges) {
        #expect(throws: LicenseInputError.self) { try changes.validate() }
    }

    @Test(
        "changes at the limits are accepted",
        arguments: [
            UserChanges(displayName: .some(String(repeating: "a", count: 200))),
            UserChanges(email: .some(String(repeating: "a", count: 254))),
        ])
    func changesAtLimits(_ changes: UserChanges) {
        #expect(throws: Never.self) { try changes.validate() }
    }

    // MARK: - Password policy

    struct PasswordCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var password: String
        /// The reason of the refusal, nil when accepted.
        var reason: String?
    }

    static let passwordCases: [PasswordCase] = [
        PasswordCase(testDescription: "8 characters are enough", password: "secret-8", reason: nil),
        PasswordCase(
            testDescription: "72 ASCII characters are accepted", password: String(repeating: "a", count: 72), reason: nil),
        PasswordCase(testDescription: "7 characters are too few", password: "secret7", reason: "must be 8 to 72 characters"),
        PasswordCase(testDescription: "an empty password is refused", password: "", reason: "must be 8 to 72 characters"),
        PasswordCase(
            testDescription: "73 characters are too many", password: String(repeating: "a", count: 73),
            reason: "must be 8 to 72 characters"),
        PasswordCase(
            testDescription: "36 two-byte characters (72 bytes) are accepted", password: String(repeating: "æ", count: 36),
            reason: nil),
        PasswordCase(
            testDescription: "37 two-byte characters are over bcrypt's 72 bytes", password: String(repeating: "æ", count: 37),
            reason: "must be at most 72 bytes in UTF-8, the most bcrypt reads (this one is 74 bytes)"),
        PasswordCase(
            testDescription: "20 emoji are 20 characters but 80 bytes", password: String(repeating: "🔑", count: 20),
            reason: "must be at most 72 bytes in UTF-8, the most bcrypt reads (this one is 80 bytes)"),
    ]

    @Test("a password is 8 to 72 characters and at most 72 bytes", arguments: passwordCases)
    func password(_ example: PasswordCase) throws {
        if let reason = example.reason {
            let error = try #require(throws: LicenseInputError.self) { try PasswordPolicy.validate(example.password) }
            #expect(error == .invalid(field: "password", reason: reason))
        } else {
            #expect(throws: Never.self) { try PasswordPolicy.validate(example.password) }
        }
    }
}
