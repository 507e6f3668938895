import Foundation
import Hummingbird
import LicenseCore
import LicenseStore

/// Activation in steps (DESIGN §7): load a package from a file, review the preview, remove superfluous licenses while
/// any module would fall below its use, activate, see what changed. The package stays in the session between steps.
struct AdminActivationController {
    let ui: AdminUI

    func register(on group: RouterGroup<AdminContext>) {
        group.get("activation") { _, context in
            let (session, _, _) = try context.signedIn()
            return await uploadPage(
                context: context, view: UploadView(csrf: session.csrf, pendingFileName: session.pendingFileName))
        }

        group.post("activation/upload") { _, context in
            let (session, tenant, _) = try context.signedIn()
            guard let file = context.form.file("package"), !file.data.isEmpty else {
                var view = UploadView(csrf: session.csrf, pendingFileName: nil)
                view.error = "Choose the license file you received (a .license file) and try again."
                return await uploadPage(context: context, view: view, status: .unprocessableContent)
            }
            guard file.data.count <= ServerLimits.packageLimit else { throw AdminError.tooLarge }
            do {
                _ = try await ui.store.previewActivation(tenant: tenant, package: file.data, now: Date())
            } catch {
                guard let message = await ui.describe(error, tenant: tenant) else { throw error }
                var view = UploadView(csrf: session.csrf, pendingFileName: nil)
                view.error = "This license cannot be activated: \(message)"
                return await uploadPage(context: context, view: view, status: .unprocessableContent)
            }
            let name = String(file.fileName.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "license")
            ui.sessions.update(id: session.id) {
                $0.pendingPackage = file.data
                $0.pendingFileName = String(name.prefix(120))
            }
            return Response.redirect(to: "/admin/activation/preview")
        }

        group.get("activation/preview") { _, context in
            let (session, tenant, _) = try context.signedIn()
            guard let package = session.pendingPackage else { return Response.redirect(to: "/admin/activation") }
            let preview: ActivationPreview
            do {
                preview = try await ui.store.previewActivation(tenant: tenant, package: package, now: Date())
            } catch {
                guard let message = await ui.describe(error, tenant: tenant) else { throw error }
                clearPending(session)
                var view = UploadView(csrf: session.csrf, pendingFileName: nil)
                view.error = "The loaded license can no longer be activated: \(message)"
                return await uploadPage(context: context, view: view, status: .conflict)
            }
            let snapshot = try await ui.snapshots.snapshot(tenant)
            let view = PreviewView(
                csrf: session.csrf, preview: preview, fileName: session.pendingFileName ?? "license", snapshot: snapshot)
            return await ui.page(
                .activationPreview, view, title: "Review the new license", section: .licenses, context: context)
        }

        group.get("activation/remove") { request, context in
            let (session, tenant, _) = try context.signedIn()
            guard let package = session.pendingPackage else { return Response.redirect(to: "/admin/activation") }
            let module = request.uri.queryParameters["module"].map(String.init) ?? ""
            let preview = try await ui.store.previewActivation(tenant: tenant, package: package, now: Date())
            let snapshot = try await ui.snapshots.snapshot(tenant)
            let view = PreviewView(
                csrf: session.csrf, preview: preview, fileName: session.pendingFileName ?? "license", snapshot: snapshot)
            guard var dialog = view.dialogs.first(where: { $0.moduleKey == module }) else {
                return ui.redirect(
                    "/admin/activation/preview", context: context, .info, "Nothing more has to be removed for \(module).")
            }
            dialog.inDialog = false
            return await ui.page(.activationRemove, dialog, title: dialog.title, section: .licenses, context: context)
        }

        group.post("activation/remove") { _, context in
            let (session, tenant, _) = try context.signedIn()
            let form = context.form
            guard let keyText = form["module"], let key = try? ModuleKey(parsing: keyText) else {
                throw AdminError.invalid("The form did not say which license to remove.")
            }
            let chosen = form.all("holder")
            guard !chosen.isEmpty else {
                return ui.redirect(
                    "/admin/activation/preview", context: context, .error, "Choose at least one holder to remove \(key) from.")
            }
            let cascade = form.isOn("cascade")
            var removed: [String] = []
            var problems: [String] = []
            let snapshot = try await ui.snapshots.snapshot(tenant)
            for holder in chosen {
                do {
                    if holder.hasPrefix("satellite:") {
                        let name = String(holder.dropFirst("satellite:".count))
                        try await ui.store.unassignSatellite(
                            tenant: tenant, satellite: name, module: key, actor: session.actor, now: Date())
                        removed.append(name)
                    } else if holder.hasPrefix("user:") {
                        let name = String(holder.dropFirst("user:".count))
                        let target = Self.removalTarget(userName: name, module: key, snapshot: snapshot)
                        _ = try await ui.store.unassign(
                            tenant: tenant, userName: name, module: target, cascade: cascade, actor: session.actor, now: Date())
                        removed.append(target == key ? name : "\(name) (plan \(target.module))")
                    }
                } catch {
                    guard let message = await ui.describe(error, tenant: tenant) else { throw error }
                    problems.append(message)
                }
            }
            ui.snapshots.invalidate(tenant)
            if !removed.isEmpty {
                ui.sessions.flash(id: session.id, .success, "Removed \(key) from \(removed.joined(separator: ", ")).")
            }
            if !problems.isEmpty {
                ui.sessions.flash(id: session.id, .error, "Not removed: " + problems.joined(separator: "; "))
            }
            return Response.redirect(to: "/admin/activation/preview")
        }

        group.post("activation/activate") { _, context in
            let (session, tenant, _) = try context.signedIn()
            guard let package = session.pendingPackage else { return Response.redirect(to: "/admin/activation") }
            let result: ActivationPreview
            do {
                result = try await ui.store.activate(tenant: tenant, package: package, actor: session.actor, now: Date())
            } catch {
                guard let message = await ui.describe(error, tenant: tenant) else { throw error }
                return ui.redirect("/admin/activation/preview", context: context, .error, "Not activated: \(message)")
            }
            guard result.canBeActivated else {
                return ui.redirect(
                    "/admin/activation/preview", context: context, .error,
                    "Not activated: \(result.reason ?? "some licenses are below what is in use").")
            }
            ui.snapshots.invalidate(tenant)
            ui.sessions.update(id: session.id) {
                $0.pendingPackage = nil
                $0.pendingFileName = nil
                $0.lastActivation = result
            }
            return Response.redirect(to: "/admin/activation/done")
        }

        group.post("activation/cancel") { _, context in
            let (session, _, _) = try context.signedIn()
            clearPending(session)
            return ui.redirect(
                "/admin/licenses", context: context, .info, "The loaded license was discarded; nothing was changed.")
        }

        group.get("activation/done") { _, context in
            let (session, tenant, _) = try context.signedIn()
            guard let result = session.lastActivation else { return Response.redirect(to: "/admin/licenses") }
            let snapshot = try await ui.snapshots.snapshot(tenant)
            let view = DoneView(result: result, snapshot: snapshot)
            return await ui.page(.activationDone, view, title: "New license activated", section: .licenses, context: context)
        }
    }

    private func uploadPage(context: AdminContext, view: UploadView, status: HTTPResponse.Status = .ok) async -> Response {
        await ui.page(
            .activationUpload, view, title: "Load license from file", section: .licenses, context: context, status: status)
    }

    private func clearPending(_ session: AdminSession) {
        ui.sessions.update(id: session.id) {
            $0.pendingPackage = nil
            $0.pendingFileName = nil
        }
    }

    /// What to unassign so a user no longer holds `module`: the module itself when assigned directly, else the plan
    /// it comes with.
    static func removalTarget(userName: String, module: ModuleKey, snapshot: TenantSnapshot) -> ModuleKey {
        guard let user = snapshot.user(named: userName) else { return module }
        let rows = snapshot.assignments(of: user).filter { $0.key == module }
        if rows.contains(where: \.isDirect) { return module }
        if let plan = rows.compactMap(\.viaPlan).first { return ModuleKey(owner: module.owner, module: plan) }
        return module
    }
}
