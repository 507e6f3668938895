import Foundation
import LicenseCore
import LicenseStore
import LicenseStoreEngine
import LicenseStorePostgres
import LicenseStoreSQLite
import LicenseTestSupport
import Testing

@Suite("PostgreSQL store: what happens when the database goes away")
struct PostgresStoreTests {
    @Test("a query running when PostgreSQL stops fails at once as unavailable, and so do requests until it is back")
    func serverStopsMidQuery() async throws {
        let server = try await PostgresTestServer.start()
        let url = try await server.makeDatabase()
        let store = try await PostgresLicenseStore.connect(
            url: url, sealer: try Sealer(secret: Sealer.makeSecret()), requestTimeout: .seconds(5))
        let clock = ContinuousClock()
        let start = clock.now
        let running = Task { () -> (any Error)? in
            do {
                _ = try await store.backend.read(timeout: .seconds(60)) { session in
                    try session.execute("SELECT pg_sleep(30)", [])
                }
                return nil
            } catch {
                return error
            }
        }
        try await Task.sleep(for: .seconds(1))
        try await server.stop()
        let failure = await running.value
        #expect(failure is StoreUnavailable, "\(String(describing: failure))")
        #expect(clock.now - start < .seconds(10), "the running query waited for its 60 s deadline")

        let next = clock.now
        await #expect(throws: StoreUnavailable.self) { try await store.tenantIDs() }
        #expect(clock.now - next < .seconds(6), "a request while the database is away answers within the timeout")

        try await server.restart()
        var recovered = false
        for _ in 0..<40 where !recovered {
            recovered = (try? await store.tenantIDs()) != nil
            if !recovered { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(recovered, "the store works again within 10 s of the restart")
        await store.close()
        await server.remove()
    }
}
