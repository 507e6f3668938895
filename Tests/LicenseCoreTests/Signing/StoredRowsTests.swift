import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Stored row verification (DESIGN §6 Row signatures)")
struct StoredRowsTests {
    static func rows() throws -> (header: PackageHeader, modules: [SignedModule]) {
        let package = try Fixtures.verifiedPackage()
        return (package.header, package.modules)
    }

    @Test("rows as activated verify")
    func intactRows() throws {
        let (header, modules) = try Self.rows()

        let check = PackageVerifier.verifyStoredRows(header: header, modules: modules, tenant: Fixtures.tenant())

        #expect(check.ownerProblem == nil)
        #expect(check.badModules.isEmpty)
    }

    @Test("the stored rows stay valid after the owner certificate has expired")
    func expiredCertificateKeepsRows() throws {
        let key = try Fixtures.makeOwnerKey(Fixtures.superOffice, validFrom: Fixtures.days(-2), validDays: 1)
        let package = try PackageVerifier.verify(
            Fixtures.issue(ownerKey: key, now: Fixtures.days(-2)), for: Fixtures.tenant(), now: Fixtures.days(-2))

        let check = PackageVerifier.verifyStoredRows(header: package.header, modules: package.modules, tenant: Fixtures.tenant())

        #expect(check.ownerProblem == nil && check.badModules.isEmpty)
    }

    struct Edit: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var module: String
        var change: @Sendable (inout ModuleLicense) -> Void
    }

    static let edits: [Edit] = [
        Edit(testDescription: "count raised", module: "web") { $0.count = 1_000 },
        Edit(testDescription: "made unrestricted", module: "user") { $0.unrestricted = true },
        Edit(testDescription: "no longer hidden", module: "chat-cal") { $0.hidden = false },
        Edit(testDescription: "prerequisite dropped", module: "windows") { $0.prerequisite = nil },
        Edit(testDescription: "user types widened", module: "user") { $0.allowedUserTypes = [] },
        Edit(testDescription: "plan set widened", module: "sales-premium") { $0.extraInfo = "set=user,web,windows,chat-cal" },
        Edit(testDescription: "site turned into user", module: "saint") { $0.type = .user },
        Edit(testDescription: "description changed", module: "visible-for") { $0.description = "Visible for (edited)" },
    ]

    @Test("a module row edited after issue fails and is named", arguments: edits)
    func editedRow(_ edit: Edit) throws {
        // Given the activated rows with one row's field changed in the database
        var (header, modules) = try Self.rows()
        let index = try #require(modules.firstIndex { $0.module.name == edit.module })
        edit.change(&modules[index].module)

        // When the stored rows are verified
        let check = PackageVerifier.verifyStoredRows(header: header, modules: modules, tenant: Fixtures.tenant())

        // Then exactly that row is bad; the owner set (over row signatures) still holds
        #expect(Array(check.badModules.keys) == [edit.module])
        #expect(check.ownerProblem == nil)
    }

    @Test("an inserted module row voids the owner set")
    func insertedRow() throws {
        // Given a copy of the user row under a new name, with the user row's signature
        var (header, modules) = try Self.rows()
        var copy = try #require(modules.first { $0.module.name == "user" })
        copy.module.name = "crm-extra"
        modules.append(copy)

        let check = PackageVerifier.verifyStoredRows(header: header, modules: modules, tenant: Fixtures.tenant())

        #expect(check.ownerProblem != nil)
        #expect(check.badModules.keys.contains("crm-extra"))
    }

    @Test("a row inserted with a genuine signature from another package still voids the owner set")
    func insertedGenuineRow() throws {
        // Given a row the owner really signed, but for another package issued the same second
        var (header, modules) = try Self.rows()
        let other = try Fixtures.verifiedPackage(
            spec: Fixtures.sampleSpec(adding: [ModuleLicense(name: "crm-extra", type: .user, count: 100)]))
        modules.append(try #require(other.modules.first { $0.module.name == "crm-extra" }))

        let check = PackageVerifier.verifyStoredRows(header: header, modules: modules, tenant: Fixtures.tenant())

        #expect(check.ownerProblem != nil)
        #expect(check.badModules.isEmpty, "the row's own signature holds; the set does not")
    }

    @Test("a deleted module row voids the owner set")
    func deletedRow() throws {
        var (header, modules) = try Self.rows()
        modules.removeAll { $0.module.name == "saint" }

        let check = PackageVerifier.verifyStoredRows(header: header, modules: modules, tenant: Fixtures.tenant())

        #expect(check.ownerProblem != nil)
        #expect(check.badModules.isEmpty)
    }

    @Test(
        "an edited owner row voids the owner set",
        arguments: [
            "graceUntil", "expiresAt", "issuedAt", "owner", "extraInfo", "ownerSignature",
        ])
    func editedOwnerRow(field: String) throws {
        var (header, modules) = try Self.rows()
        switch field {
        case "graceUntil": header.graceUntil = Fixtures.days(3_650)
        case "expiresAt": header.expiresAt = Fixtures.days(3_650)
        case "issuedAt": header.issuedAt = Fixtures.days(1)
        case "owner": header.owner = "ACME"
        case "extraInfo": header.extraInfo = "unlimited"
        default: header.ownerSignature = String(header.ownerSignature.reversed())
        }

        let check = PackageVerifier.verifyStoredRows(header: header, modules: modules, tenant: Fixtures.tenant())

        #expect(check.ownerProblem != nil)
    }

    @Test(
        "rows copied to another installation fail there",
        arguments: [
            Fixtures.tenant(id: "other", serialNumber: "4711-0002"),
            Fixtures.tenant(id: "other", companyName: "Other AS"),
        ])
    func rowsForAnotherInstallation(tenant: Tenant) throws {
        let (header, modules) = try Self.rows()

        let check = PackageVerifier.verifyStoredRows(header: header, modules: modules, tenant: tenant)

        #expect(check.ownerProblem != nil)
        #expect(Set(check.badModules.keys) == Set(Fixtures.sampleModules.map(\.name)))
    }

    @Test("rows under a tenant that trusts another root are void")
    func rowsUnderAnotherRoot() throws {
        let (header, modules) = try Self.rows()

        let check = PackageVerifier.verifyStoredRows(
            header: header, modules: modules, tenant: Fixtures.tenant(root: Issuer.makeRootKey()))

        #expect(check.ownerProblem?.contains("not signed by the trusted root") == true)
    }
}
