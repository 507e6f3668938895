import Foundation
import GRDB
import LicenseCore

// Metering, as in SQLiteLicenseStore+Metering.swift: same validation, dedupe, aggregates and thresholds.

extension PostgresLicenseStore {
    public func services(tenant: String) async throws -> [MeteredService] {
        try await read { session in try await self.services(session, tenant: tenant) }
    }

    func services(_ session: PostgresSession, tenant: String) async throws -> [MeteredService] {
        _ = try await loadTenant(session, tenant)
        let custom = try await session.rows(
            "SELECT name, aggregation, unit FROM metered_service WHERE tenant_id = ? ORDER BY name", [tenant]
        ).map {
            MeteredService(name: $0["name"], aggregation: Aggregation(rawValue: $0["aggregation"]) ?? .sum, unit: $0["unit"])
        }
        return MeteredService.builtIn + custom
    }

    public func defineService(tenant: String, _ service: MeteredService, actor: String, now: Date) async throws {
        try service.validate()
        try await write(tenant: tenant) { session in
            _ = try await self.requireIntactTenant(session, tenant)
            guard try await !self.services(session, tenant: tenant).contains(where: { $0.name == service.name }) else {
                throw LicenseInputError.duplicate("service '\(service.name)'")
            }
            try await session.execute(
                "INSERT INTO metered_service (tenant_id, name, aggregation, unit) VALUES (?, ?, ?, ?)",
                [tenant, service.name, service.aggregation.rawValue, service.unit])
            try await self.appendAudit(
                session, tenant: tenant, actor: actor, action: "usage.service", target: service.name, before: nil,
                after: "\(service.aggregation.rawValue), \(service.unit)", now: now)
        }
    }

    public func tariffs(tenant: String) async throws -> [String: Tariff] {
        try await read { session in try await self.tariffs(session, tenant: tenant) }
    }

    func tariffs(_ session: PostgresSession, tenant: String) async throws -> [String: Tariff] {
        var result: [String: Tariff] = [:]
        for service in try await services(session, tenant: tenant) {
            result[service.name] = Tariff.defaultTariff(for: service.name)
        }
        for row in try await session.rows("SELECT * FROM usage_tariff WHERE tenant_id = ?", [tenant]) {
            let service: String = row["service"]
            let price: String = row["price_per_unit"]
            result[service] = Tariff(
                service: service, includedBase: row["included_base"], includedPerUser: row["included_per_user"],
                unitSize: row["unit_size"], pricePerUnit: Decimal(string: price) ?? 0, currency: row["currency"])
        }
        return result
    }

    public func setTariff(tenant: String, _ tariff: Tariff, actor: String, now: Date) async throws {
        try tariff.validate()
        try await write(tenant: tenant) { session in
            _ = try await self.requireIntactTenant(session, tenant)
            guard try await self.services(session, tenant: tenant).contains(where: { $0.name == tariff.service }) else {
                throw LicenseInputError.invalid(field: "service", reason: "unknown service '\(tariff.service)'")
            }
            let before = try await self.tariffs(session, tenant: tenant)[tariff.service]
            try await session.execute(
                """
                INSERT INTO usage_tariff (tenant_id, service, included_base, included_per_user, unit_size, price_per_unit, currency)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (tenant_id, service) DO UPDATE SET included_base = excluded.included_base,
                included_per_user = excluded.included_per_user, unit_size = excluded.unit_size,
                price_per_unit = excluded.price_per_unit, currency = excluded.currency
                """,
                [
                    tenant, tariff.service, tariff.includedBase, tariff.includedPerUser, tariff.unitSize,
                    "\(tariff.pricePerUnit)", tariff.currency,
                ])
            try await self.appendAudit(
                session, tenant: tenant, actor: actor, action: "usage.tariff", target: tariff.service,
                before: before.map(AuditText.tariff), after: AuditText.tariff(tariff), now: now)
        }
    }

    /// One transaction per batch: the new events (a repeated id is acknowledged, not counted), the month aggregates
    /// and the threshold events. Concurrent batches of a tenant queue on the tenant's head row, so aggregates never
    /// lose an update and a threshold is raised once.
    public func ingestUsage(tenant: String, _ events: [UsageEvent], users: Int, now: Date) async throws -> IngestResult {
        let services = Dictionary(uniqueKeysWithValues: try await self.services(tenant: tenant).map { ($0.name, $0) })
        let problems = MeteringRule.validate(events, services: services, now: now)
        guard problems.isEmpty else { throw UsageBatchRejected(problems: problems) }
        return try await write(tenant: tenant) { session in
            // The ids not stored yet, inserted in one statement; the database says which ones were new.
            var newIDs = Set<String>()
            for chunk in stride(from: 0, to: events.count, by: 500) {
                let slice = events[chunk..<min(chunk + 500, events.count)]
                var arguments: SQLArguments = []
                arguments.reserveCapacity(slice.count * 7)
                for event in slice {
                    arguments += [
                        tenant, event.id, event.service, event.quantity, event.occurredAt.epochSeconds, event.subject,
                        now.epochSeconds,
                    ]
                }
                let values = Array(repeating: "(?, ?, ?, ?, ?, ?, ?)", count: slice.count).joined(separator: ", ")
                newIDs.formUnion(
                    try await session.scalars(
                        String.self,
                        "INSERT INTO usage_event (tenant_id, id, service, quantity, occurred_at, subject, received_at) VALUES "
                            + values + " ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id", arguments))
            }
            struct Aggregate {
                var value: Int64
                var events: Int64
            }
            var aggregates: [String: Aggregate] = [:]  // "month|service"
            var accepted = 0
            var seen = Set<String>()
            for event in events where newIDs.contains(event.id) && seen.insert(event.id).inserted {
                accepted += 1
                let month = Month(containing: event.occurredAt).description
                let service = services[event.service]!
                var isNewSubject = false
                if service.aggregation == .unique, let subject = event.subject {
                    isNewSubject =
                        try await session.execute(
                            "INSERT INTO usage_subject (tenant_id, month, service, subject) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING 1",
                            [tenant, month, event.service, subject]) > 0
                }
                let key = month + "|" + event.service
                if aggregates[key] == nil {
                    let current =
                        try await session.scalar(
                            Int64.self, "SELECT value FROM usage_month WHERE tenant_id = ? AND month = ? AND service = ?",
                            [tenant, month, event.service]) ?? 0
                    aggregates[key] = Aggregate(value: current, events: 0)
                }
                aggregates[key]!.value = MeteringRule.aggregate(
                    aggregates[key]!.value, adding: event, aggregation: service.aggregation, isNewSubject: isNewSubject)
                aggregates[key]!.events += 1
            }
            let tariffs = aggregates.isEmpty ? [:] : try await self.tariffs(session, tenant: tenant)
            var raised: [String] = []
            for (key, aggregate) in aggregates.sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: "|").map(String.init)
                // A closed month keeps the users recorded while it ran: a late event does not move its allowance.
                let isClosed = parts[0] < Month(containing: now).description
                try await session.execute(
                    """
                    INSERT INTO usage_month (tenant_id, month, service, value, events, users) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (tenant_id, month, service) DO UPDATE SET value = excluded.value,
                    events = usage_month.events + excluded.events,
                    users = CASE WHEN ? = 1 THEN usage_month.users ELSE excluded.users END
                    """, [tenant, parts[0], parts[1], aggregate.value, aggregate.events, Int64(users), isClosed])
                let monthUsers =
                    try await session.scalar(
                        Int.self, "SELECT users FROM usage_month WHERE tenant_id = ? AND month = ? AND service = ?",
                        [tenant, parts[0], parts[1]]) ?? users
                let tariff = tariffs[parts[1]] ?? Tariff.defaultTariff(for: parts[1])
                for threshold in MeteringRule.reached(value: aggregate.value, allowance: tariff.allowance(users: monthUsers)) {
                    let marker = "\(parts[1])@\(parts[0])@\(threshold)"
                    let exists =
                        try await session.execute(
                            "SELECT 1 FROM system_event WHERE tenant_id = ? AND key = 'threshold-crossed' AND scope_owner = ?",
                            [tenant, marker]) > 0
                    if exists { continue }
                    let event = try await self.raiseEvent(
                        session, tenant: tenant,
                        draft: EventDraft(
                            key: "threshold-crossed", scope: .database, scopeOwner: marker,
                            message:
                                "\(parts[1]) reached \(threshold) % of its \(parts[0]) allowance (\(aggregate.value) of \(tariff.allowance(users: users)) \(services[parts[1]]?.unit ?? ""))",
                            systemWide: true),
                        actor: "system", now: now, replacingActive: true)
                    raised.append(event.message)
                }
            }
            if !raised.isEmpty {
                try await self.appendAudit(
                    session, tenant: tenant, actor: "system", action: "usage.threshold", target: "\(raised.count) thresholds",
                    before: nil, after: raised.joined(separator: "; "), now: now)
            }
            return IngestResult(accepted: accepted, duplicates: events.count - accepted, thresholdEvents: raised)
        }
    }

    public func usageAggregates(tenant: String, month: Month) async throws -> [String: (value: Int64, users: Int)] {
        let rows = try await read { session -> [(String, Int64, Int)] in
            _ = try await self.loadTenant(session, tenant)
            return try await session.rows(
                "SELECT service, value, users FROM usage_month WHERE tenant_id = ? AND month = ?", [tenant, month.description]
            ).map { ($0["service"], $0["value"], $0["users"]) }
        }
        var result: [String: (value: Int64, users: Int)] = [:]
        for (service, value, users) in rows { result[service] = (value, users) }
        return result
    }

    public func pruneUsage(tenant: String, keepMonths: Int, now: Date) async throws -> Int {
        guard (1...120).contains(keepMonths) else {
            throw LicenseInputError.invalid(field: "keep-months", reason: "must be between 1 and 120")
        }
        var cutoff = Month(containing: now)
        for _ in 0..<keepMonths { cutoff = cutoff.previous }
        let before = cutoff.start.epochSeconds
        return try await write(tenant: nil, timeout: .seconds(300)) { session in
            _ = try await self.loadTenant(session, tenant)
            return try await session.execute(
                "DELETE FROM usage_event WHERE tenant_id = ? AND occurred_at < ? RETURNING 1", [tenant, before])
        }
    }
}
