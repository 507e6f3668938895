import ArgumentParser
import Foundation
import LicenseCore
import LicenseStore
import LicenseStoreLive

@main
struct Licensing: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "licensing",
        abstract: "A license server for modular software: issue, activate, assign and check licenses.",
        discussion: """
            Exit codes: 0 success or granted; 1 refused or denied by a rule; 2 invalid input (malformed, unsigned or \
            foreign package, unknown user or module); 3 integrity failure; 4 the database is unavailable or busy \
            (another process held its write lock for longer than 5 s).
            """,
        version: "licensing \(Licensing.version) (commit \(BuildInfo.commit))",
        subcommands: [
            IssuerCommand.self, InitCommand.self, LicenseCommand.self, UserCommand.self, SatelliteCommand.self,
            AssignCommand.self, UnassignCommand.self, CheckCommand.self, LoginCheckCommand.self,
            CountUsersCommand.self, FencingCommand.self, VerifyCommand.self, RepairCommand.self, AuditCommand.self, ServeCommand.self,
            TokenCommand.self, DemoCommand.self, EventsCommand.self, StatusCommand.self, UsageCommand.self,
            MigrateCommand.self, MigrateDataCommand.self,
        ])
}

extension Licensing {
    /// The release this build belongs to; `--version` adds the commit.
    static let version = "1.0.0"
}

/// Options every command that touches the license data takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The data directory (env LICENSING_DATA): the SQLite database and the installation key.")
    var data: String = ProcessInfo.processInfo.environment["LICENSING_DATA"] ?? "./licensing-data"

    @Option(
        name: .customLong("database"),
        help: "A PostgreSQL URL, postgres://user[:password]@host[:port]/db (env LICENSING_DATABASE); SQLite in --data without.")
    var databaseOption: String?

    /// `--database`, else `LICENSING_DATABASE`.
    var database: String? {
        databaseOption ?? ProcessInfo.processInfo.environment["LICENSING_DATABASE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    @Option(name: .long, help: "The tenant (env LICENSING_TENANT); may be omitted when exactly one exists.")
    var tenant: String?

    @Flag(name: .long, help: "Print one JSON document to stdout.")
    var json = false

    @Option(
        name: .customLong("actor"),
        help: "Who the audit log names for this change (env LICENSING_ACTOR; default: the OS account's name).")
    var actorOption: String?

    /// The actor audit entries of this command name: `cli:` and `--actor`, `LICENSING_ACTOR` or the OS account.
    var actor: String { "cli:" + cliActorName(option: actorOption) }

    func validate() throws {
        if let actorOption {
            do {
                try Validate.identifier(actorOption, field: "actor")
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    var dataDirectory: URL { URL(fileURLWithPath: data, isDirectory: true) }

    /// The store the options name: PostgreSQL with `--database`, else the SQLite database in `--data`, which must
    /// exist unless `create`.
    func openStore(create: Bool = false) async throws -> any LicenseStoring {
        if database == nil && !create
            && !FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("licensing.sqlite").path)
        {
            throw CLIError.input("no licensing data in \(data); run 'licensing init' first or pass --data")
        }
        return try await StoreFactory.open(
            try StoreFactory.location(database: database, dataDirectory: dataDirectory), dataDirectory: dataDirectory,
            create: create)
    }

    /// Where the data is, for messages: the database URL without its password, or the data directory.
    var location: String { database.map(StoreLocation.redacted) ?? data }

    /// The named tenant, else the only one.
    func resolveTenant(_ store: some LicenseStoring) async throws -> String {
        if let name = tenant ?? ProcessInfo.processInfo.environment["LICENSING_TENANT"], !name.isEmpty {
            try Validate.tenantID(name)
            _ = try await store.tenant(name)
            return name
        }
        let ids = try await store.tenantIDs()
        switch ids.count {
        case 0: throw CLIError.input("no tenant in \(location); run 'licensing init' first")
        case 1: return ids[0]
        default: throw CLIError.input("\(ids.count) tenants in \(location) (\(ids.joined(separator: ", "))); pass --tenant")
        }
    }
}

/// The actor named in audit entries for CLI writes: `cli:` and `LICENSING_ACTOR`, else the OS account's name.
var cliActor: String { "cli:" + cliActorName(option: nil) }

/// `--actor`, else `LICENSING_ACTOR`, else the name of the account the process runs as (from the password database,
/// so it holds where `$USER` is unset, as for root in a container), else its numeric id.
func cliActorName(option: String?) -> String {
    if let option, !option.isEmpty { return option }
    if let name = ProcessInfo.processInfo.environment["LICENSING_ACTOR"], !name.isEmpty { return name }
    let uid = geteuid()
    if let entry = getpwuid(uid), let name = entry.pointee.pw_name, !String(cString: name).isEmpty {
        return String(cString: name)
    }
    return "uid \(uid)"
}
