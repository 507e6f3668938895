import LicenseCore

/// What the activation done template shows: what the activated license changed.
struct DoneView {
    struct Change {
        var label: String
        var name: String
        var before: String
        var after: String
        var change: String
        var changeClass: String
        var inUse: String
        var free: String
    }

    var owner: String
    var ownerHref: String
    var issuedAt: String
    var previousIssuedAt: String
    var changes: [Change]
    var hasChanges: Bool
    var unchangedText: String?

    init(result: ActivationPreview, snapshot: TenantSnapshot) {
        owner = result.owner
        ownerHref = "/admin/licenses/\(AdminPath.segment(result.owner))"
        issuedAt = AdminFormat.dateTime(result.issuedAt)
        previousIssuedAt = AdminFormat.dateTime(result.previousIssuedAt)
        let modules = snapshot.owners[result.owner]?.modules ?? [:]
        let changed = result.modules.filter { $0.added != 0 || $0.currentTotal == 0 || $0.newTotal == 0 }
        changes = changed.map { diff in
            let change: String
            let changeClass: String
            if diff.currentTotal == 0 && diff.newTotal > 0 {
                (change, changeClass) = ("New license", "up")
            } else if diff.newTotal == 0 {
                (change, changeClass) = ("Removed", "down")
            } else if diff.added > 0 {
                (change, changeClass) = ("+\(AdminFormat.number(diff.added))", "up")
            } else {
                (change, changeClass) = ("−\(AdminFormat.number(-diff.added))", "down")
            }
            return Change(
                label: modules[diff.name]?.description ?? diff.name, name: diff.name,
                before: AdminFormat.number(diff.currentTotal), after: AdminFormat.number(diff.newTotal), change: change,
                changeClass: changeClass, inUse: diff.type == .site ? "—" : AdminFormat.number(diff.inUse),
                free: diff.type == .site ? "—" : diff.unrestricted ? "Unrestricted" : AdminFormat.number(diff.newFree))
        }
        hasChanges = !changes.isEmpty
        let unchanged = result.modules.count - changed.count
        unchangedText =
            unchanged == 0 ? nil : AdminFormat.count(unchanged, "other license is unchanged.", "other licenses are unchanged.")
    }
}
