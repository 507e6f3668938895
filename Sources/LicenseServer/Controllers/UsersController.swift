import Foundation
import Hummingbird
import HummingbirdBcrypt
import LicenseCore
import LicenseStore
import Prometheus

/// `/api/v1/tenants/{tenant}/users`, their licenses, the hot check and the login check.
struct UsersController {
    let store: any LicenseStoring
    let snapshots: SnapshotCache
    let checks: CheckMetrics

    /// Users per transaction of an import: the write lock is held for one batch at a time, so checks of other writers
    /// wait at most that long.
    static let importBatchSize = 500

    struct NewUserBody: Decodable {
        var userName: String
        var type: UserType?
        var canLogIn: Bool?
        var isAdministrator: Bool?
        var displayName: String?
        var email: String?
        /// Only for administrators: the admin pages' password (`PasswordPolicy`), stored as a bcrypt hash.
        var password: String?
    }

    struct UserPatchBody: Decodable {
        var canLogIn: Bool?
        var retired: Bool?
        var waitingForApproval: Bool?
        var isAdministrator: Bool?
        var type: UserType?
        var displayName: String?
        var email: String?
    }

    struct UserLicenses: Codable {
        var userName: String
        var modules: [UserReport.Module]
    }

    /// `PUT …/users/{user}/licenses`: the user's whole set of direct licenses, `owner.module` keys.
    struct DesiredLicensesBody: Decodable {
        var plans: [String]
        var modules: [String]

        /// The most keys a list may hold: far more than a package has modules, so a bigger body is a mistake.
        static let keyLimit = 256

        /// The keys parsed and validated; a bad one is a 422 naming the list and the key's position.
        func parsed() throws -> DesiredLicenses {
            func keys(_ texts: [String], field: String) throws -> [ModuleKey] {
                guard texts.count <= Self.keyLimit else {
                    throw APIError.invalid("\(field) has \(texts.count) keys; at most \(Self.keyLimit)")
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
            return DesiredLicenses(plans: try keys(plans, field: "plans"), modules: try keys(modules, field: "modules"))
        }
    }

    struct AssignBody: Encodable {
        var userName: String
        var module: String
        var assigned: [String]
    }

    struct UnassignBody: Encodable {
        var userName: String
        var module: String
        var removed: [String]
    }

    struct LoginCheckBody: Decodable {
        var client: LoginClient
    }

    func register(on group: RouterGroup<LicenseRequestContext>) {
        group.get("users") { _, context in
            try context.require(.read)
            let snapshot = try await snapshots.snapshot(try context.tenant())
            return try JSONResponse.make(UserListReport(users: UserReport.all(in: snapshot, now: Date())))
        }
        group.post("users") { request, context in
            try context.require(.write)
            let tenant = try context.tenant()
            let body = try await request.decodeJSON(NewUserBody.self, context: context)
            var hash: String?
            if let password = body.password {
                guard body.isAdministrator == true else { throw APIError.invalid("only administrators have a password") }
                try PasswordPolicy.validate(password)
                hash = Bcrypt.hash(password, cost: 10)
            }
            let draft = NewUser(
                userName: body.userName, displayName: body.displayName, email: body.email, type: body.type ?? .employee,
                canLogIn: body.canLogIn ?? false, isAdministrator: body.isAdministrator ?? false, passwordHash: hash)
            let user = try await store.addUsers(tenant: tenant, [draft], actor: context.actor, now: Date())[0]
            return try JSONResponse.make(
                UserReport.make(user, in: try await snapshots.snapshot(tenant), now: Date()), status: .created)
        }
        // A long job: the users in batches, its progress on a user-import event (GET …/events, the Status tab).
        group.post("users/import") { request, context in
            try context.require(.write)
            let tenant = try context.tenant()
            let body = try await request.body.collect(upTo: ServerLimits.importLimit)
            guard body.readableBytes > 0 else { throw APIError.badRequest("the request body is empty; expected CSV") }
            let users = try UserCSV.parse(Data(body.readableBytesView))
            do {
                let result = try await store.importUsers(
                    tenant: tenant, users, source: nil, actor: context.actor, now: { Date() }, batchSize: Self.importBatchSize,
                    progress: nil)
                return try JSONResponse.make(result, status: .created)
            } catch {
                // A failed import keeps the batches before the one that failed.
                snapshots.invalidate(tenant)
                throw error
            }
        }
        group.get("users/:user") { _, context in
            try context.require(.read)
            let name = try PathValue.name(context, "user", field: "userName")
            let snapshot = try await snapshots.snapshot(try context.tenant())
            guard let user = snapshot.user(named: name) else { throw APIError.notFound("unknown user '\(name)'") }
            return try JSONResponse.make(UserReport.make(user, in: snapshot, now: Date()))
        }
        group.patch("users/:user") { request, context in
            try context.require(.write)
            let tenant = try context.tenant()
            let name = try PathValue.name(context, "user", field: "userName")
            let body = try await request.decodeJSON(UserPatchBody.self, context: context)
            let changes = UserChanges(
                canLogIn: body.canLogIn, retired: body.retired, waitingForApproval: body.waitingForApproval,
                isAdministrator: body.isAdministrator, type: body.type,
                displayName: body.displayName.map { .some($0) }, email: body.email.map { .some($0) })
            let user = try await store.updateUser(
                tenant: tenant, userName: name, changes: changes, actor: context.actor, now: Date())
            return try JSONResponse.make(UserReport.make(user, in: try await snapshots.snapshot(tenant), now: Date()))
        }
        group.delete("users/:user") { _, context in
            try context.require(.write)
            let tenant = try context.tenant()
            let name = try PathValue.name(context, "user", field: "userName")
            try await store.deleteUser(tenant: tenant, userName: name, actor: context.actor, now: Date())
            return Response(status: .noContent)
        }
        group.get("users/:user/licenses") { _, context in
            try context.require(.read)
            let name = try PathValue.name(context, "user", field: "userName")
            let snapshot = try await snapshots.snapshot(try context.tenant())
            guard let user = snapshot.user(named: name) else { throw APIError.notFound("unknown user '\(name)'") }
            return try JSONResponse.make(
                UserLicenses(userName: name, modules: UserReport.make(user, in: snapshot, now: Date()).modules))
        }
        // One decision for the user's licenses: every removal and insert in one transaction, or a 409 naming every
        // shortfall with nothing changed.
        group.put("users/:user/licenses") { request, context in
            try context.require(.write)
            let tenant = try context.tenant()
            let name = try PathValue.name(context, "user", field: "userName")
            let desired = try await request.decodeJSON(DesiredLicensesBody.self, context: context).parsed()
            _ = try await store.changeLicenses(tenant: tenant, userName: name, to: desired, actor: context.actor, now: Date())
            let snapshot = try await snapshots.snapshot(tenant)
            guard let user = snapshot.user(named: name) else { throw APIError.notFound("unknown user '\(name)'") }
            return try JSONResponse.make(
                UserLicenses(userName: name, modules: UserReport.make(user, in: snapshot, now: Date()).modules))
        }
        // The hot path: one snapshot look-up, no database, a prepared response.
        group.get("users/:user/licenses/:owner/:module") { _, context in
            try context.require(.check)
            let (name, key) = try CheckResponses.userAndModule(context)
            let decision = try await snapshots.snapshot(try context.tenant()).check(userName: name, module: key)
            checks.record(decision.granted)
            return CheckResponses.response(for: decision)
        }
        group.put("users/:user/licenses/:owner/:module") { _, context in
            try context.require(.write)
            let tenant = try context.tenant()
            let name = try PathValue.name(context, "user", field: "userName")
            let key = try PathValue.module(context)
            let rows = try await store.assign(tenant: tenant, userName: name, module: key, actor: context.actor, now: Date())
            return try JSONResponse.make(
                AssignBody(userName: name, module: key.description, assigned: rows.map(\.key.description)))
        }
        group.delete("users/:user/licenses/:owner/:module") { request, context in
            try context.require(.write)
            let tenant = try context.tenant()
            let name = try PathValue.name(context, "user", field: "userName")
            let key = try PathValue.module(context)
            let cascade = try QueryValue.bool(request, "cascade") ?? false
            let rows = try await store.unassign(
                tenant: tenant, userName: name, module: key, cascade: cascade, actor: context.actor, now: Date())
            return try JSONResponse.make(
                UnassignBody(
                    userName: name, module: key.description,
                    removed: rows.map { $0.key.description + ($0.viaPlan.map { " (via \($0))" } ?? "") }))
        }
        group.post("users/:user/login-check") { request, context in
            try context.require(.check)
            let name = try PathValue.decoded(context, "user")
            let body = try await request.decodeJSON(LoginCheckBody.self, context: context)
            let decision = try await snapshots.snapshot(try context.tenant()).loginCheck(userName: name, client: body.client)
            return try JSONResponse.make(decision)
        }
    }
}

/// Checks granted and denied, for `/metrics`.
struct CheckMetrics: Sendable {
    let granted: Prometheus.Counter
    let denied: Prometheus.Counter

    init(registry: PrometheusCollectorRegistry) {
        granted = registry.makeCounter(descriptor: MetricNames.checks, labels: [("result", "granted")])
        denied = registry.makeCounter(descriptor: MetricNames.checks, labels: [("result", "denied")])
    }

    func record(_ isGranted: Bool) { (isGranted ? granted : denied).increment() }
}

/// The check's answers, encoded once: the hot path returns a prepared response instead of running a JSON encoder.
enum CheckResponses {
    static let responses: [CheckReason: Response] = {
        var responses: [CheckReason: Response] = [:]
        for reason in CheckReason.allCases {
            let decision = CheckDecision(granted: reason == .granted, reason: reason)
            let body = ByteBuffer(bytes: (try? JSONResponse.encoder.encode(decision)) ?? Data())
            responses[reason] = Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
        }
        return responses
    }()

    static func response(for decision: CheckDecision) -> Response {
        responses[decision.reason]
            ?? Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer()))
    }

    /// The user and module of the check's path: `PathValue.decoded(context, "user")` and `PathValue.module(context)`,
    /// with a fast path for the usual names.
    ///
    /// The path values are found by scanning the matched parameters (a look-up by name hashes the name and costs more
    /// than the check itself). Plain ASCII names of letters, digits, `-` and `_` (1–64 bytes) are valid owner
    /// and module names as they are, so only other names take the general path with its decoding, validation and errors.
    static func userAndModule(_ context: LicenseRequestContext) throws -> (user: String, module: ModuleKey) {
        let user = context.pathParameter("user")
        let owner = context.pathParameter("owner")
        let module = context.pathParameter("module")
        guard let user, let owner, let module else {
            return (try PathValue.decoded(context, "user"), try PathValue.module(context))
        }
        let name = try PathValue.decode(String(user), parameter: "user")
        let ownerName = String(owner)
        let moduleName = String(module)
        guard isPlainName(ownerName), isPlainName(moduleName) else { return (name, try PathValue.module(context)) }
        return (name, ModuleKey(owner: ownerName, module: moduleName))
    }

    private static func isPlainName(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { bytes in
            (1...64).contains(bytes.count)
                && bytes.allSatisfy { byte in
                    switch byte {
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                        true
                    default: false
                    }
                }
        }
    }
}
