import Foundation
import GRDB
import Hummingbird
import LicenseCore
import LicenseTestSupport
import Testing

/// Edge input through a live server (issue 12, Why 8–11): packages the issuer would refuse, ambiguous JWS, sign-in
/// floods and over-long passwords, and a database locked by another process.
@Suite("Edge input through the HTTP server")
struct EdgeInputTests {
    // MARK: - Packages

    @Test("a package the issuer would refuse is 422 on preview and activation, never 500, and changes nothing")
    func invalidPackagesRefused() async throws {
        try await withStandardServer { client, tenant, installation in
            let base = StandardTenant.spec(issuedAt: Fixtures.date("2026-02-01T00:00:00Z"))
            for invalid in InvalidPackage.allCases {
                // Given the invalid package, validly signed by the owner key
                let package = try InvalidPackage.sign(
                    invalid.applied(to: base, now: Date()), ownerKey: Fixtures.superOfficeKey, now: Date())
                let before = try SQLiteFile.dump(installation.databasePath)

                // When it is previewed and activated
                for route in ["preview", "activate"] {
                    let result = try await client.send(
                        .post, "\(StandardTenant.base)/licenses/\(route)", token: tenant.admin.presented, body: package)

                    // Then the answer is 422 invalid-input naming the problem
                    #expect(result.status == 422 && result.errorCode == "invalid-input", "\(invalid) \(route): \(result)")
                    for word in invalid.mentions {
                        #expect(result.text.contains(word), "\(invalid) \(route) should name \(word): \(result)")
                    }
                }
                #expect(try SQLiteFile.dump(installation.databasePath) == before, "\(invalid) changed the database")
            }
        }
    }

    @Test("a validly signed package with crit or a member twice is 400 malformed-package and changes nothing")
    func ambiguousPackagesRefused() async throws {
        try await withStandardServer { client, tenant, installation in
            let genuine = try StandardTenant.package(issuedAt: Fixtures.date("2026-02-01T00:00:00Z"))
            let payload = try Fixtures.payloadText(of: genuine)
            let key = try Fixtures.superOfficeKey.privateKey()
            let cases: [(String, Data, String)] = [
                (
                    "crit",
                    try Fixtures.compactJWS(
                        header: #"{"alg":"EdDSA","crit":["exp"],"exp":1,"kid":"SUPEROFFICE","typ":"license+jws"}"#,
                        payload: Data(payload.utf8), key: key),
                    "'crit'"
                ),
                (
                    "serialNumber twice",
                    try Fixtures.compactJWS(
                        header: #"{"alg":"EdDSA","kid":"SUPEROFFICE","typ":"license+jws"}"#,
                        payload: Data(("{\"serialNumber\":\"9999-0001\"," + payload.dropFirst()).utf8), key: key),
                    "duplicate member 'serialNumber' in the package payload"
                ),
            ]
            for (name, package, words) in cases {
                let before = try SQLiteFile.dump(installation.databasePath)

                let result = try await client.send(
                    .post, "\(StandardTenant.base)/licenses/activate", token: tenant.admin.presented, body: package)

                #expect(result.status == 400 && result.errorCode == "malformed-package", "\(name): \(result)")
                #expect(result.text.contains(words), "\(name): \(result)")
                #expect(try SQLiteFile.dump(installation.databasePath) == before, "\(name) changed the database")
            }
        }
    }

    // MARK: - A locked database

    @Test(
        "while another process holds the SQLite write lock, writes answer 503 database-busy within the timeout; reads go on",
        .timeLimit(.minutes(2)))
    func busyDatabase() async throws {
        try await TestInstallation.with(requestTimeout: .seconds(1)) { installation in
            let tenant = try await installation.seedStandard()
            try await withLiveServer(installation) { client in
                // Given another connection holding the write lock
                let admin = tenant.admin.presented
                let before = try SQLiteFile.dump(installation.databasePath)
                let lock = try SQLiteWriteLock(path: installation.databasePath)
                try lock.hold()

                // When four writes arrive together, and a check meanwhile
                let clock = ContinuousClock()
                let start = clock.now
                let writes = try await withThrowingTaskGroup(of: (HTTPResult, Duration).self) { group in
                    for (user, module) in [("bjorn", "user"), ("cecilie", "web"), ("bjorn", "user"), ("cecilie", "web")] {
                        group.addTask {
                            let result = try await client.send(
                                .put, "\(StandardTenant.base)/users/\(user)/licenses/superoffice/\(module)", token: admin)
                            return (result, clock.now - start)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let check = try await client.get("\(StandardTenant.base)/users/ada/licenses/superoffice/web", token: admin)
                let after = try SQLiteFile.dump(installation.databasePath)
                try lock.release()

                // Then each write answers 503 database-busy once the 1 s timeout has passed, not a timeout per queued write
                for (result, elapsed) in writes {
                    #expect(result.status == 503 && result.errorCode == "database-busy", "\(result)")
                    #expect(result.text.contains("write lock"), "\(result)")
                    #expect(elapsed >= .milliseconds(950), "it waited for the lock: \(elapsed)")
                    #expect(elapsed < .seconds(4), "at most the timeout plus a margin: \(elapsed)")
                }
                #expect(check.status == 200 && check.text.contains("\"granted\":true"), "checks go on: \(check)")
                #expect(after == before, "a write refused as busy changed the database")

                // And once the lock is gone the same write succeeds
                let retry = try await client.send(
                    .put, "\(StandardTenant.base)/users/bjorn/licenses/superoffice/user", token: admin)
                #expect(retry.status == 200, "\(retry)")
            }
        }
    }

    // MARK: - Sign-in

    static let password = "correct horse battery staple"

    /// The standard data and an administrator `boss` with `password`.
    static func withAdmin<T: Sendable>(
        password: String = EdgeInputTests.password, _ body: @Sendable (APIClient) async throws -> T
    ) async throws -> T {
        try await withStandardServer { client, tenant, _ in
            let user = try JSONSerialization.data(withJSONObject: [
                "userName": "boss", "isAdministrator": true, "canLogIn": true, "password": password,
            ])
            let created = try await client.send(
                .post, "\(StandardTenant.base)/users", token: tenant.admin.presented, body: user,
                headers: [.contentType: "application/json"])
            guard created.status == 201 else { throw HarnessError("the administrator was not created: \(created)") }
            return try await body(client)
        }
    }

    @Test("a password hash copied from one administrator onto another does not sign in as the other (issue 12, Why 6)")
    func copiedPasswordHash() async throws {
        try await withStandardServer { client, tenant, installation in
            // Given two administrators with their own passwords
            for (name, password) in [("boss", Self.password), ("eve", "another long passphrase")] {
                let user = try JSONSerialization.data(withJSONObject: [
                    "userName": name, "isAdministrator": true, "canLogIn": true, "password": password,
                ])
                let created = try await client.send(
                    .post, "\(StandardTenant.base)/users", token: tenant.admin.presented, body: user,
                    headers: [.contentType: "application/json"])
                try #require(created.status == 201, "\(created)")
            }
            let before = try await SignInForm.open(client).signIn(client, userName: "eve", password: Self.password)
            #expect(before.status == 401, "boss's password is not eve's: \(before)")

            // When boss's hash is copied onto eve with SQL
            let queue = try DatabaseQueue(path: installation.databasePath)
            try await queue.write { db in
                try db.execute(
                    sql:
                        "UPDATE user SET password_hash = (SELECT password_hash FROM user WHERE user_name = 'boss') WHERE user_name = 'eve'"
                )
                #expect(db.changesCount == 1)
            }
            try queue.close()

            // Then boss's password still does not sign in as eve (her row is void), and boss still signs in
            let copied = try await SignInForm.open(client).signIn(client, userName: "eve", password: Self.password)
            #expect(copied.status == 401, "\(copied)")
            let boss = try await SignInForm.open(client).signIn(client, userName: "boss", password: Self.password)
            #expect(boss.status == 303, "\(boss)")
        }
    }

    @Test(
        "30 simultaneous wrong sign-ins get exactly 5 passwords evaluated; the rest are refused as locked",
        .timeLimit(.minutes(2)))
    func concurrentWrongSignIns() async throws {
        try await Self.withAdmin { client in
            // Given 30 browsers on the sign-in page
            var browsers: [SignInForm] = []
            for _ in 0..<30 { browsers.append(try await SignInForm.open(client)) }

            // When all 30 send a wrong password at once
            let answers = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                for (index, browser) in browsers.enumerated() {
                    group.addTask { try await browser.signIn(client, userName: "boss", password: "wrong password \(index)") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let right = try await SignInForm.open(client).signIn(client, userName: "boss", password: Self.password)
            let metrics = try await SignInMetrics.read(client)

            // Then 5 passwords were evaluated and 25 attempts refused without evaluation, all as wrong or locked
            #expect(metrics["wrong-password"] == 5, "\(metrics)")
            #expect(metrics["locked"] == 26, "25 of the flood and the right password afterwards: \(metrics)")
            #expect(metrics["signed-in"] == 0, "\(metrics)")
            #expect(answers.allSatisfy { $0.status == 401 || $0.status == 429 }, "\(answers.map(\.status))")
            #expect(answers.filter { $0.status == 401 }.count <= 4, "\(answers.map(\.status))")
            // And the right password is refused while the user name is locked
            #expect(right.status == 429 && right.text.contains("Too many failed sign-ins"), "\(right)")
        }
    }

    @Test("a sign-in password over 72 bytes is refused without evaluation; only the exact 72-byte password signs in")
    func passwordOver72Bytes() async throws {
        // Given an administrator whose password is 36 'æ': 36 characters, 72 bytes in UTF-8
        let password = String(repeating: "æ", count: 36)
        try await Self.withAdmin(password: password) { client in
            // When two longer passwords sharing its 72 bytes are tried, then the password itself
            let first = try await SignInForm.open(client).signIn(client, userName: "boss", password: password + "abcd")
            let second = try await SignInForm.open(client).signIn(client, userName: "boss", password: password + "wxyz")
            let exact = try await SignInForm.open(client).signIn(client, userName: "boss", password: password)
            let metrics = try await SignInMetrics.read(client)

            // Then both longer ones are refused with a message saying why, and only the exact one signs in
            for refused in [first, second] {
                #expect(refused.status == 422, "\(refused)")
                #expect(refused.text.contains("at most 72 bytes in UTF-8"), "\(refused)")
                #expect(refused.headers[.location] == nil, "\(refused)")
            }
            #expect([302, 303].contains(exact.status) && exact.headers[.location] == "/admin/licenses", "\(exact)")
            #expect(metrics["refused-input"] == 2 && metrics["wrong-password"] == 0 && metrics["signed-in"] == 1, "\(metrics)")
        }
    }

    @Test("a 40-character password over 72 bytes cannot be set")
    func longPasswordCannotBeSet() async throws {
        try await withStandardServer { client, tenant, _ in
            let user = try JSONSerialization.data(withJSONObject: [
                "userName": "boss", "isAdministrator": true, "canLogIn": true,
                "password": String(repeating: "æ", count: 36) + "abcd",
            ])

            let result = try await client.send(
                .post, "\(StandardTenant.base)/users", token: tenant.admin.presented, body: user,
                headers: [.contentType: "application/json"])

            #expect(result.status == 422 && result.text.contains("at most 72 bytes in UTF-8"), "\(result)")
        }
    }
}

/// `licensing_admin_sign_ins_total` by result, from `/metrics`.
enum SignInMetrics {
    static func read(_ client: APIClient) async throws -> [String: Int] {
        try await Metrics.read(client, "licensing_admin_sign_ins_total", label: "result")
    }
}

/// A counter of `/metrics` by the value of its one label.
enum Metrics {
    static func read(_ client: APIClient, _ name: String, label: String) async throws -> [String: Int] {
        let text = try await client.get("/metrics").text
        let prefix = "\(name){\(label)=\""
        var counts: [String: Int] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
            let parts = line.dropFirst(prefix.count).split(separator: "\"")
            guard let value = parts.first, let count = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            counts[String(value)] = Int(count)
        }
        return counts
    }

    /// `licensing_snapshot_updates_total` by way: `load`, `change_log`, `write`.
    static func snapshotUpdates(_ client: APIClient) async throws -> [String: Int] {
        try await read(client, "licensing_snapshot_updates_total", label: "way")
    }
}
