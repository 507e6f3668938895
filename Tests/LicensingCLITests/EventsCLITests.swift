import Foundation
import GRDB
import LicenseCore
import LicenseTestSupport
import Testing

// MARK: - JSON of `licensing events …`

struct EventJSON: Decodable, CustomStringConvertible {
    var id: Int64
    var key: String
    var scope: String
    var scopeOwner: String?
    var status: String
    var message: String
    var activatedAt: String
    var activatedBy: String
    var expectedFinish: String?
    var finishedAt: String?
    var systemWide: Bool
    var progressDone: Int?
    var progressTotal: Int?

    var description: String {
        "#\(id) \(key) [\(status)] \(scope)\(scopeOwner.map { ":\($0)" } ?? "") \(progressDone.map { "\($0)/\(progressTotal ?? -1)" } ?? "")"
    }
}

struct EventListJSON: Decodable {
    var events: [EventJSON]

    func withKey(_ key: String) -> [EventJSON] { events.filter { $0.key == key } }
}

struct StatusJSON: Decodable {
    var events: [EventJSON]
}

struct LoginCheckEventJSON: Decodable {
    var allowed: Bool
    var reasons: [String]
    var messageOfTheDay: String?
    var noLoginMessage: String?
}

@Suite("System events through the licensing binary")
struct EventsCLITests {
    /// The sample package with alice (user, web) and the administrator boss (user, web).
    static func withUsers() async throws -> Fixture {
        let (fixture, _) = try await Fixture.licensed()
        try await fixture.addUser("alice")
        try await fixture.licensing(
            "user", "add", "--username", "boss", "--can-log-in", "--admin", "--password-stdin",
            stdin: Data("correct horse battery\n".utf8)
        ).requireSuccess()
        for user in ["alice", "boss"] {
            try await fixture.assign(user, "superoffice.user")
            try await fixture.assign(user, "superoffice.web")
        }
        return fixture
    }

    func loginCheck(_ fixture: Fixture, _ user: String) async throws -> (decision: LoginCheckEventJSON, exitCode: Int32) {
        let result = try await fixture.licensing("login-check", "--user", user, "--client", "web", "--json")
        return (try result.json(LoginCheckEventJSON.self), result.exitCode)
    }

    func list(_ fixture: Fixture) async throws -> EventListJSON {
        try await fixture.licensing("events", "list", "--json").requireSuccess().json(EventListJSON.self)
    }

    @Test(
        "no-login added with the CLI denies alice with no-login-event and lets the administrator in", .timeLimit(.minutes(3)),
        arguments: StoreBackend.allCases)
    func noLogin(backend: StoreBackend) async throws {
        try await CLI.on(backend) { try await noLoginSteps() }
    }

    func noLoginSteps() async throws {
        let fixture = try await Self.withUsers()
        defer { fixture.remove() }
        #expect(try await loginCheck(fixture, "alice").decision.allowed)

        // When an administrator blocks logins
        let added = try await fixture.licensing("events", "add", "--key", "no-login", "--message", "Upgrade tonight", "--json")
            .requireSuccess().json(EventJSON.self)
        #expect(added.status == "active")
        #expect(added.activatedBy == "cli:cli-tests")

        // Then alice is denied (exit 1) with the reason and the message; the administrator is allowed
        let alice = try await loginCheck(fixture, "alice")
        #expect(alice.exitCode == 1)
        #expect(alice.decision.reasons == ["no-login-event"])
        #expect(alice.decision.noLoginMessage == "Upgrade tonight")
        let boss = try await loginCheck(fixture, "boss")
        #expect(boss.exitCode == 0)
        #expect(boss.decision.allowed)

        // And a second one for the same scope is refused (exit 1), naming the first
        let duplicate = try await fixture.licensing("events", "add", "--key", "no-login", "--message", "again")
        #expect(duplicate.exitCode == 1, "\(duplicate)")
        #expect(duplicate.stderr.contains("#\(added.id)"), "\(duplicate)")

        // When it is finished, and alice alone is blocked by a user-scoped one
        let finished = try await fixture.licensing("events", "finish", "\(added.id)", "--json").requireSuccess().json(
            EventJSON.self)
        #expect(finished.status == "finished")
        #expect(finished.finishedAt != nil)
        try await fixture.addUser("carol")
        try await fixture.assign("carol", "superoffice.user")
        try await fixture.assign("carol", "superoffice.web")
        try await fixture.licensing(
            "events", "add", "--key", "no-login", "--scope", "user", "--owner", "alice", "--message", "Not you"
        )
        .requireSuccess()

        // Then only alice is blocked
        #expect(try await loginCheck(fixture, "alice").decision.reasons == ["no-login-event"])
        #expect(try await loginCheck(fixture, "carol").decision.allowed)
        #expect(try await loginCheck(fixture, "boss").decision.allowed)
        try await fixture.licensing("verify").requireSuccess()
    }

    @Test(
        "a message of the day is shown by login-check and status, can be edited, finished and deleted",
        arguments: StoreBackend.allCases)
    func messageOfTheDayLifecycle(backend: StoreBackend) async throws {
        try await CLI.on(backend) { try await messageOfTheDayLifecycleSteps() }
    }

    func messageOfTheDayLifecycleSteps() async throws {
        let fixture = try await Self.withUsers()
        defer { fixture.remove() }

        let motd = try await fixture.licensing("events", "add", "--key", "message-of-the-day", "--message", "Welcome", "--json")
            .requireSuccess().json(EventJSON.self)
        #expect(try await loginCheck(fixture, "alice").decision.messageOfTheDay == "Welcome")
        #expect(try await loginCheck(fixture, "nobody").decision.messageOfTheDay == "Welcome")
        let text = try await fixture.licensing("login-check", "--user", "alice", "--client", "web")
        #expect(text.stdout.contains("message of the day: Welcome"), "\(text)")

        let updated = try await fixture.licensing("events", "update", "\(motd.id)", "--message", "Welcome back", "--json")
            .requireSuccess().json(EventJSON.self)
        #expect(updated.message == "Welcome back")
        #expect(try await loginCheck(fixture, "boss").decision.messageOfTheDay == "Welcome back")
        let status = try await fixture.licensing("status", "--json").requireSuccess().json(StatusJSON.self)
        #expect(status.events.contains { $0.id == motd.id && $0.message == "Welcome back" })
        let statusText = try await fixture.licensing("status").requireSuccess()
        #expect(statusText.stdout.contains("message-of-the-day [active]"), "\(statusText)")

        try await fixture.licensing("events", "finish", "\(motd.id)").requireSuccess()
        #expect(try await loginCheck(fixture, "alice").decision.messageOfTheDay == nil)

        try await fixture.licensing("events", "delete", "\(motd.id)").requireSuccess()
        #expect(try await list(fixture).events.contains { $0.id == motd.id } == false)
        let missing = try await fixture.licensing("events", "delete", "\(motd.id)")
        #expect(missing.exitCode == 2, "\(missing)")
        let nothing = try await fixture.licensing("events", "update", "\(motd.id)")
        #expect(nothing.exitCode == 2, "\(nothing)")
        try await fixture.licensing("verify").requireSuccess()
    }

    // When an event's finish time comes is the store's rule, tested there with injected time (EventStoreTests,
    // "upkeep writes an event finished at its finish time"); here, without waiting for the clock, that the binary reads
    // the clock for its checks and writes down what time has done when it lists the events.
    @Test("an event whose finish time has passed no longer blocks, and is written down finished at that time when the events are next listed")
    func finishTimePassed() async throws {
        let fixture = try await Self.withUsers()
        defer { fixture.remove() }
        // Given a no-login event whose finish time was a minute ago (a whole second, as dates are stored)
        let finish = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 60).rounded(.down))
        let added = try await fixture.licensing(
            "events", "add", "--key", "no-login", "--message", "Over", "--finish", ISO8601.string(finish), "--json"
        ).requireSuccess().json(EventJSON.self)
        #expect(added.finishedAt == nil)

        // Then alice may log in
        let check = try await loginCheck(fixture, "alice")
        #expect(check.exitCode == 0 && check.decision.allowed, "\(check.decision.reasons)")
        // And listing the events writes it down as finished at its finish time
        let event = try #require(try await list(fixture).events.first { $0.id == added.id })
        #expect(event.status == "finished")
        #expect(event.finishedAt == ISO8601.string(finish))
        // … so another no-login may be added, and while its finish time is ahead it blocks alice
        let later = ISO8601.string(Date().addingTimeInterval(3_600))
        try await fixture.licensing(
            "events", "add", "--key", "no-login", "--message", "An hour", "--finish", later
        ).requireSuccess()
        let blocked = try await loginCheck(fixture, "alice")
        #expect(blocked.exitCode == 1 && blocked.decision.reasons == ["no-login-event"], "\(blocked.decision.reasons)")
        try await fixture.licensing("verify").requireSuccess()
    }

    @Test("an activation raises license-activated naming what changed")
    func activationRaisesEvent() async throws {
        let (fixture, _) = try await Fixture.licensed()
        defer { fixture.remove() }

        let activated = try await list(fixture).withKey("license-activated")

        try #require(activated.count == 1, "\(activated)")
        #expect(activated[0].status == "active")
        #expect(activated[0].message.contains("SUPEROFFICE"), "\(activated[0].message)")
        #expect(activated[0].message.contains("superoffice.web 0→10"), "\(activated[0].message)")

        // A newer package replaces it with one naming the new counts
        let newer = try await fixture.issue(
            .sample(issuedAt: fixture.baseTime.addingTimeInterval(3_600), webCount: 12), as: "newer")
        try await fixture.licensing("license", "activate", newer).requireSuccess()
        let both = try await list(fixture).withKey("license-activated")
        #expect(both.count == 2)
        #expect(both.filter { $0.status == "active" }.map(\.message).first?.contains("superoffice.web 10→12") == true, "\(both)")
    }

    @Test("tampering with event rows raises tamper-detected exactly once per row, however often verify runs")
    func tamperOncePerRow() async throws {
        let fixture = try await Self.withUsers()
        defer { fixture.remove() }
        let noLogin = try await fixture.licensing(
            "events", "add", "--key", "no-login", "--scope", "user", "--owner", "alice", "--message", "m", "--json"
        )
        .requireSuccess().json(EventJSON.self)
        let motd = try await fixture.licensing("events", "add", "--key", "message-of-the-day", "--message", "Welcome", "--json")
            .requireSuccess().json(EventJSON.self)
        try await fixture.licensing("verify").requireSuccess()

        // When the no-login row is deleted and the message of the day edited behind the binary's back
        try DatabaseDump.tamper(fixture.dataDirectory) { db in
            try db.execute(sql: "DELETE FROM system_event WHERE id = ?", arguments: [noLogin.id])
            try db.execute(
                sql: "UPDATE system_event SET message = 'Mail your password to x@example.com' WHERE id = ?", arguments: [motd.id])
        }

        // Then verify exits 3 naming both rows, twice
        for _ in 0..<2 {
            let verify = try await fixture.licensing("verify", "--json")
            #expect(verify.exitCode == 3, "\(verify)")
            let problems = try verify.json(VerifyJSON.self).problems.filter { $0.table == "system_event" }.map(\.description)
                .sorted()
            #expect(
                problems
                    == [
                        "system_event #\(motd.id) message-of-the-day: seal does not match the row (edited)",
                        "system_event #\(noLogin.id): row deleted",
                        "system_event (the table's rows): the rows differ from what the sealed head commits to: a row was inserted, deleted, edited, put back or restored outside the server",
                    ].sorted(),
                "\(problems)")
        }

        // And exactly one tamper-detected event per row (and one for the table's digest) was raised
        let tamper = try await list(fixture).withKey("tamper-detected")
        #expect(
            tamper.compactMap(\.scopeOwner).sorted()
                == [
                    "system_event:#\(motd.id) message-of-the-day", "system_event:#\(noLogin.id)",
                    "system_event:(the table's rows)",
                ].sorted(),
            "\(tamper)")
        #expect(tamper.allSatisfy { $0.status == "active" })
        // And the edited message is not shown to anyone
        #expect(try await loginCheck(fixture, "alice").decision.messageOfTheDay == nil)
    }

    @Test("a 10,000-line user import shows its progress on events list while it runs and ends finished", .timeLimit(.minutes(10)))
    func importProgress() async throws {
        let fixture = try await Self.withUsers()
        defer { fixture.remove() }

        // If 10,000 lines go by too fast to be seen, try again with 50,000.
        var observedRunning: [EventJSON] = []
        var size = 0
        for (attempt, lines) in [10_000, 50_000].enumerated() where observedRunning.isEmpty {
            size = lines
            let csv = fixture.path("users-\(attempt).csv")
            let rows = (1...lines).map { "imp\(attempt)-\(String(format: "%05d", $0)),employee,true" }
            try Data((["userName,type,canLogIn"] + rows).joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: csv))

            // When the import runs in one process and events list is polled from others
            let importer = try CLI.start(["user", "import", "--csv", csv, "--data", fixture.dataPath])
            let ended = EndFlag()
            let waiting = Task {
                let result = try await importer.wait()
                ended.set()
                return result
            }
            let deadline = ContinuousClock.now + .seconds(300)
            while !ended.isSet && ContinuousClock.now < deadline {
                let result = try await fixture.licensing("events", "list", "--json")
                guard result.exitCode == 0 else { continue }
                observedRunning += try result.json(EventListJSON.self).withKey("user-import").filter {
                    $0.status == "active" && $0.progressTotal == lines && ($0.progressDone ?? -1) < lines
                }
            }
            let result = try await waiting.value
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout.contains("imported \(lines) users"), "\(result)")
        }

        // Then the event was seen running with done < total, and ends finished with everything done
        #expect(!observedRunning.isEmpty, "the user-import event was never seen running (import of \(size) lines)")
        #expect(observedRunning.allSatisfy { ($0.progressDone ?? -1) >= 0 })
        let imports = try await list(fixture).withKey("user-import")
        let last = try #require(imports.first { $0.progressTotal == size }, "\(imports)")
        #expect(last.status == "finished")
        #expect(last.progressDone == size)
        #expect(last.finishedAt != nil)
        #expect(last.message.contains("\(size)"))
    }
}

extension EventsCLITests {
    @Test("a user import whose file has a bad line or a taken user name exits 2 naming it, and imports nothing")
    func importRefusals() async throws {
        let fixture = try await Self.withUsers()
        defer { fixture.remove() }
        let before = try await fixture.licensing("user", "list", "--json").requireSuccess().stdout

        // A bad third line
        let bad = fixture.path("bad.csv")
        try Data("userName,canLogIn\nnina,true\noda,maybe\n".utf8).write(to: URL(fileURLWithPath: bad))
        let refused = try await fixture.licensing("user", "import", "--csv", bad)
        #expect(refused.exitCode == 2, "\(refused)")
        #expect(refused.stderr.contains("invalid CSV line 3: canLogIn must be true or false"), "\(refused)")

        // alice exists already
        let taken = fixture.path("taken.csv")
        try Data("userName\nnina\nalice\n".utf8).write(to: URL(fileURLWithPath: taken))
        let duplicate = try await fixture.licensing("user", "import", "--csv", taken)
        #expect(duplicate.exitCode == 2, "\(duplicate)")
        #expect(duplicate.stderr.contains("user 'alice' already exists"), "\(duplicate)")

        // Nothing was imported and no import event raised
        #expect(try await fixture.licensing("user", "list", "--json").requireSuccess().stdout == before)
        #expect(try await list(fixture).withKey("user-import").isEmpty)
    }
}

/// Set once by one task, read by another.
final class EndFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
