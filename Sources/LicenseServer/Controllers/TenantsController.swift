import Foundation
import LicenseCore
import LicenseStore

/// `/api/v1/tenants`: operators list and create tenants; generated operations (`tags: operator`).
extension TenantAPI {
    func listTenants(_ input: Operations.ListTenants.Input) async throws -> Operations.ListTenants.Output {
        var list: [Components.Schemas.TenantSummary] = []
        for id in try await store.tenantIDs() {
            list.append(Self.summary(try await store.tenant(id)))
        }
        return .ok(.init(body: .json(.init(tenants: list))))
    }

    func createTenant(_ input: Operations.CreateTenant.Input) async throws -> Operations.CreateTenant.Output {
        let context = try CurrentRequest.current()
        guard case .json(let body) = input.body else { throw APIError.badRequest("the request body is empty; expected JSON") }
        let root: String
        if let jwk = body.trustRoot {
            let key = try SigningKeyJWK(converting: jwk)
            _ = try key.publicKey()
            root = String(decoding: key.publicOnly.encoded(), as: UTF8.self)
        } else if let defaultTrustRoot {
            root = defaultTrustRoot
        } else {
            throw APIError.invalid("trustRoot is required: this server was started without --trust-root")
        }
        let tenant = Tenant(
            id: body.id, companyName: body.companyName, serialNumber: body.serialNumber,
            databaseType: try NullableEnum.value(body.databaseType, as: DatabaseType.self, field: "databaseType") ?? .central,
            databaseOwner: body.databaseOwner ?? body.companyName, trustRoot: root, createdAt: Date().wholeSeconds)
        try await store.createTenant(tenant, actor: context.actor)
        return .created(.init(body: .json(Self.summary(tenant))))
    }

    private static func summary(_ tenant: Tenant) -> Components.Schemas.TenantSummary {
        .init(
            id: tenant.id, companyName: tenant.companyName, serialNumber: tenant.serialNumber,
            databaseType: tenant.databaseType == .satellite ? .satellite : .central)
    }
}
