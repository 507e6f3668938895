import ArgumentParser
import Crypto
import Foundation
import Hummingbird
import HummingbirdBcrypt
import LicenseCore
import LicenseServer
import LicenseStore
import LicenseStoreEngine
import LicenseStoreSQLite

/// `licensing demo`: a working installation in one command — keys, a SuperOffice-like package, a partner's
/// package, 25 users with plans and licenses, an administrator and an API token — then the server.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Create demo data on first run (reused afterwards) and serve it.")
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port (0 picks a free one).") var port = 8080
    @Option(help: "The data directory (env LICENSING_DATA).")
    var data: String = ProcessInfo.processInfo.environment["LICENSING_DATA"] ?? "./licensing-data"
    @Flag(help: "Create the demo data and exit without serving.") var noServe = false

    static let tenant = "demo"

    func run() async throws {
        try await guarded {
            guard (0...65_535).contains(port) else { throw CLIError.input("--port must be between 0 and 65535") }
            let directory = URL(fileURLWithPath: data, isDirectory: true)
            let demo = directory.appendingPathComponent("demo")
            let store = try SQLiteLicenseStore(dataDirectory: directory)
            let isNew = try await !store.tenantIDs().contains(Self.tenant)
            if isNew {
                try await DemoSeed(store: store, folder: demo).seed()
            }
            let password = (try? String(contentsOf: demo.appendingPathComponent("admin-password"), encoding: .utf8)) ?? "?"
            let token = (try? String(contentsOf: demo.appendingPathComponent("admin-token"), encoding: .utf8)) ?? "?"
            Output.line(isNew ? "created demo data in \(data)" : "reusing demo data in \(data)")
            Output.line("  tenant:          \(Self.tenant)")
            Output.line("  admin user:      admin / \(password.trimmingCharacters(in: .whitespacesAndNewlines))")
            Output.line("  admin API token: \(token.trimmingCharacters(in: .whitespacesAndNewlines))")
            Output.line("  keys, packages:  \(demo.path)")
            if noServe { return }
            let root = try String(contentsOf: demo.appendingPathComponent("root.pub.jwk"), encoding: .utf8)
            let app = try await buildApplication(
                ServerConfiguration(host: host, port: port, defaultTrustRoot: root), store: store,
                onReady: { port in
                    Output.line(
                        "  open:            http://\(host):\(port)/  (API: http://\(host):\(port)/api/v1/tenants/\(Self.tenant)/licenses)"
                    )
                })
            try await runServer(app, store: store, host: host, port: port)
        }
    }
}

/// The demo installation's data.
struct DemoSeed {
    let store: SQLiteLicenseStore
    let folder: URL
    let company = "Demo Company AS"
    let serial = "1000-0001"

    func seed() async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let now = Date().wholeSeconds
        let root = Issuer.makeRootKey()
        let superOffice = try Issuer.makeOwnerKey(owner: "SUPEROFFICE", root: root, now: now, validDays: 3650)
        let acme = try Issuer.makeOwnerKey(owner: "ACME", root: root, now: now, validDays: 3650)
        try write("root.jwk", root.encoded(), mode: 0o600)
        try write("root.pub.jwk", root.publicOnly.encoded(), mode: 0o644)
        try write("superoffice.jwk", superOffice.encoded(), mode: 0o600)
        try write("superoffice.pub.jwk", superOffice.publicOnly.encoded(), mode: 0o644)
        try write("acme.jwk", acme.encoded(), mode: 0o600)
        try write("acme.pub.jwk", acme.publicOnly.encoded(), mode: 0o644)

        let tenant = Tenant(
            id: DemoCommand.tenant, companyName: company, serialNumber: serial, databaseType: .central,
            databaseOwner: company, trustRoot: String(decoding: root.publicOnly.encoded(), as: UTF8.self), createdAt: now)
        try await store.createTenant(tenant, actor: "demo")

        let day: TimeInterval = 86_400
        let superOfficeSpec = PackageSpec(
            owner: "SUPEROFFICE", description: "SuperOffice CRM", companyName: company, serialNumber: serial,
            issuedAt: now.addingTimeInterval(-60), expiresAt: now.addingTimeInterval(365 * day),
            graceUntil: now.addingTimeInterval(395 * day), maintenanceUntil: now.addingTimeInterval(365 * day),
            adminWarningAt: now.addingTimeInterval(335 * day), nextCheckAt: now.addingTimeInterval(30 * day),
            licenseURL: nil, deploymentType: "online", productType: "crm", extraFlags: 0, extraInfo: nil,
            modules: Self.superOfficeModules)
        let acmeSpec = PackageSpec(
            owner: "ACME", description: "ACME Sync for SuperOffice", companyName: company, serialNumber: serial,
            issuedAt: now.addingTimeInterval(-60), expiresAt: nil, graceUntil: nil, maintenanceUntil: nil,
            adminWarningAt: nil, nextCheckAt: nil, licenseURL: nil, deploymentType: nil, productType: nil, extraFlags: 0,
            extraInfo: nil,
            modules: [
                ModuleLicense(
                    name: "acme-sync", description: "ACME Sync", tooltip: "Synchronise with ACME ERP", type: .user, count: 10,
                    sortOrder: 1),
                ModuleLicense(name: "acme-dashboard", description: "ACME Dashboard", type: .site, count: 1, sortOrder: 2),
            ])
        for (name, spec, key) in [("superoffice", superOfficeSpec, superOffice), ("acme", acmeSpec, acme)] {
            let package = try Issuer.issue(spec: spec, ownerKey: key, now: now)
            try write("\(name).license", Data((package + "\n").utf8), mode: 0o644)
            let preview = try await store.activate(tenant: tenant.id, package: Data(package.utf8), actor: "demo", now: now)
            guard preview.canBeActivated else { throw CLIError.refused("the demo package could not be activated") }
        }

        let password = Base64URL.encode(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })
        try write("admin-password", Data((password + "\n").utf8), mode: 0o600)
        var users = [
            NewUser(
                userName: "admin", displayName: "Administrator", email: "admin@example.com", canLogIn: true,
                isAdministrator: true, passwordHash: Bcrypt.hash(password, cost: 10))
        ]
        for (name, display) in Self.people {
            users.append(NewUser(userName: name, displayName: display, email: "\(name)@example.com", canLogIn: true))
        }
        users.append(NewUser(userName: "meeting-room", displayName: "Meeting room", type: .resource, canLogIn: false))
        _ = try await store.addUsers(tenant: tenant.id, users, actor: "demo", now: now)

        let plans: [(String, Int)] = [
            ("sales-premium", 8), ("sales-essentials", 6), ("service-premium", 5), ("service-essentials", 2),
            ("marketing-essentials", 2), ("marketing-premium", 1),
        ]
        var holders = ["admin"] + Self.people.map(\.0)
        for (plan, count) in plans {
            for _ in 0..<count where !holders.isEmpty {
                let user = holders.removeFirst()
                _ = try await store.assign(
                    tenant: tenant.id, userName: user, module: ModuleKey(owner: "SUPEROFFICE", module: plan), actor: "demo",
                    now: now)
            }
        }
        for user in ["ada", "bjorn", "cecilie"] {
            _ = try await store.assign(
                tenant: tenant.id, userName: user, module: ModuleKey(owner: "SUPEROFFICE", module: "windows"), actor: "demo",
                now: now)
        }
        for user in ["ada", "dag", "eva", "frode"] {
            _ = try await store.assign(
                tenant: tenant.id, userName: user, module: ModuleKey(owner: "ACME", module: "acme-sync"), actor: "demo", now: now)
        }
        _ = try await store.addSatellite(tenant: tenant.id, name: "oslo-office", actor: "demo", now: now)
        try await store.assignSatellite(
            tenant: tenant.id, satellite: "oslo-office", module: ModuleKey(owner: "SUPEROFFICE", module: "travel"), actor: "demo",
            now: now)
        _ = try await store.addEvent(
            tenant: tenant.id,
            EventDraft(key: SystemEvent.messageOfTheDay, message: "Welcome to the demo installation of the license server."),
            actor: "demo", now: now)

        try await seedUsage(now: now)
        try writeUpgrades(superOffice: superOffice, base: superOfficeSpec, now: now)

        let (token, presented) = TokenCommand.makeToken(tenant: tenant.id, role: .admin, name: "demo admin")
        try await store.createToken(token, now: now)
        try write("admin-token", Data((presented + "\n").utf8), mode: 0o600)
    }

    // MARK: - Upgrades

    /// Two newer SuperOffice packages beside the active one, to try activation with: `superoffice-upgrade.license`
    /// (Sales Premium 10 → 15 seats and a new AI assistant license; activates as it is) and
    /// `superoffice-shortfall.license` (the same, issued later, with the Windows client down to 2 seats while 3
    /// users hold it, so one must go first: the "Remove superfluous licenses" path).
    func writeUpgrades(superOffice: SigningKeyJWK, base: PackageSpec, now: Date) throws {
        var upgrade = base
        upgrade.issuedAt = now.addingTimeInterval(-30)
        upgrade.modules = Self.upgradedModules
        var shortfall = upgrade
        shortfall.issuedAt = now.addingTimeInterval(-20)
        shortfall.modules = Self.upgradedModules.map { module in
            var module = module
            if module.name == "windows" { module.count = 2 }
            return module
        }
        for (name, spec) in [("superoffice-upgrade", upgrade), ("superoffice-shortfall", shortfall)] {
            let package = try Issuer.issue(spec: spec, ownerKey: superOffice, now: now)
            try write("\(name).license", Data((package + "\n").utf8), mode: 0o644)
        }
    }

    /// The active SuperOffice modules with more Sales Premium seats and a new AI assistant license.
    static var upgradedModules: [ModuleLicense] {
        var modules = superOfficeModules.map { module in
            var module = module
            if module.name == "sales-premium" { module.count = 15 }
            return module
        }
        modules.append(
            ModuleLicense(
                name: "ai-assistant", description: "AI assistant", tooltip: "Drafts e-mails and summarises activities",
                type: .user, count: 10, sortOrder: 24, prerequisite: "user"))
        return modules
    }

    // MARK: - Usage

    /// A year of usage of every built-in service, reported weekly, so the consumption dashboard and the invoice preview
    /// have something to show: each service grows over the year and goes over its allowance in one month (a different
    /// month for each). Threshold events of past months are finished, as an administrator would have done.
    func seedUsage(now: Date) async throws {
        let tenant = DemoCommand.tenant
        let snapshot = try await store.loadSnapshot(tenant: tenant)
        let users = MeteringRule.allowanceUsers(snapshot.userCounts(activeOnly: false, now: now))
        let tariffs = try await store.tariffs(tenant: tenant)
        let thisMonth = Month(containing: now)
        var months = [thisMonth]
        while months.count < 12 { months.insert(months[0].previous, at: 0) }
        for (service, overMonthsAgo, levels) in Self.usageProfile {
            let allowance = (tariffs[service] ?? Tariff.defaultTariff(for: service)).allowance(users: users)
            let isGauge = service == "storage"
            for (index, month) in months.enumerated() {
                let monthsAgo = months.count - 1 - index
                // A share of the allowance: the profile's level for the month, or 112 % in the month over it.
                let share = monthsAgo == overMonthsAgo ? 1.12 : levels[index]
                let total = Int64((Double(allowance) * share).rounded())
                let days = [3, 10, 17, 24].map { month.start.addingTimeInterval(Double($0 - 1) * 86_400 + 10 * 3_600) }
                    .filter { $0 <= now }
                guard !days.isEmpty else { continue }
                let events = days.enumerated().map { week, day in
                    // A gauge reports its level (rising through the month), a counter what happened since the last report.
                    let quantity = isGauge ? total * Int64(week + 1) / Int64(days.count) : total / 4
                    return UsageEvent(
                        id: "demo-\(service)-\(month)-\(week + 1)", service: service, quantity: quantity, occurredAt: day)
                }
                let reportedAt = month == thisMonth ? now : days.last!.addingTimeInterval(60)
                _ = try await store.ingestUsage(tenant: tenant, events, users: users, now: reportedAt)
            }
        }
        for event in try await store.events(tenant: tenant, now: now)
        where event.key == "threshold-crossed" && event.status == .active
            && !(event.scopeOwner ?? "").contains("@\(thisMonth)@")
        {
            _ = try await store.finishEvent(tenant: tenant, id: event.id, actor: "demo", now: now)
        }
    }

    /// Per service: the month (counted back from this one) it goes over its allowance, and its share of the allowance
    /// in each month of the year, oldest first.
    static let usageProfile: [(String, Int, [Double])] = [
        ("storage", 4, [0.52, 0.54, 0.55, 0.57, 0.58, 0.60, 0.62, 0.63, 0.66, 0.68, 0.70, 0.71]),
        ("mailing-emails", 1, [0.48, 0.55, 0.62, 0.51, 0.44, 0.38, 0.58, 0.66, 0.72, 0.69, 0.80, 0.35]),
        ("customer-centre-logins", 6, [0.61, 0.64, 0.70, 0.66, 0.72, 0.75, 0.68, 0.71, 0.77, 0.74, 0.79, 0.30]),
        ("chat-sessions", 8, [0.41, 0.45, 0.52, 0.58, 0.55, 0.49, 0.63, 0.67, 0.60, 0.72, 0.70, 0.25]),
        ("form-submissions", 2, [0.33, 0.37, 0.45, 0.52, 0.47, 0.41, 0.39, 0.55, 0.61, 0.58, 0.64, 0.20]),
    ]

    private func write(_ name: String, _ data: Data, mode: Int) throws {
        try writeNewFile(folder.appendingPathComponent(name).path, data, mode: mode)
    }

    static let people: [(String, String)] = [
        ("ada", "Ada Lovelace"), ("bjorn", "Bjørn Dæhlie"), ("cecilie", "Cecilie Skog"), ("dag", "Dag Solstad"),
        ("eva", "Eva Joly"), ("frode", "Frode Grodås"), ("grete", "Grete Waitz"), ("hans", "Hans Nielsen Hauge"),
        ("ingrid", "Ingrid Bjoner"), ("jens", "Jens Stoltenberg"), ("kari", "Kari Traa"), ("lars", "Lars Monsen"),
        ("marit", "Marit Bjørgen"), ("nils", "Nils Arne Eggen"), ("olav", "Olav Duun"), ("petter", "Petter Northug"),
        ("ragnhild", "Ragnhild Jølsen"), ("sigrid", "Sigrid Undset"), ("tor", "Tor Heyerdahl"),
        ("unni", "Unni Lindell"), ("vilde", "Vilde Frang"), ("wenche", "Wenche Foss"), ("yngve", "Yngve Slyngstad"),
    ]

    static var superOfficeModules: [ModuleLicense] {
        var modules: [ModuleLicense] = [
            ModuleLicense(
                name: "system", description: "System", tooltip: "Which systems you have access to", type: .site, count: 1,
                sortOrder: 1),
            ModuleLicense(
                name: "server", description: "SuperOffice Server", tooltip: "Required to use SuperOffice CRM", type: .site,
                count: 1, sortOrder: 2),
            ModuleLicense(
                name: "ows", description: "Online Web Services", tooltip: "Required to reach SuperOffice CRM from a web client",
                type: .site, count: 1, sortOrder: 3),
            ModuleLicense(
                name: "saint", description: "Sales Intelligence", tooltip: "SAINT status monitoring", type: .site, count: 1,
                sortOrder: 4, hidden: true),
            ModuleLicense(name: "sync", description: "Exchange Synchronizer", type: .site, count: 1, sortOrder: 5),
            ModuleLicense(
                name: "expander", description: "SuperOffice Expander Services", tooltip: "Anonymous and external users",
                type: .site, count: 1, sortOrder: 6),
            ModuleLicense(name: "customer-centre", description: "Customer Centre", type: .site, count: 1, sortOrder: 7),
            ModuleLicense(name: "quote", description: "Sales quote management", type: .site, count: 1, sortOrder: 8),
            ModuleLicense(
                name: "travel", description: "Travel (satellite)", tooltip: "Offline satellite databases", type: .satellite,
                count: 2, sortOrder: 9),
            ModuleLicense(
                name: "user", description: "User", tooltip: "Allows logging in", type: .user, count: 40,
                allowedUserTypes: [.employee, .external], sortOrder: 20, hidden: true),
            ModuleLicense(
                name: "web", description: "Web client", tooltip: "Allows the web client", type: .user, count: 40, sortOrder: 21,
                hidden: true, prerequisite: "user"),
            ModuleLicense(
                name: "windows", description: "Windows client (legacy)", tooltip: "SuperOffice CRM for Windows", type: .user,
                count: 5, sortOrder: 22, prerequisite: "user"),
            ModuleLicense(
                name: "visible-for", description: "Visible for", tooltip: "Restrict who sees a record", type: .user, count: 1,
                sortOrder: 23, unrestricted: true),
        ]
        for (i, cal) in ["sales-cal", "service-cal", "marketing-cal", "chat-cal"].enumerated() {
            modules.append(
                ModuleLicense(
                    name: cal, description: cal.replacingOccurrences(of: "-cal", with: "").capitalized + " CAL", type: .user,
                    count: 40, sortOrder: 30 + i, hidden: true, prerequisite: "user"))
        }
        let plans: [(String, String, Int, String)] = [
            ("sales-essentials", "Sales Essentials", 10, "user,web,sales-cal"),
            ("sales-premium", "Sales Premium", 10, "user,web,sales-cal,chat-cal"),
            ("service-essentials", "Service Essentials", 5, "user,web,service-cal"),
            ("service-premium", "Service Premium", 5, "user,web,service-cal,chat-cal"),
            ("marketing-essentials", "Marketing Essentials", 3, "user,web,marketing-cal"),
            ("marketing-premium", "Marketing Premium", 3, "user,web,marketing-cal,chat-cal"),
        ]
        for (i, plan) in plans.enumerated() {
            modules.append(
                ModuleLicense(
                    name: plan.0, description: plan.1, tooltip: "User plan: \(plan.3.replacingOccurrences(of: ",", with: ", "))",
                    type: .user, count: plan.2, allowedUserTypes: [.employee, .external], extraFlags: 1,
                    extraInfo: "set=\(plan.3)", sortOrder: 10 + i))
        }
        return modules
    }
}
