import Foundation
import Hummingbird
import LicenseCore
import LicenseStore

/// Users: the list with a filter by license, adding a user, and a user's page with the plan per owner, the licenses
/// nested under their prerequisites, and the can-log-in and retired switches.
struct AdminUsersController {
    let ui: AdminUI

    func register(on group: RouterGroup<AdminContext>) {
        group.get("users") { request, context in
            let (session, tenant, _) = try context.signedIn()
            let snapshot = try await ui.snapshots.snapshot(tenant)
            let filter = request.uri.queryParameters["license"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
            var key: ModuleKey?
            if let filter {
                guard let parsed = try? ModuleKey(parsing: filter), snapshot.state.module(parsed) != nil else {
                    throw AdminError.notFound("There is no license \(filter) to filter by.")
                }
                key = parsed
            }
            let view = UsersView(csrf: session.csrf, snapshot: snapshot, filter: key, now: Date())
            return await ui.page(.users, view, title: "Users", section: .users, context: context)
        }

        group.get("users/new") { _, context in
            let (session, _, _) = try context.signedIn()
            return await ui.page(
                .userNew, NewUserView(csrf: session.csrf), title: "Add user", section: .users, context: context)
        }

        group.post("users") { _, context in
            let (session, tenant, _) = try context.signedIn()
            let form = context.form
            let userName = form["userName"] ?? ""
            let type = UserType(rawValue: form["type"] ?? "employee") ?? .employee
            let draft = NewUser(
                userName: userName, displayName: form["displayName"], email: form["email"], type: type,
                canLogIn: form.isOn("canLogIn"))
            do {
                guard !userName.isEmpty else { throw AdminError.invalid("Enter a user name.") }
                _ = try await ui.store.addUsers(tenant: tenant, [draft], actor: session.actor, now: Date())
            } catch {
                guard let message = await ui.describe(error, tenant: tenant) else { throw error }
                var view = NewUserView(csrf: session.csrf)
                view.fill(draft)
                view.error = message
                return await ui.page(
                    .userNew, view, title: "Add user", section: .users, context: context, status: .unprocessableContent)
            }
            ui.snapshots.invalidate(tenant)
            return ui.redirect(
                AdminPath.user(userName), context: context, .success,
                "Added the user \(userName). Choose a plan and licenses below.")
        }

        group.get("users/:user") { _, context in
            let (session, tenant, _) = try context.signedIn()
            let name = try Self.userName(context)
            let snapshot = try await ui.snapshots.snapshot(tenant)
            guard let user = snapshot.user(named: name) else { throw AdminError.notFound("There is no user called \(name).") }
            let view = UserView(csrf: session.csrf, user: user, snapshot: snapshot, now: Date())
            return await ui.page(.user, view, title: "User \(user.userName)", section: .users, context: context)
        }

        group.post("users/:user") { _, context in
            let (session, tenant, _) = try context.signedIn()
            let name = try Self.userName(context)
            let snapshot = try await ui.snapshots.snapshot(tenant)
            guard let user = snapshot.user(named: name) else { throw AdminError.notFound("There is no user called \(name).") }
            let outcome = try await save(user: user, form: context.form, snapshot: snapshot, tenant: tenant, actor: session.actor)
            ui.snapshots.invalidate(tenant)
            if !outcome.problems.isEmpty {
                ui.sessions.flash(id: session.id, .error, "Some changes were refused: " + outcome.problems.joined(separator: " "))
            }
            if !outcome.done.isEmpty {
                ui.sessions.flash(id: session.id, .success, "Saved: " + outcome.done.joined(separator: "; ") + ".")
            } else if outcome.problems.isEmpty {
                ui.sessions.flash(id: session.id, .info, "Nothing to save: no changes.")
            }
            return Response.redirect(to: AdminPath.user(name))
        }
    }

    static func userName(_ context: AdminContext) throws -> String {
        let raw = try context.parameters.require("user")
        return raw.removingPercentEncoding ?? raw
    }

    struct Outcome {
        var done: [String] = []
        var problems: [String] = []
    }

    /// Applies the form: the details and switches (one write), then the licenses: the plan per owner and the
    /// checked licenses, as one decision (`changeLicenses`), all or nothing. A refusal is reported with its reason.
    private func save(
        user: User, form: AdminForm, snapshot: TenantSnapshot, tenant: String, actor: String
    ) async throws -> Outcome {
        var outcome = Outcome()
        func sentence(_ text: String) -> String { text.hasSuffix(".") ? text : text + "." }
        let now = Date()

        // Details and switches.
        var changes = UserChanges()
        let canLogIn = form.isOn("canLogIn")
        let retired = form.isOn("retired")
        if canLogIn != user.canLogIn { changes.canLogIn = canLogIn }
        if retired != user.retired { changes.retired = retired }
        let displayName = form["displayName"]
        if displayName != user.displayName { changes.displayName = .some(displayName) }
        let email = form["email"]
        if email != user.email { changes.email = .some(email) }
        if changes != UserChanges() {
            do {
                _ = try await ui.store.updateUser(
                    tenant: tenant, userName: user.userName, changes: changes, actor: actor, now: now)
                outcome.done.append("details and switches")
            } catch {
                guard let message = await ui.describe(error, tenant: tenant) else { throw error }
                outcome.problems.append(sentence(message))
            }
        }

        // Licenses: one decision.
        let choice = UserLicenseChoice(user: user, form: form, state: snapshot.state)
        guard !choice.changes.isEmpty else { return outcome }
        do {
            _ = try await ui.store.changeLicenses(
                tenant: tenant, userName: user.userName, to: choice.desired, actor: actor, now: now)
            outcome.done += choice.changes
        } catch {
            guard let message = await ui.describe(error, tenant: tenant) else { throw error }
            // Refused means nothing changed; say which plans are still held, as the database has them now.
            ui.snapshots.invalidate(tenant)
            let held = try await ui.snapshots.snapshot(tenant).state.assignments.filter { $0.userID == user.id && $0.isDirect }
            let kept = choice.replacedPlans.filter { plan in held.contains { $0.key == plan } }
            var text = sentence(message) + " No license was changed"
            if !kept.isEmpty {
                text +=
                    kept.count == 1
                    ? "; the plan \(kept[0]) was kept"
                    : "; the plans \(kept.map(\.description).joined(separator: ", ")) were kept"
            }
            outcome.problems.append(text + ".")
        }
        return outcome
    }
}

/// What the user page's form asks of a user's licenses: the whole set of direct licenses for `changeLicenses`, and
/// the changes in words for the page.
///
/// Per owner with plans, the radio group `plan-OWNER` names the plan or `none`; a form without the group keeps the
/// current plan. The `license` checkboxes cover the visible user licenses that are not plans and do not come only
/// from a plan; direct licenses the form cannot show (hidden ones, say) are kept as they are.
struct UserLicenseChoice {
    var desired = DesiredLicenses()
    /// What changes: removals, plan changes, additions, in the words of the page's messages.
    var changes: [String] = []
    /// The plans the form takes away or replaces.
    var replacedPlans: [ModuleKey] = []

    init(user: User, form: AdminForm, state: TenantLicenseState) {
        let held = state.assignments(of: user.id)
        let wanted = Set(form.all("license").compactMap { try? ModuleKey(parsing: $0) })
        var removed: [String] = []
        var plans: [String] = []
        var added: [String] = []
        for owner in state.owners.values.sorted(by: { $0.name < $1.name }) {
            // The plan.
            let current = held.first { $0.owner == owner.name && $0.isDirect && owner.modules[$0.module]?.isPlan == true }?
                .module
            var chosen = current
            if let choice = form["plan-\(owner.name)"] {
                if choice == "none" {
                    chosen = nil
                } else if owner.modules[choice]?.isPlan == true {
                    chosen = choice
                }
            }
            if let chosen { desired.plans.append(ModuleKey(owner: owner.name, module: chosen)) }
            switch (
                current.map { ModuleKey(owner: owner.name, module: $0) }, chosen.map { ModuleKey(owner: owner.name, module: $0) }
            ) {
            case (nil, let new?): plans.append("assigned the plan \(new)")
            case (let old?, nil):
                plans.append("removed the plan \(old)")
                replacedPlans.append(old)
            case (let old?, let new?) where old != new:
                plans.append("changed the plan from \(old) to \(new)")
                replacedPlans.append(old)
            default: break
            }

            // The other licenses.
            for module in owner.modules.values.sorted(by: { $0.name < $1.name }) where !module.isPlan {
                let key = ModuleKey(owner: owner.name, module: module.name)
                let rows = held.filter { $0.key == key }
                let isDirect = rows.contains(where: \.isDirect)
                let isEditable = module.type == .user && !module.hidden && (rows.isEmpty || isDirect)
                let keeps = isEditable ? wanted.contains(key) : isDirect
                if keeps { desired.modules.append(key) }
                if isDirect && !keeps { removed.append("removed \(key)") }
                if !isDirect && keeps { added.append("assigned \(key)") }
            }
        }
        changes = removed + plans + added
    }
}

// MARK: - View models

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
        filterLabel = filter.map { key in snapshot.state.module(key)?.description ?? key.description }
        let users = snapshot.state.users.values.sorted { $0.userName < $1.userName }
        total = users.count
        rows = users.compactMap { user in
            let effective = snapshot.effectiveModules(of: user.userName, now: now)
            if let filter, effective[filter] == nil { return nil }
            var plans: [String] = []
            var licenses: [String] = []
            for (key, source) in effective.sorted(by: { $0.key < $1.key }) where source != .site {
                guard let module = snapshot.state.module(key), !module.hidden else { continue }
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

struct NewUserView {
    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    var csrf: String
    var userName = ""
    var displayName = ""
    var email = ""
    var types: [Option]
    var canLogIn = true
    var error: String?

    init(csrf: String) {
        self.csrf = csrf
        types = UserType.allCases.map { Option(value: $0.rawValue, label: AdminFormat.userType($0), selected: $0 == .employee) }
    }

    mutating func fill(_ draft: NewUser) {
        userName = draft.userName
        displayName = draft.displayName ?? ""
        email = draft.email ?? ""
        canLogIn = draft.canLogIn
        types = types.map { Option(value: $0.value, label: $0.label, selected: $0.value == draft.type.rawValue) }
    }
}

struct UserView {
    struct Plan {
        var id: String
        var value: String
        var label: String
        var note: String
        var checked: Bool
        var implies: String
    }

    struct ModuleNode {
        var id: String
        var value: String
        var module: String
        var label: String
        var checked: Bool
        var disabled: Bool
        var fromPlan: Bool
        var hint: String
        var children: [ModuleNode]
        var hasChildren: Bool
    }

    struct OwnerBlock {
        var name: String
        var slug: String
        var hasPlans: Bool
        var planName: String
        var noPlanID: String
        var noPlanChecked: Bool
        var plans: [Plan]
        var modules: [ModuleNode]
        var hasModules: Bool
    }

    var csrf: String
    var action: String
    var userName: String
    var displayName: String
    /// The name for the heading; nil when the user has none.
    var displayTitle: String?
    var email: String
    var type: String
    var isAdministrator: Bool
    var canLogIn: Bool
    var retired: Bool
    var waitingForApproval: Bool
    var owners: [OwnerBlock]

    init(csrf: String, user: User, snapshot: TenantSnapshot, now: Date) {
        self.csrf = csrf
        action = AdminPath.user(user.userName)
        userName = user.userName
        displayName = user.displayName ?? ""
        displayTitle = user.displayName.flatMap { $0.isEmpty ? nil : $0 }
        email = user.email ?? ""
        type = AdminFormat.userType(user.type)
        isAdministrator = user.isAdministrator
        canLogIn = user.canLogIn
        retired = user.retired
        waitingForApproval = user.waitingForApproval
        let assignments = snapshot.state.assignments.filter { $0.userID == user.id }
        let effective = snapshot.effectiveModules(of: user.userName, now: now)
        let report = LicenseListReport.make(from: snapshot, now: now)
        owners = report.owners.compactMap { owner -> OwnerBlock? in
            let slug = owner.name.lowercased()
            let byName = Dictionary(owner.modules.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let plans = owner.modules.filter { $0.isPlan }
            let currentPlan = assignments.first { $0.owner == owner.name && $0.isDirect && byName[$0.module]?.isPlan == true }?
                .module
            let planViews = plans.map { plan -> Plan in
                let isCurrent = plan.name == currentPlan
                let free = isCurrent ? "current plan" : plan.free > 0 || plan.unrestricted ? "\(plan.free) free" : "none free"
                return Plan(
                    id: "plan-\(slug)-\(plan.name)", value: plan.name, label: plan.description ?? plan.name, note: free,
                    checked: isCurrent, implies: plan.planModules.joined(separator: " "))
            }
            let licenses = owner.modules.filter { $0.type == .user && !$0.isPlan }
            let names = Set(licenses.map(\.name))
            func node(_ module: LicenseListReport.Module) -> ModuleNode {
                let key = ModuleKey(owner: owner.name, module: module.name)
                let rows = assignments.filter { $0.key == key }
                let isDirect = rows.contains(where: \.isDirect)
                let viaPlan = rows.compactMap(\.viaPlan).first
                let isEffective = effective[key] != nil
                let fromPlan = !isDirect && viaPlan != nil
                let hint: String =
                    if fromPlan { "from the plan \(byName[viaPlan!]?.description ?? viaPlan!)" } else if module.hidden {
                        "comes with a plan"
                    } else if module.unrestricted { "unrestricted" } else { "\(module.free) of \(module.total) free" }
                let children = licenses.filter { $0.prerequisite == module.name }.map(node)
                return ModuleNode(
                    id: "license-\(slug)-\(module.name)", value: key.description, module: module.name,
                    label: module.description ?? module.name, checked: isEffective && (isDirect || fromPlan),
                    disabled: module.hidden || fromPlan, fromPlan: fromPlan, hint: hint, children: children,
                    hasChildren: !children.isEmpty)
            }
            let roots = licenses.filter { $0.prerequisite == nil || !names.contains($0.prerequisite!) }.map(node)
            guard !plans.isEmpty || !roots.isEmpty else { return nil }
            return OwnerBlock(
                name: owner.name, slug: slug, hasPlans: !plans.isEmpty, planName: "plan-\(owner.name)",
                noPlanID: "plan-\(slug)-none", noPlanChecked: currentPlan == nil, plans: planViews, modules: roots,
                hasModules: !roots.isEmpty)
        }
    }
}
