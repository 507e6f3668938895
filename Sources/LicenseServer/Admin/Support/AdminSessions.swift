import Foundation
import LicenseCore

/// A one-shot message shown on the next page (post/redirect/get).
struct AdminFlash: Sendable, Equatable {
    enum Kind: String, Sendable { case success, error, info }
    var kind: Kind
    var text: String
}

/// One browser's session, kept on the server: the cookie carries only its random id.
///
/// A session exists before sign-in (it carries the login form's CSRF token) and is replaced by a new one, with a new
/// id, when the administrator signs in, so an id planted before sign-in is worth nothing after it.
struct AdminSession: Sendable {
    let id: String
    /// The token every form of this session must send back.
    let csrf: String
    let createdAt: Date
    var lastSeen: Date
    /// The tenant and administrator signed in; nil before sign-in.
    var tenant: String?
    var userName: String?
    var flashes: [AdminFlash] = []
    /// The uploaded package between preview, "remove superfluous licenses" and activation.
    var pendingPackage: Data?
    var pendingFileName: String?
    /// What the last activation changed, for the confirmation page.
    var lastActivation: ActivationPreview?

    var isSignedIn: Bool { tenant != nil && userName != nil }
    /// The actor recorded in the audit log for changes made through the admin pages.
    var actor: String { "admin:\(userName ?? "?") (web)" }
}

/// A sign-in attempt admitted by `AdminSessionStore.admit`: it counts against its user name until finished.
struct SignInAttempt: Sendable {
    fileprivate let key: String
    fileprivate let id: UInt64
}

enum SignInAdmission: Sendable {
    /// Evaluate the password, then `finish` the attempt.
    case admitted(SignInAttempt)
    /// Refuse without evaluating the password.
    case locked(until: Date)
}

/// One user name's failed sign-ins in the window and its attempts being evaluated, by start time.
private struct AttemptLog {
    var failures: [Date] = []
    var inFlight: [UInt64: Date] = [:]

    /// Drops what is older than the window (an attempt under way for that long is counted no more).
    mutating func prune(now: Date) {
        failures.removeAll { now.timeIntervalSince($0) >= AdminSessionStore.failureWindow }
        inFlight = inFlight.filter { now.timeIntervalSince($0.value) < AdminSessionStore.failureWindow }
    }

    func isEmpty(now: Date) -> Bool {
        (failures + inFlight.values).allSatisfy { now.timeIntervalSince($0) >= AdminSessionStore.failureWindow }
    }

    /// Locked while failures and attempts under way reach the limit; open again a window after the one that
    /// reached it.
    func lockedUntil() -> Date? {
        let counted = (failures + inFlight.values).sorted()
        guard counted.count >= AdminSessionStore.maxFailures else { return nil }
        return counted[counted.count - AdminSessionStore.maxFailures].addingTimeInterval(AdminSessionStore.failureWindow)
    }
}

/// The in-memory session store and the failed-login counter.
///
/// Sessions end after `idleTimeout` without a request or `absoluteTimeout` after sign-in, whichever comes first. The
/// store holds at most `capacity` sessions; when full, expired ones go first, then the oldest that never signed in.
final class AdminSessionStore: @unchecked Sendable {
    static let cookieName = "licensing_admin"
    static let idleTimeout: TimeInterval = 30 * 60
    static let absoluteTimeout: TimeInterval = 12 * 60 * 60
    static let capacity = 10_000
    /// Failed sign-ins per user name that lock it, and the window they are counted in.
    static let maxFailures = 5
    static let failureWindow: TimeInterval = 15 * 60

    private let lock = NSLock()
    private var sessions: [String: AdminSession] = [:]
    private var attempts: [String: AttemptLog] = [:]
    private var nextAttemptID: UInt64 = 0

    // MARK: - Sessions

    /// A new session; signed in when `tenant` and `userName` are given.
    func create(tenant: String? = nil, userName: String? = nil, now: Date) -> AdminSession {
        let session = AdminSession(
            id: Self.randomToken(), csrf: Self.randomToken(), createdAt: now, lastSeen: now, tenant: tenant, userName: userName)
        lock.withLock {
            if sessions.count >= Self.capacity { evict(now: now) }
            sessions[session.id] = session
        }
        return session
    }

    /// The live session with this id, its last-seen time moved to `now`; nil when unknown or expired.
    func session(id: String, now: Date) -> AdminSession? {
        lock.withLock {
            guard var session = sessions[id] else { return nil }
            guard !Self.isExpired(session, now: now) else {
                sessions[id] = nil
                return nil
            }
            session.lastSeen = now
            sessions[id] = session
            return session
        }
    }

    /// Changes a live session in place; returns false when it is gone.
    @discardableResult
    func update(id: String, _ change: (inout AdminSession) -> Void) -> Bool {
        lock.withLock {
            guard var session = sessions[id] else { return false }
            change(&session)
            sessions[id] = session
            return true
        }
    }

    func flash(id: String, _ kind: AdminFlash.Kind, _ text: String) {
        update(id: id) { $0.flashes.append(AdminFlash(kind: kind, text: text)) }
    }

    /// The flashes waiting for this session, removed as they are read.
    func takeFlashes(id: String) -> [AdminFlash] {
        lock.withLock {
            guard let flashes = sessions[id]?.flashes, !flashes.isEmpty else { return [] }
            sessions[id]?.flashes = []
            return flashes
        }
    }

    func remove(id: String) {
        _ = lock.withLock { sessions.removeValue(forKey: id) }
    }

    private static func isExpired(_ session: AdminSession, now: Date) -> Bool {
        now.timeIntervalSince(session.lastSeen) > idleTimeout || now.timeIntervalSince(session.createdAt) > absoluteTimeout
    }

    /// Called with the lock held.
    private func evict(now: Date) {
        sessions = sessions.filter { !Self.isExpired($0.value, now: now) }
        guard sessions.count >= Self.capacity else { return }
        let anonymous = sessions.values.filter { !$0.isSignedIn }.sorted { $0.lastSeen < $1.lastSeen }
        for session in anonymous.prefix(max(1, sessions.count - Self.capacity + 1)) { sessions[session.id] = nil }
        if sessions.count >= Self.capacity, let oldest = sessions.values.min(by: { $0.lastSeen < $1.lastSeen }) {
            sessions[oldest.id] = nil
        }
    }

    // MARK: - Failed sign-ins

    private static func failureKey(tenant: String, userName: String) -> String {
        "\(tenant.lowercased())\u{0}\(userName.lowercased())"
    }

    /// Admits a sign-in attempt before its password is evaluated, or says until when the user name is locked.
    ///
    /// An admitted attempt counts against the user name at once, as if it had failed, until `finish` says otherwise:
    /// however many attempts arrive together, at most `maxFailures` passwords are evaluated per window.
    func admit(tenant: String, userName: String, now: Date) -> SignInAdmission {
        let key = Self.failureKey(tenant: tenant, userName: userName)
        return lock.withLock {
            if attempts.count > 100_000 { attempts = attempts.filter { !$0.value.isEmpty(now: now) } }
            var log = attempts[key] ?? AttemptLog()
            log.prune(now: now)
            if let until = log.lockedUntil() {
                attempts[key] = log
                return .locked(until: until)
            }
            nextAttemptID &+= 1
            log.inFlight[nextAttemptID] = now
            attempts[key] = log
            return .admitted(SignInAttempt(key: key, id: nextAttemptID))
        }
    }

    /// Ends an admitted attempt: a success clears the user name's failures (attempts still being evaluated keep
    /// counting), a failure stays counted. Returns until when the user name is now locked, if it is.
    @discardableResult
    func finish(_ attempt: SignInAttempt, succeeded: Bool, now: Date) -> Date? {
        lock.withLock {
            guard var log = attempts[attempt.key] else { return nil }
            let startedAt = log.inFlight.removeValue(forKey: attempt.id) ?? now
            if succeeded {
                log.failures = []
            } else {
                log.failures.append(startedAt)
            }
            log.prune(now: now)
            attempts[attempt.key] = log.isEmpty(now: now) ? nil : log
            return log.lockedUntil()
        }
    }

    // MARK: - Tokens

    /// 256 random bits, base64url: session ids and CSRF tokens.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Compares two tokens in time that does not depend on where they differ.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
