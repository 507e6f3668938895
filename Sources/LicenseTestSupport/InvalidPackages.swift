import Crypto
import Foundation
import LicenseCore

/// A package the issuer refuses to make, so a verifier must refuse it too (issue 12, Why 9), and what the refusal
/// must name.
///
/// Each case changes a spec built on the sample modules `user`, `web` (requires `user`), `chat-cal`, the plan
/// `sales-premium` (`set=user,web,chat-cal`) and the site module `saint`, which both the fixtures' and the CLI tests'
/// samples have.
public enum InvalidPackage: String, CaseIterable, Sendable, CustomStringConvertible {
    case planGrantsUnknownModule = "a plan's set= names a module not in the package"
    case planGrantsItself = "a plan's set= names the plan itself"
    case planGrantsAnotherPlan = "a plan's set= names another plan"
    case planGrantsSiteModule = "a plan's set= names a site module"
    case planGrantsSatelliteModule = "a plan's set= names a satellite module"
    case planNamesModuleTwice = "a plan's set= names a module twice"
    case prerequisiteCycle = "two modules require each other"
    case longPrerequisiteCycle = "three modules require each other in a ring"
    case missingPrerequisite = "a prerequisite names a module not in the package"
    case sameModuleTwice = "the same module twice"
    case issuedFarInFuture = "issued 9999-12-31"
    case issuedMoreThanADayAhead = "issued 25 hours after now"
    case expiresBeforeIssued = "expires before it was issued"

    public var description: String { rawValue }

    /// Words the refusal's message must contain.
    public var mentions: [String] {
        switch self {
        case .planGrantsUnknownModule: ["sales-premium", "'ghost'", "not in this package"]
        case .planGrantsItself: ["sales-premium", "names the plan itself"]
        case .planGrantsAnotherPlan: ["sales-premium", "'starter-plan'", "another plan"]
        case .planGrantsSiteModule: ["sales-premium", "'saint'", "a site module", "only user modules"]
        case .planGrantsSatelliteModule: ["sales-premium", "'travel'", "a satellite module"]
        case .planNamesModuleTwice: ["sales-premium", "'user' twice"]
        case .prerequisiteCycle: ["prerequisites form a cycle", "user → web → user"]
        case .longPrerequisiteCycle: ["prerequisites form a cycle", "ring-a → ring-c → ring-b → ring-a"]
        case .missingPrerequisite: ["modules[web].prerequisite", "no module 'ghost'"]
        case .sameModuleTwice: ["module 'web' appears twice"]
        case .issuedFarInFuture: ["issuedAt", "9999-12-31", "more than 24 hours after now"]
        case .issuedMoreThanADayAhead: ["issuedAt", "more than 24 hours after now"]
        case .expiresBeforeIssued: ["expiresAt", "must be after issuedAt"]
        }
    }

    /// `spec` changed to be this invalid package, for a clock at `now`.
    public func applied(to spec: PackageSpec, now: Date) -> PackageSpec {
        var spec = spec
        func edit(_ name: String, _ change: (inout ModuleLicense) -> Void) {
            for index in spec.modules.indices where spec.modules[index].name == name { change(&spec.modules[index]) }
        }
        switch self {
        case .planGrantsUnknownModule: edit("sales-premium") { $0.extraInfo = "set=user,web,ghost" }
        case .planGrantsItself: edit("sales-premium") { $0.extraInfo = "set=user,sales-premium" }
        case .planGrantsAnotherPlan:
            spec.modules.append(ModuleLicense(name: "starter-plan", type: .user, count: 5, extraFlags: 1, extraInfo: "set=user"))
            edit("sales-premium") { $0.extraInfo = "set=user,starter-plan" }
        case .planGrantsSiteModule: edit("sales-premium") { $0.extraInfo = "set=user,saint" }
        case .planGrantsSatelliteModule:
            if !spec.modules.contains(where: { $0.name == "travel" }) {
                spec.modules.append(ModuleLicense(name: "travel", type: .satellite, count: 1))
            }
            edit("sales-premium") { $0.extraInfo = "set=user,travel" }
        case .planNamesModuleTwice: edit("sales-premium") { $0.extraInfo = "set=user,web,user" }
        case .prerequisiteCycle: edit("user") { $0.prerequisite = "web" }
        case .longPrerequisiteCycle:
            spec.modules += [
                ModuleLicense(name: "ring-a", type: .user, count: 1, prerequisite: "ring-c"),
                ModuleLicense(name: "ring-b", type: .user, count: 1, prerequisite: "ring-a"),
                ModuleLicense(name: "ring-c", type: .user, count: 1, prerequisite: "ring-b"),
            ]
        case .missingPrerequisite: edit("web") { $0.prerequisite = "ghost" }
        case .sameModuleTwice:
            if var web = spec.modules.first(where: { $0.name == "web" }) {
                web.count = 3
                spec.modules.append(web)
            }
        case .issuedFarInFuture: spec.issuedAt = Fixtures.date("9999-12-31T00:00:00Z")
        case .issuedMoreThanADayAhead: spec.issuedAt = now.addingTimeInterval(25 * 3_600).wholeSeconds
        case .expiresBeforeIssued:
            spec.expiresAt = (spec.issuedAt ?? now).addingTimeInterval(-86_400)
            spec.graceUntil = nil
        }
        return spec
    }

    /// The package file of `spec` signed with `ownerKey` as an issuer that does not check would sign it: every row
    /// signature, the owner signature and the JWS are valid.
    public static func sign(_ spec: PackageSpec, ownerKey: SigningKeyJWK, now: Date) throws -> Data {
        guard let certificate = ownerKey.certificate else {
            throw LicenseInputError.invalid(field: "owner-key", reason: "no certificate")
        }
        var header = spec.header(issuedAt: (spec.issuedAt ?? now).wholeSeconds)
        header.ownerCertificate = certificate
        return Data(try Issuer.signWithoutValidation(header: header, modules: spec.modules, key: ownerKey.privateKey()).utf8)
    }
}

// MARK: - Hand-made compact JWS

extension Fixtures {
    /// A compact JWS of exactly these header and payload bytes, signed by `key`: for headers and payloads no encoder
    /// would write (a `crit` member, a member twice).
    public static func compactJWS(header: String, payload: Data, key: Curve25519.Signing.PrivateKey) throws -> Data {
        let signingInput = Base64URL.encode(Data(header.utf8)) + "." + Base64URL.encode(payload)
        let signature = try key.signature(for: Data(signingInput.utf8))
        return Data((signingInput + "." + Base64URL.encode(signature)).utf8)
    }

    /// The payload (JSON text) of a compact JWS file.
    public static func payloadText(of package: Data) throws -> String {
        let parts = String(decoding: package, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(parts[1]) else {
            throw LicenseInputError.malformedPackage("not a compact JWS")
        }
        return String(decoding: payload, as: UTF8.self)
    }
}
