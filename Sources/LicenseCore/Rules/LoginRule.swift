import Foundation

/// The client a login comes from; it needs the module of the same name.
public enum LoginClient: String, Codable, Sendable, CaseIterable {
    case web, windows
}

/// Stable reason codes of checks and login checks.
public enum CheckReason: String, Codable, Sendable, CaseIterable {
    case granted
    case unknownUser = "unknown-user"
    case unknownModule = "unknown-module"
    case notLicensed = "not-licensed"
    case ownerExpired = "owner-expired"
    case userRetired = "user-retired"
    case cannotLogIn = "cannot-log-in"
    case waitingForApproval = "waiting-for-approval"
    case missingUserLicense = "missing-user-license"
    case missingClientLicense = "missing-client-license"
    case tenantIntegrity = "tenant-integrity"
    case userIntegrity = "user-integrity"
    /// The module's row (or its owner's set of rows) fails its signature: it grants nothing.
    case moduleIntegrity = "module-integrity"
    case noLoginEvent = "no-login-event"
    /// A system event row is edited, deleted or put back: a blocking event may be hidden, so the login is denied.
    case eventIntegrity = "event-integrity"
}

public struct CheckDecision: Sendable, Equatable, Codable {
    public var granted: Bool
    public var reason: CheckReason
    public init(granted: Bool, reason: CheckReason) {
        self.granted = granted
        self.reason = reason
    }
    public static let granted = CheckDecision(granted: true, reason: .granted)
    public static func denied(_ reason: CheckReason) -> CheckDecision { CheckDecision(granted: false, reason: reason) }
}

public struct LoginDecision: Sendable, Equatable, Codable {
    public var allowed: Bool
    public var reasons: [CheckReason]
    public var messageOfTheDay: String?
    /// The message of an active no-login event that denied the login.
    public var noLoginMessage: String?

    enum CodingKeys: String, CodingKey { case allowed, reasons, messageOfTheDay, noLoginMessage }

    /// `messageOfTheDay` is always present (null when there is none).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(allowed, forKey: .allowed)
        try c.encode(reasons, forKey: .reasons)
        try c.encode(messageOfTheDay, forKey: .messageOfTheDay)
        try c.encodeIfPresent(noLoginMessage, forKey: .noLoginMessage)
    }
}

/// DESIGN §7 "Login check".
public enum LoginRule {
    /// The module every login needs, besides the client's module.
    public static let userModule = "user"
    /// The vendor: the owner whose `user`, `web` and `windows` modules allow logins and are counted as users.
    /// A partner's module of the same name does not allow a login.
    public static let vendorOwner = "SUPEROFFICE"

    public static func decide(
        user: User?, isUserIntact: Bool, hasModule: (String) -> Bool, client: LoginClient, isTenantIntact: Bool,
        areEventsIntact: Bool = true, events: [SystemEvent], now: Date
    ) -> LoginDecision {
        // The most specific message of the day that covers the user: a user-scoped one before a system-wide one.
        let motd = events.filter { event in
            event.key == SystemEvent.messageOfTheDay && event.isActive(at: now)
                && (user.map { event.covers(userName: $0.userName) } ?? (event.scope == .system || event.scope == .database))
        }.max { ($0.scope == .user ? 1 : 0, $0.id) < ($1.scope == .user ? 1 : 0, $1.id) }?.message
        var reasons: [CheckReason] = []
        if !isTenantIntact { reasons.append(.tenantIntegrity) }
        guard let user else {
            return LoginDecision(allowed: false, reasons: reasons + [.unknownUser], messageOfTheDay: motd)
        }
        if !isUserIntact { reasons.append(.userIntegrity) }
        if user.retired { reasons.append(.userRetired) }
        if !user.canLogIn { reasons.append(.cannotLogIn) }
        if user.waitingForApproval { reasons.append(.waitingForApproval) }
        if !hasModule(userModule) { reasons.append(.missingUserLicense) }
        if !hasModule(client.rawValue) { reasons.append(.missingClientLicense) }
        var blockMessage: String?
        if !user.isAdministrator && !areEventsIntact { reasons.append(.eventIntegrity) }
        if !user.isAdministrator,
            let block = events.first(where: {
                $0.key == SystemEvent.noLogin && $0.isActive(at: now) && $0.covers(userName: user.userName)
            })
        {
            reasons.append(.noLoginEvent)
            blockMessage = block.message
        }
        return LoginDecision(allowed: reasons.isEmpty, reasons: reasons, messageOfTheDay: motd, noLoginMessage: blockMessage)
    }
}
