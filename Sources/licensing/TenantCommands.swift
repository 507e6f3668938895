import ArgumentParser
import Foundation
import LicenseCore
import LicenseStore

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a tenant bound to a company, a serial number and a trust root.")
    @OptionGroup var store: StoreOptions
    @Option(help: "The company name packages must be issued to.") var company: String
    @Option(help: "The serial number packages must be issued for.") var serial: String
    @Option(help: "The root public key (ROOT.pub.jwk).") var trustRoot: String
    @Option(help: "central or satellite.") var databaseType: DatabaseType = .central
    @Option(help: "Who owns the database (shown on the status page).") var databaseOwner: String?

    func run() async throws {
        try await guarded(json: store.json) {
            guard let tenantID = store.tenant ?? ProcessInfo.processInfo.environment["LICENSING_TENANT"] else {
                throw CLIError.input("pass --tenant with the new tenant's id")
            }
            let root = try SigningKeyJWK.parse(readInputFile(trustRoot, what: "trust root", limit: 16_384))
            _ = try root.publicKey()
            let rootJSON = String(decoding: root.publicOnly.encoded(), as: UTF8.self)
            let tenant = Tenant(
                id: tenantID, companyName: company, serialNumber: serial, databaseType: databaseType,
                databaseOwner: databaseOwner ?? company, trustRoot: rootJSON, createdAt: Date().wholeSeconds)
            try tenant.validate()
            let target = try await store.openStore(create: true)
            try await target.createTenant(tenant, actor: store.actor)
            if store.json { Output.json(tenant) } else { Output.line("created tenant \(tenantID) for \(company) / \(serial)") }
        }
    }
}

extension DatabaseType: ExpressibleByArgument {}
extension UserType: ExpressibleByArgument {}
extension LoginClient: ExpressibleByArgument {}

struct SatelliteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "satellite", abstract: "Satellite databases.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a satellite database.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The satellite's name.") var name: String

        func run() async throws {
            try await guarded(json: store.json) {
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let satellite = try await sqlite.addSatellite(tenant: tenant, name: name, actor: store.actor, now: Date())
                if store.json { Output.json(satellite) } else { Output.line("added satellite \(name)") }
            }
        }
    }
}
