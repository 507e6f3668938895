import Crypto
import Foundation

/// What the vendor writes to issue a package (`SPEC.json` of `licensing issuer issue`).
public struct PackageSpec: Codable, Sendable {
    public var owner: String
    public var description: String?
    public var companyName: String
    public var serialNumber: String
    public var issuedAt: Date?
    public var expiresAt: Date?
    public var graceUntil: Date?
    public var maintenanceUntil: Date?
    public var adminWarningAt: Date?
    public var nextCheckAt: Date?
    public var licenseURL: String?
    public var deploymentType: String?
    public var productType: String?
    public var extraFlags: Int?
    public var extraInfo: String?
    public var modules: [ModuleLicense]

    public init(
        owner: String, description: String? = nil, companyName: String, serialNumber: String, issuedAt: Date? = nil,
        expiresAt: Date? = nil, graceUntil: Date? = nil, maintenanceUntil: Date? = nil, adminWarningAt: Date? = nil,
        nextCheckAt: Date? = nil, licenseURL: String? = nil, deploymentType: String? = nil, productType: String? = nil,
        extraFlags: Int? = nil, extraInfo: String? = nil, modules: [ModuleLicense]
    ) {
        self.owner = owner
        self.description = description
        self.companyName = companyName
        self.serialNumber = serialNumber
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.graceUntil = graceUntil
        self.maintenanceUntil = maintenanceUntil
        self.adminWarningAt = adminWarningAt
        self.nextCheckAt = nextCheckAt
        self.licenseURL = licenseURL
        self.deploymentType = deploymentType
        self.productType = productType
        self.extraFlags = extraFlags
        self.extraInfo = extraInfo
        self.modules = modules
    }

    public static func parse(_ data: Data) throws(LicenseInputError) -> PackageSpec {
        try JSONInput.decode(PackageSpec.self, from: data, what: "the package spec", limit: 8 << 20)
    }

    /// Checks the package this spec makes at `now` with the rule the verifier applies too (`PackageRule`): names,
    /// counts, the references between modules (prerequisites and plan sets) and the dates.
    public func validate(now: Date) throws(LicenseInputError) {
        try PackageRule.validate(header(issuedAt: (issuedAt ?? now).wholeSeconds), modules: modules, now: now)
    }

    /// The header of the package this spec makes when issued at `issuedAt`: no certificate or signature yet.
    public func header(issuedAt: Date) -> PackageHeader {
        PackageHeader(
            owner: owner.uppercased(), description: description, licenseURL: licenseURL, deploymentType: deploymentType,
            productType: productType, extraFlags: extraFlags ?? 0, extraInfo: extraInfo, companyName: companyName,
            serialNumber: serialNumber, issuedAt: issuedAt, expiresAt: expiresAt?.wholeSeconds,
            graceUntil: graceUntil?.wholeSeconds, maintenanceUntil: maintenanceUntil?.wholeSeconds,
            adminWarningAt: adminWarningAt?.wholeSeconds, nextCheckAt: nextCheckAt?.wholeSeconds,
            ownerCertificate: "", ownerSignature: "")
    }
}

/// The vendor side: keys, certificates and packages. Runs where the private keys are.
public enum Issuer {
    public static func makeRootKey() -> SigningKeyJWK {
        SigningKeyJWK(privateKey: Curve25519.Signing.PrivateKey(), kid: "root")
    }

    /// Makes an owner key and the root's certificate of it, valid from `now` for `validDays`.
    public static func makeOwnerKey(owner: String, root: SigningKeyJWK, now: Date, validDays: Int) throws -> SigningKeyJWK {
        try Validate.ownerName(owner)
        guard (1...36_500).contains(validDays) else {
            throw LicenseInputError.invalid(field: "valid-days", reason: "must be between 1 and 36500")
        }
        let rootKey = try root.privateKey()
        let ownerKey = Curve25519.Signing.PrivateKey()
        let start = Int64(now.timeIntervalSince1970)
        let certificate = OwnerCertificate(
            typ: "owner-certificate", sub: owner.uppercased(),
            jwk: SigningKeyJWK(publicKey: ownerKey.publicKey, kid: owner.uppercased()),
            iat: start, nbf: start, exp: start + Int64(validDays) * 86_400)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var jwk = SigningKeyJWK(privateKey: ownerKey, kid: owner.uppercased())
        jwk.certificate = try JWS.sign(payload: encoder.encode(certificate), typ: "owner-cert+jws", kid: "root", key: rootKey)
        return jwk
    }

    /// Signs every module row, the owner set and the whole package; returns the compact JWS to ship.
    ///
    /// Refuses what `PackageRule` refuses at `now`, before anything is signed.
    public static func issue(spec: PackageSpec, ownerKey: SigningKeyJWK, now: Date) throws -> String {
        let issuedAt = (spec.issuedAt ?? now).wholeSeconds
        var header = spec.header(issuedAt: issuedAt)
        try PackageRule.validate(header, modules: spec.modules, now: now)
        let key = try ownerKey.privateKey()
        guard let certificate = ownerKey.certificate else {
            throw LicenseInputError.invalid(field: "owner-key", reason: "the owner key file carries no certificate from the root")
        }
        guard ownerKey.kid?.uppercased() == header.owner else {
            throw LicenseInputError.invalid(
                field: "owner", reason: "the spec's owner '\(spec.owner)' does not match the owner key '\(ownerKey.kid ?? "?")'")
        }
        header.ownerCertificate = certificate
        return try signWithoutValidation(header: header, modules: spec.modules, key: key)
    }

    /// Signs the rows, the owner set and the package exactly as given, without `PackageRule`.
    ///
    /// `issue` validates and then calls this; it is public so tests can make validly signed packages the rule must
    /// refuse (a verifier cannot rely on every issuer having checked).
    public static func signWithoutValidation(
        header: PackageHeader, modules: [ModuleLicense], key: Curve25519.Signing.PrivateKey
    ) throws -> String {
        var header = header
        var signed: [SignedModule] = []
        for module in modules {
            let bytes = module.canonicalBytes(
                companyName: header.companyName, serialNumber: header.serialNumber, owner: header.owner,
                issuedAt: header.issuedAt)
            signed.append(SignedModule(module: module, signature: Base64URL.encode(try key.signature(for: bytes))))
        }
        let setBytes = header.canonicalBytes(moduleSignatures: signed.map { ($0.module.name, $0.signature) })
        header.ownerSignature = Base64URL.encode(try key.signature(for: setBytes))
        let payload = PackagePayload(typ: "license-package", version: 1, header: header, modules: signed)
        return try JWS.sign(payload: JSONInput.encoder.encode(payload), typ: "license+jws", kid: header.owner, key: key)
    }
}

extension Date {
    /// Drops fractions of a second, which no signed date carries.
    public var wholeSeconds: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
