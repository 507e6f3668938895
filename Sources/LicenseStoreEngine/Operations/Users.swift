import Foundation
import LicenseCore
import LicenseStore

extension LicenseEngine {
    public func addUsers(tenant: String, _ users: [NewUser], actor: String, now: Date) async throws -> [User] {
        for user in users { try user.validate() }
        let names = users.map(\.userName)
        if let duplicate = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw LicenseInputError.duplicate("user '\(duplicate)' (twice in the input)")
        }
        return try await write(tenant: tenant, timeout: longTimeout) { s in
            _ = try self.requireIntactTenant(s, tenant)
            return try self.insertUsers(s, tenant: tenant, users, actor: actor, now: now)
        }
    }

    public func updateUser(tenant: String, userName: String, changes: UserChanges, actor: String, now: Date) async throws -> User
    {
        try changes.validate()
        return try await write(tenant: tenant) { s in
            _ = try self.requireIntactTenant(s, tenant)
            var record = try self.requireUser(s, tenant: tenant, userName: userName)
            let before = record.user
            record.user = changes.applied(to: before)
            if let hash = changes.passwordHash { record.passwordHash = hash }
            record.seal = self.sealer.seal(record.sealBytes)
            try self.replace(s, tenant: tenant, record, key: ["tenant_id", "id"])
            try self.appendAudit(
                s, tenant: tenant, actor: actor, action: "user.update", target: userName, before: AuditText.user(before),
                after: AuditText.user(record.user), now: now)
            return record.user
        }
    }

    public func deleteUser(tenant: String, userName: String, actor: String, now: Date) async throws {
        try await write(tenant: tenant) { s in
            _ = try self.requireIntactTenant(s, tenant)
            guard let (record, _) = try self.loadUser(s, tenant: tenant, userName: userName) else {
                throw LicenseInputError.unknownUser(userName)
            }
            let arguments: [SQLValue] = [.text(tenant), .integer(record.user.id)]
            let removed = try self.remove(
                s, tenant: tenant, from: "assignment", where: "tenant_id = ? AND user_id = ?", arguments
            )
            .count
            try self.remove(s, tenant: tenant, from: "user", where: "tenant_id = ? AND id = ?", arguments)
            try self.appendAudit(
                s, tenant: tenant, actor: actor, action: "user.delete", target: userName, before: AuditText.user(record.user),
                after: "deleted with \(removed) assignments", now: now)
        }
    }

    /// Inserts `users` with the next free ids and one audit entry (`note`, when given, added to its target); a user
    /// name the tenant has already is refused. The caller holds the tenant's write lock and has validated the users.
    @discardableResult
    func insertUsers(
        _ s: Backend.Session, tenant: String, _ users: [NewUser], actor: String, now: Date, note: String? = nil
    ) throws -> [User] {
        try requireFreeUserNames(s, tenant: tenant, users.map(\.userName))
        let table = s.dialect.userTable
        var nextID = (try s.scalar(Int64.self, "SELECT MAX(id) AS m FROM \(table) WHERE tenant_id = ?", [.text(tenant)]) ?? 0) + 1
        var created: [User] = []
        created.reserveCapacity(users.count)
        for draft in users {
            let user = User(
                id: nextID, userName: draft.userName, displayName: draft.displayName, email: draft.email, type: draft.type,
                canLogIn: draft.canLogIn, isAdministrator: draft.isAdministrator)
            nextID += 1
            var record = UserRecord(
                tenantID: tenant, user: user, passwordHash: draft.passwordHash, lastLoginAt: nil, createdAt: now.wholeSeconds,
                seal: "")
            record.seal = sealer.seal(record.sealBytes)
            try add(s, tenant: tenant, record)
            created.append(user)
        }
        let target = (created.count == 1 ? created[0].userName : "\(created.count) users") + (note.map { " (\($0))" } ?? "")
        try appendAudit(
            s, tenant: tenant, actor: actor, action: "user.add", target: target, before: nil,
            after: created.prefix(20).map { "\($0.userName) (\($0.type.rawValue), canLogIn \($0.canLogIn))" }
                .joined(separator: ", "), now: now)
        return created
    }

    /// Refuses a user name of `names` that the tenant has already (the first found, in sorted order).
    func requireFreeUserNames(_ s: Backend.Session, tenant: String, _ names: [String]) throws {
        let table = s.dialect.userTable
        for chunk in stride(from: 0, to: names.count, by: 500) {
            let slice = names[chunk..<min(chunk + 500, names.count)]
            if let taken = try s.scalars(
                String.self,
                "SELECT user_name FROM \(table) WHERE tenant_id = ? AND user_name IN ("
                    + slice.map { _ in "?" }.joined(separator: ", ") + ") ORDER BY user_name",
                [.text(tenant)] + slice.map { .text($0) }
            ).first {
                throw LicenseInputError.duplicate("user '\(taken)'")
            }
        }
    }
}

// MARK: - API tokens

extension LicenseEngine {
    public func createToken(_ token: APIToken, now: Date) async throws {
        try Validate.identifier(token.name, field: "name", limit: 100)
        guard (token.role == .operator) == (token.tenant == nil) else {
            throw LicenseInputError.invalid(field: "role", reason: "operator tokens belong to no tenant; other roles to one")
        }
        try await write(tenant: token.tenant) { s in
            if let tenant = token.tenant { _ = try self.requireIntactTenant(s, tenant) }
            try s.insert(TokenRecord(token: token, seal: self.sealer.seal(token.sealBytes())))
            if let tenant = token.tenant {
                try self.appendAudit(
                    s, tenant: tenant, actor: token.createdBy, action: "token.create", target: "\(token.id) (\(token.name))",
                    before: nil, after: "role \(token.role.rawValue)", now: now)
            }
            try s.notifyChange(tenant: nil)
        }
    }

    public func tokens(tenant: String?) async throws -> [APIToken] {
        try await read { s in
            try s.fetchAll(
                TokenRecord.self, "SELECT * FROM api_token WHERE tenant_id = ? ORDER BY created_at, id",
                [.text(tenant ?? TokenRecord.operatorTenant)]
            ).map(\.token)
        }
    }

    public func token(id: String) async throws -> APIToken? {
        try await read { s in
            guard let record = try s.fetchOne(TokenRecord.self, "SELECT * FROM api_token WHERE id = ?", [.text(id)]),
                self.sealer.isValid(record.seal, for: record.token.sealBytes())
            else { return nil }
            return record.token
        }
    }

    public func revokeToken(id: String, actor: String, now: Date) async throws {
        let owner = try await read { s in try s.scalar(String.self, "SELECT tenant_id FROM api_token WHERE id = ?", [.text(id)]) }
        guard let owner else { throw LicenseInputError.invalid(field: "token", reason: "no token with id \(id)") }
        try await write(tenant: owner == TokenRecord.operatorTenant ? nil : owner) { s in
            guard
                var record = try s.fetchOne(
                    TokenRecord.self, "SELECT * FROM api_token WHERE id = ?\(s.dialect.lockRows)", [.text(id)])
            else { throw LicenseInputError.invalid(field: "token", reason: "no token with id \(id)") }
            guard record.token.revokedAt == nil else { return }
            record.token.revokedAt = now.wholeSeconds
            record.seal = self.sealer.seal(record.token.sealBytes())
            try s.update(record, key: ["tenant_id", "id"])
            if let tenant = record.token.tenant {
                try self.appendAudit(
                    s, tenant: tenant, actor: actor, action: "token.revoke", target: "\(id) (\(record.token.name))",
                    before: nil, after: nil, now: now)
            }
            try s.notifyChange(tenant: nil)
        }
    }

    /// Moves when a token is created (the count) or revoked (the sum of revocation times); tokens are never deleted.
    public func tokensFingerprint() async throws -> String {
        try await read { s in
            guard
                let row = try s.row(
                    "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(revoked_at), 0) AS BIGINT) AS revoked FROM api_token")
            else { return "" }
            return "\(try row["n"] as Int64)-\(try row["revoked"] as Int64)"
        }
    }
}
