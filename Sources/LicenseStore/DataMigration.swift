import Foundation
import GRDB
import LicenseCore

/// Moves tenants from an SQLite store to a PostgreSQL store row for row: signatures, seals and the audit chain are
/// copied as they are, so `verify` on the target passes exactly when it passed on the source. The target must use
/// the source's installation key (the seals are keyed by it).
public enum DataMigration {
    /// The tables of a tenant, parents first.
    static let tables = [
        "tenant", "tenant_head", "license_owner", "module_license", "user", "assignment", "satellite",
        "satellite_assignment", "system_event", "audit_entry", "api_token", "metered_service", "usage_tariff",
        "usage_event", "usage_month", "usage_subject",
    ]

    /// Copies `tenants` (every tenant when nil, with the operator tokens) in one transaction of the target, and
    /// returns the number of rows copied per table. A tenant the target already has is refused; nothing is written.
    public static func copy(
        tenants: [String]?, from source: SQLiteLicenseStore, to target: PostgresLicenseStore
    )
        async throws -> [String: Int]
    {
        let all = try await source.tenantIDs()
        let chosen = tenants ?? all
        for tenant in chosen where !all.contains(tenant) { throw LicenseInputError.unknownTenant(tenant) }
        let existing = Set(try await target.tenantIDs())
        if let clash = chosen.first(where: existing.contains) {
            throw LicenseInputError.duplicate("tenant '\(clash)' (already in the target database)")
        }
        var batches: [(table: String, columns: [String], rows: [[DatabaseValue]])] = []
        for table in tables {
            for tenant in chosen {
                let key = table == "tenant" ? "id" : "tenant_id"
                batches.append(try await source.rawRows(table: table, where: key, equals: tenant))
            }
            if tenants == nil && table == "api_token" {
                batches.append(try await source.rawRows(table: table, where: "tenant_id", equals: TokenRecord.operatorTenant))
            }
        }
        var counts: [String: Int] = [:]
        try await target.insertRaw(batches)
        for batch in batches { counts[batch.table, default: 0] += batch.rows.count }
        return counts
    }
}

extension SQLiteLicenseStore {
    func rawRows(
        table: String, where column: String, equals value: String
    ) async throws
        -> (table: String, columns: [String], rows: [[DatabaseValue]])
    {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" WHERE \(column) = ?", arguments: [value])
            let columns = rows.first.map { Array($0.columnNames) } ?? []
            return (table, columns, rows.map { row in columns.map { row[$0] as DatabaseValue } })
        }
    }
}

extension PostgresLicenseStore {
    func insertRaw(_ batches: [(table: String, columns: [String], rows: [[DatabaseValue]])]) async throws {
        try await write(tenant: nil, timeout: .seconds(3_600)) { session in
            for batch in batches where !batch.rows.isEmpty {
                let perStatement = max(1, 30_000 / batch.columns.count)
                for start in stride(from: 0, to: batch.rows.count, by: perStatement) {
                    let slice = batch.rows[start..<min(start + perStatement, batch.rows.count)]
                    let tuple = "(" + batch.columns.map { _ in "?" }.joined(separator: ", ") + ")"
                    try await session.execute(
                        "INSERT INTO \(PostgresSession.table(batch.table)) (\(batch.columns.joined(separator: ", "))) VALUES "
                            + Array(repeating: tuple, count: slice.count).joined(separator: ", "),
                        slice.flatMap { $0.map { $0 as (any DatabaseValueConvertible)? } })
                }
            }
            try await session.execute("SELECT pg_notify(?, '')", [Self.channel])
            return true
        }
    }
}
