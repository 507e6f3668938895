import ArgumentParser
import Foundation
import LicenseCore
import LicenseStore
import LicenseStoreEngine
import LicenseStorePostgres
import LicenseStoreSQLite

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply the schema migrations of a PostgreSQL database, and nothing else.")
    @Option(help: "postgres://user[:password]@host[:port]/database (env LICENSING_DATABASE).")
    var database: String?

    func run() async throws {
        try await guarded {
            guard let url = database ?? ProcessInfo.processInfo.environment["LICENSING_DATABASE"], !url.isEmpty else {
                throw CLIError.input("pass --database with a postgres:// URL")
            }
            guard PostgresURL.isPostgres(url) else { throw CLIError.input("--database must be a postgres:// URL") }
            // Migrations need no installation key: nothing is sealed.
            let store = try await PostgresLicenseStore.connect(url: url, sealer: try Sealer(secret: Sealer.makeSecret()))
            await store.close()
            Output.line("migrated \(StoreLocation.redacted(url))")
        }
    }
}

struct MigrateDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-data",
        abstract: "Copy tenants from SQLite to PostgreSQL with their signatures, seals and audit log intact.",
        discussion: """
            The seals are keyed by the source's installation key: run the PostgreSQL nodes with \
            LICENSING_INSTALLATION_KEY set to the contents of the source's installation.key.
            """)
    @Option(help: "sqlite:DATA_DIRECTORY") var from: String
    @Option(help: "postgres://user[:password]@host[:port]/database") var to: String
    @Option(help: "Copy this tenant only (default: every tenant and the operator tokens).") var tenant: String?
    @Flag(help: "Print one JSON document to stdout.") var json = false

    func run() async throws {
        try await guarded(json: json) {
            guard case .sqlite(let directory) = try StoreLocation.parse(from) else {
                throw CLIError.input("--from must be sqlite:DATA_DIRECTORY")
            }
            guard case .postgres(let url) = try StoreLocation.parse(to) else {
                throw CLIError.input("--to must be a postgres:// URL")
            }
            if let tenant { try Validate.tenantID(tenant) }
            guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("licensing.sqlite").path) else {
                throw CLIError.input("no licensing data in \(directory.path)")
            }
            let source = try SQLiteLicenseStore(dataDirectory: directory)
            // The target seals (and verifies) with the source's key: the rows are copied as they are.
            let sealer = try InstallationKey.load(dataDirectory: directory, create: false)
            let target = try await PostgresLicenseStore.connect(url: url, sealer: sealer, requestTimeout: .seconds(30))
            do {
                let counts = try await DataMigration.copy(tenants: tenant.map { [$0] }, from: source, to: target)
                var problems: [String: [IntegrityProblem]] = [:]
                let copied: [String]
                if let tenant { copied = [tenant] } else { copied = try await source.tenantIDs() }
                for id in copied {
                    problems[id] = try await target.verify(tenant: id)
                }
                await target.close()
                if json {
                    Output.json(MigrationReport(rows: counts, problems: problems))
                } else {
                    for (table, count) in counts.sorted(by: { $0.key < $1.key }) where count > 0 {
                        Output.line("  \(table): \(count) rows")
                    }
                    for (id, found) in problems.sorted(by: { $0.key < $1.key }) {
                        Output.line(found.isEmpty ? "verified \(id): intact" : "verified \(id): \(found.count) problems")
                    }
                }
                if problems.values.contains(where: { !$0.isEmpty }) {
                    let message = "the copied data does not verify (it did not on the source either)"
                    // With --json the report above, naming the problems, stays stdout's one document.
                    guard !json else {
                        Output.error(message)
                        throw ExitCode(3)
                    }
                    throw CLIError.integrity(message)
                }
            } catch {
                await target.close()
                throw error
            }
        }
    }
}

struct MigrationReport: Encodable {
    var rows: [String: Int]
    var problems: [String: [IntegrityProblem]]
}
