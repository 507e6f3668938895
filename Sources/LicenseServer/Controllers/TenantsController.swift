import Foundation
import Hummingbird
import LicenseCore
import LicenseStore

/// `/api/v1/tenants`: operators list and create tenants.
struct TenantsController {
    let store: any LicenseStoring
    /// The root public key (JWK JSON) new tenants trust unless the request names one.
    let defaultTrustRoot: String?

    struct TenantSummary: Codable {
        var id: String
        var companyName: String
        var serialNumber: String
        var databaseType: DatabaseType
    }

    struct TenantList: Codable {
        var tenants: [TenantSummary]
    }

    struct NewTenant: Decodable {
        var id: String
        var companyName: String
        var serialNumber: String
        var databaseType: DatabaseType?
        var databaseOwner: String?
        var trustRoot: SigningKeyJWK?
    }

    func register(on group: RouterGroup<LicenseRequestContext>) {
        group.get { _, _ in
            var list: [TenantSummary] = []
            for id in try await store.tenantIDs() {
                let t = try await store.tenant(id)
                list.append(TenantSummary(id: t.id, companyName: t.companyName, serialNumber: t.serialNumber, databaseType: t.databaseType))
            }
            return try JSONResponse.make(TenantList(tenants: list))
        }
        group.post { request, context in
            let body = try await request.decodeJSON(NewTenant.self, context: context)
            let root: String
            if let key = body.trustRoot {
                _ = try key.publicKey()
                root = String(decoding: key.publicOnly.encoded(), as: UTF8.self)
            } else if let defaultTrustRoot {
                root = defaultTrustRoot
            } else {
                throw APIError.invalid("trustRoot is required: this server was started without --trust-root")
            }
            let tenant = Tenant(
                id: body.id, companyName: body.companyName, serialNumber: body.serialNumber,
                databaseType: body.databaseType ?? .central, databaseOwner: body.databaseOwner ?? body.companyName,
                trustRoot: root, createdAt: Date().wholeSeconds)
            try await store.createTenant(tenant, actor: context.actor)
            return try JSONResponse.make(
                TenantSummary(id: tenant.id, companyName: tenant.companyName, serialNumber: tenant.serialNumber, databaseType: tenant.databaseType),
                status: .created)
        }
    }
}
