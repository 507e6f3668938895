import Foundation

/// A system event (DESIGN §9): maintenance windows, "no login", message of the day, and what the system raises.
public struct SystemEvent: Sendable, Equatable, Codable {
    public enum Scope: String, Codable, Sendable, CaseIterable { case system, database, group, user }
    /// `active` until it ends: `finished` (by hand, at its expected finish, or a long job that completed),
    /// `cancelled`, or `failed` (a long job that stopped before its end; the message says why, see
    /// `EventRule.fail`). Only an active event has any effect.
    public enum Status: String, Codable, Sendable, CaseIterable { case active, finished, cancelled, failed }

    public static let noLogin = "no-login"
    public static let messageOfTheDay = "message-of-the-day"
    public static let licenseActivated = "license-activated"
    public static let tamperDetected = "tamper-detected"
    public static let thresholdCrossed = "threshold-crossed"

    public var id: Int64
    public var key: String
    public var scope: Scope
    /// What the scope names: a user name for `user`, a group name for `group`; nil for `system` and `database`.
    public var scopeOwner: String?
    public var status: Status
    public var message: String
    public var activatedAt: Date
    public var activatedBy: String
    public var expectedFinish: Date?
    public var finishedAt: Date?
    public var systemWide: Bool
    public var progressDone: Int?
    public var progressTotal: Int?

    public init(
        id: Int64, key: String, scope: Scope = .system, scopeOwner: String? = nil, status: Status = .active,
        message: String, activatedAt: Date, activatedBy: String, expectedFinish: Date? = nil, finishedAt: Date? = nil,
        systemWide: Bool = true, progressDone: Int? = nil, progressTotal: Int? = nil
    ) {
        self.id = id
        self.key = key
        self.scope = scope
        self.scopeOwner = scopeOwner
        self.status = status
        self.message = message
        self.activatedAt = activatedAt
        self.activatedBy = activatedBy
        self.expectedFinish = expectedFinish
        self.finishedAt = finishedAt
        self.systemWide = systemWide
        self.progressDone = progressDone
        self.progressTotal = progressTotal
    }

    /// Active at `now`: status active and its expected finish, if any, not yet passed.
    public func isActive(at now: Date) -> Bool {
        status == .active && (expectedFinish.map { now < $0 } ?? true)
    }

    /// Whether the event concerns this user (system and database scope cover everyone).
    public func covers(userName: String) -> Bool {
        switch scope {
        case .system, .database: true
        case .user: scopeOwner == userName
        case .group: false
        }
    }

    public func sealBytes(tenant: String) -> [UInt8] {
        var e = CanonicalEncoder(context: "licensing/system-event/v1")
        e.add("tenant", tenant)
        e.add("id", id)
        e.add("key", key)
        e.add("scope", scope.rawValue)
        e.add("scopeOwner", scopeOwner)
        e.add("status", status.rawValue)
        e.add("message", message)
        e.add("activatedAt", activatedAt)
        e.add("activatedBy", activatedBy)
        e.add("expectedFinish", expectedFinish)
        e.add("finishedAt", finishedAt)
        e.add("systemWide", systemWide)
        return e.bytes
    }
}
