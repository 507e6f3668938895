import Foundation
import LicenseCore
import LicenseStore
import LicenseStoreSQLite
import LicenseTestSupport

/// A data directory of its own — `licensing.sqlite` and `installation.key`, as `licensing serve` and the CLI use
/// it — with a store opened on it. Removed at the end of `with`, whatever happens.
final class TestInstallation: Sendable {
    let directory: URL
    let store: any LicenseStoring

    /// The SQLite database file.
    var databasePath: String { directory.appendingPathComponent("licensing.sqlite").path }

    private init(requestTimeout: Duration) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("licensing-server-test-\(UUID().uuidString)", isDirectory: true)
        store = try SQLiteLicenseStore(dataDirectory: directory, environment: [:], requestTimeout: requestTimeout)
    }

    /// `requestTimeout`: how long a write waits for another process's write lock before failing as busy.
    static func with<T>(requestTimeout: Duration = .seconds(5), _ body: (TestInstallation) async throws -> T) async throws -> T {
        let installation = try TestInstallation(requestTimeout: requestTimeout)
        defer { try? FileManager.default.removeItem(at: installation.directory) }
        return try await body(installation)
    }

    // MARK: - Tokens

    /// Creates an API token as `licensing token create` does and returns what a client presents.
    func makeToken(tenant: String?, role: APIToken.Role, name: String = "test") async throws -> IssuedToken {
        let id = String(UUID().uuidString.lowercased().filter(\.isHexDigit).prefix(12))
        let secret = Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255) })
        let token = APIToken(
            id: id, tenant: tenant, role: role, name: name, secretHash: APIToken.hash(secret: secret),
            createdAt: Date().wholeSeconds, createdBy: Fixtures.actor)
        try await store.createToken(token, now: Date())
        return IssuedToken(id: id, presented: "\(APIToken.prefix)\(id)_\(secret)")
    }

    // MARK: - Seeds

    /// The data most route tests start from; see `StandardTenant`.
    func seedStandard() async throws -> StandardTenant {
        let acme = StandardTenant.id
        try await store.createTenant(Fixtures.tenant(), actor: Fixtures.actor)
        try await activate(StandardTenant.spec(), tenant: acme)
        _ = try await store.addUsers(
            tenant: acme,
            [
                NewUser(userName: "ada", displayName: "Ada Lovelace", canLogIn: true),
                NewUser(userName: "bjorn", canLogIn: true),
                NewUser(userName: "cecilie", canLogIn: true),
            ], actor: Fixtures.actor, now: Fixtures.now)
        for (user, module) in [("ada", "user"), ("ada", "web"), ("ada", "windows"), ("cecilie", "user")] {
            _ = try await store.assign(
                tenant: acme, userName: user, module: Fixtures.key(module), actor: Fixtures.actor, now: Fixtures.now)
        }
        _ = try await store.addSatellite(tenant: acme, name: "oslo", actor: Fixtures.actor, now: Fixtures.now)
        let event = try await store.addEvent(
            tenant: acme, EventDraft(key: SystemEvent.messageOfTheDay, message: "Welcome"), actor: Fixtures.actor, now: Date())
        guard event.id == StandardTenant.eventID else {
            throw HarnessError("the standard message of the day has id \(event.id), not \(StandardTenant.eventID)")
        }

        let beta = StandardTenant.otherID
        try await store.createTenant(
            Fixtures.tenant(id: beta, companyName: "Beta AS", serialNumber: "4711-0002"), actor: Fixtures.actor)
        _ = try await store.addUsers(
            tenant: beta, [NewUser(userName: "ada", canLogIn: true)], actor: Fixtures.actor, now: Fixtures.now)

        return StandardTenant(
            admin: try await makeToken(tenant: acme, role: .admin, name: "acme admin"),
            checker: try await makeToken(tenant: acme, role: .checker, name: "acme checker"),
            reader: try await makeToken(tenant: acme, role: .reader, name: "acme reader"),
            otherAdmin: try await makeToken(tenant: beta, role: .admin, name: "beta admin"),
            operator: try await makeToken(tenant: nil, role: .operator, name: "operator"))
    }

    /// A tenant with `userCount` users (`u001`, `u002`, …), nobody holding anything, where `superoffice.user` has
    /// `userSeats` seats and `superoffice.windows` (which requires `user`) has `windowsSeats`.
    func seedCrowd(userCount: Int, userSeats: Int, windowsSeats: Int = 10) async throws -> Crowd {
        let tenant = StandardTenant.id
        try await store.createTenant(Fixtures.tenant(), actor: Fixtures.actor)
        try await activate(Fixtures.sampleSpec(counts: ["user": userSeats, "windows": windowsSeats]), tenant: tenant)
        let names = Crowd.userNames(userCount)
        _ = try await store.addUsers(
            tenant: tenant, names.map { NewUser(userName: $0, canLogIn: true) }, actor: Fixtures.actor, now: Fixtures.now)
        return Crowd(userNames: names, admin: try await makeToken(tenant: tenant, role: .admin, name: "crowd admin"))
    }

    /// Issues `spec` with the SUPEROFFICE fixture key and activates it; throws when it cannot be activated.
    func activate(_ spec: PackageSpec, tenant: String) async throws {
        let preview = try await store.activate(
            tenant: tenant, package: try Fixtures.issue(spec: spec), actor: Fixtures.actor, now: Fixtures.now)
        guard preview.canBeActivated else { throw HarnessError("the test package was not activated: \(preview)") }
    }
}

/// What a client presents (`lic_<id>_<secret>`) and the id the CLI revokes it by.
struct IssuedToken: Sendable {
    var id: String
    var presented: String
}

/// The standard data: tenant `acme` and tenant `beta`, and a token per role.
///
/// `acme` has the sample package with `windows` cut to 1 seat and a satellite module `travel` (1 seat); users
/// `ada` (user, web, windows — so `windows` is full), `bjorn` (nothing) and `cecilie` (user); satellite `oslo`
/// (nothing), and an active message of the day. `beta` is another company with a user `ada` and no package.
struct StandardTenant: Sendable {
    static let id = Fixtures.tenantID
    /// The id of acme's message of the day: the second event of a fresh database, after activation's
    /// `license-activated`.
    static let eventID: Int64 = 2
    static let otherID = "beta"
    static let base = "/api/v1/tenants/\(id)"
    static let otherBase = "/api/v1/tenants/\(otherID)"

    var admin: IssuedToken
    var checker: IssuedToken
    var reader: IssuedToken
    var otherAdmin: IssuedToken
    var `operator`: IssuedToken

    func token(_ role: APIToken.Role) -> IssuedToken {
        switch role {
        case .admin: admin
        case .checker: checker
        case .reader: reader
        case .operator: self.operator
        }
    }

    /// The standard package: issued at `issuedAt` (default: the fixture's), with `counts` and `dates` changed.
    static func spec(
        issuedAt: Date = Fixtures.issuedAt, counts: [String: Int] = [:], dates: OwnerDates = OwnerDates()
    )
        -> PackageSpec
    {
        Fixtures.sampleSpec(
            issuedAt: issuedAt, dates: dates, counts: ["windows": 1].merging(counts) { _, new in new },
            adding: [ModuleLicense(name: "travel", description: "Travel", type: .satellite, count: 1, sortOrder: 9)])
    }

    /// The standard package file, as the issuer CLI writes it.
    static func package(issuedAt: Date = Fixtures.issuedAt, counts: [String: Int] = [:]) throws -> Data {
        try Fixtures.issue(spec: spec(issuedAt: issuedAt, counts: counts))
    }
}

/// Many users and one admin token, for concurrency and crash tests.
struct Crowd: Sendable {
    var userNames: [String]
    var admin: IssuedToken

    static func userNames(_ count: Int) -> [String] {
        (1...count).map { "u" + String(format: "%03d", $0) }
    }

    static func assignPath(_ user: String, _ module: String) -> String {
        "\(StandardTenant.base)/users/\(user)/licenses/superoffice/\(module)"
    }
}
