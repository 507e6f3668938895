import Foundation
import GRDB
import LicenseCore

extension SQLiteLicenseStore {
    public func services(tenant: String) async throws -> [MeteredService] {
        try await read { db in try self.services(db, tenant: tenant) }
    }

    func services(_ db: Database, tenant: String) throws -> [MeteredService] {
        _ = try loadTenant(db, tenant)
        return MeteredService.builtIn + (try customServices(db, tenant: tenant))
    }

    private func customServices(_ db: Database, tenant: String) throws -> [MeteredService] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT name, aggregation, unit FROM metered_service WHERE tenant_id = ? ORDER BY name"),
            arguments: [tenant]
        ).map { MeteredService(name: $0[0], aggregation: Aggregation(rawValue: $0[1]) ?? .sum, unit: $0[2]) }
    }

    public func defineService(tenant: String, _ service: MeteredService, actor: String, now: Date) async throws {
        try service.validate()
        try await write { db in
            _ = try self.requireIntactTenant(db, tenant)
            guard try !self.services(db, tenant: tenant).contains(where: { $0.name == service.name }) else {
                throw LicenseInputError.duplicate("service '\(service.name)'")
            }
            try db.execute(
                sql: "INSERT INTO metered_service (tenant_id, name, aggregation, unit) VALUES (?, ?, ?, ?)",
                arguments: [tenant, service.name, service.aggregation.rawValue, service.unit])
            try self.appendAudit(
                db, tenant: tenant, actor: actor, action: "usage.service", target: service.name, before: nil,
                after: "\(service.aggregation.rawValue), \(service.unit)", now: now)
        }
    }

    public func tariffs(tenant: String) async throws -> [String: Tariff] {
        try await read { db in try self.tariffs(db, tenant: tenant) }
    }

    func tariffs(_ db: Database, tenant: String) throws -> [String: Tariff] {
        try tariffs(db, tenant: tenant, services: services(db, tenant: tenant))
    }

    private func tariffs(_ db: Database, tenant: String, services: some Sequence<MeteredService>) throws -> [String: Tariff] {
        var result: [String: Tariff] = [:]
        for service in services { result[service.name] = Tariff.defaultTariff(for: service.name) }
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM usage_tariff WHERE tenant_id = ?"), arguments: [tenant])
        {
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
        try await write { db in
            _ = try self.requireIntactTenant(db, tenant)
            guard try self.services(db, tenant: tenant).contains(where: { $0.name == tariff.service }) else {
                throw LicenseInputError.invalid(field: "service", reason: "unknown service '\(tariff.service)'")
            }
            let before = try self.tariffs(db, tenant: tenant)[tariff.service]
            try db.execute(
                sql: """
                    INSERT INTO usage_tariff (tenant_id, service, included_base, included_per_user, unit_size, price_per_unit, currency)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (tenant_id, service) DO UPDATE SET included_base = excluded.included_base,
                    included_per_user = excluded.included_per_user, unit_size = excluded.unit_size,
                    price_per_unit = excluded.price_per_unit, currency = excluded.currency
                    """,
                arguments: [
                    tenant, tariff.service, tariff.includedBase, tariff.includedPerUser, tariff.unitSize,
                    "\(tariff.pricePerUnit)", tariff.currency,
                ])
            try self.appendAudit(
                db, tenant: tenant, actor: actor, action: "usage.tariff", target: tariff.service,
                before: before.map(AuditText.tariff), after: AuditText.tariff(tariff), now: now)
        }
    }

    /// Ingests a batch (see `LicenseStoring.ingestUsage`).
    ///
    /// The batch is validated before the write lock is taken, against the services read then; inside the lock it is
    /// validated again only if a service was defined in between. Events are inserted with `INSERT OR IGNORE` on the
    /// key (tenant, id): an id already stored, or repeated earlier in the batch, is acknowledged as a duplicate and
    /// changes nothing. The month aggregates move in the same transaction.
    public func ingestUsage(tenant: String, _ events: [UsageEvent], users: Int, now: Date) async throws -> IngestResult {
        let services = try await read { db in try self.serviceTable(self.services(db, tenant: tenant)) }
        try Self.requireValid(events, services: services, now: now)
        return try await write { db in
            // The tenant exists (read above; tenants are never deleted): only the custom services can have changed.
            var current = services
            let custom = try self.customServices(db, tenant: tenant)
            if custom.contains(where: { current[$0.name] != $0 }) {
                current = self.serviceTable(MeteredService.builtIn + custom)
                try Self.requireValid(events, services: current, now: now)
            }
            return try self.insertUsage(db, tenant: tenant, events, services: current, users: users, now: now)
        }
    }

    static func requireValid(_ events: [UsageEvent], services: [String: MeteredService], now: Date) throws {
        let problems = MeteringRule.validate(events, services: services, now: now)
        guard problems.isEmpty else { throw UsageBatchRejected(problems: problems) }
    }

    private func serviceTable(_ services: [MeteredService]) -> [String: MeteredService] {
        Dictionary(uniqueKeysWithValues: services.map { ($0.name, $0) })
    }

    /// A month's aggregate of one service, as the batch moves it.
    private struct Aggregate {
        var before: Int64
        var value: Int64
        var events: Int64
    }

    private struct AggregateKey: Hashable, Comparable {
        var month: Month
        var service: String

        /// The order of "YYYY-MM|service" strings, the order thresholds are raised in.
        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.month, lhs.service) < (rhs.month, rhs.service) }
    }

    /// Inserts events, ignoring ids already stored; answers which were new, by position in `events`. A repeat
    /// within the batch is ignored like an id already stored, so only the first of equal ids is new.
    ///
    /// One cached statement, executed per event: measured against multi-row `INSERT … RETURNING id` in chunks of
    /// 100, which cost more (GRDB converts the 700 bound values generically).
    private func insertEvents(_ db: Database, tenant: String, _ events: [UsageEvent], received: Int64) throws -> [Bool] {
        let insert = try db.cachedStatement(
            sql:
                "INSERT OR IGNORE INTO usage_event (tenant_id, id, service, quantity, occurred_at, subject, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        var isNew: [Bool] = []
        isNew.reserveCapacity(events.count)
        for event in events {
            try insert.execute(arguments: [
                tenant, event.id, event.service, event.quantity, event.occurredAt.epochSeconds, event.subject, received,
            ])
            isNew.append(db.changesCount > 0)
        }
        return isNew
    }

    /// Inserts a validated batch and moves the month aggregates; the caller holds the write transaction.
    private func insertUsage(
        _ db: Database, tenant: String, _ events: [UsageEvent], services: [String: MeteredService], users: Int, now: Date
    ) throws -> IngestResult {
        let isNew = try insertEvents(db, tenant: tenant, events, received: now.epochSeconds)
        let insertSubject = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO usage_subject (tenant_id, month, service, subject) VALUES (?, ?, ?, ?)")
        let selectValue = try db.cachedStatement(
            sql: "SELECT value FROM usage_month WHERE tenant_id = ? AND month = ? AND service = ?")
        var aggregates: [AggregateKey: Aggregate] = [:]
        var accepted = 0
        for (event, wasInserted) in zip(events, isNew) where wasInserted {
            accepted += 1
            let key = AggregateKey(month: Month(containing: event.occurredAt), service: event.service)
            let service = services[event.service]!
            var isNewSubject = false
            if service.aggregation == .unique, let subject = event.subject {
                try insertSubject.execute(arguments: [tenant, key.month.description, event.service, subject])
                isNewSubject = db.changesCount > 0
            }
            var aggregate: Aggregate
            if let known = aggregates[key] {
                aggregate = known
            } else {
                let current =
                    try Int64.fetchOne(selectValue, arguments: [tenant, key.month.description, event.service]) ?? 0
                aggregate = Aggregate(before: current, value: current, events: 0)
            }
            aggregate.value = MeteringRule.aggregate(
                aggregate.value, adding: event, aggregation: service.aggregation, isNewSubject: isNewSubject)
            aggregate.events += 1
            aggregates[key] = aggregate
        }
        let tariffs = aggregates.isEmpty ? [:] : try self.tariffs(db, tenant: tenant, services: services.values)
        var raised: [String] = []
        for (key, aggregate) in aggregates.sorted(by: { $0.key < $1.key }) {
            let (month, service) = (key.month.description, key.service)
            // A closed month keeps the users recorded while it ran: a late event does not move its allowance.
            let isClosed = month < Month(containing: now).description
            try db.cachedStatement(
                sql: """
                    INSERT INTO usage_month (tenant_id, month, service, value, events, users) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (tenant_id, month, service) DO UPDATE SET value = excluded.value,
                    events = usage_month.events + excluded.events,
                    users = CASE WHEN ? THEN usage_month.users ELSE excluded.users END
                    """
            ).execute(arguments: [tenant, month, service, aggregate.value, aggregate.events, users, isClosed])
            let monthUsers =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT users FROM usage_month WHERE tenant_id = ? AND month = ? AND service = ?"),
                    arguments: [tenant, month, service]) ?? users
            let tariff = tariffs[service] ?? Tariff.defaultTariff(for: service)
            // Every threshold the usage stands at, not only those crossed now: an allowance that shrank (fewer
            // users) puts usage over a threshold without a crossing; the event table keeps each one to once.
            for threshold in MeteringRule.reached(value: aggregate.value, allowance: tariff.allowance(users: monthUsers)) {
                let marker = "\(service)@\(month)@\(threshold)"
                let exists =
                    try Bool.fetchOne(
                        db.cachedStatement(
                            sql:
                                "SELECT 1 FROM system_event WHERE tenant_id = ? AND key = 'threshold-crossed' AND scope_owner = ?"
                        ),
                        arguments: [tenant, marker]) ?? false
                if exists { continue }
                let event = try self.raiseEvent(
                    db, tenant: tenant,
                    draft: EventDraft(
                        key: "threshold-crossed", scope: .database, scopeOwner: marker,
                        message:
                            "\(service) reached \(threshold) % of its \(month) allowance (\(aggregate.value) of \(tariff.allowance(users: users)) \(services[service]?.unit ?? ""))",
                        systemWide: true),
                    actor: "system", now: now, replacingActive: true)
                raised.append(event.message)
            }
        }
        if !raised.isEmpty {
            try self.appendAudit(
                db, tenant: tenant, actor: "system", action: "usage.threshold", target: "\(raised.count) thresholds",
                before: nil, after: raised.joined(separator: "; "), now: now)
        }
        return IngestResult(accepted: accepted, duplicates: events.count - accepted, thresholdEvents: raised)
    }

    public func usageAggregates(tenant: String, month: Month) async throws -> [String: (value: Int64, users: Int)] {
        try await read { db in
            _ = try self.loadTenant(db, tenant)
            var result: [String: (value: Int64, users: Int)] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT service, value, users FROM usage_month WHERE tenant_id = ? AND month = ?",
                arguments: [tenant, month.description])
            {
                result[row[0]] = (row[1], row[2])
            }
            return result
        }
    }

    public func pruneUsage(tenant: String, keepMonths: Int, now: Date) async throws -> Int {
        guard (1...120).contains(keepMonths) else {
            throw LicenseInputError.invalid(field: "keep-months", reason: "must be between 1 and 120")
        }
        var cutoff = Month(containing: now)
        for _ in 0..<keepMonths { cutoff = cutoff.previous }
        let before = cutoff.start.epochSeconds
        return try await write { db in
            _ = try self.loadTenant(db, tenant)
            try db.execute(sql: "DELETE FROM usage_event WHERE tenant_id = ? AND occurred_at < ?", arguments: [tenant, before])
            return db.changesCount
        }
    }
}
