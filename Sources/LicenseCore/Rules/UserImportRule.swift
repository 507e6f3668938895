import Foundation

/// An import of users, a long job (DESIGN §9): its input is checked whole before anything is written, then the users
/// are added a batch at a time. What its `user-import` event says is `EventRule`'s (`EventRule+UserImport.swift`).
public enum UserImportRule {
    /// Every row a valid new user, no user name twice, at least one row; otherwise the error names the first bad row
    /// (counted from 1, in the order given).
    public static func validate(_ users: [NewUser]) throws(LicenseInputError) {
        guard !users.isEmpty else { throw .invalid(field: "users", reason: "the import has no users") }
        var rows: [String: Int] = [:]
        rows.reserveCapacity(users.count)
        for (index, user) in users.enumerated() {
            let row = index + 1
            do {
                try user.validate()
            } catch {
                throw .invalid(field: "row \(row)", reason: error.description)
            }
            if let first = rows[user.userName] {
                throw .invalid(field: "row \(row)", reason: "user '\(user.userName)' is also on row \(first)")
            }
            rows[user.userName] = row
        }
    }

    /// The positions of each batch of an import of `count` users, `size` at a time, in order; the last may be smaller.
    public static func batches(count: Int, size: Int) throws(LicenseInputError) -> [Range<Int>] {
        guard size >= 1 else { throw .invalid(field: "batchSize", reason: "must be at least 1") }
        return stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }
}
