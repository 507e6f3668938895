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
                guard let parsed = try? ModuleKey(parsing: filter), snapshot.module(parsed) != nil else {
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
        let choice = UserLicenseChoice(user: user, form: form, snapshot: snapshot)
        guard !choice.changes.isEmpty else { return outcome }
        do {
            _ = try await ui.store.changeLicenses(
                tenant: tenant, userName: user.userName, to: choice.desired, actor: actor, now: now)
            outcome.done += choice.changes
        } catch {
            guard let message = await ui.describe(error, tenant: tenant) else { throw error }
            // Refused means nothing changed; say which plans are still held, as the database has them now.
            ui.snapshots.invalidate(tenant)
            let held = try await ui.snapshots.snapshot(tenant).assignments(of: user).filter(\.isDirect)
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

    init(user: User, form: AdminForm, snapshot: TenantSnapshot) {
        let held = snapshot.assignments(of: user)
        let wanted = Set(form.all("license").compactMap { try? ModuleKey(parsing: $0) })
        var removed: [String] = []
        var plans: [String] = []
        var added: [String] = []
        for owner in snapshot.owners.values.sorted(by: { $0.name < $1.name }) {
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
