import Foundation
import LicenseCore

/// What the user template shows: the details and switches, and per owner the plan and the licenses as a tree.
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
        let assignments = snapshot.assignments(of: user)
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
