import LicenseCore

/// What the audit template shows: a page of the audit log, newest first, and the link to older entries.
struct AuditView {
    struct Row {
        var sequence: Int64
        var at: String
        var actor: String
        var actorSource: String?
        var action: String
        var target: String
        var before: String
        var after: String
    }

    var csrf: String
    var rows: [Row]
    var hasRows: Bool
    var olderHref: String?
    var isFirstPage: Bool
    var range: String

    init(csrf: String, entries: [AuditEntry], olderCursor: Int64?, isFirstPage: Bool) {
        self.csrf = csrf
        rows = entries.map { entry in
            let actor = AdminFormat.actor(entry.actor)
            return Row(
                sequence: entry.sequence, at: AdminFormat.dateTime(entry.at), actor: actor.name, actorSource: actor.source,
                action: entry.action, target: entry.target, before: Self.short(entry.before), after: Self.short(entry.after))
        }
        hasRows = !rows.isEmpty
        olderHref = olderCursor.map { "/admin/audit?before=\($0)" }
        self.isFirstPage = isFirstPage
        if let first = entries.first, let last = entries.last {
            range = "Entries \(last.sequence)–\(first.sequence)"
        } else {
            range = "No entries"
        }
    }

    static func short(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "—" }
        return text.count > 160 ? String(text.prefix(158)) + "…" : text
    }
}
