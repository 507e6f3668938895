import Foundation
import LicenseTestSupport
import Testing

@Suite("An administrator's password through the licensing binary")
struct PasswordCLITests {
    @Test(
        "a password on stdin outside the policy is invalid input (exit 2) and adds nobody",
        arguments: [
            ("short\n", "must be 8 to 72 characters"),
            ("", "must be 8 to 72 characters"),
            (String(repeating: "a", count: 73) + "\n", "must be 8 to 72 characters"),
            (String(repeating: "æ", count: 37) + "\n", "at most 72 bytes in UTF-8"),
        ])
    func refused(stdin: String, reason: String) async throws {
        // Given a tenant
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        try await fixture.initTenant()

        // When an administrator is added with the password on stdin
        let result = try await fixture.licensing(
            "user", "add", "--username", "boss", "--admin", "--can-log-in", "--password-stdin", stdin: Data(stdin.utf8))

        // Then it is refused as invalid input naming the policy, and the user was not added
        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stderr.contains("password"), "\(result)")
        #expect(result.stderr.contains(reason), "\(result)")
        let list = try await fixture.licensing("user", "list").requireSuccess()
        #expect(!list.stdout.contains("boss"), "\(list)")
    }
}
