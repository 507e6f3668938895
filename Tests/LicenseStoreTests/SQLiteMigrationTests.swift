import Foundation
import GRDB
import LicenseCore
import LicenseStore
import LicenseTestSupport
import Testing

@testable import LicenseStoreEngine
@testable import LicenseStoreSQLite

@Suite("SQLite migrations: a database of the previous schema, with data, opens and still verifies")
struct SQLiteMigrationTests {
    /// The last migration before system events could be `failed`.
    static let previous = "v3-metering"

    @Test("a v3 database with events gets the failed status: every row, column and index kept, every seal intact")
    func eventStatusFailed() async throws {
        try await TemporaryStore.with(.sqlite) { temporary in
            // Given data written by the store: a package, users, and events active, finished and a finished import
            try await temporary.createTenant()
            try await temporary.activate()
            let store = temporary.store
            try await temporary.addUsers(["alice", "bob"])
            let motd = try await store.addEvent(
                tenant: Fixtures.tenantID, EventDraft(key: SystemEvent.messageOfTheDay, message: "Welcome"),
                actor: Fixtures.actor, now: Fixtures.now)
            let travel = try await store.addEvent(
                tenant: Fixtures.tenantID,
                EventDraft(key: "no-travel", message: "Off tonight", expectedFinish: Fixtures.days(1)), actor: Fixtures.actor,
                now: Fixtures.now)
            _ = try await store.finishEvent(tenant: Fixtures.tenantID, id: travel.id, actor: Fixtures.actor, now: Fixtures.now)
            _ = try await store.importUsers(
                tenant: Fixtures.tenantID, (1...5).map { NewUser(userName: "imp\($0)") }, source: "users.csv",
                actor: Fixtures.actor, now: { Fixtures.now }, batchSize: 2, progress: nil)
            _ = try await store.ingestUsage(
                tenant: Fixtures.tenantID,
                (1...3).map {
                    UsageEvent(
                        id: "u-\($0)", service: "mailing-emails", quantity: 10, occurredAt: Fixtures.now.addingTimeInterval(-60))
                }, users: 2, now: Fixtures.now)
            let events = try await store.events(tenant: Fixtures.tenantID, now: Fixtures.now)
            #expect(events.count >= 4)
            #expect(events.contains(motd))

            // … copied row by row into a database made by the migrations up to v3, as a previous release left it
            let path = temporary.directory.appendingPathComponent("v3.sqlite").path
            var configuration = Configuration()
            configuration.foreignKeysEnabled = false
            let old = try DatabaseQueue(path: path, configuration: configuration)
            try SQLiteSchema.migrator.migrate(old, upTo: Self.previous)
            try await old.writeWithoutTransaction { db in
                try db.execute(sql: "ATTACH DATABASE ? AS current", arguments: [temporary.databasePath])
                try db.inTransaction {
                    // By column name: the current schema has columns (tenant_head.commitment) v3 did not.
                    // Tables v3 did not have (the change log) start empty after the migration.
                    for table in Tables.all where try db.tableExists(table, in: "main") {
                        let columns = try Row.fetchAll(db, sql: "PRAGMA main.table_info(\(table))").map { $0["name"] as String }
                            .joined(separator: ", ")
                        try db.execute(sql: "INSERT INTO main.\(table) (\(columns)) SELECT \(columns) FROM current.\(table)")
                    }
                    return .commit
                }
                try db.execute(sql: "DETACH DATABASE current")
                // A v3 head had no commitment, and its seal did not cover one; its users' seals did not cover the
                // password hash.
                try Self.sealAsBefore(db, sealer: temporary.sealer)
            }
            let before = try await old.read { db in try Self.shape(db) }
            #expect(
                try await old.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }.last
                    == Self.previous)
            #expect(before.tableSQL.contains("'cancelled')") && !before.tableSQL.contains("failed"))
            #expect(before.rows.count == events.count)
            try old.close()

            // When the store opens it
            let migrated = try SQLiteLicenseStore(path: path, sealer: temporary.sealer)

            // Then it is at the new migration, with the same rows, columns and index, and the wider CHECK
            let queue = try DatabaseQueue(path: path)
            let after = try await queue.read { db in try Self.shape(db) }
            #expect(
                after.migrations.suffix(5) == [
                    "v4-event-status-failed", "v5-head-commitment", "v6-usage-seals", "v7-change-log",
                    "v8-assignment-by-user-covering",
                ])
            #expect(after.rows == before.rows)
            #expect(after.columns == before.columns)
            #expect(after.indexes == before.indexes)
            #expect(after.indexes.contains { $0.contains("system_event_one_active") && $0.contains("WHERE status = 'active'") })
            #expect(after.tableSQL.contains("CHECK (status IN ('active', 'finished', 'cancelled', 'failed'))"))
            #expect(after.foreignKeys == before.foreignKeys)

            // And every seal still holds: verify finds nothing, the events read as before
            #expect(try await migrated.verify(tenant: Fixtures.tenantID).isEmpty)
            #expect(try await migrated.events(tenant: Fixtures.tenantID, now: Fixtures.now) == events)
            let snapshot = try await migrated.loadSnapshot(tenant: Fixtures.tenantID)
            #expect(snapshot.isTenantIntact && snapshot.areEventsIntact && snapshot.user(named: "alice") != nil)

            // And the first write moves the tenant to the state commitment: users re-sealed, everything still verifies
            _ = try await migrated.addUsers(
                tenant: Fixtures.tenantID, [NewUser(userName: "carol")], actor: Fixtures.actor, now: Fixtures.now)
            #expect(try await queue.read { db in try String.fetchOne(db, sql: "SELECT commitment FROM tenant_head") } != nil)
            #expect(try await migrated.verify(tenant: Fixtures.tenantID).isEmpty)
            #expect(
                try await queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM usage_event WHERE seal = ''") } == 0,
                "the usage rows written before seals are sealed at the first write")

            // And the table takes `failed` now, and still refuses a status it does not know
            try queue.inTransaction { db in
                let id = try #require(try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM system_event"))
                try db.execute(sql: "UPDATE system_event SET status = 'failed' WHERE id = ?", arguments: [id])
                #expect(throws: DatabaseError.self) {
                    try db.execute(sql: "UPDATE system_event SET status = 'paused' WHERE id = ?", arguments: [id])
                }
                return .rollback
            }
            await migrated.close()
        }
    }

    /// Re-seals the copied heads and users as a release before the state commitment sealed them.
    static func sealAsBefore(_ db: Database, sealer: Sealer) throws {
        for row in try Row.fetchAll(db, sql: "SELECT * FROM tenant_head") {
            let tenant: String = row["tenant_id"]
            let head = TenantHead(
                version: row["version"], auditSequence: row["audit_sequence"], auditSeal: row["audit_seal"],
                eventIDs: (row["event_ids"] as String).split(separator: ",").compactMap { Int64($0) })
            try db.execute(
                sql: "UPDATE tenant_head SET seal = ? WHERE tenant_id = ?",
                arguments: [sealer.seal(head.sealBytes(tenant: tenant)), tenant])
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM user") {
            let user = User(
                id: row["id"], userName: row["user_name"], displayName: row["display_name"], email: row["email"],
                type: UserType(rawValue: row["type"]) ?? .system, canLogIn: row["can_log_in"], retired: row["retired"],
                waitingForApproval: row["waiting_for_approval"], isAdministrator: row["is_administrator"])
            let tenant: String = row["tenant_id"]
            try db.execute(
                sql: "UPDATE user SET seal = ? WHERE tenant_id = ? AND id = ?",
                arguments: [sealer.seal(user.legacySealBytes(tenant: tenant)), tenant, user.id])
        }
    }

    /// The system_event table as SQLite describes it, and its rows.
    @Test("a write's read of what its users hold searches the user index, whatever the tenant's size")
    func heldByUsersUsesTheUserIndex() async throws {
        try await TemporaryStore.with(.sqlite) { temporary in
            let queue = try DatabaseQueue(path: temporary.databasePath)
            let plan = try await queue.read { db in
                try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN " + LicenseEngine<SQLiteBackend>.heldByUsersQuery(users: 3),
                    arguments: ["acme", 1, 2, 3]
                ).map { $0["detail"] as String }
            }
            try queue.close()
            // (Before v8 the planner took the primary key's covering index, searched by tenant alone: every write read
            // all of the tenant's assignments.)
            #expect(
                plan.count == 1 && plan[0].contains("COVERING INDEX assignment_by_user (tenant_id=? AND user_id=?)"), "\(plan)")
        }
    }

    struct Shape: Equatable {
        var migrations: [String]
        var tableSQL: String
        var columns: [String]
        var indexes: [String]
        var foreignKeys: [String]
        var rows: [[DatabaseValue]]
    }

    static func shape(_ db: Database) throws -> Shape {
        Shape(
            migrations: try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"),
            tableSQL: try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'system_event'")
                ?? "",
            columns: try Row.fetchAll(db, sql: "PRAGMA table_info(system_event)").map {
                "\($0["cid"] as Int) \($0["name"] as String) \($0["type"] as String) notnull \($0["notnull"] as Int) "
                    + "default \(($0["dflt_value"] as String?) ?? "-") pk \($0["pk"] as Int)"
            },
            indexes: try String.fetchAll(
                db,
                sql:
                    "SELECT name || ': ' || COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name = 'system_event' ORDER BY name"
            ),
            foreignKeys: try Row.fetchAll(db, sql: "PRAGMA foreign_key_list(system_event)").map {
                "\($0["from"] as String) → \($0["table"] as String)(\($0["to"] as String))"
            },
            rows: try Row.fetchAll(db, sql: "SELECT * FROM system_event ORDER BY tenant_id, id").map { Array($0.databaseValues) })
    }
}
