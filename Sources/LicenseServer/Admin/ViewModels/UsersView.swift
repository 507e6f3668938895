import Foundation
import LicenseCore

/// What the users template shows: the users, filtered by a license, with their plans and licenses.
struct UsersView {
    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    struct OptionGroup {
        var label: String
        var options: [Option]
    }

    struct Row {
        var userName: String
        var href: String
        var displayName: String
        var type: String
        var canLogIn: String
        var retired: Bool
        var isAdministrator: Bool
        var plans: String
        var licenses: String
    }

    var csrf: String
    var groups: [OptionGroup]
    var noFilter: Bool
    var filterLabel: String?
    var rows: [Row]
    var shown: Int
    var total: Int

    init(csrf: String, snapshot: TenantSnapshot, filter: ModuleKey?, now: Date) {
        self.csrf = csrf
        let owners = LicenseListReport.make(from: snapshot, now: now).owners
        groups = owners.map { owner in
            let modules = owner.modules.filter { $0.type == .user }.sorted {
                ($0.isPlan ? 0 : 1, $0.name) < ($1.isPlan ? 0 : 1, $1.name)
            }
            return OptionGroup(
                label: owner.name,
                options: modules.map { module in
                    let key = ModuleKey(owner: owner.name, module: module.name)
                    return Option(
                        value: key.description,
                        label: (module.description ?? module.name)
                            + (module.isPlan ? " (plan)" : module.hidden ? " (hidden)" : ""),
                        selected: key == filter)
                })
        }
        noFilter = filter == nil
        filterLabel = filter.map { key in snapshot.module(key)?.description ?? key.description }
        let users = snapshot.users().sorted { $0.userName < $1.userName }
        total = users.count
        rows = users.compactMap { user in
            let effective = snapshot.effectiveModules(of: user.userName, now: now)
            if let filter, effective[filter] == nil { return nil }
            var plans: [String] = []
            var licenses: [String] = []
            for (key, source) in effective.sorted(by: { $0.key < $1.key }) where source != .site {
                guard let module = snapshot.module(key), !module.hidden else { continue }
                if module.isPlan {
                    plans.append(module.description ?? key.module)
                } else {
                    licenses.append(module.description ?? key.module)
                }
            }
            return Row(
                userName: user.userName, href: AdminPath.user(user.userName), displayName: user.displayName ?? "",
                type: AdminFormat.userType(user.type), canLogIn: AdminFormat.yesNo(user.canLogIn), retired: user.retired,
                isAdministrator: user.isAdministrator, plans: plans.isEmpty ? "—" : plans.joined(separator: ", "),
                licenses: licenses.isEmpty ? "—" : licenses.joined(separator: ", "))
        }
        shown = rows.count
    }
}
