import ArgumentParser
import Foundation
import HummingbirdBcrypt
import LicenseCore
import LicenseStore

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Users and their license-relevant flags.",
        subcommands: [Add.self, Update.self, List.self, Import.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The user name.") var username: String
        @Option(help: "employee, resource, external, anonymous or system.") var type: UserType = .employee
        @Flag(help: "The user may log in.") var canLogIn = false
        @Flag(help: "An administrator of the admin pages (needs --password-stdin).") var admin = false
        @Flag(help: "Read the administrator's password from the first line of stdin.") var passwordStdin = false
        @Option(help: "Display name.") var displayName: String?
        @Option(help: "E-mail address.") var email: String?

        func run() async throws {
            try await guarded(json: store.json) {
                var hash: String?
                if passwordStdin {
                    guard admin else { throw CLIError.input("--password-stdin is only for administrators (--admin)") }
                    let password = readLine(strippingNewline: true) ?? ""
                    try PasswordPolicy.validate(password)
                    hash = Bcrypt.hash(password, cost: 10)
                }
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let draft = NewUser(
                    userName: username, displayName: displayName, email: email, type: type, canLogIn: canLogIn,
                    isAdministrator: admin, passwordHash: hash)
                let users = try await sqlite.addUsers(tenant: tenant, [draft], actor: store.actor, now: Date())
                if store.json { Output.json(users[0]) } else { Output.line("added user \(username) (#\(users[0].id))") }
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a user's flags.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The user name.") var username: String
        @Option(help: "true or false.") var canLogIn: Bool?
        @Option(help: "true or false.") var retired: Bool?
        @Option(help: "true or false.") var waitingForApproval: Bool?
        @Option(help: "employee, resource, external, anonymous or system.") var type: UserType?

        func run() async throws {
            try await guarded(json: store.json) {
                let changes = UserChanges(
                    canLogIn: canLogIn, retired: retired, waitingForApproval: waitingForApproval, type: type)
                guard changes != UserChanges() else { throw CLIError.input("nothing to change: pass at least one of the flags") }
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let user = try await sqlite.updateUser(
                    tenant: tenant, userName: username, changes: changes, actor: store.actor, now: Date())
                if store.json {
                    Output.json(user)
                } else {
                    Output.line("updated \(username): \(SQLiteLicenseStoreDescribe.user(user))")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users with their effective modules.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await guarded(json: store.json) {
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let snapshot = try await sqlite.loadSnapshot(tenant: tenant)
                let report = UserListReport(users: UserReport.all(in: snapshot, now: Date()))
                if store.json { return Output.json(report) }
                for user in report.users {
                    var flags = [user.type.rawValue]
                    if user.canLogIn { flags.append("can log in") }
                    if user.retired { flags.append("retired") }
                    if user.waitingForApproval { flags.append("waiting for approval") }
                    if user.isAdministrator { flags.append("administrator") }
                    Output.line("\(user.userName) [\(flags.joined(separator: ", "))]")
                    if !user.modules.isEmpty {
                        Output.line("    " + user.modules.map { "\($0.module) (\($0.source.rawValue))" }.joined(separator: ", "))
                    }
                }
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import users from CSV: a header line with userName and optionally type, canLogIn, displayName, email.",
            discussion: """
                The whole file is checked first: a bad line is named and nothing is imported. The users are then added \
                500 at a time, and the import shows on the Status tab (and in `events list`) as a user-import event \
                with its progress, finished at the end. Should a batch fail (a user name taken meanwhile, the \
                database gone), the users added before it stay and the event is marked failed with the reason.
                """)
        @OptionGroup var store: StoreOptions
        @Option(help: "The CSV file.") var csv: String

        func run() async throws {
            try await guarded(json: store.json) {
                let users = try UserCSV.parse(try readInputFile(csv, what: "CSV file", limit: 64 << 20))
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let bar = ProgressBar(total: users.count)
                let result: UserImport
                do {
                    result = try await sqlite.importUsers(
                        tenant: tenant, users, source: URL(fileURLWithPath: csv).lastPathComponent, actor: store.actor,
                        now: { Date() }, batchSize: 500, progress: { bar.update($0) })
                } catch {
                    bar.finish()
                    throw error
                }
                bar.finish()
                if store.json {
                    Output.json(result)
                } else {
                    Output.line("imported \(result.imported) users (event #\(result.event.id))")
                }
            }
        }
    }
}

enum SQLiteLicenseStoreDescribe {
    static func user(_ user: User) -> String {
        "canLogIn \(user.canLogIn), retired \(user.retired), waitingForApproval \(user.waitingForApproval), type \(user.type.rawValue)"
    }
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
final class ProgressBar: Sendable {
    let total: Int
    let isTerminal = isatty(STDERR_FILENO) == 1

    init(total: Int) { self.total = total }

    func update(_ done: Int) {
        guard isTerminal, total > 0 else { return }
        let width = 30
        let filled = width * done / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(bar) \(done)/\(total)".utf8))
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
