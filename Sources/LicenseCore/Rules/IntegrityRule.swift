import Foundation

/// Refusals on rows whose seal is broken: a store loads a row, checks its seal and asks here before it writes.
public enum IntegrityRule {
    /// Refuses to write on a tenant whose row has been tampered with.
    public static func requireIntactTenant(_ id: String, isIntact: Bool) throws {
        guard isIntact else {
            throw LicenseRefusal(
                .integrity, "the tenant row of '\(id)' has been tampered with (seal broken); run 'licensing verify'")
        }
    }

    /// Refuses to decide anything for a user whose row has been tampered with.
    public static func requireIntactUser(_ userName: String, isIntact: Bool) throws {
        guard isIntact else {
            throw LicenseRefusal(.integrity, "the row of user '\(userName)' has been tampered with (seal broken)")
        }
    }

    /// Refuses to assign a module whose stored row (or its owner's set of rows) fails its signature: the row is there
    /// but grants nothing, which is an integrity problem, not an unknown name.
    public static func requireIntactModule(_ key: ModuleKey, isIntact: Bool) throws {
        guard isIntact else {
            throw LicenseRefusal(
                .integrity, "the license row of \(key) has been tampered with (signature broken); run 'licensing verify'")
        }
    }

    /// Refuses to write on a tenant whose sealed head does not verify: what it commits to cannot be trusted, so nothing
    /// is built on it until an administrator has looked (`licensing verify`, then `licensing repair --accept-current`).
    public static func requireIntactHead(_ id: String, isIntact: Bool) throws {
        guard isIntact else {
            throw LicenseRefusal(
                .integrity,
                "the sealed head of tenant '\(id)' does not verify (edited, restored, or another installation key): writes are blocked; run 'licensing verify'"
            )
        }
    }

    /// Refuses to add usage to, or bill, a month whose aggregate has been tampered with.
    public static func requireIntactUsageMonth(_ row: UsageMonthRow, isIntact: Bool) throws {
        guard isIntact else {
            throw LicenseRefusal(
                .integrity,
                "the usage of \(row.service) in \(row.month) has been tampered with (seal broken); run 'licensing verify'")
        }
    }

    /// Refuses to change an event whose row has been tampered with.
    public static func requireIntactEvent(_ id: Int64, isIntact: Bool) throws {
        guard isIntact else {
            throw LicenseRefusal(.integrity, "event #\(id) has been tampered with (seal broken)")
        }
    }
}
