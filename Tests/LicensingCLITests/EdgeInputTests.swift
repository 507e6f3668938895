import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

/// Packages the issuer would refuse, ambiguous JWS and a locked database, through the `licensing` binary (issue 12,
/// Why 8, 9 and 11): each refused with a clear message and the documented exit code, the database unchanged.
@Suite("Edge input through the licensing binary")
struct EdgeInputTests {
    /// The CLI sample spec (issued an hour after the active one) as the core value, for `InvalidPackage` to change.
    static func sampleSpec(_ fixture: Fixture) throws -> PackageSpec {
        let file = PackageSpecFile.sample(issuedAt: fixture.baseTime.addingTimeInterval(3_600))
        return try PackageSpec.parse(JSONEncoder().encode(file))
    }

    static func ownerKey(_ fixture: Fixture) throws -> SigningKeyJWK {
        try SigningKeyJWK.parse(Data(contentsOf: URL(fileURLWithPath: fixture.ownerKey())))
    }

    /// Expects `result` to be invalid input (exit 2) whose stderr names every word.
    static func expectRefused(
        _ result: ProcessResult, mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.exitCode == 2, "\(result)", sourceLocation: sourceLocation)
        for word in words {
            #expect(result.stderr.contains(word), "stderr should name \(word): \(result.stderr)", sourceLocation: sourceLocation)
        }
        #expect(result.stderr.count < 2_000, "the message stays short: \(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test(
        "a validly signed package the issuer would refuse is refused by preview and activate, and nothing changes",
        arguments: InvalidPackage.allCases)
    func invalidPackageRefused(_ invalid: InvalidPackage) async throws {
        // Given the sample package active, alice holding user and web, and the invalid package signed by the owner key
        let fixture = try await ActivationRefusalTests.licensedWithHolder()
        defer { fixture.remove() }
        let spec = invalid.applied(to: try Self.sampleSpec(fixture), now: Date())
        let package = fixture.path("invalid.license")
        try InvalidPackage.sign(spec, ownerKey: Self.ownerKey(fixture), now: Date()).write(to: URL(fileURLWithPath: package))
        let before = try fixture.dump()

        // When it is previewed and activated, as text and as JSON
        let preview = try await fixture.licensing("license", "preview", package)
        let activation = try await fixture.licensing("license", "activate", package)
        let jsonActivation = try await fixture.licensing("license", "activate", package, "--json")

        // Then each is invalid input naming the problem, and the database is byte for byte what it was
        Self.expectRefused(preview, mentioning: invalid.mentions)
        Self.expectRefused(activation, mentioning: invalid.mentions)
        Self.expectRefused(jsonActivation, mentioning: invalid.mentions)
        expectUnchanged(before, try fixture.dump(), "refused activation (\(invalid))")
        let verify = try await fixture.licensing("verify")
        #expect(verify.exitCode == 0, "\(verify)")
    }

    @Test("licensing issuer issue refuses the same packages with the same message", arguments: InvalidPackage.allCases)
    func issuerRefuses(_ invalid: InvalidPackage) async throws {
        // Given the invalid spec as a file
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let spec = invalid.applied(to: try Self.sampleSpec(fixture), now: Date())
        let specPath = fixture.path("invalid.spec.json")
        try JSONInput.encoder.encode(spec).write(to: URL(fileURLWithPath: specPath))
        let out = fixture.path("invalid.license")

        // When the issuer is asked to sign it
        let result = try await CLI.run(["issuer", "issue", "--owner-key", fixture.ownerKey(), "--spec", specPath, "--out", out])

        // Then it refuses, naming the problem, and writes no package
        Self.expectRefused(result, mentioning: invalid.mentions)
        #expect(!FileManager.default.fileExists(atPath: out), "no package file may be written")
    }

    static let ambiguous: [(String, String?, String?, [String])] = [
        (
            "crit naming exp", #"{"alg":"EdDSA","crit":["exp"],"exp":1,"kid":"SUPEROFFICE","typ":"license+jws"}"#, nil,
            ["'crit'"]
        ),
        (
            "crit naming b64, b64 false", #"{"alg":"EdDSA","b64":false,"crit":["b64"],"kid":"SUPEROFFICE","typ":"license+jws"}"#,
            nil, ["'crit'"]
        ),
        (
            "alg twice", #"{"alg":"none","alg":"EdDSA","kid":"SUPEROFFICE","typ":"license+jws"}"#, nil,
            ["duplicate member 'alg'"]
        ),
        ("serialNumber twice", nil, #""serialNumber":"9999-0001""#, ["duplicate member 'serialNumber' in the package payload"]),
        ("issuedAt twice", nil, #""issuedAt":"2099-01-01T00:00:00Z""#, ["duplicate member 'issuedAt' in the package payload"]),
    ]

    @Test("a validly signed package with crit or a member twice is refused, and nothing changes", arguments: ambiguous)
    func ambiguousJWSRefused(_ description: String, header: String?, member: String?, mentions: [String]) async throws {
        // Given a newer package re-signed by the owner key with the ambiguous header or payload
        let fixture = try await ActivationRefusalTests.licensedWithHolder()
        defer { fixture.remove() }
        let newer = try await fixture.issue(.sample(issuedAt: fixture.baseTime.addingTimeInterval(3_600)), as: "newer")
        var payload = try Fixtures.payloadText(of: Data(contentsOf: URL(fileURLWithPath: newer)))
        if let member { payload = "{" + member + "," + payload.dropFirst() }
        let package = fixture.path("ambiguous.license")
        try Fixtures.compactJWS(
            header: header ?? #"{"alg":"EdDSA","kid":"SUPEROFFICE","typ":"license+jws"}"#, payload: Data(payload.utf8),
            key: Self.ownerKey(fixture).privateKey()
        ).write(to: URL(fileURLWithPath: package))
        let before = try fixture.dump()

        // When it is previewed and activated
        let preview = try await fixture.licensing("license", "preview", package)
        let activation = try await fixture.licensing("license", "activate", package)

        // Then both are malformed input naming the member, and the database is unchanged
        Self.expectRefused(preview, mentioning: mentions + ["malformed license package"])
        Self.expectRefused(activation, mentioning: mentions + ["malformed license package"])
        expectUnchanged(before, try fixture.dump(), "refused activation (\(description))")
    }

    @Test(
        "an independent JOSE library reads the last of two serialNumbers; licensing refuses such a package, and both refuse crit")
    func independentVerifierDisagreesOnDuplicates() async throws {
        // Given a tenant, and two re-signed packages: serialNumber twice (a foreign one first), and crit naming exp
        let python = try IndependentJOSETests.python()
        let fixture = try await ActivationRefusalTests.licensedWithHolder()
        defer { fixture.remove() }
        let newer = try await fixture.issue(.sample(issuedAt: fixture.baseTime.addingTimeInterval(3_600)), as: "newer")
        let payload = try Fixtures.payloadText(of: Data(contentsOf: URL(fileURLWithPath: newer)))
        let key = try Self.ownerKey(fixture).privateKey()
        let duplicate = fixture.path("duplicate.license")
        try Fixtures.compactJWS(
            header: #"{"alg":"EdDSA","kid":"SUPEROFFICE","typ":"license+jws"}"#,
            payload: Data(("{\"serialNumber\":\"9999-0001\"," + payload.dropFirst()).utf8), key: key
        ).write(to: URL(fileURLWithPath: duplicate))
        let crit = fixture.path("crit.license")
        try Fixtures.compactJWS(
            header: #"{"alg":"EdDSA","crit":["exp"],"exp":1,"kid":"SUPEROFFICE","typ":"license+jws"}"#,
            payload: Data(payload.utf8), key: key
        ).write(to: URL(fileURLWithPath: crit))

        // When joserfc and licensing read them
        let joseDuplicate = try await runProgram(python, [IndependentJOSETests.script, duplicate, fixture.ownerPublicKey()])
        let joseCrit = try await runProgram(python, [IndependentJOSETests.script, crit, fixture.ownerPublicKey()])
        let ownDuplicate = try await fixture.licensing("license", "preview", duplicate)
        let ownCrit = try await fixture.licensing("license", "preview", crit)

        // Then joserfc takes the last serialNumber where Foundation would take another, so licensing refuses the
        // package outright; a crit naming exp is refused by both
        #expect(joseDuplicate.exitCode == 0, "\(joseDuplicate)")
        #expect(try joseDuplicate.json(IndependentJOSETests.Summary.self).serialNumber == Fixture.serial)
        Self.expectRefused(ownDuplicate, mentioning: ["duplicate member 'serialNumber'"])
        #expect(joseCrit.exitCode == 1 && joseCrit.stderr.contains("exp"), "\(joseCrit)")
        Self.expectRefused(ownCrit, mentioning: ["'crit'"])
    }

    @Test(
        "while another process holds the SQLite write lock, a write gives up after the 5 s timeout with exit 4 and changes nothing",
        .timeLimit(.minutes(2)))
    func busyDatabase() async throws {
        // Given a licensed tenant with alice, and another connection holding the database's write lock
        let fixture = try await Fixture.licensed().0
        defer { fixture.remove() }
        let lock = try SQLiteWriteLock(path: DatabaseDump.databasePath(fixture.dataDirectory))
        try await fixture.addUser("alice")
        let before = try fixture.dump()
        try lock.hold()

        // When alice is assigned a module, and the licenses are listed
        let clock = ContinuousClock()
        let start = clock.now
        let assign = try await fixture.licensing("assign", "--user", "alice", "--module", "superoffice.user")
        let elapsed = clock.now - start
        let list = try await fixture.licensing("license", "list")
        try lock.release()

        // Then the write waited out the timeout and gave up with exit 4 and a message; reads were not blocked
        #expect(assign.exitCode == 4, "\(assign)")
        #expect(assign.stderr.contains("database busy") && assign.stderr.contains("write lock"), "\(assign)")
        #expect(elapsed >= .milliseconds(4_900), "it waited for the lock: \(elapsed)")
        #expect(elapsed < .seconds(15), "it waited at most the timeout plus start-up: \(elapsed)")
        #expect(list.exitCode == 0, "a read does not wait for the write lock: \(list)")
        expectUnchanged(before, try fixture.dump(), "the write refused as busy")

        // And once the lock is released, the same write succeeds
        try await fixture.assign("alice", "superoffice.user")
    }
}
