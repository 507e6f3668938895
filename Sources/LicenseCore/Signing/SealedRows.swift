import Foundation

/// Rows written locally carry a seal over these canonical encodings (see `docs/canonical-encoding.md`).
/// Each includes the tenant id, so a row copied to another tenant is void there.
extension Tenant {
    public var sealBytes: [UInt8] {
        var e = CanonicalEncoder(context: "licensing/tenant/v1")
        e.add("tenant", id)
        e.add("companyName", companyName)
        e.add("serialNumber", serialNumber)
        e.add("databaseType", databaseType.rawValue)
        e.add("databaseOwner", databaseOwner)
        e.add("trustRoot", trustRoot)
        e.add("createdAt", createdAt)
        return e.bytes
    }
}

extension User {
    /// Version 2 covers the password hash too, so a hash copied onto another user voids that user's row.
    public func sealBytes(tenant: String, passwordHash: String?) -> [UInt8] {
        var e = CanonicalEncoder(context: "licensing/user/v2")
        e.add("tenant", tenant)
        e.add("id", id)
        e.add("userName", userName)
        e.add("type", type.rawValue)
        e.add("canLogIn", canLogIn)
        e.add("retired", retired)
        e.add("waitingForApproval", waitingForApproval)
        e.add("isAdministrator", isAdministrator)
        e.add("passwordHash", passwordHash)
        return e.bytes
    }

    /// Version 1, without the password hash: read only in a tenant whose head predates the state commitment, whose
    /// first write re-seals its users with version 2.
    public func legacySealBytes(tenant: String) -> [UInt8] {
        var e = CanonicalEncoder(context: "licensing/user/v1")
        e.add("tenant", tenant)
        e.add("id", id)
        e.add("userName", userName)
        e.add("type", type.rawValue)
        e.add("canLogIn", canLogIn)
        e.add("retired", retired)
        e.add("waitingForApproval", waitingForApproval)
        e.add("isAdministrator", isAdministrator)
        return e.bytes
    }
}

extension Assignment {
    public func sealBytes(tenant: String) -> [UInt8] {
        var e = CanonicalEncoder(context: "licensing/assignment/v1")
        e.add("tenant", tenant)
        e.add("owner", owner)
        e.add("module", module)
        e.add("userID", userID)
        e.add("viaPlan", viaPlan)
        e.add("createdAt", createdAt)
        e.add("createdBy", createdBy)
        e.add("comment", comment)
        return e.bytes
    }
}

extension Satellite {
    public func sealBytes(tenant: String) -> [UInt8] {
        var e = CanonicalEncoder(context: "licensing/satellite/v1")
        e.add("tenant", tenant)
        e.add("name", name)
        e.add("createdAt", createdAt)
        return e.bytes
    }
}

extension SatelliteAssignment {
    public func sealBytes(tenant: String) -> [UInt8] {
        var e = CanonicalEncoder(context: "licensing/satellite-assignment/v1")
        e.add("tenant", tenant)
        e.add("owner", owner)
        e.add("module", module)
        e.add("satellite", satellite)
        e.add("createdAt", createdAt)
        e.add("createdBy", createdBy)
        return e.bytes
    }
}

/// One entry of the audit log; `previousSeal` chains it to the entry before.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var sequence: Int64
    public var at: Date
    public var actor: String
    public var action: String
    public var target: String
    public var before: String?
    public var after: String?
    public var previousSeal: String

    public init(
        sequence: Int64, at: Date, actor: String, action: String, target: String, before: String?, after: String?,
        previousSeal: String
    ) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.before = before
        self.after = after
        self.previousSeal = previousSeal
    }

    public func sealBytes(tenant: String) -> [UInt8] {
        var e = CanonicalEncoder(context: "licensing/audit/v1")
        e.add("tenant", tenant)
        e.add("sequence", sequence)
        e.add("at", at)
        e.add("actor", actor)
        e.add("action", action)
        e.add("target", target)
        e.add("before", before)
        e.add("after", after)
        e.add("previousSeal", previousSeal)
        return e.bytes
    }
}

/// The head of a tenant's audit chain, its write version and the ids of its system events, kept in one sealed row:
/// a deleted audit entry or event row is found by comparing with it.
public struct TenantHead: Sendable, Equatable {
    public var version: Int64
    public var auditSequence: Int64
    public var auditSeal: String
    /// The ids of the tenant's system events, ascending.
    public var eventIDs: [Int64]
    /// The state the head commits to (DESIGN §6a); nil in a head written before commitments existed, until the next
    /// write records one.
    public var commitment: StateCommitment?

    public init(
        version: Int64, auditSequence: Int64, auditSeal: String, eventIDs: [Int64] = [], commitment: StateCommitment? = nil
    ) {
        self.version = version
        self.auditSequence = auditSequence
        self.auditSeal = auditSeal
        self.eventIDs = eventIDs
        self.commitment = commitment
    }

    /// Version 1 (no commitment) stays readable: a head written before commitments existed keeps its seal.
    public func sealBytes(tenant: String) -> [UInt8] { sealBytes(tenant: tenant, commitmentText: commitment?.canonicalText) }

    /// The same, with the commitment's text already made (`commitment?.canonicalText`).
    public func sealBytes(tenant: String, commitmentText: String?) -> [UInt8] {
        var e = CanonicalEncoder(context: commitment == nil ? "licensing/tenant-head/v1" : "licensing/tenant-head/v2")
        e.add("tenant", tenant)
        e.add("auditSequence", auditSequence)
        e.add("auditSeal", auditSeal)
        e.add("eventIDs", eventIDs.map(String.init).joined(separator: ","))
        if commitment != nil { e.add("commitment", commitmentText) }
        return e.bytes
    }
}

extension UsageEvent {
    /// A stored usage event: what an invoice is computed from, so an edit voids it.
    public func sealBytes(tenant: String, receivedAt: Int64) -> [UInt8] {
        var e = CanonicalEncoder(context: "licensing/usage-event/v1")
        e.add("tenant", tenant)
        e.add("id", id)
        e.add("service", service)
        e.add("quantity", quantity)
        e.add("occurredAt", occurredAt as Date?)
        e.add("subject", subject)
        e.add("receivedAt", receivedAt)
        return e.bytes
    }
}

/// A month's aggregate of one service, as stored: what the report and the invoice read.
public struct UsageMonthRow: Sendable, Equatable {
    public var month: String
    public var service: String
    public var value: Int64
    public var events: Int64
    public var users: Int64

    public init(month: String, service: String, value: Int64, events: Int64, users: Int64) {
        self.month = month
        self.service = service
        self.value = value
        self.events = events
        self.users = users
    }

    public func sealBytes(tenant: String) -> [UInt8] {
        var e = CanonicalEncoder(context: "licensing/usage-month/v1")
        e.add("tenant", tenant)
        e.add("month", month)
        e.add("service", service)
        e.add("value", value)
        e.add("events", events)
        e.add("users", users)
        return e.bytes
    }
}
