import ArgumentParser
import Foundation
import LicenseCore

struct IssuerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issuer", abstract: "The vendor side: root key, owner keys, license packages.",
        subcommands: [RootKey.self, OwnerKey.self, Issue.self])

    /// `ROOT.jwk` → `ROOT.pub.jwk`.
    static func publicPath(for path: String) -> String {
        path.hasSuffix(".jwk") ? String(path.dropLast(4)) + ".pub.jwk" : path + ".pub.jwk"
    }

    static func readKey(_ path: String) throws -> SigningKeyJWK {
        try SigningKeyJWK.parse(readInputFile(path, what: "key file", limit: 16_384))
    }

    struct RootKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "root-key", abstract: "Make the root key (keep it offline); also writes ROOT.pub.jwk.")
        @Option(help: "Where to write the private root key (mode 0600).") var out: String

        func run() async throws {
            try await guarded {
                let key = Issuer.makeRootKey()
                try writeNewFile(out, key.encoded(), mode: 0o600)
                try writeNewFile(IssuerCommand.publicPath(for: out), key.publicOnly.encoded(), mode: 0o644)
                Output.line("wrote \(out) and \(IssuerCommand.publicPath(for: out))")
            }
        }
    }

    struct OwnerKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "owner-key", abstract: "Make an owner key certified by the root; also writes OWNER.pub.jwk.")
        @Option(help: "The license owner's name, e.g. SUPEROFFICE.") var owner: String
        @Option(help: "The private root key.") var root: String
        @Option(help: "Where to write the private owner key (mode 0600).") var out: String
        @Option(help: "How many days the certificate is valid.") var validDays: Int = 3650

        func run() async throws {
            try await guarded {
                let rootKey = try IssuerCommand.readKey(root)
                let key = try Issuer.makeOwnerKey(owner: owner, root: rootKey, now: Date(), validDays: validDays)
                try writeNewFile(out, key.encoded(), mode: 0o600)
                try writeNewFile(IssuerCommand.publicPath(for: out), key.publicOnly.encoded(), mode: 0o644)
                Output.line(
                    "wrote \(out) and \(IssuerCommand.publicPath(for: out)) for \(owner.uppercased()), valid \(validDays) days")
            }
        }
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a signed license package from a spec.")
        @Option(help: "The private owner key.") var ownerKey: String
        @Option(help: "The package spec (JSON).") var spec: String
        @Option(help: "Where to write the package.") var out: String

        func run() async throws {
            try await guarded {
                let key = try IssuerCommand.readKey(ownerKey)
                let specification = try PackageSpec.parse(readInputFile(spec, what: "spec", limit: 8 << 20))
                let package = try Issuer.issue(spec: specification, ownerKey: key, now: Date())
                try writeNewFile(out, Data((package + "\n").utf8), mode: 0o644)
                Output.line(
                    "wrote \(out): \(specification.modules.count) modules for \(specification.companyName) / \(specification.serialNumber)"
                )
            }
        }
    }
}
