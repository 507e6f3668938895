import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Seals (DESIGN §6 Seals)")
struct SealerTests {
    static let user = Fixtures.user(7, "alice")

    struct Change: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var apply: @Sendable (inout User) -> Void
    }

    static let userChanges: [Change] = [
        Change(testDescription: "id") { $0.id = 8 },
        Change(testDescription: "user name") { $0.userName = "alicf" },
        Change(testDescription: "type") { $0.type = .system },
        Change(testDescription: "can log in") { $0.canLogIn = false },
        Change(testDescription: "retired") { $0.retired = true },
        Change(testDescription: "waiting for approval") { $0.waitingForApproval = true },
        Change(testDescription: "administrator") { $0.isAdministrator = true },
    ]

    @Test("a seal detects one changed field of a user row", arguments: userChanges)
    func userFieldChanged(_ change: Change) throws {
        // Given a sealed user row
        let sealer = try Sealer(secret: Sealer.makeSecret())
        let seal = sealer.seal(Self.user.sealBytes(tenant: Fixtures.tenantID, passwordHash: nil))
        #expect(sealer.isValid(seal, for: Self.user.sealBytes(tenant: Fixtures.tenantID, passwordHash: nil)))

        // When one field is changed
        var edited = Self.user
        change.apply(&edited)

        // Then the seal no longer holds
        #expect(!sealer.isValid(seal, for: edited.sealBytes(tenant: Fixtures.tenantID, passwordHash: nil)))
        #expect(!sealer.makeBulkVerifier().isValid(seal, for: edited.sealBytes(tenant: Fixtures.tenantID, passwordHash: nil)))
    }

    static let assignment = Fixtures.assignment("web", to: 7)

    @Test(
        "a seal detects one changed field of an assignment row",
        arguments: [
            Fixtures.assignment("user", to: 7), Fixtures.assignment("web", to: 8),
            Fixtures.assignment("web", to: 7, owner: "ACME"), Fixtures.assignment("web", to: 7, viaPlan: "sales-premium"),
            Fixtures.assignment("web", to: 7, createdAt: Fixtures.days(1)),
        ])
    func assignmentFieldChanged(edited: Assignment) throws {
        let sealer = try Sealer(secret: Sealer.makeSecret())
        let seal = sealer.seal(Self.assignment.sealBytes(tenant: Fixtures.tenantID))

        #expect(sealer.isValid(seal, for: Self.assignment.sealBytes(tenant: Fixtures.tenantID)))
        #expect(!sealer.isValid(seal, for: edited.sealBytes(tenant: Fixtures.tenantID)))
    }

    @Test("a seal does not hold under another installation secret or for another tenant")
    func otherSecretOrTenant() throws {
        let sealer = try Sealer(secret: Sealer.makeSecret())
        let other = try Sealer(secret: Sealer.makeSecret())
        let seal = sealer.seal(Self.user.sealBytes(tenant: "acme", passwordHash: nil))

        #expect(!other.isValid(seal, for: Self.user.sealBytes(tenant: "acme", passwordHash: nil)))
        #expect(!sealer.isValid(seal, for: Self.user.sealBytes(tenant: "acme2", passwordHash: nil)))
        #expect(!sealer.isValid("not a seal", for: Self.user.sealBytes(tenant: "acme", passwordHash: nil)))
        #expect(!sealer.isValid("", for: Self.user.sealBytes(tenant: "acme", passwordHash: nil)))
    }

    @Test("a seal over the tenant row detects a changed serial number")
    func tenantRow() throws {
        let sealer = try Sealer(secret: Sealer.makeSecret())
        let tenant = Fixtures.tenant()
        let seal = sealer.seal(tenant.sealBytes)
        var edited = tenant
        edited.serialNumber = "4711-0002"

        #expect(sealer.isValid(seal, for: tenant.sealBytes))
        #expect(!sealer.isValid(seal, for: edited.sealBytes))
    }

    @Test("the installation secret must be 256 bits", arguments: [0, 16, 31, 33, 64])
    func secretLength(count: Int) {
        let error = #expect(throws: LicenseInputError.self) { try Sealer(secret: Data(repeating: 1, count: count)) }
        #expect(error?.description.contains("got \(count)") == true)
    }

    @Test("a new secret is 32 random bytes")
    func makeSecret() {
        let a = Sealer.makeSecret()
        let b = Sealer.makeSecret()
        #expect(a.count == 32 && b.count == 32 && a != b)
    }
}
