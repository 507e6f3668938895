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

    /// Checks names, counts and the references between modules (prerequisites and plan sets).
    public func validate() throws(LicenseInputError) {
        try Validate.ownerName(owner)
        try Validate.identifier(companyName, field: "companyName", limit: 200)
        try Validate.identifier(serialNumber, field: "serialNumber", limit: 64)
        try Validate.text(description, field: "description")
        try Validate.text(licenseURL, field: "licenseURL")
        guard modules.count <= 20_000 else { throw .invalid(field: "modules", reason: "more than 20000 modules") }
        var byName: [String: ModuleLicense] = [:]
        for module in modules {
            try module.validate()
            guard byName.updateValue(module, forKey: module.name) == nil else {
                throw .invalid(field: "modules", reason: "module '\(module.name)' appears twice")
            }
        }
        for module in modules {
            if let prerequisite = module.prerequisite, byName[prerequisite] == nil {
                throw .invalid(
                    field: "modules[\(module.name)].prerequisite", reason: "no module '\(prerequisite)' in this package")
            }
            for implied in module.planModules {
                guard let target = byName[implied] else {
                    throw .invalid(
                        field: "modules[\(module.name)].extraInfo",
                        reason: "the plan grants '\(implied)', which is not in this package")
                }
                guard target.type == .user, !target.isPlan else {
                    throw .invalid(
                        field: "modules[\(module.name)].extraInfo",
                        reason: "a plan may only grant user modules that are not plans ('\(implied)')")
                }
            }
        }
        if let issuedAt, let expiresAt, expiresAt <= issuedAt {
            throw .invalid(field: "expiresAt", reason: "must be after issuedAt")
        }
        if let expiresAt, let graceUntil, graceUntil < expiresAt {
            throw .invalid(field: "graceUntil", reason: "must not be before expiresAt")
        }
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
    public static func issue(spec: PackageSpec, ownerKey: SigningKeyJWK, now: Date) throws -> String {
        try spec.validate()
        let key = try ownerKey.privateKey()
        guard let certificate = ownerKey.certificate else {
            throw LicenseInputError.invalid(field: "owner-key", reason: "the owner key file carries no certificate from the root")
        }
        guard ownerKey.kid?.uppercased() == spec.owner.uppercased() else {
            throw LicenseInputError.invalid(
                field: "owner", reason: "the spec's owner '\(spec.owner)' does not match the owner key '\(ownerKey.kid ?? "?")'")
        }
        let owner = spec.owner.uppercased()
        let issuedAt = (spec.issuedAt ?? now).wholeSeconds
        var modules: [SignedModule] = []
        for module in spec.modules {
            let bytes = module.canonicalBytes(
                companyName: spec.companyName, serialNumber: spec.serialNumber, owner: owner, issuedAt: issuedAt)
            modules.append(SignedModule(module: module, signature: Base64URL.encode(try key.signature(for: bytes))))
        }
        var header = PackageHeader(
            owner: owner, description: spec.description, licenseURL: spec.licenseURL,
            deploymentType: spec.deploymentType, productType: spec.productType, extraFlags: spec.extraFlags ?? 0,
            extraInfo: spec.extraInfo, companyName: spec.companyName, serialNumber: spec.serialNumber,
            issuedAt: issuedAt, expiresAt: spec.expiresAt?.wholeSeconds, graceUntil: spec.graceUntil?.wholeSeconds,
            maintenanceUntil: spec.maintenanceUntil?.wholeSeconds, adminWarningAt: spec.adminWarningAt?.wholeSeconds,
            nextCheckAt: spec.nextCheckAt?.wholeSeconds, ownerCertificate: certificate, ownerSignature: "")
        let setBytes = header.canonicalBytes(moduleSignatures: modules.map { ($0.module.name, $0.signature) })
        header.ownerSignature = Base64URL.encode(try key.signature(for: setBytes))
        let payload = PackagePayload(typ: "license-package", version: 1, header: header, modules: modules)
        return try JWS.sign(payload: JSONInput.encoder.encode(payload), typ: "license+jws", kid: owner, key: key)
    }
}

extension Date {
    /// Drops fractions of a second, which no signed date carries.
    public var wholeSeconds: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
