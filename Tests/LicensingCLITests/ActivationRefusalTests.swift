import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

/// A package `license activate` must refuse, how to make it, and what the refusal must say.
enum BadPackage: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case otherCompany = "issued to another company"
    case otherSerial = "issued for another serial number"
    case flippedSignatureByte = "one flipped byte in the signature"
    case flippedPayloadByte = "one flipped byte in the payload"
    case flippedPayloadCharacter = "one changed character in the payload's base64url text"
    case editedModuleRow = "a module row's count edited, payload re-encoded, old signature kept"
    case editedModuleRowResigned = "a module row's count edited and the JWS re-signed, the row signature kept"
    case certificateFromAnotherRoot = "an owner certificate signed by another root"
    case expiredCertificate = "an expired owner certificate"
    case sameIssuedAt = "the active package again (same issuedAt)"
    case olderIssuedAt = "an older package (issuedAt before the active one)"
    case countBelowInUse = "a new count below what is in use"
    case empty = "an empty file"
    case truncatedInTheMiddle = "a package truncated in the middle"
    case truncatedSignature = "a package whose signature is cut short"
    case notJSON = "a text file that is not JSON"
    case payloadNotJSON = "a JWS whose payload is not JSON"
    case tenMegabytes = "a 10 MB file"
    case deeplyNested = "a JWS wrapping a deeply nested JSON payload"

    var testDescription: String { rawValue }

    /// 2 for invalid, unsigned or foreign input; 1 for a package a rule refuses.
    var exitCode: Int32 {
        switch self {
        case .sameIssuedAt, .olderIssuedAt, .countBelowInUse: 1
        default: 2
        }
    }

    /// Words the message on stderr must contain (any one of each inner list).
    var messageWords: [[String]] {
        switch self {
        case .otherCompany: [["another installation"], ["company"], ["Other Corp"]]
        case .otherSerial: [["another installation"], ["serial number"], ["9999-0001"]]
        case .flippedSignatureByte, .flippedPayloadByte, .editedModuleRow: [["bad signature"], ["package signature"]]
        case .flippedPayloadCharacter: [["bad signature", "malformed"]]
        case .editedModuleRowResigned: [["bad signature"], ["web"], ["row signature"]]
        case .certificateFromAnotherRoot: [["untrusted owner certificate"], ["trusted root"]]
        case .expiredCertificate: [["expired"], ["SUPEROFFICE"]]
        case .sameIssuedAt, .olderIssuedAt: [["not after the active one", "not newer"]]
        case .countBelowInUse: [["below what is in use"], ["superoffice.web"]]
        case .empty: [["empty"]]
        case .truncatedInTheMiddle, .notJSON: [["not a compact JWS"]]
        case .truncatedSignature: [["signature"]]
        case .payloadNotJSON: [["malformed"], ["not valid JSON"]]
        case .tenMegabytes: [["larger than"]]
        case .deeplyNested: [["nested deeper"]]
        }
    }

    /// Writes the bad package into the fixture's sandbox.
    func make(_ fixture: Fixture) async throws -> String {
        let out = fixture.path("bad-\(self).license")
        let later = fixture.baseTime.addingTimeInterval(3_600)
        switch self {
        case .otherCompany:
            return try await fixture.issue(.sample(company: "Other Corp", issuedAt: later), as: "other-company")
        case .otherSerial:
            return try await fixture.issue(.sample(serial: "9999-0001", issuedAt: later), as: "other-serial")
        case .flippedSignatureByte:
            try PackageForgery.flipSignatureByte(of: try await newer(fixture), to: out)
        case .flippedPayloadByte:
            try PackageForgery.flipPayloadByte(of: try await newer(fixture), to: out)
        case .flippedPayloadCharacter:
            try PackageForgery.flipPayloadCharacter(of: try await newer(fixture), to: out)
        case .editedModuleRow, .editedModuleRowResigned:
            let key = self == .editedModuleRowResigned ? fixture.ownerKey() : nil
            try PackageForgery.editPayload(of: try await newer(fixture), to: out, resignWith: key) { payload in
                guard var modules = payload["modules"] as? [[String: Any]],
                    let web = modules.firstIndex(where: { $0["name"] as? String == "web" })
                else { throw HarnessError("no web module in the payload") }
                modules[web]["count"] = 500
                payload["modules"] = modules
            }
        case .certificateFromAnotherRoot:
            try await CLI.run(["issuer", "root-key", "--out", fixture.path("other-root.jwk")]).requireSuccess()
            let ownerKey = fixture.path("foreign-owner.jwk")
            try await CLI.run([
                "issuer", "owner-key", "--owner", Fixture.owner, "--root", fixture.path("other-root.jwk"), "--out", ownerKey,
            ]).requireSuccess()
            return try await fixture.issue(.sample(issuedAt: later), as: "foreign-root", ownerKey: ownerKey)
        case .expiredCertificate:
            // The CLI only certifies from now on, so the expired certificate is made with the issuer API itself.
            let root = try SigningKeyJWK.parse(Data(contentsOf: URL(fileURLWithPath: fixture.rootKey)))
            let expired = try Issuer.makeOwnerKey(
                owner: Fixture.owner, root: root, now: Date().addingTimeInterval(-3 * 86_400), validDays: 1)
            let ownerKey = fixture.path("expired-owner.jwk")
            try expired.encoded().write(to: URL(fileURLWithPath: ownerKey))
            return try await fixture.issue(.sample(issuedAt: later), as: "expired-owner", ownerKey: ownerKey)
        case .sameIssuedAt:
            return try await fixture.issue(.sample(issuedAt: fixture.baseTime), as: "same-issued-at")
        case .olderIssuedAt:
            return try await fixture.issue(.sample(issuedAt: fixture.baseTime.addingTimeInterval(-86_400)), as: "older")
        case .countBelowInUse:
            return try await fixture.issue(.sample(issuedAt: later, webCount: 0), as: "below-in-use")
        case .empty:
            try Data().write(to: URL(fileURLWithPath: out))
        case .truncatedInTheMiddle:
            let data = try Data(contentsOf: URL(fileURLWithPath: try await newer(fixture)))
            try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: out))
        case .truncatedSignature:
            let text = try String(contentsOfFile: try await newer(fixture), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try Data(text.dropLast(20).utf8).write(to: URL(fileURLWithPath: out))
        case .notJSON:
            try Data("this is not a license package, just some text\n".utf8).write(to: URL(fileURLWithPath: out))
        case .payloadNotJSON:
            try PackageForgery.wrap(payload: Data("owner=SUPEROFFICE; modules=web:10".utf8), to: out)
        case .tenMegabytes:
            let header = Base64URL.encode(Data(#"{"alg":"EdDSA","typ":"license+jws"}"#.utf8))
            let filler = String(repeating: "A", count: 10 * 1_024 * 1_024)
            try Data((header + "." + filler + "." + Base64URL.encode(Data(count: 64))).utf8).write(to: URL(fileURLWithPath: out))
        case .deeplyNested:
            let depth = 100_000
            let nested =
                #"{"typ":"license-package","version":1,"modules":"#
                + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
            try PackageForgery.wrap(payload: Data(nested.utf8), to: out)
        }
        return out
    }

    /// A correctly signed package, newer than the active one, to damage.
    private func newer(_ fixture: Fixture) async throws -> String {
        try await fixture.issue(.sample(issuedAt: fixture.baseTime.addingTimeInterval(3_600)), as: "newer")
    }
}

@Suite("Activation refuses bad packages and leaves every table as it was")
struct ActivationRefusalTests {
    /// Acme AS with the sample package active and alice holding user and web.
    static func licensedWithHolder() async throws -> Fixture {
        let (fixture, _) = try await Fixture.licensed()
        try await fixture.addUser("alice")
        try await fixture.assign("alice", "superoffice.user")
        try await fixture.assign("alice", "superoffice.web")
        return fixture
    }

    @Test(
        "activation is refused with the documented exit code, a message naming the problem, and no change",
        arguments: BadPackage.allCases)
    func refused(_ bad: BadPackage) async throws {
        // Given
        let fixture = try await Self.licensedWithHolder()
        defer { fixture.remove() }
        let package = try await bad.make(fixture)
        let before = try fixture.dump()
        #expect(before.contains("== module_license (6 rows)") && before.contains("== assignment (2 rows)"), "\(before)")

        // When
        let activation = try await fixture.licensing("license", "activate", package)
        let preview = try await fixture.licensing("license", "preview", package)
        let jsonActivation = try await fixture.licensing("license", "activate", package, "--json")

        // Then
        #expect(activation.exitCode == bad.exitCode, "\(activation)")
        #expect(preview.exitCode == bad.exitCode, "preview must refuse too: \(preview)")
        #expect(jsonActivation.exitCode == bad.exitCode, "\(jsonActivation)")
        for alternatives in bad.messageWords {
            #expect(
                alternatives.contains { activation.stderr.localizedCaseInsensitiveContains($0) },
                "stderr should name the problem (\(alternatives.joined(separator: " or "))): \(activation.stderr)")
        }
        #expect(activation.stderr.count < 2_000, "the message stays short: \(activation.stderr.count) characters")
        expectUnchanged(before, try fixture.dump(), "refused activation (\(bad.rawValue))")
        let verify = try await fixture.licensing("verify")
        #expect(verify.exitCode == 0, "\(verify)")
    }

    @Test("a count below what is in use names the module, how many must go, and the holders")
    func countBelowInUseNamesHolders() async throws {
        // Given: alice and bob hold web; the new package has none.
        let fixture = try await Self.licensedWithHolder()
        defer { fixture.remove() }
        try await fixture.addUser("bob")
        try await fixture.assign("bob", "superoffice.user")
        try await fixture.assign("bob", "superoffice.web")
        let package = try await BadPackage.countBelowInUse.make(fixture)
        let before = try fixture.dump()

        // When
        let json = try await fixture.licensing("license", "activate", package, "--json")
        let text = try await fixture.licensing("license", "preview", package)

        // Then
        #expect(json.exitCode == 1, "\(json)")
        let preview = try json.json(PreviewJSON.self)
        #expect(!preview.canBeActivated)
        #expect(preview.reason?.contains("superoffice.web") == true, "reason: \(preview.reason ?? "nil")")
        let web = try #require(preview.modules.first { $0.name == "web" })
        #expect((web.currentTotal, web.inUse, web.newTotal, web.mustRemove) == (10, 2, 0, 2))
        #expect(web.holders.sorted() == ["alice", "bob"])
        for module in preview.modules where module.name != "web" {
            #expect(module.mustRemove == 0 && module.holders.isEmpty, "\(module.name) must not be reported")
        }
        #expect(text.exitCode == 1, "\(text)")
        #expect(text.stdout.contains("alice") && text.stdout.contains("bob"), "the table names the holders: \(text.stdout)")
        expectUnchanged(before, try fixture.dump(), "refused activation")
    }
}
