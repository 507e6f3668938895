import Foundation
import GRDB
import LicenseCore

struct TokenRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "api_token"
    static let operatorTenant = "*"
    var token: APIToken
    var seal: String

    init(token: APIToken, seal: String) {
        self.token = token
        self.seal = seal
    }

    init(row: Row) throws {
        let tenant: String = row["tenant_id"]
        token = APIToken(
            id: row["id"], tenant: tenant == Self.operatorTenant ? nil : tenant,
            role: APIToken.Role(rawValue: row["role"]) ?? .reader, name: row["name"], secretHash: row["secret_hash"],
            createdAt: Date(epochSeconds: row["created_at"]), createdBy: row["created_by"],
            revokedAt: (row["revoked_at"] as Int64?).map(Date.init(epochSeconds:)))
        seal = row["seal"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["tenant_id"] = token.tenant ?? Self.operatorTenant
        container["id"] = token.id
        container["role"] = token.role.rawValue
        container["name"] = token.name
        container["secret_hash"] = token.secretHash
        container["created_at"] = token.createdAt.epochSeconds
        container["created_by"] = token.createdBy
        container["revoked_at"] = token.revokedAt?.epochSeconds
        container["seal"] = seal
    }
}

extension SQLiteLicenseStore {
    public func createToken(_ token: APIToken, now: Date) async throws {
        try Validate.identifier(token.name, field: "name", limit: 100)
        guard (token.role == .operator) == (token.tenant == nil) else {
            throw LicenseInputError.invalid(field: "role", reason: "operator tokens belong to no tenant; other roles to one")
        }
        try await write { db in
            if let tenant = token.tenant { _ = try self.requireIntactTenant(db, tenant) }
            try TokenRecord(token: token, seal: self.sealer.seal(token.sealBytes())).insert(db)
            if let tenant = token.tenant {
                try self.appendAudit(
                    db, tenant: tenant, actor: token.createdBy, action: "token.create", target: "\(token.id) (\(token.name))",
                    before: nil, after: "role \(token.role.rawValue)", now: now)
            }
        }
    }

    public func tokens(tenant: String?) async throws -> [APIToken] {
        try await read { db in
            try TokenRecord.fetchAll(
                db, sql: "SELECT * FROM api_token WHERE tenant_id = ? ORDER BY created_at, id",
                arguments: [tenant ?? TokenRecord.operatorTenant]
            ).map(\.token)
        }
    }

    public func token(id: String) async throws -> APIToken? {
        try await read { db in
            guard let record = try TokenRecord.fetchOne(db, sql: "SELECT * FROM api_token WHERE id = ?", arguments: [id]),
                self.sealer.isValid(record.seal, for: record.token.sealBytes())
            else { return nil }
            return record.token
        }
    }

    public func revokeToken(id: String, actor: String, now: Date) async throws {
        try await write { db in
            guard var record = try TokenRecord.fetchOne(db, sql: "SELECT * FROM api_token WHERE id = ?", arguments: [id]) else {
                throw LicenseInputError.invalid(field: "token", reason: "no token with id \(id)")
            }
            guard record.token.revokedAt == nil else { return }
            record.token.revokedAt = now.wholeSeconds
            record.seal = self.sealer.seal(record.token.sealBytes())
            try record.update(db)
            if let tenant = record.token.tenant {
                try self.appendAudit(
                    db, tenant: tenant, actor: actor, action: "token.revoke", target: "\(id) (\(record.token.name))",
                    before: nil, after: nil, now: now)
            }
        }
    }

    public func tokensFingerprint() async throws -> String {
        try await read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT COUNT(*), COALESCE(SUM(revoked_at), 0), COALESCE(MAX(rowid), 0) FROM api_token")
            return row.map { "\($0[0] as Int64)-\($0[1] as Int64)-\($0[2] as Int64)" } ?? ""
        }
    }

    public func tenantVersions() async throws -> [String: Int64] {
        try await read { db in
            var result: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT tenant_id, version FROM tenant_head") { result[row[0]] = row[1] }
            return result
        }
    }
}
