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
