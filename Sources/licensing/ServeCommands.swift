import ArgumentParser
import Crypto
import Foundation
import Hummingbird
import LicenseCore
import LicenseServer
import LicenseStore
import LicenseStoreLive
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the REST API (and /health, /metrics, /openapi.json).")
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port (0 picks a free one).") var port = 8080
    @Option(help: "The data directory (env LICENSING_DATA).")
    var data: String = ProcessInfo.processInfo.environment["LICENSING_DATA"] ?? "./licensing-data"
    @Option(help: "The root public key new tenants trust by default (ROOT.pub.jwk).") var trustRoot: String?
    @Option(help: "A PostgreSQL URL (env LICENSING_DATABASE); SQLite in --data without.") var database: String?
    @Option(
        help:
            "Seconds a request waits for the database (PostgreSQL, or another process's SQLite write lock) before answering 503.")
    var requestTimeout = 5
    @Option(
        help:
            "Seconds between background verifications of every cached tenant against its sealed head (0: never); a row edited with SQL stops granting within it."
    )
    var verifyInterval = 60

    func run() async throws {
        try await guarded {
            guard (0...65_535).contains(port) else { throw CLIError.input("--port must be between 0 and 65535") }
            guard (0...86_400).contains(verifyInterval) else {
                throw CLIError.input("--verify-interval must be between 0 and 86400 seconds")
            }
            var root: String?
            if let trustRoot {
                let key = try SigningKeyJWK.parse(readInputFile(trustRoot, what: "trust root", limit: 16_384))
                _ = try key.publicKey()
                root = String(decoding: key.publicOnly.encoded(), as: UTF8.self)
            }
            guard (1...600).contains(requestTimeout) else {
                throw CLIError.input("--request-timeout must be between 1 and 600 seconds")
            }
            let directory = URL(fileURLWithPath: data, isDirectory: true)
            let url = database ?? ProcessInfo.processInfo.environment["LICENSING_DATABASE"].flatMap { $0.isEmpty ? nil : $0 }
            let store = try await StoreFactory.open(
                try StoreFactory.location(database: url, dataDirectory: directory), dataDirectory: directory,
                create: url == nil, requestTimeout: .seconds(requestTimeout), listen: true)
            let app = try await buildApplication(
                ServerConfiguration(
                    host: host, port: port, defaultTrustRoot: root,
                    verifyInterval: verifyInterval == 0 ? nil : .seconds(verifyInterval)),
                store: store)
            try await runServer(app, store: store, host: host, port: port)
        }
    }
}

/// Runs a server until it is stopped; an address another process holds is named with the options that change it.
/// Runs the application until SIGTERM or SIGINT, then closes the store (a group stops its services in reverse
/// order, so the store closes after the application has stopped).
func runServer(_ app: some ApplicationProtocol, store: any LicenseStoring, host: String, port: Int) async throws {
    do {
        let group = ServiceGroup(
            services: [StoreService(store), app], gracefulShutdownSignals: [.sigterm, .sigint],
            logger: Logger(label: "licensing.serve"))
        try await group.run()
    } catch let error as IOError where error.errnoCode == EADDRINUSE {
        throw CLIError.input(
            "the address \(host):\(port) is already in use (another server runs there?); "
                + "pass --port with another port (0 picks a free one) or --host with another address")
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "API tokens: shown once, stored as a hash.",
        subcommands: [Create.self, List.self, Revoke.self])

    /// Every role a token can have, for the help of `--role`.
    static var roleHelp: String {
        APIToken.Role.allCases.map { "\($0.rawValue) (\(summary($0)))" }.joined(separator: "; ")
    }

    static func summary(_ role: APIToken.Role) -> String {
        switch role {
        case .admin: "everything within the tenant"
        case .checker: "checks, login checks and usage reports only"
        case .reader: "reads only"
        case .operator: "manages tenants: use --operator"
        }
    }

    /// `lic_<12 hex>_<43 base64url>`: the id finds the row, the secret is checked against its hash.
    static func makeToken(
        tenant: String?, role: APIToken.Role, name: String, createdBy: String = cliActor
    ) -> (token: APIToken, presented: String) {
        APIToken.generate(tenant: tenant, role: role, name: name, createdBy: createdBy)
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it once.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The token's role: \(TokenCommand.roleHelp).") var role: APIToken.Role?
        @Flag(name: .customLong("operator"), help: "A token that manages tenants instead.") var isOperator = false
        @Option(help: "A name to recognise the token by.") var name = "token"

        func run() async throws {
            try await guarded(json: store.json) {
                guard isOperator != (role != nil) else { throw CLIError.input("pass either --role or --operator") }
                guard role != .operator else { throw CLIError.input("use --operator for operator tokens") }
                let sqlite = try await store.openStore()
                let tenant = isOperator ? nil : try await store.resolveTenant(sqlite)
                let (token, presented) = TokenCommand.makeToken(
                    tenant: tenant, role: role ?? .operator, name: name, createdBy: store.actor)
                try await sqlite.createToken(token, now: Date())
                if store.json {
                    Output.json(["token": presented, "id": token.id, "role": token.role.rawValue, "tenant": tenant ?? ""])
                } else {
                    Output.line(presented)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var store: StoreOptions
        @Flag(name: .customLong("operator"), help: "List operator tokens.") var isOperator = false

        func run() async throws {
            try await guarded(json: store.json) {
                let sqlite = try await store.openStore()
                let tenant = isOperator ? nil : try await store.resolveTenant(sqlite)
                var tokens = try await sqlite.tokens(tenant: tenant)
                for i in tokens.indices { tokens[i].secretHash = "" }
                if store.json { return Output.json(["tokens": tokens]) }
                for t in tokens {
                    Output.line(
                        "\(t.id)  \(t.role.rawValue)  \(t.name)  created \(ISO8601.string(t.createdAt))"
                            + (t.revokedAt.map { "  revoked \(ISO8601.string($0))" } ?? ""))
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The token id (the 12 hex digits after lic_).") var id: String

        func run() async throws {
            try await guarded(json: store.json) {
                guard id.count == 12, id.allSatisfy(\.isHexDigit) else { throw CLIError.input("a token id is 12 hex digits") }
                let sqlite = try await store.openStore()
                try await sqlite.revokeToken(id: id, actor: store.actor, now: Date())
                if store.json { Output.json(["revoked": id]) } else { Output.line("revoked \(id)") }
            }
        }
    }
}

extension APIToken.Role: ExpressibleByArgument {}
