import Foundation
import LicenseCore

// MARK: - The issue's example package

extension Fixtures {
    /// The modules of the issue's example, in sort order.
    ///
    /// `user`, `web`, `windows` and `chat-cal` (hidden) have 10 seats; the plans `sales-premium`
    /// (`set=user,web,chat-cal`) and `service-premium` (`set=user,windows`) 5; `saint` is a hidden site license;
    /// `visible-for` is unrestricted with a count of 1.
    public static let sampleModules: [ModuleLicense] = [
        ModuleLicense(name: "user", description: "User", type: .user, count: 10, allowedUserTypes: [.employee], sortOrder: 1),
        ModuleLicense(name: "web", description: "Web client", type: .user, count: 10, sortOrder: 2, prerequisite: "user"),
        ModuleLicense(
            name: "windows", description: "Windows client", type: .user, count: 10, sortOrder: 3, prerequisite: "user"),
        ModuleLicense(name: "chat-cal", description: "Chat calendar", type: .user, count: 10, sortOrder: 4, hidden: true),
        ModuleLicense(
            name: "sales-premium", description: "Sales Premium", type: .user, count: 5, extraFlags: 1,
            extraInfo: "set=user,web,chat-cal", sortOrder: 5),
        ModuleLicense(
            name: "service-premium", description: "Service Premium", type: .user, count: 5, extraFlags: 1,
            extraInfo: "set=user,windows", sortOrder: 6),
        ModuleLicense(name: "saint", description: "Selection and statistics", type: .site, count: 1, sortOrder: 7, hidden: true),
        ModuleLicense(
            name: "visible-for", description: "Visible for", type: .user, count: 1, sortOrder: 8, unrestricted: true),
    ]

    /// The spec of the issue's example, with what a test changes.
    ///
    /// - Parameters:
    ///   - counts: new counts by module name.
    ///   - removing: module names to leave out (a plan that grants one of them then fails validation).
    ///   - adding: further modules, e.g. a satellite license.
    public static func sampleSpec(
        owner: String = Fixtures.superOffice, companyName: String = Fixtures.companyName,
        serialNumber: String = Fixtures.serialNumber,
        issuedAt: Date? = Fixtures.issuedAt, dates: OwnerDates = OwnerDates(), counts: [String: Int] = [:],
        removing: Set<String> = [], adding: [ModuleLicense] = []
    ) -> PackageSpec {
        var spec = emptySpec(owner: owner, companyName: companyName, serialNumber: serialNumber)
        spec.description = "Licenses of \(owner)"
        spec.issuedAt = issuedAt
        spec.expiresAt = dates.expiresAt
        spec.graceUntil = dates.graceUntil
        spec.maintenanceUntil = dates.maintenanceUntil
        spec.adminWarningAt = dates.adminWarningAt
        spec.nextCheckAt = dates.nextCheckAt
        spec.modules =
            sampleModules.filter { !removing.contains($0.name) }.map { module in
                var module = module
                if let count = counts[module.name] { module.count = count }
                return module
            } + adding
        return spec
    }

    /// A spec with no modules and no dates.
    public static func emptySpec(
        owner: String = Fixtures.superOffice, companyName: String = Fixtures.companyName,
        serialNumber: String = Fixtures.serialNumber
    ) -> PackageSpec {
        PackageSpec(owner: owner, companyName: companyName, serialNumber: serialNumber, modules: [])
    }

    // MARK: - Issuing and verifying

    /// Issues `spec` as the compact JWS file a vendor ships.
    public static func issue(
        spec: PackageSpec = Fixtures.sampleSpec(), ownerKey: SigningKeyJWK? = nil, now: Date = Fixtures.now
    ) throws -> Data {
        let key = try ownerKey ?? self.ownerKey(for: spec.owner)
        return Data(try Issuer.issue(spec: spec, ownerKey: key, now: now).utf8)
    }

    /// Issues `spec` and verifies it for `tenant`, as activation does.
    public static func verifiedPackage(
        spec: PackageSpec = Fixtures.sampleSpec(), ownerKey: SigningKeyJWK? = nil, tenant: Tenant = Fixtures.tenant(),
        now: Date = Fixtures.now
    ) throws -> VerifiedPackage {
        try PackageVerifier.verify(issue(spec: spec, ownerKey: ownerKey, now: now), for: tenant, now: now)
    }

    /// The active owner a store would load after activating `spec`: verified rows only.
    public static func ownerLicense(spec: PackageSpec = Fixtures.sampleSpec()) throws -> OwnerLicense {
        let package = try verifiedPackage(spec: spec)
        return OwnerLicense(header: package.header, modules: package.moduleLicenses)
    }

    /// The sample owner, verified once.
    public static let sampleOwner: OwnerLicense = fixture { try ownerLicense() }
}
