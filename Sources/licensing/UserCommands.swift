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
            try await guarded {
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
            try await guarded {
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
            try await guarded {
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
            abstract: "Import users from CSV: a header line with userName and optionally type, canLogIn, displayName, email.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The CSV file.") var csv: String

        func run() async throws {
            try await guarded {
                let data = try readInputFile(csv, what: "CSV file", limit: 64 << 20)
                let users = try CSVUsers.parse(data)
                let sqlite = try await store.openStore()
                let tenant = try await store.resolveTenant(sqlite)
                let progress = ProgressBar(total: users.count)
                // The import shows on the Status tab as a user-import event with its progress.
                let event = try await sqlite.addEvent(
                    tenant: tenant,
                    EventDraft(
                        key: EventRule.userImport, scope: .database,
                        message: "Importing \(users.count) users from \(URL(fileURLWithPath: csv).lastPathComponent)",
                        progressDone: 0, progressTotal: users.count),
                    actor: store.actor, now: Date())
                var imported = 0
                do {
                    for chunk in stride(from: 0, to: users.count, by: 500).map({ Array(users[$0..<min($0 + 500, users.count)]) })
                    {
                        imported += try await sqlite.addUsers(tenant: tenant, chunk, actor: store.actor, now: Date()).count
                        _ = try await sqlite.updateEvent(
                            tenant: tenant, id: event.id, changes: EventChanges(progressDone: imported), actor: store.actor,
                            now: Date())
                        progress.update(imported)
                    }
                } catch {
                    _ = try? await sqlite.updateEvent(
                        tenant: tenant, id: event.id,
                        changes: EventChanges(message: "Import stopped after \(imported) of \(users.count) users: \(error)"),
                        actor: store.actor,
                        now: Date())
                    _ = try? await sqlite.finishEvent(tenant: tenant, id: event.id, actor: store.actor, now: Date())
                    throw error
                }
                _ = try await sqlite.finishEvent(tenant: tenant, id: event.id, actor: store.actor, now: Date())
                progress.finish()
                if store.json { Output.json(["imported": imported]) } else { Output.line("imported \(imported) users") }
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
final class ProgressBar {
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

/// The users of an import file: RFC 4180 CSV with a header line.
enum CSVUsers {
    static func parse(_ data: Data) throws -> [NewUser] {
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError.input("the CSV file is not UTF-8 text") }
        let rows = try records(text)
        guard let header = rows.first else { throw CLIError.input("the CSV file is empty") }
        let columns = header.map { $0.trimmingCharacters(in: .whitespaces) }
        let known = ["userName", "type", "canLogIn", "displayName", "email"]
        if let unknown = columns.first(where: { !known.contains($0) }) {
            throw CLIError.input("unknown CSV column '\(unknown.prefix(40))'; known: \(known.joined(separator: ", "))")
        }
        guard let nameIndex = columns.firstIndex(of: "userName") else {
            throw CLIError.input("the CSV header has no userName column")
        }
        var users: [NewUser] = []
        for (number, row) in rows.dropFirst().enumerated() where !(row.count == 1 && row[0].isEmpty) {
            let line = number + 2
            guard row.count == columns.count else {
                throw CLIError.input("CSV line \(line): \(row.count) fields, the header has \(columns.count)")
            }
            func value(_ column: String) -> String? {
                columns.firstIndex(of: column).map { row[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            }
            var user = NewUser(userName: row[nameIndex])
            if let type = value("type") {
                guard let parsed = UserType(rawValue: type) else {
                    throw CLIError.input("CSV line \(line): unknown user type '\(type.prefix(20))'")
                }
                user.type = parsed
            }
            if let flag = value("canLogIn") {
                guard let parsed = Bool(flag.lowercased()) else {
                    throw CLIError.input("CSV line \(line): canLogIn must be true or false")
                }
                user.canLogIn = parsed
            }
            user.displayName = value("displayName")
            user.email = value("email")
            do { try user.validate() } catch { throw CLIError.input("CSV line \(line): \(error.description)") }
            users.append(user)
        }
        return users
    }

    static func records(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\n", "\r\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            case "\r": break
            default: field.append(c)
            }
        }
        if quoted { throw CLIError.input("the CSV file ends inside a quoted field") }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
