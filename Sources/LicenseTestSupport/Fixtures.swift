import Foundation
import LicenseCore

/// Keys, a fixed clock and a tenant that tests share, so a test states only what it is about.
///
/// Every value is deterministic except the keys, which are made once per test process.
public enum Fixtures {
    // MARK: - Names

    public static let superOffice = "SUPEROFFICE"
    public static let companyName = "Acme AS"
    public static let serialNumber = "4711-0001"
    public static let tenantID = "acme"
    public static let actor = "test"

    // MARK: - Clock

    /// "Now" for every test that does not say otherwise: 2026-06-01T12:00:00Z.
    public static let now = date("2026-06-01T12:00:00Z")
    /// When the sample package was issued: 2026-01-01T00:00:00Z.
    public static let issuedAt = date("2026-01-01T00:00:00Z")
    /// Owner certificates are valid from here (2020-01-01) for 100 years, so any test clock lies inside.
    public static let certificateStart = date("2020-01-01T00:00:00Z")

    /// Parses an ISO 8601 date written in a test; a typo stops the test run at once.
    public static func date(_ text: String) -> Date {
        guard let date = ISO8601.date(text) else { preconditionFailure("fixture date '\(text)' is not ISO 8601") }
        return date
    }

    /// `now` moved by whole days (negative for the past).
    public static func days(_ count: Int, from start: Date = Fixtures.now) -> Date {
        start.addingTimeInterval(TimeInterval(count) * 86_400)
    }

    // MARK: - Keys

    /// The vendor's root key; `tenant()` trusts its public half.
    public static let rootKey: SigningKeyJWK = Issuer.makeRootKey()

    /// The SUPEROFFICE owner key, certified by `rootKey`, made once.
    public static let superOfficeKey: SigningKeyJWK = fixture { try makeOwnerKey(superOffice) }

    /// A new owner key for `owner`, certified by `root` from `validFrom` for `validDays`.
    public static func makeOwnerKey(
        _ owner: String, root: SigningKeyJWK = Fixtures.rootKey, validFrom: Date = Fixtures.certificateStart,
        validDays: Int = 36_500
    ) throws -> SigningKeyJWK {
        try Issuer.makeOwnerKey(owner: owner, root: root, now: validFrom, validDays: validDays)
    }

    /// The owner key `issue` signs with when none is given: the shared one for SUPEROFFICE, else a new one.
    public static func ownerKey(for owner: String) throws -> SigningKeyJWK {
        owner.uppercased() == superOffice ? superOfficeKey : try makeOwnerKey(owner)
    }

    /// The JWK text a tenant stores as its trust root.
    public static func trustRoot(_ root: SigningKeyJWK = Fixtures.rootKey) -> String {
        String(decoding: root.publicOnly.encoded(), as: UTF8.self)
    }

    // MARK: - Tenant

    /// The sample tenant, bound to `root`'s public key.
    public static func tenant(
        id: String = Fixtures.tenantID, companyName: String = Fixtures.companyName, serialNumber: String = Fixtures.serialNumber,
        databaseType: DatabaseType = .central, root: SigningKeyJWK = Fixtures.rootKey, createdAt: Date = Fixtures.now
    ) -> Tenant {
        Tenant(
            id: id, companyName: companyName, serialNumber: serialNumber, databaseType: databaseType,
            trustRoot: trustRoot(root), createdAt: createdAt.wholeSeconds)
    }

    // MARK: - Users and assignments

    /// A user with the license-relevant flags a test names; everything else ordinary.
    public static func user(
        _ id: Int64, _ userName: String? = nil, type: UserType = .employee, canLogIn: Bool = true,
        retired: Bool = false, waitingForApproval: Bool = false, isAdministrator: Bool = false
    ) -> User {
        User(
            id: id, userName: userName ?? "user\(id)", type: type, canLogIn: canLogIn, retired: retired,
            waitingForApproval: waitingForApproval, isAdministrator: isAdministrator)
    }

    /// An assignment row as a store would hold it.
    public static func assignment(
        _ module: String, to userID: Int64, owner: String = Fixtures.superOffice, viaPlan: String? = nil,
        createdAt: Date = Fixtures.now
    ) -> Assignment {
        Assignment(
            owner: owner, module: module, userID: userID, viaPlan: viaPlan, createdAt: createdAt.wholeSeconds,
            createdBy: actor)
    }

    /// A module key of SUPEROFFICE (or `owner`).
    public static func key(_ module: String, owner: String = Fixtures.superOffice) -> ModuleKey {
        ModuleKey(owner: owner, module: module)
    }
}

/// Runs a fixture's setup that cannot fail unless the fixture itself is wrong.
func fixture<T>(_ body: () throws -> T) -> T {
    do {
        return try body()
    } catch {
        preconditionFailure("fixture setup failed: \(error)")
    }
}
