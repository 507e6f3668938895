import Foundation
import GRDB
import LicenseCore

// API tokens, as in SQLiteLicenseStore+Tokens.swift; a change notifies the other nodes with an empty payload.

extension PostgresLicenseStore {
    public func createToken(_ token: APIToken, now: Date) async throws {
        try Validate.identifier(token.name, field: "name", limit: 100)
        guard (token.role == .operator) == (token.tenant == nil) else {
            throw LicenseInputError.invalid(field: "role", reason: "operator tokens belong to no tenant; other roles to one")
        }
        try await write(tenant: token.tenant) { session in
            if let tenant = token.tenant { _ = try await self.requireIntactTenant(session, tenant) }
            try await session.insert(TokenRecord(token: token, seal: self.sealer.seal(token.sealBytes())))
            if let tenant = token.tenant {
                try await self.appendAudit(
                    session, tenant: tenant, actor: token.createdBy, action: "token.create",
                    target: "\(token.id) (\(token.name))", before: nil, after: "role \(token.role.rawValue)", now: now)
            }
            try await session.execute("SELECT pg_notify(?, '')", [Self.channel])
        }
    }

    public func tokens(tenant: String?) async throws -> [APIToken] {
        try await read { session in
            try await session.fetchAll(
                TokenRecord.self, "SELECT * FROM api_token WHERE tenant_id = ? ORDER BY created_at, id",
                [tenant ?? TokenRecord.operatorTenant]
            ).map(\.token)
        }
    }

    public func token(id: String) async throws -> APIToken? {
        try await read { session in
            guard let record = try await session.fetchOne(TokenRecord.self, "SELECT * FROM api_token WHERE id = ?", [id]),
                self.sealer.isValid(record.seal, for: record.token.sealBytes())
            else { return nil }
            return record.token
        }
    }

    public func revokeToken(id: String, actor: String, now: Date) async throws {
        let owner = try await read { session in
            try await session.scalar(String.self, "SELECT tenant_id FROM api_token WHERE id = ?", [id])
        }
        guard let owner else { throw LicenseInputError.invalid(field: "token", reason: "no token with id \(id)") }
        try await write(tenant: owner == TokenRecord.operatorTenant ? nil : owner) { session in
            guard
                var record = try await session.fetchOne(TokenRecord.self, "SELECT * FROM api_token WHERE id = ? FOR UPDATE", [id])
            else { throw LicenseInputError.invalid(field: "token", reason: "no token with id \(id)") }
            guard record.token.revokedAt == nil else { return }
            record.token.revokedAt = now.wholeSeconds
            record.seal = self.sealer.seal(record.token.sealBytes())
            try await session.update(record, key: ["tenant_id", "id"])
            if let tenant = record.token.tenant {
                try await self.appendAudit(
                    session, tenant: tenant, actor: actor, action: "token.revoke", target: "\(id) (\(record.token.name))",
                    before: nil, after: nil, now: now)
            }
            try await session.execute("SELECT pg_notify(?, '')", [Self.channel])
        }
    }

    public func tokensFingerprint() async throws -> String {
        try await read { session in
            try await session.scalar(
                String.self,
                "SELECT COUNT(*)::text || '-' || md5(COALESCE(string_agg(id || ':' || COALESCE(revoked_at::text, ''), ',' ORDER BY id), '')) FROM api_token"
            ) ?? ""
        }
    }
}
