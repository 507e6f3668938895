import Foundation
import LicenseCore
import LicenseStoreEngine
import LicenseTestSupport
import Testing

@Suite("The schema of each backend: one table list")
struct SchemaTests {
    @Test("each backend's migrations create exactly the engine's tables, no more and no fewer", arguments: StoreBackend.allCases)
    func tablesMatchTheList(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            let raw = try await RawDatabase(temporary)
            let names: [String]
            switch backend {
            case .sqlite:
                names = try await raw.strings(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'"
                )
            case .postgres:
                names = try await raw.strings(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name != 'schema_migration'"
                ).map { $0 == "app_user" ? "user" : $0 }
            }
            #expect(names.sorted() == Tables.all.sorted())
        }
    }
}

@Suite("The schema of each backend: what the event table accepts")
struct EventStatusSchemaTests {
    @Test("an event's status may be active, finished, cancelled or failed, and nothing else", arguments: StoreBackend.allCases)
    func statusCheck(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let raw = try await RawDatabase(temporary)
            func insert(_ id: Int, _ status: String) async throws -> Int {
                try await raw.execute(
                    """
                    INSERT INTO system_event (tenant_id, id, key, scope, scope_owner, status, message, activated_at, activated_by,
                        system_wide, seal)
                    VALUES (?, ?, 'k', 'system', '', ?, 'm', 0, 'test', 1, 'x')
                    """, [Fixtures.tenantID, id, status])
            }
            for (id, status) in SystemEvent.Status.allCases.map(\.rawValue).enumerated() {
                #expect(try await insert(100 + id, status) == 1, "\(status)")
            }
            await #expect(throws: (any Error).self) { try await insert(200, "paused") }
        }
    }
}
