import LicenseCore

// The document's user types from the core's reports, field by field. The users list answers thousands of users: a
// JSON round trip through the core's encoding (`init(converting:)`) made it four times slower (20,000 users: 0.14–0.28 s
// before the generated operations, 0.75–1.4 s through the conversion). UserMappingTests holds the two to the same bytes.

extension Components.Schemas.User {
    init(_ report: UserReport) {
        self.init(
            id: Int(report.id), userName: report.userName, displayName: report.displayName, email: report.email,
            _type: Components.Schemas.UserType(report.type), canLogIn: report.canLogIn, retired: report.retired,
            waitingForApproval: report.waitingForApproval, isAdministrator: report.isAdministrator,
            modules: report.modules.map(Components.Schemas.UserModule.init))
    }
}

extension Components.Schemas.UserModule {
    init(_ module: UserReport.Module) {
        self.init(
            module: module.module, owner: module.owner, name: module.name, source: Components.Schemas.ModuleSource(module.source))
    }
}

extension Components.Schemas.UserType {
    init(_ type: UserType) {
        switch type {
        case .employee: self = .employee
        case .resource: self = .resource
        case .external: self = .external
        case .anonymous: self = .anonymous
        case .system: self = .system
        }
    }
}

extension Components.Schemas.ModuleSource {
    init(_ source: ModuleSource) {
        switch source {
        case .site: self = .site
        case .assigned: self = .assigned
        case .plan: self = .plan
        }
    }
}
