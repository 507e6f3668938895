import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("What a package may contain: one rule for the issuer and the verifier (issue 12, Why 9)")
struct PackageRuleTests {
    static func invalidSpec(_ invalid: InvalidPackage) -> PackageSpec {
        invalid.applied(to: Fixtures.sampleSpec(), now: Fixtures.now)
    }

    static func expectMentions(
        _ error: LicenseInputError?, _ invalid: InvalidPackage, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let message = error.map(String.init(describing:)) ?? "no error"
        for word in invalid.mentions {
            #expect(message.contains(word), "the message should name '\(word)': \(message)", sourceLocation: sourceLocation)
        }
    }

    @Test("the rule refuses each invalid package with a message naming the problem", arguments: InvalidPackage.allCases)
    func ruleRefuses(_ invalid: InvalidPackage) {
        // Given the sample spec made invalid
        let spec = Self.invalidSpec(invalid)

        // When the rule checks the package it makes
        let error = #expect(throws: LicenseInputError.self) {
            try PackageRule.validate(
                spec.header(issuedAt: spec.issuedAt ?? Fixtures.now), modules: spec.modules, now: Fixtures.now)
        }

        // Then it is invalid input naming the problem
        #expect(error?.code == "invalid-input")
        Self.expectMentions(error, invalid)
    }

    @Test("the issuer refuses to sign each invalid package", arguments: InvalidPackage.allCases)
    func issuerRefuses(_ invalid: InvalidPackage) {
        let error = #expect(throws: LicenseInputError.self) {
            try Issuer.issue(spec: Self.invalidSpec(invalid), ownerKey: Fixtures.superOfficeKey, now: Fixtures.now)
        }

        #expect(error?.code == "invalid-input")
        Self.expectMentions(error, invalid)
    }

    @Test(
        "the verifier refuses each invalid package although every signature in it is valid",
        arguments: InvalidPackage.allCases)
    func verifierRefuses(_ invalid: InvalidPackage) throws {
        // Given the invalid package signed by the certified owner key without the issuer's check
        let package = try InvalidPackage.sign(Self.invalidSpec(invalid), ownerKey: Fixtures.superOfficeKey, now: Fixtures.now)

        // When it is verified for its tenant
        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(package, for: Fixtures.tenant(), now: Fixtures.now)
        }

        // Then the verifier gives the issuer's refusal, not a signature problem
        #expect(error?.code == "invalid-input")
        Self.expectMentions(error, invalid)
    }

    @Test("the sample package passes the rule, the issuer and the verifier")
    func samplePasses() throws {
        let spec = Fixtures.sampleSpec()

        try PackageRule.validate(spec.header(issuedAt: Fixtures.issuedAt), modules: spec.modules, now: Fixtures.now)
        let package = try Fixtures.verifiedPackage(spec: spec)

        #expect(package.moduleLicenses == Fixtures.sampleModules)
    }

    static let aheadOfNow: [(TimeInterval, Bool)] = [
        (0, true), (23 * 3_600, true), (24 * 3_600, true), (24 * 3_600 + 1, false), (365 * 86_400, false),
    ]

    @Test("issuedAt may be up to 24 hours after now, not later", arguments: aheadOfNow)
    func futureTolerance(ahead: TimeInterval, isAccepted: Bool) throws {
        // Given a package issued `ahead` seconds after the verifier's clock
        let package = try InvalidPackage.sign(
            Fixtures.sampleSpec(issuedAt: Fixtures.now.addingTimeInterval(ahead)), ownerKey: Fixtures.superOfficeKey,
            now: Fixtures.now)

        // When it is verified
        var refusal: LicenseInputError?
        do {
            _ = try PackageVerifier.verify(package, for: Fixtures.tenant(), now: Fixtures.now)
        } catch {
            refusal = error
        }

        // Then it is accepted within the tolerance only
        if isAccepted {
            #expect(refusal == nil, "\(ahead) s ahead must be accepted: \(String(describing: refusal))")
        } else {
            let message = refusal?.description ?? "accepted"
            #expect(message.contains("more than 24 hours after now"), "\(ahead) s ahead must be refused: \(message)")
        }
    }

    @Test("a prerequisite chain without a cycle passes, however long")
    func longChainPasses() throws {
        // Given 200 modules each requiring the one before
        var spec = Fixtures.sampleSpec()
        spec.modules += (1...200).map { index in
            ModuleLicense(
                name: "chain-\(index)", type: .user, count: 1, prerequisite: index == 1 ? "user" : "chain-\(index - 1)")
        }

        // When checked, then it passes
        try PackageRule.validate(spec.header(issuedAt: Fixtures.issuedAt), modules: spec.modules, now: Fixtures.now)
    }
}
