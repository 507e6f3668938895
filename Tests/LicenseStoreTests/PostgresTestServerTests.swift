import Foundation
import LicenseTestSupport
import Testing

/// The throwaway PostgreSQL the PostgreSQL tests run on: shared, private, stopped and restarted.
@Suite("The test PostgreSQL server")
struct PostgresTestServerTests {
    @Test("the shared server makes two separate databases that each answer SELECT 1")
    func sharedDatabases() async throws {
        // Given the shared server
        let server = PostgresTestServer.shared
        // When two databases are made
        let first = try await server.makeDatabase()
        let second = try await server.makeDatabase()
        // Then they are distinct, both answer, and a table in one is not in the other
        #expect(first != second)
        #expect(try await PostgresTestServer.psql(first, "SELECT 1") == "1")
        #expect(try await PostgresTestServer.psql(second, "SELECT 1") == "1")
        try await PostgresTestServer.psql(first, "CREATE TABLE only_here (id INTEGER PRIMARY KEY)")
        let tables = try await PostgresTestServer.psql(second, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'")
        #expect(tables == "0")
    }

    @Test("a private server stops, refuses connections, and restarts on the same port with its data")
    func privateStopAndRestart() async throws {
        // Given a private server with a committed row
        let server = try await PostgresTestServer.start()
        let port = try await server.port()
        let database = try await server.makeDatabase()
        try await PostgresTestServer.psql(database, "CREATE TABLE kept (id INTEGER PRIMARY KEY); INSERT INTO kept VALUES (7)")
        // When it is stopped
        try await server.stop()
        // Then connections are refused
        await #expect(throws: PostgresTestServerError.self) { try await PostgresTestServer.psql(database, "SELECT 1") }
        // And when it is started again it listens on the same port and has the row
        try await server.restart()
        #expect(try await server.port() == port)
        #expect(try await PostgresTestServer.psql(database, "SELECT id FROM kept") == "7")
        // And removing it deletes its directory
        let directory = try #require(await server.directory)
        await server.remove()
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }
}
