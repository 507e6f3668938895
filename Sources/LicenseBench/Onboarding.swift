import Foundation
import HTTPTypes
import HummingbirdTesting
import LicenseCore
import LicenseStore
import LicenseStoreLive
import NIOCore
import NIOPosix
import Synchronization

// scripts/bench-onboarding (issue 13, Build 6): a customer onboarding its users over HTTP while an application keeps
// checking a user who holds a plan.
//
//   licensing-bench onboarding-seed --data DIR [--database URL] [--users N]
//       a tenant `onboard` with a plan `sales-premium` (set=user,web,chat-cal) for everyone, N users (20,000), the
//       first of them (`checker`) holding the plan; writes an admin token to DIR/bench-token
//   licensing-bench onboarding-drive --url URL[,URL…] --token-file FILE [--users N] [--writers 8]
//       checks idle, then the writers assign the plan to every other user (spread over the URLs) while one client
//       per URL keeps checking `checker`; prints the figures

enum Onboarding {
    static let tenant = "onboard"
    static let checker = "checker"
    static let plan = "sales-premium"

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func userName(_ index: Int) -> String { index == 0 ? checker : String(format: "u%06d", index) }

    /// Reads `--name value` pairs.
    static func options(_ arguments: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        var rest = arguments[...]
        while let name = rest.popFirst() {
            guard name.hasPrefix("--"), let value = rest.popFirst() else {
                throw Failure("expected --option value, got '\(name)'")
            }
            result[String(name.dropFirst(2))] = value
        }
        return result
    }

    static func count(_ options: [String: String], _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = options[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw Failure("--\(name) must be a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    // MARK: - Seed

    static func seed(_ arguments: [String]) async throws {
        let options = try options(arguments)
        guard let data = options["data"] else { throw Failure("--data DIR is required") }
        let users = try count(options, "users", default: 20_000, range: 2...1_000_000)
        let directory = URL(fileURLWithPath: data)
        let location: StoreLocation = options["database"].map { .postgres($0) } ?? .sqlite(dataDirectory: directory)
        let store = try await StoreFactory.open(location, dataDirectory: directory, create: true, requestTimeout: .seconds(120))
        defer { Task { await store.close() } }
        let fixtures = try BenchFixtures()
        let now = Date()
        try await store.createTenant(fixtures.tenant(id: tenant), actor: BenchFixtures.actor)
        let seats = users + 10
        let package = try fixtures.package(
            modules: [
                ModuleLicense(name: "user", description: "User", type: .user, count: seats, sortOrder: 1),
                ModuleLicense(name: "web", description: "Web client", type: .user, count: seats, sortOrder: 2),
                ModuleLicense(
                    name: "chat-cal", description: "Chat calendar", type: .user, count: seats, sortOrder: 3, hidden: true),
                ModuleLicense(
                    name: plan, description: "Sales Premium", type: .user, count: seats, extraFlags: 1,
                    extraInfo: "set=user,web,chat-cal", sortOrder: 4),
            ], issuedAt: now.addingTimeInterval(-3_600))
        let preview = try await store.activate(tenant: tenant, package: package, actor: BenchFixtures.actor, now: now)
        guard preview.canBeActivated else { throw Failure("the package was not activated: \(preview.reason ?? "?")") }
        for start in stride(from: 0, to: users, by: 1_000) {
            let batch = (start..<min(users, start + 1_000)).map { NewUser(userName: userName($0), canLogIn: true) }
            _ = try await store.addUsers(tenant: tenant, batch, actor: BenchFixtures.actor, now: now)
        }
        _ = try await store.assign(
            tenant: tenant, userName: checker, module: ModuleKey(owner: BenchFixtures.owner, module: plan),
            actor: BenchFixtures.actor, now: now)
        let (token, presented) = APIToken.generate(tenant: tenant, role: .admin, name: "bench", createdBy: BenchFixtures.actor)
        try await store.createToken(token, now: now)
        try Data((presented + "\n").utf8).write(to: directory.appendingPathComponent("bench-token"))
        await store.close()
        say("seeded tenant \(tenant): \(users) users, plan \(plan) held by \(checker)")
    }

    // MARK: - Drive

    /// An atomic the tasks share.
    final class Shared<Value: AtomicRepresentable>: Sendable where Value: Sendable {
        let value: Atomic<Value>
        init(_ value: consuming Atomic<Value>) { self.value = value }
    }

    /// One keep-alive connection.
    final class Connection: Sendable {
        let client: TestClient
        let authorization: String

        init(url: String, token: String) throws {
            guard let parsed = URL(string: url), let host = parsed.host, let port = parsed.port else {
                throw Failure("not a URL with a host and a port: \(url)")
            }
            client = TestClient(
                host: host, port: port, configuration: .init(timeout: .seconds(60)),
                eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton))
            client.connect()
            authorization = "Bearer \(token)"
        }

        func send(_ method: HTTPRequest.Method, _ path: String) async throws -> HTTPResponse.Status {
            var headers = HTTPFields()
            headers[.authorization] = authorization
            return try await client.execute(TestClient.Request(path, method: method, headers: headers)).head.status
        }

        func close() async { try? await client.shutdown() }
    }

    static func checkPath(_ user: String) -> String {
        "/api/v1/tenants/\(tenant)/users/\(user)/licenses/\(BenchFixtures.owner.lowercased())/web"
    }

    /// Checks `checker` on `connection` until `running` is false (or `limit` checks); the latencies in nanoseconds.
    static func checks(_ connection: Connection, limit: Int, while running: @Sendable () -> Bool) async throws -> Samples {
        var samples = Samples()
        while samples.count < limit && running() {
            let started = clock.now
            let status = try await connection.send(.get, checkPath(checker))
            samples.add(Double((clock.now - started) / .nanoseconds(1)))
            guard status == .ok else { throw Failure("a check answered \(status)") }
        }
        return samples
    }

    static func drive(_ arguments: [String]) async throws {
        let options = try options(arguments)
        guard let urls = options["url"]?.split(separator: ",").map(String.init), !urls.isEmpty else {
            throw Failure("--url URL[,URL…] is required")
        }
        guard let tokenFile = options["token-file"] else { throw Failure("--token-file FILE is required") }
        let token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let users = try count(options, "users", default: 20_000, range: 2...1_000_000)
        let writerCount = try count(options, "writers", default: 8, range: 1...64)

        // Idle: checks alone.
        var idle: [Samples] = []
        for url in urls {
            let connection = try Connection(url: url, token: token)
            _ = try await checks(connection, limit: 500) { true }  // warm-up
            idle.append(try await checks(connection, limit: 5_000) { true })
            await connection.close()
        }

        // Writes: every user but the checker gets the plan, from `writerCount` connections spread over the URLs.
        let next = Shared(Atomic<Int>(1))
        let running = Shared(Atomic<Bool>(true))
        let started = clock.now
        let checkers = try urls.map { url in
            let connection = try Connection(url: url, token: token)
            return Task { () throws -> Samples in
                defer { Task { await connection.close() } }
                return try await checks(connection, limit: .max) { running.value.load(ordering: .relaxed) }
            }
        }
        let outcome: (done: [Duration], failures: [String]) = try await withThrowingTaskGroup(
            of: (done: [Duration], failures: [String]).self
        ) { group in
            for writer in 0..<writerCount {
                let connection = try Connection(url: urls[writer % urls.count], token: token)
                group.addTask {
                    var done: [Duration] = []
                    var failures: [String] = []
                    while true {
                        let index = next.value.add(1, ordering: .relaxed).oldValue
                        guard index < users else { break }
                        let path =
                            "/api/v1/tenants/\(tenant)/users/\(userName(index))/licenses/\(BenchFixtures.owner.lowercased())/\(plan)"
                        let status = try await connection.send(.put, path)
                        if status.code / 100 == 2 {
                            done.append(clock.now - started)
                        } else if failures.count < 5 {
                            failures.append("\(userName(index)): \(status)")
                        }
                    }
                    await connection.close()
                    return (done, failures)
                }
            }
            var done: [Duration] = []
            var failures: [String] = []
            for try await part in group {
                done += part.done
                failures += part.failures
            }
            return (done: done.sorted(), failures: failures)
        }
        let elapsed = clock.now - started
        running.value.store(false, ordering: .relaxed)
        var during: [Samples] = []
        for task in checkers { during.append(try await task.value) }

        // Figures.
        func ms(_ ns: Double) -> String { String(format: "%.2f ms", ns / 1e6) }
        say("")
        say(
            "== onboarding: \(users - 1) plan assignments (4 rows each) by \(writerCount) HTTP writers over \(urls.count) node(s)"
        )
        for (index, url) in urls.enumerated() {
            let node = urls.count > 1 ? " node \(index + 1) (\(url))" : ""
            say(
                "check\(node), idle:          p50 \(ms(idle[index].median))  p99 \(ms(idle[index].percentile(0.99)))  max \(ms(idle[index].max))  (\(idle[index].count) checks)"
            )
            say(
                "check\(node), during writes: p50 \(ms(during[index].median))  p99 \(ms(during[index].percentile(0.99)))  max \(ms(during[index].max))  (\(during[index].count) checks)"
            )
        }
        let seconds = Double(elapsed / .milliseconds(1)) / 1_000
        let done = outcome.done
        say(
            String(
                format: "plan assignments: %d in %.2f s = %.0f /s (%.0f rows/s)", done.count, seconds,
                Double(done.count) / seconds, Double(done.count * 4) / seconds))
        if done.count >= 8 {
            var quarters: [String] = []
            var previous = Duration.zero
            for quarter in 1...4 {
                let end = done[done.count * quarter / 4 - 1]
                let count = done.count / 4
                let span = Double((end - previous) / .microseconds(1)) / 1e6
                quarters.append(String(format: "%.0f", Double(count) / span))
                previous = end
            }
            say("plan assignments/s per quarter of the run: \(quarters.joined(separator: " | "))")
        }
        if !outcome.failures.isEmpty {
            say("refused or failed writes (first few): \(outcome.failures.joined(separator: "; "))")
        }
        guard done.count == users - 1 else { throw Failure("\(users - 1 - done.count) writes did not succeed") }
    }
}
