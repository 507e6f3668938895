import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

// MARK: - JSON of `licensing usage …`

struct IngestJSON: Decodable {
    var accepted: Int
    var duplicates: Int
    var thresholdEvents: [String]
}

@Suite("Metered usage through the licensing binary")
struct MeteringCLITests {
    static let gib: Int64 = 1 << 30

    /// A package whose plan `sales-premium` (user, web, chat-cal) has room for 15 users.
    static func planPackage(_ fixture: Fixture) -> PackageSpecFile {
        var spec = PackageSpecFile.sample(issuedAt: fixture.baseTime)
        let counts = ["user": 20, "web": 20, "chat-cal": 20, "sales-premium": 15]
        spec.modules = spec.modules.map { module in
            var module = module
            if let count = counts[module.name] { module.count = count }
            return module
        }
        return spec
    }

    func record(
        _ fixture: Fixture, _ service: String, _ quantity: Int64, id: String, at: Date
    ) async throws -> IngestJSON {
        try await fixture.licensing(
            "usage", "record", "--service", service, "--quantity", "\(quantity)", "--id", id, "--at", ISO8601.string(at), "--json"
        ).requireSuccess().json(IngestJSON.self)
    }

    @Test(
        "usage in the previous and the current month for 12 plan users and a custom tariff gives the hand-computed report and invoice",
        .timeLimit(.minutes(5)), arguments: StoreBackend.allCases)
    func twoMonths(backend: StoreBackend) async throws {
        try await CLI.on(backend) { try await twoMonthsSteps() }
    }

    func twoMonthsSteps() async throws {
        // Given a tenant with 12 users holding the sales-premium plan, and one user with user and web only
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        try await fixture.initTenant()
        try await fixture.licensing("license", "activate", try await fixture.issue(Self.planPackage(fixture), as: "plans"))
            .requireSuccess()
        let planUsers = (1...12).map { String(format: "u%02d", $0) }
        for user in planUsers {
            try await fixture.addUser(user)
            try await fixture.assign(user, "superoffice.sales-premium")
        }
        try await fixture.addUser("zed")
        try await fixture.assign("zed", "superoffice.user")
        try await fixture.assign("zed", "superoffice.web")
        let counts = try await fixture.licensing("count-users", "--json").requireSuccess().json(CountUsersJSON.self)
        try #require(counts.plans.inUse == 12, "\(counts)")
        #expect(counts.userWeb.inUse == 13)

        // And a tariff for mailing-emails (1,000 + 100 per user, per started 250 at 2.50) and a custom count service
        try await fixture.licensing(
            "usage", "tariff", "--service", "mailing-emails", "--base", "1000", "--per-user", "100", "--unit-size", "250",
            "--price",
            "2.50"
        ).requireSuccess()
        try await fixture.licensing("usage", "service", "--name", "sms", "--aggregation", "count", "--unit", "messages")
            .requireSuccess()
        let tariffs = try await fixture.licensing(
            "usage", "tariff", "--service", "sms", "--base", "1", "--per-user", "0", "--unit-size", "1", "--price", "0.10",
            "--json"
        ).requireSuccess().jsonObject()
        let listed = try #require(tariffs["tariffs"] as? [[String: Any]])
        #expect(Set(listed.compactMap { $0["service"] as? String }).isSuperset(of: ["mailing-emails", "sms", "storage"]))

        // When usage is recorded either side of the month boundary: the previous month up to its last second (UTC),
        // the current month from its first
        let current = Month(containing: Date())
        let previous = current.previous
        let inPrevious = previous.start.addingTimeInterval(86_400 + 36_000)
        let lastSecond = current.start.addingTimeInterval(-1)
        let firstSecond = current.start

        let m1 = try await record(fixture, "mailing-emails", 1_500, id: "m-p1", at: inPrevious)
        #expect(m1.accepted == 1)
        _ = try await record(fixture, "mailing-emails", 1_000, id: "m-p2", at: lastSecond)
        let repeated = try await record(fixture, "mailing-emails", 1_500, id: "m-p1", at: inPrevious)
        #expect((repeated.accepted, repeated.duplicates) == (0, 1), "a repeated id is acknowledged, not counted")
        for (i, size) in [5, 40, 20].enumerated() {
            _ = try await record(fixture, "storage", Int64(size) * Self.gib, id: "s-p\(i)", at: inPrevious)
        }
        for i in 0..<3 { _ = try await record(fixture, "sms", 1, id: "t-p\(i)", at: lastSecond) }

        _ = try await record(fixture, "mailing-emails", 700, id: "m-c1", at: firstSecond)
        _ = try await record(fixture, "mailing-emails", 800, id: "m-c2", at: firstSecond)
        _ = try await record(fixture, "chat-sessions", 1_200, id: "c-c1", at: firstSecond)

        // Then the previous month, by hand with 12 users:
        //   mailing-emails 1,500 + 1,000 = 2,500 of 1,000 + 12 × 100 = 2,200 → 300 over → 2 units × 2.50 = 5.00
        //   storage max(5, 40, 20) = 40 GiB of 10 + 12 × 2 = 34 GiB → 6 GiB over → 6 units × 2.00 = 12.00
        //   sms 3 messages of 1 → 2 units × 0.10 = 0.20;  total 17.20
        let old = try await fixture.licensing("usage", "report", "--month", previous.description, "--json").requireSuccess()
            .json(UsageReportJSON.self)
        #expect(old.month == previous.description)
        #expect(old.users == 12)
        let mailing = try old.service("mailing-emails")
        #expect(
            (mailing.usage, mailing.allowance, mailing.remaining, mailing.overageUnits) == (2_500, 2_200, 0, 2), "\(mailing)")
        #expect(mailing.overageAmount == Decimal(string: "5")!)
        let storage = try old.service("storage")
        #expect((storage.usage, storage.allowance, storage.overageUnits) == (40 * Self.gib, 34 * Self.gib, 6), "\(storage)")
        #expect(storage.overageAmount == 12)
        #expect(storage.aggregation == "max")
        let sms = try old.service("sms")
        #expect((sms.usage, sms.allowance, sms.overageUnits) == (3, 1, 2), "\(sms)")
        #expect(sms.overageAmount == Decimal(string: "0.2")!)
        #expect(try old.service("chat-sessions").usage == 0)

        let oldInvoice = try await fixture.licensing("usage", "invoice", "--month", previous.description, "--json")
            .requireSuccess()
            .json(InvoiceJSON.self)
        #expect(oldInvoice.total == Decimal(string: "17.2")!)
        #expect(oldInvoice.currency == "EUR")
        #expect(try oldInvoice.line("mailing-emails").amount == 5)
        #expect(try oldInvoice.line("mailing-emails").unitSize == 250)
        #expect(try oldInvoice.line("mailing-emails").pricePerUnit == Decimal(string: "2.5")!)
        #expect(try oldInvoice.line("storage").amount == 12)
        #expect(try oldInvoice.line("sms").amount == Decimal(string: "0.2")!)
        #expect(try oldInvoice.line("form-submissions").amount == 0)

        // And the current month: mailing-emails 700 + 800 = 1,500 of 2,200 (700 left);
        //   chat-sessions 1,200 of 500 + 12 × 50 = 1,100 → 100 over → 1 unit × 2.00;  total 2.00
        let now = try await fixture.licensing("usage", "report", "--json").requireSuccess().json(UsageReportJSON.self)
        #expect(now.month == current.description)
        #expect(now.users == 12)
        let mailingNow = try now.service("mailing-emails")
        #expect((mailingNow.usage, mailingNow.allowance, mailingNow.remaining, mailingNow.overageUnits) == (1_500, 2_200, 700, 0))
        let chat = try now.service("chat-sessions")
        #expect((chat.usage, chat.allowance, chat.overageUnits) == (1_200, 1_100, 1), "\(chat)")
        #expect(try now.service("storage").usage == 0)
        let invoice = try await fixture.licensing("usage", "invoice", "--month", current.description, "--json").requireSuccess()
            .json(InvoiceJSON.self)
        #expect(invoice.total == 2)
        #expect(try invoice.line("chat-sessions").amount == 2)

        // And crossing 85 % and 100 % raised one threshold event each: mailing, storage and sms in the previous
        // month, chat-sessions in the current one
        let events = try await fixture.licensing("events", "list", "--json").requireSuccess().json(EventListJSON.self)
        let thresholds = events.events.filter { $0.key == "threshold-crossed" }.compactMap(\.scopeOwner).sorted()
        #expect(
            thresholds
                == [
                    "chat-sessions@\(current)@100", "chat-sessions@\(current)@85", "mailing-emails@\(previous)@100",
                    "mailing-emails@\(previous)@85", "sms@\(previous)@100", "sms@\(previous)@85", "storage@\(previous)@100",
                    "storage@\(previous)@85",
                ])

        // When a 13th user gets the plan, the running month's allowance rises; the previous month keeps its 12
        try await fixture.addUser("u13")
        try await fixture.assign("u13", "superoffice.sales-premium")
        let grown = try await fixture.licensing("usage", "report", "--json").requireSuccess().json(UsageReportJSON.self)
        #expect(grown.users == 13)
        #expect(try grown.service("mailing-emails").allowance == 2_300)
        #expect(try grown.service("chat-sessions").allowance == 1_150)
        #expect(try grown.service("chat-sessions").overageUnits == 1)
        let stillOld = try await fixture.licensing("usage", "report", "--month", previous.description, "--json").requireSuccess()
            .json(UsageReportJSON.self)
        #expect(stillOld.users == 12)
        #expect(try stillOld.service("mailing-emails").allowance == 2_200)

        // And the data still verifies
        try await fixture.licensing("verify").requireSuccess()
    }

    @Test(
        "refused usage: the future, before the previous month, an unknown service",
        arguments: [
            (
                ["--service", "mailing-emails", "--quantity", "1", "--at", ISO8601.string(Date().addingTimeInterval(3_600))],
                "future"
            ),
            (
                [
                    "--service", "mailing-emails", "--quantity", "1", "--at",
                    ISO8601.string(Month(containing: Date()).previous.start.addingTimeInterval(-1)),
                ],
                "previous month"
            ),
            (["--service", "telepathy", "--quantity", "1"], "unknown service"),
        ])
    func refused(arguments: [String], reason: String) async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        try await fixture.initTenant()

        let result = try await fixture.licensing(arguments: ["usage", "record"] + arguments)

        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stderr.contains(reason), "\(result)")
        let report = try await fixture.licensing("usage", "report", "--json").requireSuccess().json(UsageReportJSON.self)
        #expect(report.services.allSatisfy { $0.usage == 0 })
    }

    @Test("a malformed month is refused")
    func malformedMonth() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        try await fixture.initTenant()
        let result = try await fixture.licensing("usage", "report", "--month", "2026-13")
        #expect(result.exitCode == 2, "\(result)")
    }
}
