import Foundation
import GRDB
import LicenseCore
import LicenseStore
import LicenseTestSupport
import Testing

/// `Fixtures.now` is 2026-06-01T12:00:00Z: June is the running month, May the previous one.
private let june = Month(year: 2026, month: 6)
private let may = Month(year: 2026, month: 5)

private extension LicenseStoring {
    func ingest(_ events: [UsageEvent], users: Int = 0, now: Date = Fixtures.now) async throws -> IngestResult {
        try await ingestUsage(tenant: Fixtures.tenantID, events, users: users, now: now)
    }

    func value(_ service: String, in month: Month = june) async throws -> Int64? {
        try await usageAggregates(tenant: Fixtures.tenantID, month: month)[service]?.value
    }
}

@Suite("Metering in the store (SQLite and PostgreSQL): idempotent ingestion, month aggregates, thresholds")
struct MeteringStoreTests {
    @Test("a repeated id is acknowledged and counted once, within a batch and across batches", arguments: StoreBackend.allCases)
    func duplicatesCountedOnce(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store

            let first = try await store.ingest([
                Fixtures.usageEvent("a", "mailing-emails", quantity: 5), Fixtures.usageEvent("b", "mailing-emails", quantity: 7),
                Fixtures.usageEvent("a", "mailing-emails", quantity: 5),
            ])
            #expect(first == IngestResult(accepted: 2, duplicates: 1, thresholdEvents: []))

            // The same id with another quantity is still the same event: ignored.
            let second = try await store.ingest([
                Fixtures.usageEvent("a", "mailing-emails", quantity: 500),
                Fixtures.usageEvent("c", "mailing-emails", quantity: 1),
            ])
            #expect(second.accepted == 1)
            #expect(second.duplicates == 1)

            #expect(try await store.value("mailing-emails") == 13)
            let raw = try await RawDatabase(temporary)
            #expect(try await raw.int("SELECT COUNT(*) FROM usage_event") == 3)
            #expect(
                try await raw.int("SELECT events FROM usage_month WHERE month = '2026-06' AND service = 'mailing-emails'") == 3)
        }
    }

    @Test(
        "ids are unique per tenant: another tenant's event with the same id counts for that tenant",
        arguments: StoreBackend.allCases)
    func idsPerTenant(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            try await temporary.createTenant(Fixtures.tenant(id: "beta", companyName: "Beta AS", serialNumber: "4711-0002"))
            let store = temporary.store

            _ = try await store.ingest([Fixtures.usageEvent("shared", "mailing-emails", quantity: 3)])
            let beta = try await store.ingestUsage(
                tenant: "beta", [Fixtures.usageEvent("shared", "mailing-emails", quantity: 4)], users: 0, now: Fixtures.now)

            #expect(beta.accepted == 1)
            #expect(try await store.value("mailing-emails") == 3)
            #expect(try await store.usageAggregates(tenant: "beta", month: june)["mailing-emails"]?.value == 4)
        }
    }

    @Test("each service aggregates its way: sum, max, count and unique subjects", arguments: StoreBackend.allCases)
    func aggregationsInTheStore(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store
            for (name, aggregation) in [("sms", Aggregation.count), ("visitors", .unique)] {
                try await store.defineService(
                    tenant: Fixtures.tenantID, MeteredService(name: name, aggregation: aggregation, unit: name),
                    actor: Fixtures.actor,
                    now: Fixtures.now)
            }

            _ = try await store.ingest([
                Fixtures.usageEvent("m1", "mailing-emails", quantity: 100),
                Fixtures.usageEvent("m2", "mailing-emails", quantity: 250),
                Fixtures.usageEvent("s1", "storage", quantity: 4_000), Fixtures.usageEvent("s2", "storage", quantity: 9_000),
                Fixtures.usageEvent("s3", "storage", quantity: 2_000),
                Fixtures.usageEvent("t1", "sms", quantity: 40), Fixtures.usageEvent("t2", "sms", quantity: 0),
                Fixtures.usageEvent("t3", "sms", quantity: 7),
                Fixtures.usageEvent("v1", "visitors", quantity: 1, subject: "ann"),
                Fixtures.usageEvent("v2", "visitors", quantity: 1, subject: "bob"),
            ])
            // A later batch: a known subject and a new one, a smaller storage reading
            _ = try await store.ingest([
                Fixtures.usageEvent("v3", "visitors", quantity: 1, subject: "ann"),
                Fixtures.usageEvent("v4", "visitors", quantity: 1, subject: "cid"),
                Fixtures.usageEvent("s4", "storage", quantity: 1),
            ])
            // The same subject in the previous month counts there, separately
            _ = try await store.ingest([
                Fixtures.usageEvent("v5", "visitors", quantity: 1, at: Fixtures.date("2026-05-20T00:00:00Z"), subject: "ann")
            ])

            #expect(try await store.value("mailing-emails") == 350)
            #expect(try await store.value("storage") == 9_000)
            #expect(try await store.value("sms") == 3)
            #expect(try await store.value("visitors") == 3)
            #expect(try await store.value("visitors", in: may) == 1)
        }
    }

    @Test(
        "events either side of midnight UTC on the last day of the month go to their own months", arguments: StoreBackend.allCases
    )
    func monthBoundary(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store

            _ = try await store.ingest([
                Fixtures.usageEvent("last", "chat-sessions", quantity: 3, at: Fixtures.date("2026-05-31T23:59:59Z")),
                Fixtures.usageEvent("first", "chat-sessions", quantity: 5, at: Fixtures.date("2026-06-01T00:00:00Z")),
                // 23:30 UTC, May
                Fixtures.usageEvent("first-local", "chat-sessions", quantity: 7, at: Fixtures.date("2026-06-01T01:30:00+02:00")),
            ])

            #expect(try await store.value("chat-sessions", in: may) == 10)
            #expect(try await store.value("chat-sessions", in: june) == 5)
        }
    }

    @Test("a batch with one bad event is refused whole and changes nothing", arguments: StoreBackend.allCases)
    func refusedBatchChangesNothing(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store
            let batch = [
                Fixtures.usageEvent("ok-1", "mailing-emails", quantity: 10),
                Fixtures.usageEvent("future", "mailing-emails", quantity: 10, at: Fixtures.now.addingTimeInterval(600)),
                Fixtures.usageEvent("ok-2", "mailing-emails", quantity: 10),
                Fixtures.usageEvent("old", "mailing-emails", quantity: 10, at: Fixtures.date("2026-04-30T23:59:59Z")),
            ]

            let rejected = try await #require(throws: UsageBatchRejected.self) { try await store.ingest(batch) }

            #expect(rejected.problems.map(\.index) == [1, 3])
            #expect(rejected.problems[0].reason.contains("future"))
            #expect(rejected.problems[1].reason.contains("previous month"))
            #expect(try await RawDatabase(temporary).int("SELECT COUNT(*) FROM usage_event") == 0)
            #expect(try await store.value("mailing-emails") == nil)
        }
    }

    @Test("a batch of 1,001 events is refused, one of 1,000 accepted", arguments: StoreBackend.allCases)
    func batchLimit(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store

            let tooMany = (0...1_000).map { Fixtures.usageEvent("e\($0)") }
            let rejected = try await #require(throws: UsageBatchRejected.self) { try await store.ingest(tooMany) }
            #expect(rejected.problems.map(\.index) == [1_000])

            #expect(try await store.ingest(Array(tooMany.prefix(1_000))).accepted == 1_000)
        }
    }

    @Test(
        "8 concurrent tasks ingesting the same 10,000 events in batches of 1,000 count each event exactly once",
        arguments: StoreBackend.allCases)
    func concurrentIngestion(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store

            // Given 10,000 events over three services and both months
            let services = ["mailing-emails", "storage", "chat-sessions"]
            let inMay = Fixtures.date("2026-05-15T10:00:00Z")
            let events: [UsageEvent] = (0..<10_000).map { (i: Int) -> UsageEvent in
                let at: Date = i % 4 == 0 ? inMay : Fixtures.now.addingTimeInterval(-Double(i))
                return Fixtures.usageEvent("evt-\(i)", services[i % 3], quantity: Int64(i % 97 + 1), at: at)
            }
            var expected: [String: Int64] = [:]  // "month|service" → value
            var counts: [String: Int] = [:]
            for e in events {
                let key = "\(Month(containing: e.occurredAt))|\(e.service)"
                expected[key] = e.service == "storage" ? max(expected[key] ?? 0, e.quantity) : (expected[key] ?? 0) + e.quantity
                counts[key, default: 0] += 1
            }
            let batches = stride(from: 0, to: events.count, by: 1_000).map { Array(events[$0..<$0 + 1_000]) }

            // When 8 tasks each send all of them, each in its own order
            let results = try await withThrowingTaskGroup(of: [IngestResult].self) { group in
                for task in 0..<8 {
                    group.addTask {
                        var results: [IngestResult] = []
                        for b in 0..<batches.count {
                            results.append(try await store.ingest(batches[(b + task) % batches.count], users: 3))
                        }
                        return results
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }

            // Then every event was accepted once and acknowledged as a duplicate seven times
            #expect(results.count == 80)
            #expect(results.reduce(0) { $0 + $1.accepted } == 10_000)
            #expect(results.reduce(0) { $0 + $1.duplicates } == 70_000)

            // And the aggregates are the exact sums (maximum for storage) of the 10,000 events
            for month in [may, june] {
                let aggregates = try await store.usageAggregates(tenant: Fixtures.tenantID, month: month)
                for service in services {
                    #expect(aggregates[service]?.value == expected["\(month)|\(service)"], "\(month) \(service)")
                }
            }
            let raw = try await RawDatabase(temporary)
            #expect(try await raw.int("SELECT COUNT(*) FROM usage_event") == 10_000)
            for (key, count) in counts {
                let parts = key.split(separator: "|").map(String.init)
                #expect(
                    try await raw.int("SELECT events FROM usage_month WHERE month = ? AND service = ?", [parts[0], parts[1]])
                        == count, "\(key)")
            }
        }
    }

    @Test(
        "crossing 85 % and 100 % raises one threshold-crossed event each per month and service", arguments: StoreBackend.allCases)
    func thresholdsOnce(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store
            // Given form-submissions with 100 included and nothing per user
            try await store.setTariff(
                tenant: Fixtures.tenantID,
                Tariff(
                    service: "form-submissions", includedBase: 100, includedPerUser: 0, unitSize: 10, pricePerUnit: 1,
                    currency: "EUR"),
                actor: Fixtures.actor, now: Fixtures.now)

            // When usage grows in steps past 85 and 100, and beyond
            var raised: [[String]] = []
            for (i, quantity) in [50, 34, 1, 10, 5, 100, 1].enumerated() {
                raised.append(
                    try await store.ingest([Fixtures.usageEvent("f\(i)", "form-submissions", quantity: Int64(quantity))])
                        .thresholdEvents)
            }

            // Then 85 % is raised by the step reaching 85, 100 % by the one reaching 100, nothing else
            #expect(raised.map(\.count) == [0, 0, 1, 0, 1, 0, 0])
            #expect(raised[2].first?.contains("85 %") == true)
            #expect(raised[4].first?.contains("100 %") == true)

            // And the previous month has thresholds of its own
            let previous = try await store.ingest([
                Fixtures.usageEvent("f-may", "form-submissions", quantity: 100, at: Fixtures.date("2026-05-10T00:00:00Z"))
            ])
            #expect(previous.thresholdEvents.count == 2)

            let events = try await store.events(tenant: Fixtures.tenantID, now: Fixtures.now).filter {
                $0.key == "threshold-crossed"
            }
            #expect(events.count == 4)
            #expect(Set(events.compactMap(\.scopeOwner)).count == 4)
            #expect(try await store.verify(tenant: Fixtures.tenantID).isEmpty)
        }
    }

    @Test(
        "a threshold already crossed is not raised again when more users lower the percentage and usage climbs back",
        arguments: StoreBackend.allCases)
    func thresholdNotRaisedTwiceAfterAllowanceGrows(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store
            try await store.setTariff(
                tenant: Fixtures.tenantID,
                Tariff(
                    service: "chat-sessions", includedBase: 100, includedPerUser: 100, unitSize: 1, pricePerUnit: 1,
                    currency: "EUR"),
                actor: Fixtures.actor, now: Fixtures.now)

            // 90 of 100, then 190 of 200: 95 %
            let first = try await store.ingest([Fixtures.usageEvent("c1", "chat-sessions", quantity: 90)], users: 0)
            let second = try await store.ingest([Fixtures.usageEvent("c2", "chat-sessions", quantity: 100)], users: 1)

            #expect(first.thresholdEvents.count == 1)
            #expect(second.thresholdEvents.isEmpty, "85 % of June was raised already: \(second.thresholdEvents)")
        }
    }

    @Test(
        "usage that is over a threshold because the allowance shrank raises the threshold event with the next ingestion",
        arguments: StoreBackend.allCases)
    func thresholdAfterAllowanceShrinks(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store
            try await store.setTariff(
                tenant: Fixtures.tenantID,
                Tariff(
                    service: "chat-sessions", includedBase: 100, includedPerUser: 100, unitSize: 1, pricePerUnit: 1,
                    currency: "EUR"),
                actor: Fixtures.actor, now: Fixtures.now)

            // 100 of 200 with one user: 50 %, nothing to raise
            let first = try await store.ingest([Fixtures.usageEvent("c1", "chat-sessions", quantity: 100)], users: 1)
            // The user leaves: the allowance is 100, and one more session makes 101 of 100
            let second = try await store.ingest([Fixtures.usageEvent("c2", "chat-sessions", quantity: 1)], users: 0)

            #expect(first.thresholdEvents.isEmpty)
            #expect(
                second.thresholdEvents.count == 2, "101 % of the allowance, yet no threshold event: \(second.thresholdEvents)")
        }
    }

    @Test("a late event for a closed month keeps the users recorded at that month's end", arguments: StoreBackend.allCases)
    func lateEventKeepsMonthEndUsers(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store
            // On the last evening of May, with 12 users
            _ = try await store.ingest(
                [Fixtures.usageEvent("may-1", at: Fixtures.date("2026-05-31T20:00:00Z"))], users: 12,
                now: Fixtures.date("2026-05-31T20:00:01Z"))

            // On 2 June, with 20 users, a late May event arrives (allowed: May is the previous month)
            _ = try await store.ingest(
                [Fixtures.usageEvent("may-late", at: Fixtures.date("2026-05-31T22:00:00Z"))], users: 20,
                now: Fixtures.date("2026-06-02T09:00:00Z"))

            // May's allowance is for the users at May's end, not for June's
            let users = try await store.usageAggregates(tenant: Fixtures.tenantID, month: may)["mailing-emails"]?.users
            #expect(users == 12, "May's users were replaced by the count on the day the late event arrived")
        }
    }

    @Test("the users recorded with a month are those of its last ingestion", arguments: StoreBackend.allCases)
    func usersRecorded(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store
            _ = try await store.ingest([Fixtures.usageEvent("a")], users: 3)
            _ = try await store.ingest([Fixtures.usageEvent("b")], users: 12)
            #expect(try await store.usageAggregates(tenant: Fixtures.tenantID, month: june)["mailing-emails"]?.users == 12)
        }
    }

    @Test(
        "a tenant's tariff replaces the default for its service; unknown services and bad values are refused",
        arguments: StoreBackend.allCases)
    func tariffs(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store
            let custom = Tariff(
                service: "mailing-emails", includedBase: 1_000, includedPerUser: 100, unitSize: 250,
                pricePerUnit: Decimal(string: "2.50")!,
                currency: "NOK")

            try await store.setTariff(tenant: Fixtures.tenantID, custom, actor: Fixtures.actor, now: Fixtures.now)

            let tariffs = try await store.tariffs(tenant: Fixtures.tenantID)
            #expect(tariffs["mailing-emails"] == custom)
            #expect(tariffs["storage"] == Tariff.defaultTariff(for: "storage"))
            #expect(Set(tariffs.keys) == Set(MeteredService.builtIn.map(\.name)))

            var unknown = custom
            unknown.service = "sms"
            await #expect(throws: LicenseInputError.self) {
                try await store.setTariff(tenant: Fixtures.tenantID, unknown, actor: Fixtures.actor, now: Fixtures.now)
            }
            var bad = custom
            bad.unitSize = 0
            await #expect(throws: LicenseInputError.self) {
                try await store.setTariff(tenant: Fixtures.tenantID, bad, actor: Fixtures.actor, now: Fixtures.now)
            }
            let audit = try await store.audit(tenant: Fixtures.tenantID, before: nil, limit: 10)
            #expect(audit.first?.action == "usage.tariff")
        }
    }

    @Test("pruning deletes raw events older than the months kept; the aggregates stay", arguments: StoreBackend.allCases)
    func prune(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store
            _ = try await store.ingest([
                Fixtures.usageEvent("may-1", "mailing-emails", quantity: 4, at: Fixtures.date("2026-05-03T00:00:00Z")),
                Fixtures.usageEvent("may-2", "mailing-emails", quantity: 6, at: Fixtures.date("2026-05-31T23:59:59Z")),
                Fixtures.usageEvent("jun-1", "mailing-emails", quantity: 1),
            ])

            let removed = try await store.pruneUsage(
                tenant: Fixtures.tenantID, keepMonths: 1, now: Fixtures.date("2026-07-15T00:00:00Z"))

            #expect(removed == 2)
            #expect(try await RawDatabase(temporary).strings("SELECT id FROM usage_event") == ["jun-1"])
            #expect(try await store.value("mailing-emails", in: may) == 10)
            await #expect(throws: LicenseInputError.self) {
                try await store.pruneUsage(tenant: Fixtures.tenantID, keepMonths: 0, now: Fixtures.now)
            }
        }
    }

    @Test(
        "pruning keeps every event that could still be sent again, so a retry stays a duplicate", arguments: StoreBackend.allCases
    )
    func pruneKeepsRetriableEvents(backend: StoreBackend) async throws {
        try await TemporaryStore.with(backend) { temporary in
            try await temporary.createTenant()
            let store = temporary.store
            let late = Fixtures.usageEvent("may-1", "mailing-emails", quantity: 4, at: Fixtures.date("2026-05-03T00:00:00Z"))
            _ = try await store.ingest([late])

            // Pruning as far as allowed in June: May is still the previous month, its events are kept
            let now = Fixtures.date("2026-06-20T00:00:00Z")
            #expect(try await store.pruneUsage(tenant: Fixtures.tenantID, keepMonths: 1, now: now) == 0)

            // And the client retrying the event is acknowledged without counting it again
            #expect(try await store.ingest([late], now: now).duplicates == 1)
            #expect(try await store.value("mailing-emails", in: may) == 4)
        }
    }
}
