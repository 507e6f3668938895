import LicenseCore

/// What the activation preview template shows: the new license's changes per license and what blocks it.
struct PreviewView {
    struct Row {
        var name: String
        var label: String
        var type: String
        var currentTotal: String
        var inUse: String
        var newTotal: String
        var added: String
        var addedClass: String
        var newFree: String
        var unrestricted: Bool
        var blocking: Bool
        var mustRemove: String
        var dialogID: String
        var removeHref: String
    }

    var csrf: String
    var owner: String
    var fileName: String
    var issuedAt: String
    var previousIssuedAt: String
    var canActivate: Bool
    var blockingCount: Int
    var blockingText: String
    var rows: [Row]
    var dialogs: [RemoveDialogView]

    init(csrf: String, preview: ActivationPreview, fileName: String, snapshot: TenantSnapshot) {
        self.csrf = csrf
        owner = preview.owner
        self.fileName = fileName
        issuedAt = AdminFormat.dateTime(preview.issuedAt)
        previousIssuedAt = AdminFormat.dateTime(preview.previousIssuedAt)
        canActivate = preview.canBeActivated
        let blocking = preview.blocking
        blockingCount = blocking.count
        blockingText =
            blocking.count == 1
            ? "1 license is below what is in use." : "\(blocking.count) licenses are below what is in use."
        let current = snapshot.owners[preview.owner]
        func label(_ name: String) -> String { current?.modules[name]?.description ?? name }
        // The rows that need action first, then the ones that change, then the rest, each in the package's order.
        let ordered = preview.modules.enumerated().sorted { lhs, rhs in
            func rank(_ diff: ModuleDiff) -> Int { diff.mustRemove > 0 ? 0 : diff.added != 0 ? 1 : 2 }
            return (rank(lhs.element), lhs.offset) < (rank(rhs.element), rhs.offset)
        }.map(\.element)
        rows = ordered.map { diff in
            let added =
                diff.added > 0
                ? "+\(AdminFormat.number(diff.added))" : diff.added < 0 ? "−\(AdminFormat.number(-diff.added))" : "0"
            return Row(
                name: diff.name, label: label(diff.name), type: AdminFormat.moduleType(diff.type),
                currentTotal: AdminFormat.number(diff.currentTotal),
                inUse: diff.type == .site ? "—" : AdminFormat.number(diff.inUse), newTotal: AdminFormat.number(diff.newTotal),
                added: added, addedClass: diff.added > 0 ? "up" : diff.added < 0 ? "down" : "same",
                newFree: diff.type == .site ? "—" : (diff.unrestricted ? "Unrestricted" : AdminFormat.number(diff.newFree)),
                unrestricted: diff.unrestricted, blocking: diff.mustRemove > 0, mustRemove: AdminFormat.number(diff.mustRemove),
                dialogID: "remove-\(diff.name)",
                removeHref:
                    "/admin/activation/remove?module=\(AdminPath.query(ModuleKey(owner: diff.owner, module: diff.name).description))"
            )
        }
        dialogs = blocking.map { diff in
            let key = ModuleKey(owner: diff.owner, module: diff.name)
            let isSatellite = diff.type == .satellite
            let holders = diff.holders.enumerated().map { index, name -> RemoveDialogView.Holder in
                let id = "remove-\(diff.name)-\(index)"
                if isSatellite {
                    return .init(id: id, value: "satellite:\(name)", label: name, note: "satellite database")
                }
                let display = snapshot.user(named: name)?.displayName.map { "\(name) – \($0)" } ?? name
                let target = AdminActivationController.removalTarget(userName: name, module: key, snapshot: snapshot)
                let note =
                    target == key
                    ? "assigned directly" : "through the plan \(label(target.module)); removing it removes the plan"
                return .init(id: id, value: "user:\(name)", label: display, note: note)
            }
            return RemoveDialogView(
                csrf: csrf, id: "remove-\(diff.name)", titleID: "remove-\(diff.name)-title",
                title: "Remove superfluous licenses: \(label(diff.name))", moduleKey: key.description,
                moduleLabel: label(diff.name), newTotal: AdminFormat.number(diff.newTotal), inUse: AdminFormat.number(diff.inUse),
                mustRemove: AdminFormat.number(diff.mustRemove), holders: holders, isSatellite: isSatellite)
        }
    }
}
