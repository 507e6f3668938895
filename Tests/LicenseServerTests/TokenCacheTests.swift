import Foundation
import Hummingbird
import LicenseCore
import LicenseServer
import LicenseStore
import LicenseTestSupport
import Testing

/// The server remembers `Authorization` headers it has verified; a remembered header must prove no more than it did.
@Suite("Verified token cache")
struct TokenCacheTests {
    @Test("a header accepted once lets in only that exact header, into its own tenant, with its own role")
    func exactHeaderOnly() async throws {
        try await withStandardServer { client, tenant, _ in
            let check = "\(StandardTenant.base)/users/ada/licenses/superoffice/web"
            // Given the admin's and the checker's headers accepted (and remembered)
            #expect(try await client.get(check, token: tenant.admin.presented).status == 200)
            #expect(try await client.get(check, token: tenant.checker.presented).status == 200)

            // Then the admin's token id with another secret is still refused
            let forged = tenant.admin.presented.dropLast(4) + "AAAA"
            #expect(try await client.get(check, token: String(forged)).status == 401)
            // … so is the same token under a lower-case scheme, a header text never verified
            let lower = try await client.send(.get, check, headers: [.authorization: "bearer \(tenant.admin.presented)"])
            #expect(lower.status == 401, "\(lower)")
            // … the remembered header still answers 404 on another tenant
            let other = "\(StandardTenant.otherBase)/users/ada/licenses/superoffice/web"
            #expect(try await client.get(other, token: tenant.admin.presented).status == 404)
            // … and the checker's remembered header still may not assign
            let assign = try await client.send(
                .put, "\(StandardTenant.base)/users/bjorn/licenses/superoffice/web", token: tenant.checker.presented)
            #expect(assign.status == 403, "\(assign)")
            // … while the admin's header keeps working
            #expect(try await client.get(check, token: tenant.admin.presented).status == 200)
        }
    }

    @Test("a token created while the server runs is accepted, and refused again once revoked")
    func createdThenRevoked() async throws {
        try await withStandardServer { client, _, installation in
            let check = "\(StandardTenant.base)/users/ada/licenses/superoffice/web"
            // Given a token made after the server started, used until it is remembered
            let token = try await installation.makeToken(tenant: StandardTenant.id, role: .checker, name: "late")
            let accepted = try await eventually(within: .seconds(2)) {
                try await client.get(check, token: token.presented).status == 200
            }
            try #require(accepted != nil, "a new token is accepted")
            #expect(try await client.get(check, token: token.presented).status == 200)

            // When it is revoked in the store
            try await installation.store.revokeToken(id: token.id, actor: Fixtures.actor, now: Date())

            // Then the remembered header is refused within the watcher's interval, and stays refused
            try await expectEventually("the revoked token is refused") {
                try await client.get(check, token: token.presented).status == 401
            }
            for _ in 0..<3 { #expect(try await client.get(check, token: token.presented).status == 401) }
        }
    }
}
