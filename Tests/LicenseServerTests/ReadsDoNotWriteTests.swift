import Foundation
import Hummingbird
import LicenseCore
import LicenseServer
import LicenseStore
import LicenseStoreSQLite
import LicenseTestSupport
import Testing

private let acme = StandardTenant.id

extension TestInstallation {
    /// Makes upkeep due in the standard tenant: an event whose expected finish passed an hour ago, and a newer package
    /// whose owner is past its admin-warning date (`license-expiring` not yet raised). Answers the event's id.
    func makeUpkeepDue() async throws -> Int64 {
        let now = Date()
        let event = try await store.addEvent(
            tenant: acme,
            EventDraft(key: "no-travel", message: "Travel is closed", expectedFinish: now.addingTimeInterval(-3_600)),
            actor: Fixtures.actor, now: now.addingTimeInterval(-7_200))
        try await activate(
            StandardTenant.spec(
                issuedAt: Fixtures.date("2026-02-01T00:00:00Z"),
                dates: OwnerDates(expiresAt: now.addingTimeInterval(30 * 86_400), adminWarningAt: now.addingTimeInterval(-86_400))
            ),
            tenant: acme)
        return event.id
    }

    /// The SQLite database file and its write-ahead log, byte for byte (an absent log is empty).
    func databaseBytes() throws -> (database: Data, log: Data) {
        guard let path = (store as? SQLiteLicenseStore)?.path else { throw HarnessError("the installation is not SQLite") }
        let log = FileManager.default.contents(atPath: path + "-wal") ?? Data()
        return (try Data(contentsOf: URL(fileURLWithPath: path)), log)
    }
}

/// A value for each path parameter of the routes, on the standard data.
private func samplePath(_ route: ServerRoute, eventID: Int64) throws -> String {
    let values = [
        "{tenant}": acme, "{user}": "ada", "{userName}": "ada", "{owner}": "superoffice", "{module}": "web",
        "{id}": String(eventID),
        "**": "no-such-page",
    ]
    var path = route.path
    for (parameter, value) in values { path = path.replacingOccurrences(of: parameter, with: value) }
    guard !path.contains("{"), !path.contains("*") else {
        throw HarnessError("no sample value for a parameter of \(route): add one to samplePath")
    }
    return path
}

@Suite("Reads do not write (issue 11, Build 6)")
struct ReadsDoNotWriteTests {
    @Test(
        "no GET route of the API and no admin page writes: the database's bytes and the tenants' versions stay, with upkeep due")
    func getsDoNotWrite() async throws {
        try await TestInstallation.with { installation in
            // Given the standard data with an event past its finish and an owner past its admin-warning date, a server
            // without background upkeep, and a signed-in administrator
            let tenant = try await installation.seedStandard()
            let eventID = try await installation.makeUpkeepDue()
            let routes = try await applicationRoutes(store: installation.store).filter { $0.method == .get }
            try #require(routes.count > 30, "the router lists its routes: \(routes)")

            try await withLiveServer(installation, upkeepInterval: nil) { client in
                let browser = try await AdminBrowser.signIn(client, tenant: tenant)
                let versions = try await installation.store.tenantVersions()
                let before = try installation.databaseBytes()

                // When every GET route is asked (the admin pages signed in, the API with the token it needs), and the
                // status page with the expired event selected
                var paths = try routes.map { (route: $0.description, path: try samplePath($0, eventID: eventID)) }
                paths.append(("GET /admin/status?event={id}", "/admin/status?event=\(eventID)"))
                for (route, path) in paths {
                    let result: HTTPResult
                    if path.hasPrefix("/admin") {
                        result = try await browser.get(path)
                    } else if path.hasPrefix("/api/v1/tenants/") {
                        result = try await client.get(path, token: tenant.admin.presented)
                    } else if path.hasPrefix("/api/v1/tenants") {
                        result = try await client.get(path, token: tenant.operator.presented)
                    } else {
                        result = try await client.get(path)
                    }
                    // Then each answers (the admin pages without sending the session back to sign in), …
                    let isCatchAll = route.hasSuffix("/**")
                    #expect(result.status < 400 || (isCatchAll && result.status == 404), "\(route): \(result)")
                    #expect(result.headers[.location]?.hasPrefix("/admin/login") != true, "\(route): \(result)")
                }

                // … and the database file, its log and the versions are exactly as they were
                let after = try installation.databaseBytes()
                #expect(after.database == before.database, "the database file changed (\(paths.count) GET requests)")
                #expect(after.log == before.log, "the write-ahead log changed: \(before.log.count) → \(after.log.count) bytes")
                #expect(try await installation.store.tenantVersions() == versions)
            }

            // And the upkeep the reads left alone was still due
            #expect(try await installation.store.upkeep(tenant: acme, now: Date()))
        }
    }

    @Test("the server's background upkeep finishes an event past its finish and raises license-expiring without a request")
    func backgroundUpkeep() async throws {
        try await TestInstallation.with { installation in
            // Given the standard data served with upkeep every 200 ms
            _ = try await installation.seedStandard()
            let store = installation.store
            try await withLiveServer(installation, upkeepInterval: .milliseconds(200)) { client in
                // When, after the server started, an event past its finish and an owner past its warning date appear
                let eventID = try await installation.makeUpkeepDue()

                // Then within ten of its intervals, with no request made, the event is stored finished and
                // license-expiring is raised (events read as of the distant past show what is stored, not what the
                // clock makes of it)
                try await expectEventually("the background upkeep", within: .seconds(2)) {
                    let stored = try await store.events(tenant: acme, now: .distantPast)
                    return stored.contains { $0.id == eventID && $0.status == .finished }
                        && stored.contains { $0.key == EventRule.licenseExpiring }
                }
                // And nothing is left for upkeep to do
                #expect(try await store.upkeep(tenant: acme, now: Date()) == false)
                _ = client
            }
        }
    }
}
