import Foundation

// MARK: - Long jobs: the event of a user import, and what "failed" means

extension EventRule {
    /// The event an import of `total` users raises before it adds anyone: `user-import` for the database, progress 0 of
    /// `total`. `source` names where the users come from (a file name), when there is something to name.
    public static func userImportDraft(total: Int, source: String?) -> EventDraft {
        EventDraft(
            key: userImport, scope: .database, message: "Importing \(users(total))\(from(source))", progressDone: 0,
            progressTotal: total)
    }

    /// The job's event once `done` of its total are done. Only an active event records progress: one finished, failed
    /// or cancelled meanwhile (by an administrator, say) stops the job.
    public static func recordProgress(_ event: SystemEvent, done: Int) throws -> SystemEvent {
        guard event.status == .active else {
            throw LicenseRefusal(
                .eventConflict, "event #\(event.id) (\(event.key)) was \(event.status.rawValue) while the job ran; the job stops")
        }
        guard done >= 0, done <= (event.progressTotal ?? Int.max) else {
            throw LicenseInputError.invalid(field: "progress", reason: "must satisfy 0 ≤ done ≤ total")
        }
        var event = event
        event.progressDone = done
        return event
    }

    /// The import's event at its end: finished at `now`, every user done, the message in the past tense.
    public static func finishUserImport(_ event: SystemEvent, source: String?, now: Date) throws -> SystemEvent {
        var finished = try finish(event, now: now)
        let total = event.progressTotal ?? event.progressDone ?? 0
        finished.progressDone = total
        finished.message = "Imported \(users(total))\(from(source))"
        return finished
    }

    /// What failed means: the job stopped before its end. Only an active event fails; it ends at `now`, as a finished
    /// one does, its progress stays where the job stopped, and its message becomes `reason` (control characters made
    /// spaces, at most 2,000 characters) so that whoever reads the event learns why.
    public static func fail(_ event: SystemEvent, reason: String, now: Date) throws -> SystemEvent {
        guard event.status == .active else {
            throw LicenseRefusal(.eventConflict, "event #\(event.id) is already \(event.status.rawValue)")
        }
        var failed = event
        failed.status = .failed
        failed.finishedAt = now.wholeSeconds
        failed.message = plainText(reason, limit: 2_000)
        return failed
    }

    /// The reason a user import that stopped gives: how far it came, why it stopped, and what became of the users it
    /// had added (they stay).
    public static func userImportFailure(imported: Int, total: Int, source: String?, cause: String) -> String {
        var cause = cause.trimmingCharacters(in: .whitespacesAndNewlines)
        while cause.hasSuffix(".") { cause.removeLast() }
        let kept =
            switch imported {
            case 0: "No user was added."
            case 1: "The 1 user already added stays."
            default: "The \(imported) users already added stay."
            }
        return "Import of \(users(total))\(from(source)) failed after \(imported) of \(total): \(cause). \(kept)"
    }

    private static func users(_ count: Int) -> String { count == 1 ? "1 user" : "\(count) users" }

    private static func from(_ source: String?) -> String {
        guard let source, !source.isEmpty else { return "" }
        return " from \(plainText(source, limit: 200))"
    }

    /// `text` on one line without control characters, at most `limit` characters: an event's message must pass
    /// `Validate.text`.
    private static func plainText(_ text: String, limit: Int) -> String {
        let scalars = text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : Character($0) }
        return String(String(scalars).prefix(limit))
    }
}
