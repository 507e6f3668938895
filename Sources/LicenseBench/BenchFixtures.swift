import Foundation
import LicenseCore

/// Keys, a tenant and packages made with the real issuer, so everything the benchmark measures verifies.
struct BenchFixtures {
    /// The vendor owner: its `user`, `web` and `windows` modules are what a login needs.
    static let owner = LoginRule.vendorOwner
    static let companyName = "Bench AS"
    static let serialNumber = "0000-0001"
    static let actor = "bench"
    /// A fixed "now": 2026-06-01T12:00:00Z. Packages are issued before it, certificates valid around it.
    static let now = Date(timeIntervalSince1970: 1_780_315_200)
    static let firstIssuedAt = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01

    let root: SigningKeyJWK
    let ownerKey: SigningKeyJWK

    init() throws {
        root = Issuer.makeRootKey()
        ownerKey = try Issuer.makeOwnerKey(
            owner: Self.owner, root: root, now: Date(timeIntervalSince1970: 1_577_836_800), validDays: 36_500)
    }

    func tenant(id: String) -> Tenant {
        Tenant(
            id: id, companyName: Self.companyName, serialNumber: Self.serialNumber,
            trustRoot: String(decoding: root.publicOnly.encoded(), as: UTF8.self),
            createdAt: Self.now.addingTimeInterval(-86_400 * 200))
    }

    /// Module names: `user`, `web`, `windows` (what a login needs), then `m004`, `m005`, …
    static func moduleNames(_ count: Int) -> [String] {
        let fixed = ["user", "web", "windows"]
        return (0..<count).map { i in i < fixed.count ? fixed[i] : String(format: "m%03d", i + 1) }
    }

    /// A package of `count` user modules with the given seat counts, issued `issuedAt`.
    func package(modules count: Int, seats: (String) -> Int, issuedAt: Date) throws -> Data {
        try package(
            modules: Self.moduleNames(count).enumerated().map { i, name in
                ModuleLicense(name: name, description: "Module \(name)", type: .user, count: seats(name), sortOrder: i)
            }, issuedAt: issuedAt)
    }

    /// A package of the given modules, issued `issuedAt`.
    func package(modules: [ModuleLicense], issuedAt: Date) throws -> Data {
        let json = try JSONSerialization.data(withJSONObject: [
            "owner": Self.owner, "companyName": Self.companyName, "serialNumber": Self.serialNumber, "modules": [Any](),
        ])
        var spec = try PackageSpec.parse(json)
        spec.description = "Benchmark package"
        spec.issuedAt = issuedAt
        spec.modules = modules
        return Data(try Issuer.issue(spec: spec, ownerKey: ownerKey, now: issuedAt).utf8)
    }

    static func userName(_ id: Int) -> String { String(format: "user-%06d", id) }
}
