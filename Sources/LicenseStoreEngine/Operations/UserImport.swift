import Foundation
import LicenseCore
import LicenseStore

// MARK: - A user import: a long job with its event

extension LicenseEngine {
    public func importUsers(
        tenant: String, _ users: [NewUser], source: String?, actor: String, now: @escaping @Sendable () -> Date,
        batchSize: Int, progress: (@Sendable (Int) async -> Void)?
    ) async throws -> UserImport {
        try UserImportRule.validate(users)
        let batches = try UserImportRule.batches(count: users.count, size: batchSize)
        let draft = EventRule.userImportDraft(total: users.count, source: source)
        try EventRule.validate(draft)

        // One transaction: no user name taken (else nothing is written) and the event raised, progress 0 of N.
        let event = try await write(tenant: tenant, timeout: longTimeout) { s in
            _ = try self.requireIntactTenant(s, tenant)
            try self.requireFreeUserNames(s, tenant: tenant, users.map(\.userName))
            let at = now()
            let event = try self.raiseEvent(s, tenant: tenant, draft: draft, actor: actor, now: at, replacingActive: false)
            try self.appendAudit(
                s, tenant: tenant, actor: actor, action: "event.add", target: "#\(event.id) \(event.key)", before: nil,
                after: event.message, now: at)
            return event
        }

        var imported = 0
        do {
            for batch in batches {
                let done = imported + batch.count
                let slice = Array(users[batch])
                // The batch and the progress it makes commit together: the event never claims a user not added.
                try await write(tenant: tenant, timeout: longTimeout) { s in
                    _ = try self.requireIntactTenant(s, tenant)
                    var record = try self.requireEvent(s, tenant: tenant, id: event.id)
                    record.event = try EventRule.recordProgress(record.event, done: done)
                    try self.insertUsers(
                        s, tenant: tenant, slice, actor: actor, now: now(),
                        note: "\(event.key) #\(event.id), \(done) of \(users.count)")
                    try self.save(s, &record)
                }
                imported = done
                await progress?(imported)
            }
            let finished = try await write(tenant: tenant) { s in
                _ = try self.requireIntactTenant(s, tenant)
                var record = try self.requireEvent(s, tenant: tenant, id: event.id)
                let at = now()
                record.event = try EventRule.finishUserImport(record.event, source: source, now: at)
                try self.save(s, &record)
                try self.appendAudit(
                    s, tenant: tenant, actor: actor, action: "event.finish", target: "#\(event.id) \(event.key)",
                    before: "active", after: "finished: \(record.event.message)", now: at)
                return record.event
            }
            return UserImport(imported: imported, event: finished)
        } catch {
            let message = EventRule.userImportFailure(
                imported: imported, total: users.count, source: source, cause: Self.reason(error))
            let failed = await markFailed(tenant: tenant, id: event.id, reason: message, actor: actor, now: now)
            throw UserImportFailed(imported: imported, total: users.count, event: failed, cause: error, message: message)
        }
    }

    /// Marks a long job's event failed with `reason`; nil when that cannot be written (the event then stays as it was).
    ///
    /// Runs as a task of its own, so that a caller cancelled meanwhile (a client gone) still leaves no event active for
    /// a job that has stopped. The tenant need not be intact: that a job stopped is written down regardless, as a
    /// tamper event is.
    private func markFailed(
        tenant: String, id: Int64, reason: String, actor: String, now: @escaping @Sendable () -> Date
    ) async -> SystemEvent? {
        try? await Task {
            try await self.write(tenant: tenant) { s in
                var record = try self.requireEvent(s, tenant: tenant, id: id)
                let before = record.event.message
                let at = now()
                record.event = try EventRule.fail(record.event, reason: reason, now: at)
                try self.save(s, &record)
                try self.appendAudit(
                    s, tenant: tenant, actor: actor, action: "event.fail", target: "#\(id) \(record.event.key)", before: before,
                    after: record.event.message, now: at)
                return record.event
            }
        }.value
    }

    /// Why a job stopped, in words for its event.
    static func reason(_ error: any Error) -> String {
        switch error {
        case let refusal as LicenseRefusal: refusal.message
        case let unavailable as StoreUnavailable: "the database is unavailable: \(unavailable.message)"
        case is CancellationError: "the import was cancelled"
        case let error as any CustomStringConvertible: error.description
        default: String(describing: error)
        }
    }
}
