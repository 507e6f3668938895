import Foundation
import Hummingbird
import LicenseCore
import LicenseStore

/// The audit log, newest first, a page at a time.
struct AdminAuditController {
    let ui: AdminUI
    static let pageSize = 25

    func register(on group: RouterGroup<AdminContext>) {
        group.get("audit") { request, context in
            let (session, tenant, _) = try context.signedIn()
            var before: Int64?
            if let text = request.uri.queryParameters["before"].map(String.init), !text.isEmpty {
                guard let value = Int64(text), value > 1 else { throw AdminError.invalid("The page address is not valid.") }
                before = value
            }
            // One more than a page tells whether an older page exists.
            let entries = try await ui.store.audit(tenant: tenant, before: before, limit: Self.pageSize + 1)
            let page = Array(entries.prefix(Self.pageSize))
            let view = AuditView(
                csrf: session.csrf, entries: page, olderCursor: entries.count > Self.pageSize ? page.last?.sequence : nil,
                isFirstPage: before == nil)
            return await ui.page(.audit, view, title: "Audit log", section: .audit, context: context)
        }
    }
}

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
