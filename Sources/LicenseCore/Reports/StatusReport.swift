import Foundation

/// The Status tab's data (DESIGN §11, issue "System events and the status data").
public struct StatusReport: Codable, Sendable, Equatable {
    public struct Database: Codable, Sendable, Equatable {
        public var companyName: String
        public var owner: String?
        public var serialNumber: String
        public var type: DatabaseType
        public var nextExpiry: Date?
        public var loggedOnUser: String?
    }

    public struct Owner: Codable, Sendable, Equatable {
        public var name: String
        public var description: String?
        public var issuedAt: Date
        public var expiresAt: Date?
        public var graceUntil: Date?
        public var maintenanceUntil: Date?
        public var adminWarningAt: Date?
        public var nextCheckAt: Date?
        public var status: OwnerDateStatus
        public var warnings: [String]
    }

    public var database: Database
    public var tenantIntact: Bool
    public var owners: [Owner]
    public var seats: UserCounts
    public var events: [SystemEvent]

    public static func make(from snapshot: TenantSnapshot, loggedOnUser: String?, now: Date) -> StatusReport {
        let state = snapshot
        let owners = LicenseListReport.make(from: snapshot, now: now).owners.map { owner in
            var warnings: [String] = []
            if owner.status.grantsNothing {
                warnings.append("the licenses of \(owner.name) have expired and the grace period is over: they grant nothing")
            } else if owner.status.inGrace {
                warnings.append(
                    "the licenses of \(owner.name) have expired; grace period until \(owner.graceUntil.map(ISO8601.string) ?? "?")"
                )
            } else if owner.status.adminWarning, let expiry = owner.expiresAt {
                warnings.append("the licenses of \(owner.name) expire \(ISO8601.string(expiry))")
            }
            if owner.status.updateCheckDue { warnings.append("time to look for an update of \(owner.name)'s license") }
            return Owner(
                name: owner.name, description: owner.description, issuedAt: owner.issuedAt, expiresAt: owner.expiresAt,
                graceUntil: owner.graceUntil, maintenanceUntil: owner.maintenanceUntil,
                adminWarningAt: owner.adminWarningAt, nextCheckAt: owner.nextCheckAt, status: owner.status,
                warnings: warnings)
        }
        let nextExpiry = owners.compactMap(\.expiresAt).filter { $0 > now }.min()
        let events = state.events.sorted { lhs, rhs in
            let l = lhs.isActive(at: now) ? 0 : 1
            let r = rhs.isActive(at: now) ? 0 : 1
            return (l, -lhs.activatedAt.timeIntervalSince1970, -lhs.id) < (r, -rhs.activatedAt.timeIntervalSince1970, -rhs.id)
        }
        return StatusReport(
            database: Database(
                companyName: state.tenant.companyName, owner: state.tenant.databaseOwner,
                serialNumber: state.tenant.serialNumber, type: state.tenant.databaseType, nextExpiry: nextExpiry,
                loggedOnUser: loggedOnUser),
            tenantIntact: state.isTenantIntact, owners: owners, seats: snapshot.userCounts(activeOnly: false, now: now),
            events: events)
    }
}
