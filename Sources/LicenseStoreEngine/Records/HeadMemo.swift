import Foundation
import LicenseCore

/// Remembers, per tenant, the last head row read or written and what reading it found (the parsed head, whether its
/// seal holds), keyed by exactly the stored values.
///
/// Every write reads its tenant's head; parsing the commitment's text and checking the seal again for the same stored
/// values was most of the CPU a write spent on the commitment. Any change to any column of the row misses, so the memo
/// answers only what reading those very values would answer.
final class HeadMemo: @unchecked Sendable {
    /// The stored values of a head row, by column name.
    struct Values: Equatable {
        fileprivate let columns: [String: SQLValue]

        init(_ row: SQLRow) { columns = Dictionary(zip(row.columns.names, row.values)) { first, _ in first } }
        init(_ columns: [(name: String, value: SQLValue)]) {
            self.columns = Dictionary(columns.map { ($0.name, $0.value) }) { first, _ in first }
        }
    }

    private struct Entry {
        var values: Values
        var record: TenantHeadRecord
        var isIntact: Bool
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    /// Bounds the memory: the memo is emptied when it would hold more tenants than this.
    private let capacity = 10_000

    func lookup(tenant: String, _ values: Values) -> (record: TenantHeadRecord, isIntact: Bool)? {
        lock.withLock {
            guard let entry = entries[tenant], entry.values == values else { return nil }
            return (entry.record, entry.isIntact)
        }
    }

    func remember(tenant: String, _ values: Values, record: TenantHeadRecord, isIntact: Bool) {
        lock.withLock {
            if entries.count >= capacity, entries[tenant] == nil { entries.removeAll() }
            entries[tenant] = Entry(values: values, record: record, isIntact: isIntact)
        }
    }
}
