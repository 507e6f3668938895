import Foundation
import LicenseCore
import LicenseStore

/// Moves tenants from one store to another row for row (SQLite to PostgreSQL): signatures, seals and the audit chain
/// are copied as they are, so `verify` on the target passes exactly when it passed on the source. The target must use
/// the source's installation key (the seals are keyed by it).
public enum DataMigration {
    /// Copies `tenants` (every tenant when nil, with the operator tokens) in one transaction of the target, and
    /// returns the number of rows copied per table. A tenant the target already has is refused; nothing is written.
    public static func copy<Source, Target>(
        tenants: [String]?, from source: LicenseEngine<Source>, to target: LicenseEngine<Target>
    ) async throws -> [String: Int] {
        let all = try await source.tenantIDs()
        let chosen = tenants ?? all
        for tenant in chosen where !all.contains(tenant) { throw LicenseInputError.unknownTenant(tenant) }
        let existing = Set(try await target.tenantIDs())
        if let clash = chosen.first(where: existing.contains) {
            throw LicenseInputError.duplicate("tenant '\(clash)' (already in the target database)")
        }
        let owners = chosen + (tenants == nil ? [TokenRecord.operatorTenant] : [])
        let batches = try await source.read(timeout: .seconds(3_600)) { s -> [(table: String, rows: [SQLRow])] in
            var batches: [(table: String, rows: [SQLRow])] = []
            for table in Tables.all {
                for tenant in owners where tenant != TokenRecord.operatorTenant || table == "api_token" {
                    let rows = try s.rows(
                        "SELECT * FROM \(s.dialect.table(table)) WHERE \(Tables.tenantColumn(of: table)) = ?", [.text(tenant)])
                    batches.append((table, rows))
                }
            }
            return batches
        }
        try await target.write(tenant: nil, timeout: .seconds(3_600)) { s in
            for batch in batches {
                guard let columns = batch.rows.first?.columns.names else { continue }
                let perStatement = max(1, 30_000 / columns.count)
                let tuple = "(" + columns.map { _ in "?" }.joined(separator: ", ") + ")"
                for start in stride(from: 0, to: batch.rows.count, by: perStatement) {
                    let slice = batch.rows[start..<min(start + perStatement, batch.rows.count)]
                    try s.execute(
                        "INSERT INTO \(s.dialect.table(batch.table)) (\(columns.joined(separator: ", "))) VALUES "
                            + Array(repeating: tuple, count: slice.count).joined(separator: ", "),
                        slice.flatMap(\.values))
                }
            }
            for tenant in chosen { try s.notifyChange(tenant: tenant) }
            try s.notifyChange(tenant: nil)
        }
        var counts: [String: Int] = [:]
        for batch in batches { counts[batch.table, default: 0] += batch.rows.count }
        return counts
    }
}
