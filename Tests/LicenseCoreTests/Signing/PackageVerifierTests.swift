import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Package verification (DESIGN §6)")
struct PackageVerifierTests {
    @Test("a package issued by the Issuer verifies for its tenant")
    func issuedPackageVerifies() throws {
        // Given the sample package issued with an owner key certified by the tenant's root
        let file = try Fixtures.issue()

        // When it is verified
        let package = try PackageVerifier.verify(file, for: Fixtures.tenant(), now: Fixtures.now)

        // Then every module and header field arrives as issued
        #expect(package.owner == Fixtures.superOffice)
        #expect(package.header.companyName == Fixtures.companyName)
        #expect(package.header.serialNumber == Fixtures.serialNumber)
        #expect(package.header.issuedAt == Fixtures.issuedAt)
        #expect(package.moduleLicenses == Fixtures.sampleModules)
        #expect(package.certificate.sub == Fixtures.superOffice)
        #expect(package.raw == String(decoding: file, as: UTF8.self))
    }

    @Test("the package is a standard compact JWS with alg EdDSA")
    func compactJWS() throws {
        let text = String(decoding: try Fixtures.issue(), as: UTF8.self)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3)
        let header = try JSONSerialization.jsonObject(with: try #require(Base64URL.decode(parts[0]))) as? [String: String]
        #expect(header?["alg"] == "EdDSA")
        #expect(header?["kid"] == Fixtures.superOffice)
        #expect(Base64URL.decode(parts[2])?.count == 64)
    }

    @Test(
        "a package for another installation is foreign",
        arguments: [
            Fixtures.tenant(companyName: "Other AS"),
            Fixtures.tenant(serialNumber: "4711-0002"),
        ])
    func foreignPackage(tenant: Tenant) throws {
        let file = try Fixtures.issue()

        let error = #expect(throws: LicenseInputError.self) { try PackageVerifier.verify(file, for: tenant, now: Fixtures.now) }

        #expect(error?.code == "foreign-package")
    }

    // MARK: - Tampering

    /// Replaces the character at `offset` in the compact text by another base64url character.
    static func flip(_ text: String, at offset: Int) -> String {
        var bytes = Array(text.utf8)
        bytes[offset] = bytes[offset] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("a flipped byte in the signature is a bad signature", arguments: [0, 10, 42, 84])
    func flippedSignature(index: Int) throws {
        let text = String(decoding: try Fixtures.issue(), as: UTF8.self)
        let start = try #require(text.lastIndex(of: ".")).utf16Offset(in: text) + 1

        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(Data(Self.flip(text, at: start + index).utf8), for: Fixtures.tenant(), now: Fixtures.now)
        }

        #expect(error?.code == "bad-signature")
    }

    @Test("a changed payload, still valid JSON, is a bad signature")
    func changedPayload() throws {
        // Given the payload with one count changed and the original signature kept
        let parts = String(decoding: try Fixtures.issue(), as: UTF8.self).split(separator: ".").map(String.init)
        let payload = String(decoding: try #require(Base64URL.decode(parts[1])), as: UTF8.self)
        let edited = payload.replacingOccurrences(of: #""count":5,"#, with: #""count":9,"#)
        #expect(edited != payload)
        let forged = [parts[0], Base64URL.encode(Data(edited.utf8)), parts[2]].joined(separator: ".")

        // When verified
        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(Data(forged.utf8), for: Fixtures.tenant(), now: Fixtures.now)
        }

        // Then the package signature fails
        #expect(error?.code == "bad-signature")
    }

    @Test("a flipped byte anywhere in the payload is refused", arguments: [0, 1, 100, 1_000, 2_000, -2, -1])
    func flippedPayloadByte(index: Int) throws {
        let text = String(decoding: try Fixtures.issue(), as: UTF8.self)
        let dots = text.utf8.enumerated().filter { $0.element == UInt8(ascii: ".") }.map(\.offset)
        let offset = index >= 0 ? dots[0] + 1 + index : dots[1] + index

        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(Data(Self.flip(text, at: offset).utf8), for: Fixtures.tenant(), now: Fixtures.now)
        }

        #expect(
            ["bad-signature", "malformed-package"].contains(error?.code ?? ""), "\(error.map(String.init(describing:)) ?? "")")
    }

    @Test("a package re-signed by hand with its own owner key but a forged module still fails its row signature")
    func forgedRowInResignedPackage() throws {
        // Given the owner's own key signs a payload whose web row says 1000 but keeps the old row signature
        let key = Fixtures.superOfficeKey
        let parts = String(decoding: try Fixtures.issue(), as: UTF8.self).split(separator: ".").map(String.init)
        let payload = String(decoding: try #require(Base64URL.decode(parts[1])), as: UTF8.self)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
        var modules = try #require(object["modules"] as? [[String: Any]])
        let web = try #require(modules.firstIndex { $0["name"] as? String == "web" })
        modules[web]["count"] = 1_000
        object["modules"] = modules
        let forged = try JWS.sign(
            payload: JSONSerialization.data(withJSONObject: object), typ: "license+jws", kid: Fixtures.superOffice,
            key: key.privateKey())

        // When verified
        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(Data(forged.utf8), for: Fixtures.tenant(), now: Fixtures.now)
        }

        // Then the module row's signature names web
        #expect(error?.code == "bad-signature")
        #expect(error?.description.contains("module web") == true)
    }

    @Test("a package whose certificate comes from another root is untrusted")
    func certificateFromAnotherRoot() throws {
        // Given an owner key certified by a root the tenant does not trust
        let otherRoot = Issuer.makeRootKey()
        let file = try Fixtures.issue(ownerKey: Fixtures.makeOwnerKey(Fixtures.superOffice, root: otherRoot))

        // When verified
        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(file, for: Fixtures.tenant(), now: Fixtures.now)
        }

        // Then the certificate is untrusted
        #expect(error?.code == "untrusted-certificate")
    }

    @Test("a package signed by a key other than the certified one is a bad signature")
    func keySwappedUnderCertificate() throws {
        // Given a fresh key that carries SUPEROFFICE's genuine certificate
        var impostor = try Fixtures.makeOwnerKey(Fixtures.superOffice)
        impostor.certificate = Fixtures.superOfficeKey.certificate

        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(Fixtures.issue(ownerKey: impostor), for: Fixtures.tenant(), now: Fixtures.now)
        }

        #expect(error?.code == "bad-signature")
    }

    @Test("a certificate for another owner does not vouch for this owner's package")
    func certificateForAnotherOwner() throws {
        // Given ACME's key relabelled as SUPEROFFICE, its certificate still naming ACME
        var acme = try Fixtures.makeOwnerKey("ACME")
        acme.kid = Fixtures.superOffice

        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(Fixtures.issue(ownerKey: acme), for: Fixtures.tenant(), now: Fixtures.now)
        }

        #expect(error?.code == "untrusted-certificate")
    }

    @Test("a package whose owner certificate has expired is refused as such")
    func expiredCertificate() throws {
        // Given an owner key certified for one day in 2020
        let shortLived = try Fixtures.makeOwnerKey(Fixtures.superOffice, validFrom: Fixtures.certificateStart, validDays: 1)
        let file = try Fixtures.issue(ownerKey: shortLived)

        // When verified in 2026
        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(file, for: Fixtures.tenant(), now: Fixtures.now)
        }

        // Then it names the owner and the end of validity
        #expect(
            error
                == .certificateExpired(owner: Fixtures.superOffice, validUntil: Fixtures.days(1, from: Fixtures.certificateStart))
        )
        #expect(error?.description.contains("2020-01-02T00:00:00Z") == true)
    }

    @Test("a certificate not yet valid is untrusted")
    func certificateNotYetValid() throws {
        let future = try Fixtures.makeOwnerKey(Fixtures.superOffice, validFrom: Fixtures.days(10))

        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(Fixtures.issue(ownerKey: future), for: Fixtures.tenant(), now: Fixtures.now)
        }

        #expect(error?.code == "untrusted-certificate")
    }

    @Test(
        "what is not a package is malformed",
        arguments: [
            ("", "empty"), ("hello", "not a compact JWS"), ("a.b", "not a compact JWS"), ("a.b.c.d", "not a compact JWS"),
            ("!!.e30.AA", "header is not base64url JSON"),
        ])
    func notAPackage(text: String, mentions: String) {
        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(Data(text.utf8), for: Fixtures.tenant(), now: Fixtures.now)
        }
        #expect(error?.code == "malformed-package")
        #expect(error?.description.contains(mentions) == true, "\(error.map(String.init(describing:)) ?? "")")
    }

    @Test("another algorithm than EdDSA is refused")
    func otherAlgorithm() throws {
        let header = Base64URL.encode(Data(#"{"alg":"none"}"#.utf8))
        let text = header + "." + Base64URL.encode(Data("{}".utf8)) + "."

        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(Data(text.utf8), for: Fixtures.tenant(), now: Fixtures.now)
        }

        #expect(error?.code == "bad-signature")
        #expect(error?.description.contains("unsupported algorithm 'none'") == true)
    }
}
