import Foundation
import Hummingbird
import LicenseCore
import LicenseTestSupport
import Testing

/// `POST …/usage/events` bodies.
enum UsageBatch {
    struct Body: Encodable {
        var events: [UsageEvent]
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func json(_ events: [UsageEvent]) throws -> String {
        String(decoding: try encoder.encode(Body(events: events)), as: UTF8.self)
    }

    /// An event a second ago (whole seconds, as ISO 8601 carries them), for a server on the real clock.
    static func event(_ id: String, _ service: String = "mailing-emails", _ quantity: Int64 = 1, at: Date? = nil) -> UsageEvent {
        Fixtures.usageEvent(id, service, quantity: quantity, at: at ?? Date().addingTimeInterval(-1).wholeSeconds)
    }

    static let path = "\(StandardTenant.base)/usage/events"
}

struct ErrorBody: Decodable {
    struct Inner: Decodable {
        var code: String
        var message: String
        var details: [BatchProblem]?
    }
    var error: Inner
}

@Suite("Usage over HTTP")
struct UsageAPITests {
    @Test(
        "posting usage needs a checker or admin token",
        arguments: [(APIToken.Role.admin, 200), (.checker, 200), (.reader, 403)])
    func roles(role: APIToken.Role, status: Int) async throws {
        try await withStandardServer { client, tenant, _ in
            let result = try await client.send(
                .post, UsageBatch.path, token: tenant.token(role).presented,
                json: try UsageBatch.json([UsageBatch.event("r-1", "chat-sessions", 4)]))
            #expect(result.status == status, "\(result)")
            if status == 200 {
                #expect(try result.decode(IngestResult.self) == IngestResult(accepted: 1, duplicates: 0, thresholdEvents: []))
            } else {
                #expect(result.errorCode == "forbidden")
                let report = try await client.get("\(StandardTenant.base)/usage", token: tenant.admin.presented).decode(
                    UsageReportJSON.self)
                #expect(try report.service("chat-sessions").usage == 0, "a refused post counts nothing")
            }
        }
    }

    @Test("posting usage without a token, or with another tenant's, is refused")
    func otherTokens() async throws {
        try await withStandardServer { client, tenant, _ in
            let body = try UsageBatch.json([UsageBatch.event("x-1")])
            #expect(try await client.send(.post, UsageBatch.path, json: body).status == 401)
            // Another tenant's token gets 404, as for a tenant that does not exist
            #expect(try await client.send(.post, UsageBatch.path, token: tenant.otherAdmin.presented, json: body).status == 404)
        }
    }

    @Test("a batch with invalid events is refused whole with 422, naming the index and reason of each")
    func invalidBatch() async throws {
        try await withStandardServer { client, tenant, _ in
            let batch = [
                UsageBatch.event("ok-1", "form-submissions", 5),
                UsageBatch.event("late", "form-submissions", 5, at: Date().addingTimeInterval(3_600)),
                UsageBatch.event("ok-2", "form-submissions", 5),
                UsageBatch.event("odd", "telepathy", 5),
                UsageBatch.event(
                    "old", "form-submissions", 5, at: Month(containing: Date()).previous.start.addingTimeInterval(-1)),
            ]

            let result = try await client.send(
                .post, UsageBatch.path, token: tenant.checker.presented, json: try UsageBatch.json(batch))

            #expect(result.status == 422, "\(result)")
            let error = try result.decode(ErrorBody.self).error
            #expect(error.code == "invalid-batch")
            let details = try #require(error.details)
            #expect(details.map(\.index) == [1, 3, 4])
            #expect(details[0].reason.contains("future"))
            #expect(details[1].reason.contains("unknown service 'telepathy'"))
            #expect(details[2].reason.contains("previous month"))
            let report = try await client.get("\(StandardTenant.base)/usage", token: tenant.admin.presented).decode(
                UsageReportJSON.self)
            #expect(try report.service("form-submissions").usage == 0, "nothing of a refused batch is counted")
        }
    }

    @Test("a batch over 1,000 events is refused with 422")
    func tooLargeBatch() async throws {
        try await withStandardServer { client, tenant, _ in
            let batch = (0...1_000).map { UsageBatch.event("big-\($0)") }
            let result = try await client.send(
                .post, UsageBatch.path, token: tenant.checker.presented, json: try UsageBatch.json(batch))
            #expect(result.status == 422, "\(result)")
            #expect(try result.decode(ErrorBody.self).error.details?.map(\.index) == [1_000])
        }
    }

    @Test(
        "malformed bodies (400), bodies of the wrong shape and malformed months (422) are refused",
        arguments: [
            ("POST", #"{"events": [{"id": "a"}]}"#, 422),
            ("POST", #"{"events": "#, 400),
            ("POST", #"{"events": [{"id": "a", "service": "storage", "quantity": 1, "occurredAt": "yesterday"}]}"#, 422),
            ("GET", "month=2026-13", 422),
            ("GET", "month=june", 422),
        ])
    func malformed(method: String, text: String, status: Int) async throws {
        try await withStandardServer { client, tenant, _ in
            let result =
                method == "POST"
                ? try await client.send(.post, UsageBatch.path, token: tenant.admin.presented, json: text)
                : try await client.get("\(StandardTenant.base)/usage/invoice?\(text)", token: tenant.admin.presented)
            #expect(result.status == status, "\(result)")
            #expect(result.hasErrorShape, "\(result)")
        }
    }

    @Test("a repeated batch is acknowledged and counted once")
    func repeatedBatch() async throws {
        try await withStandardServer { client, tenant, _ in
            let body = try UsageBatch.json((0..<10).map { UsageBatch.event("rep-\($0)", "customer-centre-logins", 3) })
            let first = try await client.send(.post, UsageBatch.path, token: tenant.checker.presented, json: body).decode(
                IngestResult.self)
            let second = try await client.send(.post, UsageBatch.path, token: tenant.checker.presented, json: body).decode(
                IngestResult.self)
            #expect((first.accepted, first.duplicates) == (10, 0))
            #expect((second.accepted, second.duplicates) == (0, 10))
            let report = try await client.get("\(StandardTenant.base)/usage", token: tenant.reader.presented).decode(
                UsageReportJSON.self)
            #expect(try report.service("customer-centre-logins").usage == 30)
        }
    }

    @Test("the tariff is set by an admin, and the report and invoice follow it and the plan seats in use")
    func invoiceNumbers() async throws {
        try await withStandardServer { client, tenant, _ in
            let base = StandardTenant.base
            let month = Month(containing: Date()).description
            // Given mailing-emails at 100 included + 10 per user, billed per started 50 at 1.25
            let tariff =
                #"{"service": "mailing-emails", "includedBase": 100, "includedPerUser": 10, "unitSize": 50, "pricePerUnit": 1.25, "currency": "EUR"}"#
            #expect(
                try await client.send(.put, "\(base)/usage/tariff", token: tenant.reader.presented, json: tariff).status == 403)
            #expect(
                try await client.send(.put, "\(base)/usage/tariff", token: tenant.checker.presented, json: tariff).status == 403)
            let bad = tariff.replacingOccurrences(of: #""unitSize": 50"#, with: #""unitSize": 0"#)
            #expect(try await client.send(.put, "\(base)/usage/tariff", token: tenant.admin.presented, json: bad).status == 422)
            let set = try await client.send(.put, "\(base)/usage/tariff", token: tenant.admin.presented, json: tariff)
            #expect(set.status == 200, "\(set)")
            let tariffs =
                try await client.get("\(base)/usage/tariff", token: tenant.reader.presented).object()["tariffs"]
                as? [[String: Any]]
            let mailing = tariffs?.first { $0["service"] as? String == "mailing-emails" }
            #expect(mailing?["unitSize"] as? Int == 50)

            // When 260 e-mails and 1,150 form submissions are reported (no plan seats in use: users = 0)
            let events = [
                UsageBatch.event("m-1", "mailing-emails", 200), UsageBatch.event("m-2", "mailing-emails", 60),
                UsageBatch.event("f-1", "form-submissions", 1_150),
            ]
            let posted = try await client.send(
                .post, UsageBatch.path, token: tenant.checker.presented, json: try UsageBatch.json(events))
            #expect(posted.status == 200, "\(posted)")

            // Then by hand: mailing 260 of 100 → 160 over → 4 units × 1.25 = 5.00;
            //   form-submissions 1,150 of the default 1,000 → 150 over → 2 units × 1 = 2;  total 7.00
            let report = try await client.get("\(base)/usage?month=\(month)", token: tenant.reader.presented).decode(
                UsageReportJSON.self)
            #expect(report.users == 0)
            let mailingUsage = try report.service("mailing-emails")
            #expect((mailingUsage.usage, mailingUsage.allowance, mailingUsage.overageUnits) == (260, 100, 4))
            #expect(mailingUsage.overageAmount == 5)
            let invoice = try await client.get("\(base)/usage/invoice?month=\(month)", token: tenant.reader.presented).decode(
                InvoiceJSON.self)
            #expect(invoice.month == month)
            #expect(invoice.total == 7)
            #expect(invoice.currency == "EUR")
            #expect(invoice.lines.first { $0.service == "mailing-emails" }?.amount == 5)
            #expect(invoice.lines.first { $0.service == "form-submissions" }?.overageUnits == 2)

            // When bjorn takes a plan seat, every allowance grows by its per-user amount: mailing 110 → 150 over →
            //   3 units × 1.25 = 3.75; form-submissions 1,100 → 50 over → 1 unit × 1 = 1;  total 4.75
            let assigned = try await client.send(
                .put, "\(base)/users/bjorn/licenses/superoffice/sales-premium", token: tenant.admin.presented)
            #expect(assigned.status == 200, "\(assigned)")
            let grown = try await client.get("\(base)/usage/invoice?month=\(month)", token: tenant.reader.presented).decode(
                InvoiceJSON.self)
            #expect(grown.lines.first { $0.service == "mailing-emails" }?.overageUnits == 3)
            #expect(grown.lines.first { $0.service == "form-submissions" }?.overageUnits == 1)
            #expect(grown.total == Decimal(string: "4.75")!)
            #expect(try await client.get("\(base)/usage", token: tenant.reader.presented).decode(UsageReportJSON.self).users == 1)
        }
    }

    @Test("8 clients sending the same 10,000 events in batches of 1,000 over HTTP count each event once", .timeLimit(.minutes(5)))
    func concurrentClients() async throws {
        try await withStandardServer { client, tenant, _ in
            let now = Date().addingTimeInterval(-1).wholeSeconds
            let events: [UsageEvent] = (0..<10_000).map { (i: Int) -> UsageEvent in
                let service = i % 2 == 0 ? "mailing-emails" : "storage"
                return UsageBatch.event("same-\(i)", service, Int64(i % 13 + 1), at: now)
            }
            var encoded: [String] = []
            for start in stride(from: 0, to: 10_000, by: 1_000) {
                encoded.append(try UsageBatch.json(Array(events[start..<start + 1_000])))
            }
            let bodies = encoded
            let expectedMailing: Int64 = events.filter { $0.service == "mailing-emails" }.reduce(Int64(0)) { $0 + $1.quantity }

            let results = try await withThrowingTaskGroup(of: [HTTPResult].self) { group in
                for c in 0..<8 {
                    group.addTask {
                        var results: [HTTPResult] = []
                        for b in 0..<bodies.count {
                            results.append(
                                try await client.send(
                                    .post, UsageBatch.path, token: tenant.checker.presented, json: bodies[(b + c) % bodies.count])
                            )
                        }
                        return results
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }

            #expect(results.allSatisfy { $0.status == 200 }, "\(results.first { $0.status != 200 }.map(\.description) ?? "")")
            let ingested = try results.map { try $0.decode(IngestResult.self) }
            #expect(ingested.reduce(0) { $0 + $1.accepted } == 10_000)
            #expect(ingested.reduce(0) { $0 + $1.duplicates } == 70_000)
            let report = try await client.get("\(StandardTenant.base)/usage", token: tenant.admin.presented).decode(
                UsageReportJSON.self)
            #expect(try report.service("mailing-emails").usage == expectedMailing)
            #expect(try report.service("storage").usage == 13)
        }
    }

    @Test(
        "kill -9 of the server while batches stream in: each batch is stored whole or not at all, acknowledged ones are kept, and a retry of the others gives exact totals",
        .timeLimit(.minutes(10)))
    func killDuringIngestion() async throws {
        try await TestInstallation.with { installation in
            // Given the standard data served by the real binary, and 60 batches of 1,000 unique events
            let tenant = try await installation.seedStandard()
            let token = tenant.checker.presented
            let now = Date().addingTimeInterval(-1).wholeSeconds
            let batchCount = 60
            var encoded: [String] = []
            var expected: Int64 = 0
            for b in 0..<batchCount {
                var batch: [UsageEvent] = []
                for i in 0..<1_000 {
                    let quantity = Int64((b + i) % 7 + 1)
                    batch.append(UsageBatch.event("b\(b)-e\(i)", "form-submissions", quantity, at: now))
                    expected += quantity
                }
                encoded.append(try UsageBatch.json(batch))
            }
            let bodies = encoded
            let server = try await ServerProcess.start(data: installation.directory)

            // When 4 clients stream the batches and the server is killed with SIGKILL after 15 acknowledgements
            let log = KillStreamLog<Int, IngestResult>()
            let unexpected = KillStreamLog<Int, HTTPResult>()
            let stream = try await KillStream.run(
                server, items: batchCount, workers: 4, limit: .seconds(120), killWhen: { log.acknowledgedCount >= 15 }
            ) { b in
                let result = try await server.client.send(.post, UsageBatch.path, token: token, json: bodies[b])
                if result.status == 200 {
                    log.record(b, try result.decode(IngestResult.self), as: .acknowledged)
                } else {
                    unexpected.record(b, result, as: .unexpected)
                }
            }
            #expect(stream.killed.signal == SIGKILL, "\(stream.killed)")
            #expect(stream.failures.isEmpty, "errors other than a lost connection: \(stream.failures.prefix(3))")
            #expect(unexpected.unexpected.isEmpty, "\(unexpected.unexpected.prefix(3))")
            let acknowledged = log.acknowledged
            try #require(acknowledged.count >= 15, "only \(acknowledged.count) batches were acknowledged before the kill")
            #expect(acknowledged.count < batchCount, "the kill came after the last batch; nothing was in flight")
            #expect(!stream.lost.isEmpty, "no batch was in flight at the kill")
            for (b, answer) in acknowledged {
                #expect(
                    answer == IngestResult(accepted: 1_000, duplicates: 0, thresholdEvents: answer.thresholdEvents), "batch \(b)")
            }

            // Then after a restart, what is stored of each batch is all of it or nothing: all of every acknowledged
            // batch, nothing of a batch never sent, and either of a batch whose answer the kill cut off (committed but
            // unacknowledged, or rolled back)
            let restarted = try await ServerProcess.start(data: installation.directory)
            var stored: [Int: Int64] = [:]
            for b in 0..<batchCount {
                stored[b] = try SQLiteFile.integers(
                    installation.databasePath,
                    "SELECT COUNT(*) FROM usage_event WHERE tenant_id = '\(StandardTenant.id)' AND id LIKE 'b\(b)-e%'"
                ).first
            }
            let lost = Set(stream.lost)
            for b in 0..<batchCount {
                let count = stored[b] ?? -1
                if acknowledged[b] != nil {
                    #expect(count == 1_000, "acknowledged batch \(b) stored \(count) of 1,000")
                } else if lost.contains(b) {
                    #expect(count == 0 || count == 1_000, "batch \(b), in flight at the kill, stored in part: \(count)")
                } else {
                    #expect(count == 0, "batch \(b), never sent, stored \(count)")
                }
            }
            let committedUnacknowledged = lost.filter { stored[$0] == 1_000 }
            print(
                "ingestion kill: \(acknowledged.count) batches acknowledged, \(lost.count) in flight at the kill "
                    + "(\(committedUnacknowledged.count) of them committed unacknowledged)")

            // And the client's retry of every unacknowledged batch is answered by what was stored: duplicates for a
            // committed batch, accepted for the others
            for b in 0..<batchCount where acknowledged[b] == nil {
                let result = try await restarted.client.send(.post, UsageBatch.path, token: token, json: bodies[b])
                #expect(result.status == 200, "\(result)")
                let answer = try result.decode(IngestResult.self)
                let wasStored = Int(stored[b] ?? 0)
                #expect((answer.accepted, answer.duplicates) == (1_000 - wasStored, wasStored), "retry of batch \(b)")
            }

            // And the totals are exact: every event counted once
            let report = try await restarted.client.get("\(StandardTenant.base)/usage", token: tenant.admin.presented).decode(
                UsageReportJSON.self)
            #expect(try report.service("form-submissions").usage == expected)
            let verify = try await restarted.client.send(.post, "\(StandardTenant.base)/verify", token: tenant.admin.presented)
            #expect(try verify.object()["ok"] as? Bool == true, "\(verify)")
            let stopped = try await restarted.stop()
            #expect(stopped.exitCode == 0 && !stopped.wasSignalled, "\(stopped)")
        }
    }
}
