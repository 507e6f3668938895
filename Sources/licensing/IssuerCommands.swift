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
        static let configuration = CommandConfiguration(
            abstract: "Issue a signed license package from a spec.",
            discussion: """
                The spec is a JSON object.

                Package fields (required: owner, companyName, serialNumber, modules):
                  owner             the license owner, as certified in the owner key
                  description       the owner's name for people
                  companyName       the customer's company: the package activates only
                  serialNumber      on a tenant with this company and serial number
                  issuedAt          ISO 8601 (default now); must be after the active one
                  expiresAt         shown as expired after it (null: no time limit)
                  graceUntil        the modules grant nothing after it (default expiresAt)
                  maintenanceUntil  shown
                  adminWarningAt    administrators see a warning from then on
                  nextCheckAt       when to look for an update
                  licenseURL, deploymentType, productType, extraFlags, extraInfo
                                    passed through as issued

                Module fields (required: name, type, count):
                  name              lower case key, unique within the owner (e.g. web)
                  type              user (given to users), site (the whole
                                    installation) or satellite
                  count             seats bought (site modules: 1 on, 0 off)
                  description, tooltip, version
                                    texts for people
                  allowedUserTypes  e.g. ["employee", "external"]; empty allows all
                  prerequisite      a module of the same owner the user needs first
                  hidden            true: only through plans, never one by one
                  unrestricted      true: no upper limit on seats
                  sortOrder         the order modules are listed in (then as written)
                  extraFlags        1 makes the module a user plan, and its
                  extraInfo         "set=a,b,c" names the modules the plan grants

                Example:
                  {"owner": "SUPEROFFICE", "companyName": "Acme AS",
                   "serialNumber": "4711-0001", "issuedAt": "2026-11-29T10:00:00Z",
                   "modules": [
                     {"name": "user", "type": "user", "count": 10, "sortOrder": 1},
                     {"name": "web", "type": "user", "count": 10,
                      "prerequisite": "user", "sortOrder": 2},
                     {"name": "sales-premium", "type": "user", "count": 5,
                      "extraFlags": 1, "extraInfo": "set=user,web", "sortOrder": 3}]}
                """)
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
