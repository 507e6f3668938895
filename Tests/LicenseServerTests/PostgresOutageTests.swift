import Foundation
import Hummingbird
import LicenseCore
import LicenseTestSupport
import Testing

/// PostgreSQL away or slow, for a node and the CLI (issue 18, Why 6): a node started while it is down, the CLI against
/// it, and `--request-timeout` bounding a write that waits for a lock. Each case has a private PostgreSQL it may stop.
@Suite("PostgreSQL down or locked: a node starting, the CLI, the request timeout", .serialized)
struct PostgresOutageTests {
    /// Runs `body` with a private PostgreSQL server and an installation on it seeded with 3 users and an admin token;
    /// removes the server afterwards.
    static func withPrivateServer(
        _ body: (PostgresTestServer, PostgresInstallation, Crowd) async throws -> Void
    ) async throws {
        let server = try await PostgresTestServer.start()
        do {
            try await PostgresInstallation.with(server: server) { installation in
                let crowd = try await installation.seedCrowd(userCount: 3, counts: ["user": 5])
                try await body(server, installation, crowd)
            }
        } catch {
            await server.remove()
            throw error
        }
        await server.remove()
    }

    @Test(
        "a node started while PostgreSQL is down ends with exit 4 within its request timeout, saying so; started again once it is back, it serves"
    )
    func nodeStartsWhileDown() async throws {
        try await Self.withPrivateServer { server, installation, crowd in
            // Given the database stopped
            try await server.stop()

            // When a node starts on it
            let data = installation.directory.appendingPathComponent("node-down", isDirectory: true)
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            let clock = ContinuousClock()
            let start = clock.now
            let child = try ChildProcess(
                [
                    "serve", "--data", data.path, "--host", "127.0.0.1", "--port", "0", "--database", installation.databaseURL,
                    "--request-timeout", "2",
                ], environment: Licensing.environment.merging(installation.environment) { _, added in added }, watched: true)
            let result = try await child.wait(timeout: .seconds(60))
            let elapsed = clock.now - start

            // Then it ends with exit 4 (unavailable) after its request timeout, the last line saying why, without
            // ever listening (a node that cannot load its tenants must not join the balancer)
            #expect(result.exitCode == 4, "\(result)")
            let lastLine = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
            #expect(lastLine == "error: database unavailable: no database connection within 2 s", "\(lastLine)")
            #expect(ServerProcess.listeningPort(in: result.stdout + result.stderr) == nil)
            #expect(elapsed >= .seconds(2) && elapsed < .seconds(15), "ended after \(elapsed)")

            // And once the database is back, a node started on it serves checks and writes
            try await server.restart()
            let node = try await installation.startNode(0)
            do {
                let path = Crowd.assignPath("u001", "user")
                let write = try await node.client.send(.put, path, token: crowd.admin.presented)
                #expect(write.status == 200, "\(write)")
                let check = try await node.client.get(path, token: crowd.admin.presented)
                #expect(try check.decode(CheckDecision.self) == .granted, "\(check)")
            } catch {
                await PostgresInstallation.stop(node, name: "node 0")
                throw error
            }
            await PostgresInstallation.stop(node, name: "node 0")
        }
    }

    @Test(
        "the CLI against a stopped PostgreSQL exits 4 within its timeout, says the database is unavailable, in JSON too",
        arguments: [
            ["check", "--user", "u001", "--module", "superoffice.user"],
            ["assign", "--user", "u001", "--module", "superoffice.user"],
            ["verify"],
        ])
    func cliAgainstDownDatabase(_ arguments: [String]) async throws {
        try await Self.withPrivateServer { server, installation, _ in
            try await server.stop()
            let clock = ContinuousClock()
            let start = clock.now
            let text = try await installation.licensing(arguments + ["--tenant", StandardTenant.id])
            let json = try await installation.licensing(arguments + ["--tenant", StandardTenant.id, "--json"])
            let elapsed = clock.now - start
            #expect(text.exitCode == 4, "\(text)")
            let lastLine = text.stderr.split(separator: "\n").last.map(String.init) ?? ""
            #expect(lastLine == "error: database unavailable: no database connection within 5 s", "\(text)")
            #expect(json.exitCode == 4, "\(json)")
            let error = try json.jsonObject()["error"] as? [String: Any]
            #expect(error?["code"] as? String == "database-unavailable", "\(json)")
            #expect(error?["message"] as? String == "database unavailable: no database connection within 5 s", "\(json)")
            #expect(elapsed < .seconds(30), "two commands took \(elapsed)")
        }
    }

    @Test(
        "a write waiting for a tenant locked by another session is answered 503 database-busy within --request-timeout; a cold node's first check meanwhile 200"
    )
    func requestTimeout() async throws {
        try await Self.withPrivateServer { _, installation, crowd in
            let data = installation.directory.appendingPathComponent("node-timeout", isDirectory: true)
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            let node = try await ServerProcess.start(
                data: data, arguments: ["--database", installation.databaseURL, "--request-timeout", "1"],
                environment: installation.environment)
            // Given a node that has not loaded the tenant yet
            let client = node.client
            let path = Crowd.assignPath("u001", "user")
            // And another session holding the tenant's head row (as a long write would) for 20 s
            let holder = try ChildProcess(
                [
                    "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", installation.databaseURL, "-c",
                    "BEGIN; SELECT 1 FROM tenant_head WHERE tenant_id = '\(StandardTenant.id)' FOR UPDATE; SELECT pg_sleep(20); COMMIT;",
                ], executable: PostgresTestServer.psqlPath, environment: ProcessInfo.processInfo.environment)
            do {
                let locked = try await eventually(within: .seconds(10)) {
                    let waiting = try await installation.sql(
                        "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(20)%' AND wait_event = 'PgSleep' AND pid <> pg_backend_pid()"
                    )
                    return waiting == "1"
                }
                if locked == nil {
                    let sessions = try await installation.sql(
                        "SELECT string_agg(coalesce(state, '') || ' ' || coalesce(wait_event, '') || ': ' || left(query, 80), ' | ') FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                    )
                    Issue.record("the locking session did not reach its sleep: \(sessions)")
                    throw HarnessError("the locking session did not reach its sleep")
                }
                let clock = ContinuousClock()

                // When a write for the tenant arrives
                let start = clock.now
                let write = try await client.send(.put, path, token: crowd.admin.presented)
                let elapsed = clock.now - start

                // Then it is answered 503 database-busy after about the timeout, not after the lock's 20 s
                #expect(write.status == 503, "\(write)")
                #expect(write.errorCode == "database-busy", "\(write)")
                #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(3), "answered after \(elapsed)")
                // And the node's first check loads the tenant without waiting for the lock (a snapshot is an MVCC
                // read) and is not refused as an outage (the database answered; only the tenant is locked)
                let check = try await client.get(path, token: crowd.admin.presented)
                #expect(check.status == 200, "\(check)")
                #expect(try check.decode(CheckDecision.self) == .denied(.notLicensed), "\(check)")
                #expect(try await installation.holders(of: "user").isEmpty, "the timed-out write stored nothing")
            } catch {
                holder.kill9()
                _ = try? await holder.wait()
                await PostgresInstallation.stop(node, name: "node")
                throw error
            }
            holder.kill9()
            _ = try? await holder.wait()
            await PostgresInstallation.stop(node, name: "node")
        }
    }
}
