import Foundation

/// A system event to raise.
public struct EventDraft: Sendable, Equatable {
    public var key: String
    public var scope: SystemEvent.Scope
    public var scopeOwner: String?
    public var message: String
    public var expectedFinish: Date?
    public var systemWide: Bool
    public var progressDone: Int?
    public var progressTotal: Int?

    public init(
        key: String, scope: SystemEvent.Scope = .system, scopeOwner: String? = nil, message: String,
        expectedFinish: Date? = nil, systemWide: Bool? = nil, progressDone: Int? = nil, progressTotal: Int? = nil
    ) {
        self.key = key
        self.scope = scope
        self.scopeOwner = scopeOwner
        self.message = message
        self.expectedFinish = expectedFinish
        self.systemWide = systemWide ?? (scope == .system)
        self.progressDone = progressDone
        self.progressTotal = progressTotal
    }
}

/// Changes to an event; nil leaves a field as it is.
public struct EventChanges: Sendable, Equatable {
    public var message: String?
    /// `.some(nil)` clears the expected finish.
    public var expectedFinish: Date??
    public var progressDone: Int?
    public var progressTotal: Int?

    public init(message: String? = nil, expectedFinish: Date?? = nil, progressDone: Int? = nil, progressTotal: Int? = nil) {
        self.message = message
        self.expectedFinish = expectedFinish
        self.progressDone = progressDone
        self.progressTotal = progressTotal
    }
}

/// DESIGN §9: what may be raised, what conflicts, what ends by itself, what the system raises on its own.
public enum EventRule {
    /// The event types an administrator picks from; the system raises the others.
    public static let administratorKeys = [
        SystemEvent.noLogin, "no-freetext", "no-travel", SystemEvent.messageOfTheDay,
    ]
    public static let licenseExpiring = "license-expiring"
    public static let userImport = "user-import"

    public static func validate(_ draft: EventDraft) throws(LicenseInputError) {
        guard !draft.key.isEmpty, draft.key.count <= 64,
            draft.key.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        else { throw .invalid(field: "key", reason: "event keys are 1–64 lower case letters, digits or '-'") }
        guard !draft.message.isEmpty else { throw .invalid(field: "message", reason: "must not be empty") }
        try Validate.text(draft.message, field: "message")
        switch draft.scope {
        case .system, .database:
            guard draft.scopeOwner == nil else {
                throw .invalid(field: "owner", reason: "a \(draft.scope.rawValue) event covers everyone and names no owner")
            }
        case .group, .user:
            guard let owner = draft.scopeOwner else {
                throw .invalid(
                    field: "owner", reason: "a \(draft.scope.rawValue) event needs an owner (the \(draft.scope.rawValue) name)")
            }
            try Validate.identifier(owner, field: "owner")
        }
        if let done = draft.progressDone, let total = draft.progressTotal, done < 0 || total < 0 || done > total {
            throw .invalid(field: "progress", reason: "must satisfy 0 ≤ done ≤ total")
        }
    }

    /// At most one active event per (key, scope, owner).
    public static func checkNoConflict(_ draft: EventDraft, active: [SystemEvent], now: Date) throws {
        if let other = active.first(where: {
            $0.key == draft.key && $0.scope == draft.scope && $0.scopeOwner == draft.scopeOwner && $0.isActive(at: now)
        }) {
            throw LicenseRefusal(.eventConflict, "an active \(draft.key) event (#\(other.id)) already covers this scope")
        }
    }

    /// Active events whose expected finish has passed: they are finished when next read.
    public static func expired(_ events: [SystemEvent], now: Date) -> [SystemEvent] {
        events.filter { isExpired($0, now: now) }
    }

    /// One `license-expiring` event per owner and package once its admin-warning date has passed.
    public static func expiringDrafts(owners: [String: OwnerLicense], events: [SystemEvent], now: Date) -> [EventDraft] {
        owners.values.sorted { $0.name < $1.name }.compactMap { owner in
            guard let warning = owner.header.adminWarningAt, now >= warning else { return nil }
            let marker = "\(owner.name)@\(ISO8601.string(owner.header.issuedAt))"
            if events.contains(where: { $0.key == licenseExpiring && $0.scopeOwner == marker }) { return nil }
            let expiry = owner.header.expiresAt.map { "expire \(ISO8601.string($0))" } ?? "need renewal"
            return EventDraft(
                key: licenseExpiring, scope: .database, scopeOwner: marker,
                message: "The licenses of \(owner.name) \(expiry)", expectedFinish: owner.header.expiresAt, systemWide: true)
        }
    }

    /// A tamper event per problem row; an active one for the same row means it was reported already.
    public static func tamperDrafts(
        problems: [(table: String, key: String, problem: String)], events: [SystemEvent]
    ) -> [EventDraft] {
        problems.compactMap { problem in
            let owner = String("\(problem.table):\(problem.key)".prefix(128))
            if events.contains(where: { $0.key == SystemEvent.tamperDetected && $0.scopeOwner == owner && $0.status == .active })
            {
                return nil
            }
            return EventDraft(
                key: SystemEvent.tamperDetected, scope: .database, scopeOwner: owner,
                message: "Tampering detected in \(problem.table) \(problem.key): \(problem.problem)", systemWide: true)
        }
    }

    public static func apply(_ changes: EventChanges, to event: SystemEvent) throws -> SystemEvent {
        var event = event
        if let message = changes.message {
            guard !message.isEmpty else { throw LicenseInputError.invalid(field: "message", reason: "must not be empty") }
            try Validate.text(message, field: "message")
            event.message = message
        }
        if let finish = changes.expectedFinish { event.expectedFinish = finish?.wholeSeconds }
        if let done = changes.progressDone { event.progressDone = done }
        if let total = changes.progressTotal { event.progressTotal = total }
        if let done = event.progressDone, let total = event.progressTotal, done < 0 || done > total {
            throw LicenseInputError.invalid(field: "progress", reason: "must satisfy 0 ≤ done ≤ total")
        }
        return event
    }
}
