import Foundation
import HummingbirdBcrypt
import LicenseCore
import LicenseStore
import OpenAPIRuntime

/// `/api/v1/tenants/{tenant}/users` and their licenses: generated operations (`tags: users, assignments`). The check
/// and the login check are registered by hand (`ChecksController`).
extension TenantAPI {
    /// Users per transaction of an import: the write lock is held for one batch at a time, so checks of other writers
    /// wait at most that long.
    static let importBatchSize = 500

    /// The most keys a list of `PUT …/users/{user}/licenses` may hold: far more than a package has modules, so a bigger
    /// body is a mistake.
    static let desiredKeyLimit = 256

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let snapshot = try await snapshots.snapshot(try CurrentRequest.current().tenant())
        return .ok(.init(body: .json(.init(users: UserReport.all(in: snapshot, now: Date()).map(Components.Schemas.User.init)))))
    }

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        let context = try CurrentRequest.current()
        let tenant = try context.tenant()
        guard case .json(let body) = input.body else { throw APIError.badRequest("the request body is empty; expected JSON") }
        var hash: String?
        if let password = body.password {
            guard body.isAdministrator == true else { throw APIError.invalid("only administrators have a password") }
            try PasswordPolicy.validate(password)
            hash = Bcrypt.hash(password, cost: 10)
        }
        let draft = NewUser(
            userName: body.userName, displayName: body.displayName, email: body.email,
            type: try NullableEnum.value(body._type, as: UserType.self, field: "type") ?? .employee,
            canLogIn: body.canLogIn ?? false,
            isAdministrator: body.isAdministrator ?? false, passwordHash: hash)
        let user = try await store.addUsers(tenant: tenant, [draft], actor: context.actor, now: Date())[0]
        let report = UserReport.make(user, in: try await snapshots.snapshot(tenant), now: Date())
        return .created(.init(body: .json(.init(report))))
    }

    /// A long job: the users in batches, its progress on a user-import event (GET …/events, the Status tab).
    func importUsers(_ input: Operations.ImportUsers.Input) async throws -> Operations.ImportUsers.Output {
        let context = try CurrentRequest.current()
        let tenant = try context.tenant()
        guard case .csv(let file) = input.body else { throw APIError.badRequest("the request body is empty; expected CSV") }
        let users = try UserCSV.parse(try await Data(collecting: file, upTo: ServerLimits.importLimit))
        do {
            let result = try await store.importUsers(
                tenant: tenant, users, source: nil, actor: context.actor, now: { Date() }, batchSize: Self.importBatchSize,
                progress: nil)
            return .created(.init(body: .json(try .init(converting: result))))
        } catch {
            // A failed import keeps the batches before the one that failed.
            snapshots.invalidate(tenant)
            throw error
        }
    }

    func getUser(_ input: Operations.GetUser.Input) async throws -> Operations.GetUser.Output {
        let name = try PathValue.name(input.path.userName, field: "userName")
        let snapshot = try await snapshots.snapshot(try CurrentRequest.current().tenant())
        guard let user = snapshot.user(named: name) else { throw APIError.notFound("unknown user '\(name)'") }
        return .ok(.init(body: .json(.init(UserReport.make(user, in: snapshot, now: Date())))))
    }

    func updateUser(_ input: Operations.UpdateUser.Input) async throws -> Operations.UpdateUser.Output {
        let context = try CurrentRequest.current()
        let tenant = try context.tenant()
        let name = try PathValue.name(input.path.userName, field: "userName")
        guard case .json(let body) = input.body else { throw APIError.badRequest("the request body is empty; expected JSON") }
        let changes = UserChanges(
            canLogIn: body.canLogIn, retired: body.retired, waitingForApproval: body.waitingForApproval,
            isAdministrator: body.isAdministrator, type: try NullableEnum.value(body._type, as: UserType.self, field: "type"),
            displayName: body.displayName.map { .some($0) }, email: body.email.map { .some($0) })
        let user = try await store.updateUser(
            tenant: tenant, userName: name, changes: changes, actor: context.actor, now: Date())
        let report = UserReport.make(user, in: try await snapshots.snapshot(tenant), now: Date())
        return .ok(.init(body: .json(.init(report))))
    }

    func deleteUser(_ input: Operations.DeleteUser.Input) async throws -> Operations.DeleteUser.Output {
        let context = try CurrentRequest.current()
        let name = try PathValue.name(input.path.userName, field: "userName")
        try await store.deleteUser(tenant: try context.tenant(), userName: name, actor: context.actor, now: Date())
        return .noContent(.init())
    }

    func getUserLicenses(_ input: Operations.GetUserLicenses.Input) async throws -> Operations.GetUserLicenses.Output {
        let name = try PathValue.name(input.path.userName, field: "userName")
        return .ok(.init(body: .json(try await licenses(of: name, tenant: try CurrentRequest.current().tenant()))))
    }

    /// One decision for the user's licenses: every removal and insert in one transaction, or a 409 naming every
    /// shortfall with nothing changed.
    func changeUserLicenses(_ input: Operations.ChangeUserLicenses.Input) async throws -> Operations.ChangeUserLicenses.Output {
        let name = try PathValue.name(input.path.userName, field: "userName")
        guard case .json(let body) = input.body else { throw APIError.badRequest("the request body is empty; expected JSON") }
        let desired = DesiredLicenses(
            plans: try Self.moduleKeys(body.plans, field: "plans"), modules: try Self.moduleKeys(body.modules, field: "modules"))
        let context = try CurrentRequest.current()
        let tenant = try context.tenant()
        do {
            _ = try await store.changeLicenses(tenant: tenant, userName: name, to: desired, actor: context.actor, now: Date())
        } catch LicenseInputError.unknownModule(let module) {
            // A key of the body, not the path's resource (the user): 422, as for any other bad value of the body.
            throw APIError.invalidInBody(.unknownModule(module))
        }
        return .ok(.init(body: .json(try await licenses(of: name, tenant: tenant))))
    }

    func assignLicense(_ input: Operations.AssignLicense.Input) async throws -> Operations.AssignLicense.Output {
        let context = try CurrentRequest.current()
        let name = try PathValue.name(input.path.userName, field: "userName")
        let key = try PathValue.module(owner: input.path.owner, module: input.path.module)
        let rows = try await store.assign(
            tenant: try context.tenant(), userName: name, module: key, actor: context.actor, now: Date())
        return .ok(.init(body: .json(.init(userName: name, module: key.description, assigned: rows.map(\.key.description)))))
    }

    func unassignLicense(_ input: Operations.UnassignLicense.Input) async throws -> Operations.UnassignLicense.Output {
        let context = try CurrentRequest.current()
        let name = try PathValue.name(input.path.userName, field: "userName")
        let key = try PathValue.module(owner: input.path.owner, module: input.path.module)
        let rows = try await store.unassign(
            tenant: try context.tenant(), userName: name, module: key, cascade: input.query.cascade ?? false,
            actor: context.actor, now: Date())
        let removed = rows.map { $0.key.description + ($0.viaPlan.map { " (via \($0))" } ?? "") }
        return .ok(.init(body: .json(.init(userName: name, module: key.description, removed: removed))))
    }

    /// The user's effective licenses, as `GET …/users/{user}/licenses` answers them.
    private func licenses(of name: String, tenant: String) async throws -> Components.Schemas.UserLicenses {
        let snapshot = try await snapshots.snapshot(tenant)
        guard let user = snapshot.user(named: name) else { throw APIError.notFound("unknown user '\(name)'") }
        let modules = UserReport.make(user, in: snapshot, now: Date()).modules
        return .init(userName: name, modules: try modules.map { try .init(converting: $0) })
    }

    /// `owner.module` keys parsed and validated; a bad one is a 422 naming the list and the key's position.
    private static func moduleKeys(_ texts: [String], field: String) throws -> [ModuleKey] {
        guard texts.count <= desiredKeyLimit else {
            throw APIError.invalid("\(field) has \(texts.count) keys; at most \(desiredKeyLimit)")
        }
        var keys: [ModuleKey] = []
        for (index, text) in texts.enumerated() {
            do {
                keys.append(try ModuleKey(parsing: text))
            } catch {
                throw APIError.invalid("\(field)[\(index)]: \(error.description)")
            }
        }
        return keys
    }
}
