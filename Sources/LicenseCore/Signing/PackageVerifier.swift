import Crypto
import Foundation

/// The payload of a license package JWS: the header's fields at the top level, then the module rows.
public struct PackagePayload: Codable, Sendable {
    public var typ: String
    public var version: Int
    public var header: PackageHeader
    public var modules: [SignedModule]

    enum CodingKeys: String, CodingKey { case typ, version, modules }

    public init(typ: String, version: Int, header: PackageHeader, modules: [SignedModule]) {
        self.typ = typ
        self.version = version
        self.header = header
        self.modules = modules
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        typ = try c.decode(String.self, forKey: .typ)
        version = try c.decode(Int.self, forKey: .version)
        header = try PackageHeader(from: decoder)
        modules = try c.decode([SignedModule].self, forKey: .modules)
    }

    public func encode(to encoder: any Encoder) throws {
        try header.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(typ, forKey: .typ)
        try c.encode(version, forKey: .version)
        try c.encode(modules, forKey: .modules)
    }
}

/// A package whose signatures, certificate chain and binding to the tenant all hold.
public struct VerifiedPackage: Sendable {
    public var header: PackageHeader
    public var modules: [SignedModule]
    /// The package file as received, kept with the owner row.
    public var raw: String
    public var certificate: OwnerCertificate

    public var owner: String { header.owner }
    public var moduleLicenses: [ModuleLicense] { modules.map(\.module) }
}

/// What row verification found for one owner's stored rows.
public struct OwnerRowCheck: Sendable, Equatable {
    /// Set when the owner row itself is void (certificate or set signature); then every module is void too.
    public var ownerProblem: String?
    /// Module rows whose own signature fails.
    public var badModules: [String: String]
}

public enum PackageVerifier {
    public static let sizeLimit = 8 << 20

    /// Verifies a package file for a tenant (DESIGN §6): a strict JWS (no `crit`, no member twice), certificate chain
    /// to the tenant's root, what `PackageRule` requires of its content at `now`, owner set, every row, and the binding
    /// to the tenant's company and serial number.
    public static func verify(_ data: Data, for tenant: Tenant, now: Date) throws(LicenseInputError) -> VerifiedPackage {
        guard !data.isEmpty else { throw .malformedPackage("the package file is empty") }
        guard data.count <= sizeLimit else { throw .malformedPackage("the package file is larger than \(sizeLimit >> 20) MiB") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .malformedPackage("the package file is not UTF-8 text")
        }
        let jws = try JWS.parse(text, what: "the package")
        let root = try trustRoot(of: tenant)
        let payload = try JSONInput.decode(PackagePayload.self, from: jws.payload, what: "the package payload", limit: sizeLimit)
        guard payload.typ == "license-package", payload.version == 1 else {
            throw .malformedPackage(
                "not a license package of version 1 (typ '\(payload.typ.prefix(40))', version \(payload.version))")
        }
        let (certificate, ownerKey) = try OwnerCertificate.verify(payload.header.ownerCertificate, root: root, now: now)
        guard certificate.sub == payload.header.owner.uppercased() else {
            throw .untrustedCertificate(
                "the certificate is for owner \(certificate.sub), the package is from \(payload.header.owner)")
        }
        guard jws.isSigned(by: ownerKey) else {
            throw .badSignature("the package signature does not match the owner key of \(certificate.sub)")
        }
        // What the issuer would refuse is refused here too, before any row is looked at or written.
        try PackageRule.validate(payload.header, modules: payload.modules.map(\.module), now: now)
        let check = checkRows(header: payload.header, modules: payload.modules, ownerKey: ownerKey)
        if let problem = check.ownerProblem { throw .badSignature(problem) }
        if let (name, problem) = check.badModules.first { throw .badSignature("module \(name): \(problem)") }
        guard payload.header.companyName == tenant.companyName else {
            throw .foreignPackage(
                "issued to company '\(payload.header.companyName)', this installation is '\(tenant.companyName)'")
        }
        guard payload.header.serialNumber == tenant.serialNumber else {
            throw .foreignPackage(
                "issued for serial number \(payload.header.serialNumber), this installation is \(tenant.serialNumber)")
        }
        var header = payload.header
        header.owner = header.owner.uppercased()
        return VerifiedPackage(header: header, modules: payload.modules, raw: text, certificate: certificate)
    }

    /// Verifies stored rows of one owner against the tenant's root: certificate chain (not its validity period:
    /// an expired certificate stops new activations, not what is active), owner set signature, each module row,
    /// all bound to the tenant's company and serial number.
    public static func verifyStoredRows(header: PackageHeader, modules: [SignedModule], tenant: Tenant) -> OwnerRowCheck {
        let ownerKey: Curve25519.Signing.PublicKey
        do {
            let root = try trustRoot(of: tenant)
            let (certificate, key) = try OwnerCertificate.verify(header.ownerCertificate, root: root, now: nil)
            guard certificate.sub == header.owner.uppercased() else {
                return OwnerRowCheck(ownerProblem: "certificate is for another owner", badModules: [:])
            }
            ownerKey = key
        } catch {
            return OwnerRowCheck(ownerProblem: error.description, badModules: [:])
        }
        var bound = header
        bound.companyName = tenant.companyName
        bound.serialNumber = tenant.serialNumber
        return checkRows(header: bound, modules: modules, ownerKey: ownerKey)
    }

    /// The module rows of a stored package file, if its JWS still verifies against the tenant's root (certificate
    /// validity aside); `verify` compares them with the stored rows to name a deleted or inserted row.
    public static func storedPackageModules(raw: String, tenant: Tenant) -> [SignedModule]? {
        guard let jws = try? JWS.parse(raw, what: "the stored package"),
            let root = try? trustRoot(of: tenant),
            let payload = try? JSONInput.decode(
                PackagePayload.self, from: jws.payload, what: "the stored package", limit: sizeLimit),
            let (_, ownerKey) = try? OwnerCertificate.verify(payload.header.ownerCertificate, root: root, now: nil),
            jws.isSigned(by: ownerKey)
        else { return nil }
        return payload.modules
    }

    static func checkRows(header: PackageHeader, modules: [SignedModule], ownerKey: Curve25519.Signing.PublicKey) -> OwnerRowCheck
    {
        var bad: [String: String] = [:]
        for row in modules {
            let bytes = row.module.canonicalBytes(
                companyName: header.companyName, serialNumber: header.serialNumber, owner: header.owner,
                issuedAt: header.issuedAt)
            guard let signature = Base64URL.decode(row.signature), ownerKey.isValidSignature(signature, for: bytes) else {
                bad[row.module.name] = "row signature does not match its contents"
                continue
            }
        }
        let setBytes = header.canonicalBytes(moduleSignatures: modules.map { ($0.module.name, $0.signature) })
        guard let setSignature = Base64URL.decode(header.ownerSignature), ownerKey.isValidSignature(setSignature, for: setBytes)
        else {
            return OwnerRowCheck(
                ownerProblem: "owner signature does not match the owner row and its set of module rows", badModules: bad)
        }
        return OwnerRowCheck(ownerProblem: nil, badModules: bad)
    }

    static func trustRoot(of tenant: Tenant) throws(LicenseInputError) -> Curve25519.Signing.PublicKey {
        try SigningKeyJWK.parse(Data(tenant.trustRoot.utf8)).publicKey()
    }
}
