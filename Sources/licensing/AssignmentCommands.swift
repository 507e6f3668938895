import ArgumentParser
import Foundation
import LicenseCore
import LicenseStore

struct AssignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign", abstract: "Give a module or a user plan to a user, or a satellite module to a satellite.")
    @OptionGroup var store: StoreOptions
    @Option(help: "The user name.") var user: String?
    @Option(help: "The satellite name.") var satellite: String?
    @Option(help: "OWNER.MODULE, e.g. superoffice.web.") var module: String

    func validate() throws {
        guard (user == nil) != (satellite == nil) else { throw ValidationError("pass exactly one of --user and --satellite") }
    }

    func run() async throws {
        try await guarded(json: store.json) {
            let key = try parseModule(module)
            let sqlite = try await store.openStore()
            let tenant = try await store.resolveTenant(sqlite)
            if let satellite {
                try await sqlite.assignSatellite(
                    tenant: tenant, satellite: satellite, module: key, actor: store.actor, now: Date())
                if store.json {
                    Output.json(["assigned": key.description, "satellite": satellite])
                } else {
                    Output.line("assigned \(key) to satellite \(satellite)")
                }
                return
            }
            let user = user!
            let rows = try await sqlite.assign(tenant: tenant, userName: user, module: key, actor: store.actor, now: Date())
            if store.json {
                Output.json(AssignResult(user: user, module: key.description, assigned: rows.map { $0.key.description }))
            } else if rows.isEmpty {
                Output.line("\(user) already has \(key)")
            } else {
                Output.line("assigned " + rows.map { $0.key.description }.joined(separator: ", ") + " to \(user)")
            }
        }
    }
}

struct AssignResult: Codable {
    var user: String
    var module: String
    var assigned: [String]
}

struct UnassignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unassign", abstract: "Take a module or plan from a user (or a satellite).")
    @OptionGroup var store: StoreOptions
    @Option(help: "The user name.") var user: String?
    @Option(help: "The satellite name.") var satellite: String?
    @Option(help: "OWNER.MODULE.") var module: String
    @Flag(help: "Also remove the user's modules that require this one.") var cascade = false

    func validate() throws {
        guard (user == nil) != (satellite == nil) else { throw ValidationError("pass exactly one of --user and --satellite") }
    }

    func run() async throws {
        try await guarded(json: store.json) {
            let key = try parseModule(module)
            let sqlite = try await store.openStore()
            let tenant = try await store.resolveTenant(sqlite)
            if let satellite {
                try await sqlite.unassignSatellite(
                    tenant: tenant, satellite: satellite, module: key, actor: store.actor, now: Date())
                if store.json {
                    Output.json(["unassigned": key.description, "satellite": satellite])
                } else {
                    Output.line("unassigned \(key) from satellite \(satellite)")
                }
                return
            }
            let user = user!
            let rows = try await sqlite.unassign(
                tenant: tenant, userName: user, module: key, cascade: cascade, actor: store.actor, now: Date())
            let removed = rows.map { $0.key.description + ($0.viaPlan.map { " (via \($0))" } ?? "") }
            if store.json {
                Output.json(["user": user, "module": key.description, "removed": removed.joined(separator: ", ")])
            } else {
                Output.line("removed from \(user): " + removed.joined(separator: ", "))
            }
        }
    }
}

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "May this user use this module? Exit 0 granted, 1 denied.")
    @OptionGroup var store: StoreOptions
    @Option(help: "The user name.") var user: String
    @Option(help: "OWNER.MODULE.") var module: String

    func run() async throws {
        try await guarded(json: store.json) {
            let key = try parseModule(module)
            let sqlite = try await store.openStore()
            let tenant = try await store.resolveTenant(sqlite)
            let decision = try await sqlite.loadSnapshot(tenant: tenant).check(userName: user, module: key)
            if store.json {
                Output.json(decision)
            } else {
                Output.line(decision.granted ? "granted" : "denied: \(decision.reason.rawValue)")
            }
            switch decision.reason {
            case .granted: return
            case .unknownUser:
                Output.error(LicenseInputError.unknownUser(user).description)
                throw ExitCode(2)
            case .unknownModule:
                Output.error(LicenseInputError.unknownModule(key.description).description)
                throw ExitCode(2)
            default: throw ExitCode(1)
            }
        }
    }
}

struct LoginCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login-check", abstract: "May this user log in from this client? Exit 0 allowed, 1 denied.")
    @OptionGroup var store: StoreOptions
    @Option(help: "The user name.") var user: String
    @Option(help: "web or windows.") var client: LoginClient

    func run() async throws {
        try await guarded(json: store.json) {
            let sqlite = try await store.openStore()
            let tenant = try await store.resolveTenant(sqlite)
            let decision = try await sqlite.loadSnapshot(tenant: tenant).loginCheck(userName: user, client: client)
            if store.json {
                Output.json(decision)
            } else {
                Output.line(decision.allowed ? "allowed" : "denied: " + decision.reasons.map(\.rawValue).joined(separator: ", "))
                if let motd = decision.messageOfTheDay { Output.line("message of the day: \(motd)") }
            }
            if decision.reasons == [.unknownUser] {
                Output.error(LicenseInputError.unknownUser(user).description)
                throw ExitCode(2)
            }
            if !decision.allowed { throw ExitCode(1) }
        }
    }
}

struct CountUsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count-users", abstract: "Count users from user/web licenses and from user plans.")
    @OptionGroup var store: StoreOptions
    @Flag(help: "Count only users who can log in and are not retired.") var activeOnly = false

    func run() async throws {
        try await guarded(json: store.json) {
            let sqlite = try await store.openStore()
            let tenant = try await store.resolveTenant(sqlite)
            let counts = try await sqlite.loadSnapshot(tenant: tenant).userCounts(activeOnly: activeOnly)
            if store.json { return Output.json(counts) }
            Output.line("user/web: \(counts.userWeb.inUse) in use of \(counts.userWeb.purchased) purchased")
            Output.line("plans:    \(counts.plans.inUse) in use of \(counts.plans.purchased) purchased")
        }
    }
}

struct FencingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fencing", abstract: "Modules nearing (≥ 85 %) or at their maximum.",
        discussion: "Restricted user and satellite modules only; --all lists the others below 85 % too.")
    @OptionGroup var store: StoreOptions
    @Flag(help: "List every restricted module, also those below 85 % in use.") var all = false

    func run() async throws {
        try await guarded(json: store.json) {
            let sqlite = try await store.openStore()
            let tenant = try await store.resolveTenant(sqlite)
            let entries = try await sqlite.loadSnapshot(tenant: tenant).fencing()
            let report = FencingReport(modules: all ? entries : entries.filter { $0.level != .ok })
            if store.json { return Output.json(report) }
            if report.modules.isEmpty {
                return Output.line("no module is nearing its maximum (85 % in use or more); --all lists every module")
            }
            for entry in report.modules {
                let label = entry.level == .ok ? "" : entry.level == .nearing ? "  nearing maximum" : "  maximum reached"
                Output.line("\(entry.owner.lowercased()).\(entry.module): \(entry.inUse) of \(entry.total)\(label)")
            }
        }
    }
}

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check every row's signature, seal and the audit chain. Exit 3 on any problem.")
    @OptionGroup var store: StoreOptions

    struct Report: Codable {
        var ok: Bool
        var problems: [IntegrityProblem]
    }

    func run() async throws {
        try await guarded(json: store.json) {
            let sqlite = try await store.openStore()
            let tenant = try await store.resolveTenant(sqlite)
            let problems = try await sqlite.verify(tenant: tenant)
            // The report comes first and whatever recording does, it is printed: a tampered head refuses the write
            // that would raise the events, and that must not hide what was found.
            var unrecorded: String?
            do {
                _ = try await sqlite.recordTamper(tenant: tenant, problems: problems, now: Date())
            } catch {
                unrecorded = report(error).message
            }
            if store.json {
                Output.json(Report(ok: problems.isEmpty, problems: problems))
            } else if problems.isEmpty {
                Output.line("ok: every row verifies")
            } else {
                for p in problems { Output.line("\(p.table) \(p.key): \(p.problem)") }
            }
            if let unrecorded { Output.error("the tamper-detected events could not be recorded: \(unrecorded)") }
            if !problems.isEmpty {
                if !store.json { Output.error("\(problems.count) rows fail verification") }
                throw ExitCode(3)
            }
        }
    }
}

struct RepairCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Accept the tenant's local rows as they are now and re-seal them (after inspecting what verify reports).",
        discussion: """
            Re-seals every local row whose seal fails, re-links the audit chain, records the rows as they are in the \
            sealed head and finishes the tamper-detected events; the digests before and after go into the audit chain. \
            Vendor-signed rows are not touched: a forged or restored module row stays void. Asks for confirmation \
            unless --yes is given. Exit 3 when the installation key does not match the database.
            """)
    @OptionGroup var store: StoreOptions
    @Flag(help: "Accept the current rows (required: repair does nothing else).") var acceptCurrent = false
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func run() async throws {
        try await guarded(json: store.json) {
            guard acceptCurrent else {
                throw CLIError.input("repair needs --accept-current: it re-seals the rows as they are now")
            }
            let opened = try await store.openStore()
            let tenant = try await store.resolveTenant(opened)
            let problems = try await opened.verify(tenant: tenant)
            if problems.isEmpty && !store.json { Output.line("verify finds nothing to repair; the head is re-recorded anyway") }
            for p in problems where !store.json { Output.line("\(p.table) \(p.key): \(p.problem)") }
            if !yes {
                Output.line(
                    "Re-seal tenant '\(tenant)' with these rows as they are now (\(problems.count) problems)? Type 'accept' to go on:"
                )
                guard readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces) == "accept" else {
                    throw CLIError.refused("not confirmed; nothing was changed")
                }
            }
            let report = try await opened.repairAcceptingCurrent(tenant: tenant, actor: store.actor, now: Date())
            if store.json { return Output.json(report) }
            let counts = report.resealed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            Output.line("re-sealed: " + (counts.isEmpty ? "nothing" : counts.joined(separator: ", ")))
            Output.line(
                "tables whose recorded digest changed: "
                    + (report.changedTables.isEmpty ? "none" : report.changedTables.joined(separator: ", ")))
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit log, newest first.")
    @OptionGroup var store: StoreOptions
    @Option(help: "How many entries.") var limit: Int = 50
    @Option(help: "Only entries older than this sequence number.") var before: Int64?

    struct Report: Codable {
        var entries: [AuditEntry]
    }

    func run() async throws {
        try await guarded(json: store.json) {
            guard (1...1_000).contains(limit) else { throw CLIError.input("--limit must be between 1 and 1000") }
            let sqlite = try await store.openStore()
            let tenant = try await store.resolveTenant(sqlite)
            let entries = try await sqlite.audit(tenant: tenant, before: before, limit: limit)
            if store.json { return Output.json(Report(entries: entries)) }
            for e in entries {
                Output.line(
                    "#\(e.sequence) \(ISO8601.string(e.at)) \(e.actor) \(e.action) \(e.target)"
                        + (e.before.map { " before: \($0)" } ?? "") + (e.after.map { " after: \($0)" } ?? ""))
            }
        }
    }
}
