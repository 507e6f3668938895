import Foundation
import Hummingbird
import LicenseCore
import LicenseStore

/// The Licenses screen: one tab per license owner (the vendor first) and the Status tab.
struct AdminLicensesController {
    let ui: AdminUI

    func register(on group: RouterGroup<AdminContext>) {
        group.get("licenses") { _, context in
            let (_, tenant, _) = try context.signedIn()
            let report = LicenseListReport.make(from: try await ui.snapshots.snapshot(tenant), now: Date())
            guard let first = report.owners.first else { return Response.redirect(to: "/admin/status") }
            return Response.redirect(to: "/admin/licenses/\(AdminPath.segment(first.name))")
        }

        group.get("licenses/:owner") { request, context in
            let (session, tenant, _) = try context.signedIn()
            let ownerName = try context.parameters.require("owner").uppercased()
            let now = Date()
            let snapshot = try await ui.snapshots.snapshot(tenant)
            let report = LicenseListReport.make(from: snapshot, now: now)
            guard let owner = report.owners.first(where: { $0.name == ownerName }) else {
                throw AdminError.notFound("There is no license owner called \(ownerName) in this installation.")
            }
            let status = StatusReport.make(from: snapshot, loggedOnUser: nil, now: now)
            let warnings = status.owners.first { $0.name == owner.name }?.warnings ?? []
            var details: LicenseDetailsView?
            if let moduleName = request.uri.queryParameters["module"].map({ String($0).lowercased() }) {
                guard let module = owner.modules.first(where: { $0.name == moduleName }) else {
                    throw AdminError.notFound("\(owner.name) has no license called \(moduleName).")
                }
                let holders = try await ui.store.holders(
                    tenant: tenant, module: ModuleKey(owner: owner.name, module: module.name))
                details = LicenseDetailsView(owner: owner, module: module, holders: holders, snapshot: snapshot)
            }
            let view = OwnerTabView(
                csrf: session.csrf, tabs: AdminTabs.make(owners: report.owners, current: owner.name),
                companyName: report.companyName, serialNumber: report.serialNumber, owner: owner, warnings: warnings,
                selected: details?.module, details: details)
            return await ui.page(
                .owner, view, title: "Licenses – \(owner.name)", section: .licenses, context: context)
        }
    }
}
