import ArgumentParser
import Foundation
import LicenseCore
import LicenseStore

struct LicenseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "license", abstract: "Preview, activate and list license packages.",
        subcommands: [Preview.self, Activate.self, List.self])

    static func printPreview(_ preview: ActivationPreview, json: Bool, activated: Bool) {
        if json { return Output.json(preview) }
        Output.line("\(preview.owner), issued \(ISO8601.string(preview.issuedAt))")
        Output.line(
            "module".padding(toLength: 24, withPad: " ", startingAt: 0)
                + " current  in use  new  added  new free  must remove")
        for m in preview.modules {
            let cells = [m.currentTotal, m.inUse, m.newTotal, m.added, m.newFree, m.mustRemove].map { String($0) }
            let widths = [7, 7, 4, 6, 9, 12]
            let row = zip(cells, widths).map { String(repeating: " ", count: max(0, $1 - $0.count)) + $0 }.joined(separator: " ")
            Output.line(
                m.name.padding(toLength: 24, withPad: " ", startingAt: 0) + row
                    + (m.mustRemove > 0 ? "  held by: " + m.holders.joined(separator: ", ") : ""))
        }
        if activated {
            Output.line("activated")
        } else if let reason = preview.reason {
            Output.line("cannot be activated: \(reason)")
        } else {
            Output.line("can be activated")
        }
    }

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show what activating a package would change.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The package file.") var package: String

        func run() async throws {
            try await guarded(json: store.json) {
                let data = try readInputFile(package, what: "package", limit: PackageVerifier.sizeLimit)
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let preview = try await sqlite.previewActivation(tenant: tenant, package: data, now: Date())
                LicenseCommand.printPreview(preview, json: store.json, activated: false)
                if !preview.canBeActivated { throw ExitCode(1) }
            }
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Activate a package: verify, refuse counts below what is in use, replace the owner's rows.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The package file.") var package: String

        func run() async throws {
            try await guarded(json: store.json) {
                let data = try readInputFile(package, what: "package", limit: PackageVerifier.sizeLimit)
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let preview = try await sqlite.activate(tenant: tenant, package: data, actor: store.actor, now: Date())
                LicenseCommand.printPreview(preview, json: store.json, activated: preview.canBeActivated)
                if !preview.canBeActivated {
                    if !store.json { Output.error(preview.reason ?? "the package cannot be activated") }
                    throw ExitCode(1)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the active licenses per owner.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await guarded(json: store.json) {
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let report = LicenseListReport.make(from: try await sqlite.loadSnapshot(tenant: tenant), now: Date())
                if store.json { return Output.json(report) }
                Output.line("\(report.companyName) — serial number \(report.serialNumber)")
                for owner in report.owners {
                    Output.line("")
                    Output.line("\(owner.name)" + (owner.expiresAt.map { " — expires \(ISO8601.string($0))" } ?? ""))
                    for m in owner.modules {
                        var flags: [String] = [m.type.rawValue]
                        if m.isPlan { flags.append("plan") }
                        if m.hidden { flags.append("hidden") }
                        if m.unrestricted { flags.append("unrestricted") }
                        if m.fencing != .ok { flags.append(m.fencing == .reached ? "maximum reached" : "nearing maximum") }
                        let seats =
                            switch (m.type, m.unrestricted) {
                            case (.site, _): m.total > 0 ? "enabled" : "not enabled"
                            case (_, true): "\(m.inUse) in use, unrestricted"
                            case (_, false): "\(m.inUse)/\(m.total) in use, \(m.free) free"
                            }
                        Output.line(
                            "  " + m.name.padding(toLength: 22, withPad: " ", startingAt: 0)
                                + "\(seats)  [\(flags.joined(separator: ", "))]")
                    }
                }
            }
        }
    }
}
