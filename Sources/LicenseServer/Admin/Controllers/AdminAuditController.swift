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
