import Foundation
import LicenseCore

/// Who is told of each committed write's change set (the server's snapshot cache), in the order the writes of a
/// tenant committed: the backend calls `ChangeRecorder.didCommit()` while it still holds the tenant's write turn.
public final class ChangeSetListeners: @unchecked Sendable {
    public typealias Listener = @Sendable (_ tenant: String, _ change: SnapshotChange) -> Void

    private let lock = NSLock()
    private var listeners: [Listener] = []

    public init() {}

    /// Adds a listener; it runs on the writing thread, so it must be quick and must not wait.
    public func add(_ listener: @escaping Listener) { lock.withLock { listeners.append(listener) } }

    /// Called by the store once a write has committed.
    public func publish(tenant: String, _ change: SnapshotChange) {
        for listener in lock.withLock({ listeners }) { listener(tenant, change) }
    }
}
