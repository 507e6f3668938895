import Foundation

/// The owner part of a license package: who issued it, to whom, when, and until when.
public struct PackageHeader: Codable, Sendable, Equatable {
    public var owner: String
    public var description: String?
    public var licenseURL: String?
    public var deploymentType: String?
    public var productType: String?
    public var extraFlags: Int
    public var extraInfo: String?
    public var companyName: String
    public var serialNumber: String
    public var issuedAt: Date
    public var expiresAt: Date?
    public var graceUntil: Date?
    public var maintenanceUntil: Date?
    public var adminWarningAt: Date?
    public var nextCheckAt: Date?
    /// The root's certificate of the owner key (compact JWS).
    public var ownerCertificate: String
    /// The owner key's signature over this header and every module row's signature.
    public var ownerSignature: String

    public init(
        owner: String, description: String?, licenseURL: String?, deploymentType: String?, productType: String?,
        extraFlags: Int, extraInfo: String?, companyName: String, serialNumber: String, issuedAt: Date,
        expiresAt: Date?, graceUntil: Date?, maintenanceUntil: Date?, adminWarningAt: Date?, nextCheckAt: Date?,
        ownerCertificate: String, ownerSignature: String
    ) {
        self.owner = owner
        self.description = description
        self.licenseURL = licenseURL
        self.deploymentType = deploymentType
        self.productType = productType
        self.extraFlags = extraFlags
        self.extraInfo = extraInfo
        self.companyName = companyName
        self.serialNumber = serialNumber
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.graceUntil = graceUntil
        self.maintenanceUntil = maintenanceUntil
        self.adminWarningAt = adminWarningAt
        self.nextCheckAt = nextCheckAt
        self.ownerCertificate = ownerCertificate
        self.ownerSignature = ownerSignature
    }

    public var dates: OwnerDates {
        OwnerDates(
            expiresAt: expiresAt, graceUntil: graceUntil, maintenanceUntil: maintenanceUntil,
            adminWarningAt: adminWarningAt, nextCheckAt: nextCheckAt)
    }
}

/// A module row and the owner key's signature over its canonical encoding.
public struct SignedModule: Codable, Sendable, Equatable {
    public var module: ModuleLicense
    public var signature: String

    public init(module: ModuleLicense, signature: String) {
        self.module = module
        self.signature = signature
    }

    enum CodingKeys: String, CodingKey { case signature }

    public init(from decoder: any Decoder) throws {
        module = try ModuleLicense(from: decoder)
        signature = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .signature)
    }

    public func encode(to encoder: any Encoder) throws {
        try module.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(signature, forKey: .signature)
    }
}

extension ModuleLicense {
    enum CodingKeys: String, CodingKey {
        case name, description, tooltip, version, type, count, allowedUserTypes, extraFlags, extraInfo, sortOrder
        case unrestricted, hidden, prerequisite
    }

    /// Only `name`, `type` and `count` are required; the rest default as documented.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            description: try c.decodeIfPresent(String.self, forKey: .description),
            tooltip: try c.decodeIfPresent(String.self, forKey: .tooltip),
            version: try c.decodeIfPresent(String.self, forKey: .version),
            type: try c.decode(ModuleType.self, forKey: .type),
            count: try c.decode(Int.self, forKey: .count),
            allowedUserTypes: try c.decodeIfPresent([UserType].self, forKey: .allowedUserTypes) ?? [],
            extraFlags: try c.decodeIfPresent(Int.self, forKey: .extraFlags) ?? 0,
            extraInfo: try c.decodeIfPresent(String.self, forKey: .extraInfo),
            sortOrder: try c.decodeIfPresent(Int.self, forKey: .sortOrder) ?? 0,
            unrestricted: try c.decodeIfPresent(Bool.self, forKey: .unrestricted) ?? false,
            hidden: try c.decodeIfPresent(Bool.self, forKey: .hidden) ?? false,
            prerequisite: try c.decodeIfPresent(String.self, forKey: .prerequisite))
    }
}

// MARK: - Canonical encodings

extension ModuleLicense {
    /// The bytes a module row's signature covers: the tenant binding, the package's issue time and every field.
    public func canonicalBytes(companyName: String, serialNumber: String, owner: String, issuedAt: Date) -> [UInt8] {
        var e = CanonicalEncoder(context: "licensing/module-row/v1")
        e.add("companyName", companyName)
        e.add("serialNumber", serialNumber)
        e.add("owner", owner.uppercased())
        e.add("issuedAt", issuedAt)
        e.add("name", name)
        e.add("description", description)
        e.add("tooltip", tooltip)
        e.add("version", version)
        e.add("type", type.rawValue)
        e.add("count", count)
        e.add("allowedUserTypes", allowedUserTypes.map(\.rawValue).joined(separator: ","))
        e.add("extraFlags", extraFlags)
        e.add("extraInfo", extraInfo)
        e.add("sortOrder", sortOrder)
        e.add("unrestricted", unrestricted)
        e.add("hidden", hidden)
        e.add("prerequisite", prerequisite)
        return e.bytes
    }
}

extension PackageHeader {
    /// The bytes the owner signature covers: every header field and each module's row signature, by module name.
    public func canonicalBytes(moduleSignatures: [(name: String, signature: String)]) -> [UInt8] {
        var e = CanonicalEncoder(context: "licensing/owner-set/v1")
        e.add("companyName", companyName)
        e.add("serialNumber", serialNumber)
        e.add("owner", owner.uppercased())
        e.add("description", description)
        e.add("licenseURL", licenseURL)
        e.add("deploymentType", deploymentType)
        e.add("productType", productType)
        e.add("extraFlags", extraFlags)
        e.add("extraInfo", extraInfo)
        e.add("issuedAt", issuedAt)
        e.add("expiresAt", expiresAt)
        e.add("graceUntil", graceUntil)
        e.add("maintenanceUntil", maintenanceUntil)
        e.add("adminWarningAt", adminWarningAt)
        e.add("nextCheckAt", nextCheckAt)
        e.add("ownerCertificate", ownerCertificate)
        e.add("moduleCount", moduleSignatures.count)
        for entry in moduleSignatures.sorted(by: { $0.name < $1.name }) {
            e.add("module.\(entry.name)", entry.signature)
        }
        return e.bytes
    }
}
