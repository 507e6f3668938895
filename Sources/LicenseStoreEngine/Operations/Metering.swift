import Foundation
import LicenseCore
import LicenseStore

extension LicenseEngine {
    public func services(tenant: String) async throws -> [MeteredService] {
        try await read { s in try self.services(s, tenant: tenant) }
    }

    func services(_ s: Backend.Session, tenant: String) throws -> [MeteredService] {
        _ = try loadTenant(s, tenant)
        return MeteredService.builtIn + (try customServices(s, tenant: tenant))
    }

    private func customServices(_ s: Backend.Session, tenant: String) throws -> [MeteredService] {
        try s.rows("SELECT name, aggregation, unit FROM metered_service WHERE tenant_id = ? ORDER BY name", [.text(tenant)])
            .map { row in
                MeteredService(
                    name: try row["name"], aggregation: Aggregation(rawValue: try row["aggregation"]) ?? .sum,
                    unit: try row["unit"])
            }
    }

    public func defineService(tenant: String, _ service: MeteredService, actor: String, now: Date) async throws {
        try service.validate()
        try await write(tenant: tenant) { s in
            _ = try self.requireIntactTenant(s, tenant)
            guard try !self.services(s, tenant: tenant).contains(where: { $0.name == service.name }) else {
                throw LicenseInputError.duplicate("service '\(service.name)'")
            }
            let columns: [(name: String, value: SQLValue)] = [
                ("tenant_id", .text(tenant)), ("name", .text(service.name)),
                ("aggregation", .text(service.aggregation.rawValue)), ("unit", .text(service.unit)),
            ]
            try s.execute(
                "INSERT INTO metered_service (tenant_id, name, aggregation, unit) VALUES (?, ?, ?, ?)", columns.map(\.value))
            self.recordInserted(s, tenant: tenant, table: "metered_service", columns: columns)
            try self.appendAudit(
                s, tenant: tenant, actor: actor, action: "usage.service", target: service.name, before: nil,
                after: "\(service.aggregation.rawValue), \(service.unit)", now: now)
        }
    }

    public func tariffs(tenant: String) async throws -> [String: Tariff] {
        try await read { s in try self.tariffs(s, tenant: tenant, services: self.services(s, tenant: tenant)) }
    }

    private func tariffs(_ s: Backend.Session, tenant: String, services: some Sequence<MeteredService>) throws -> [String: Tariff]
    {
        var result: [String: Tariff] = [:]
        for service in services { result[service.name] = Tariff.defaultTariff(for: service.name) }
        try s.forEachRow("SELECT * FROM usage_tariff WHERE tenant_id = ?", [.text(tenant)]) { row in
            let service: String = try row["service"]
            let price: String = try row["price_per_unit"]
            result[service] = Tariff(
                service: service, includedBase: try row["included_base"], includedPerUser: try row["included_per_user"],
                unitSize: try row["unit_size"], pricePerUnit: Decimal(string: price) ?? 0, currency: try row["currency"])
        }
        return result
    }

    public func setTariff(tenant: String, _ tariff: Tariff, actor: String, now: Date) async throws {
        try tariff.validate()
        try await write(tenant: tenant) { s in
            _ = try self.requireIntactTenant(s, tenant)
            let services = try self.services(s, tenant: tenant)
            guard services.contains(where: { $0.name == tariff.service }) else {
                throw LicenseInputError.invalid(field: "service", reason: "unknown service '\(tariff.service)'")
            }
            let before = try self.tariffs(s, tenant: tenant, services: services)[tariff.service]
            let columns: [(name: String, value: SQLValue)] = [
                ("tenant_id", .text(tenant)), ("service", .text(tariff.service)),
                ("included_base", tariff.includedBase.sqlValue), ("included_per_user", tariff.includedPerUser.sqlValue),
                ("unit_size", tariff.unitSize.sqlValue), ("price_per_unit", .text("\(tariff.pricePerUnit)")),
                ("currency", .text(tariff.currency)),
            ]
            try self.remove(
                s, tenant: tenant, from: "usage_tariff", where: "tenant_id = ? AND service = ?",
                [.text(tenant), .text(tariff.service)])
            try s.execute(
                "INSERT INTO usage_tariff (" + columns.map(\.name).joined(separator: ", ") + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                columns.map(\.value))
            self.recordInserted(s, tenant: tenant, table: "usage_tariff", columns: columns)
            try self.appendAudit(
                s, tenant: tenant, actor: actor, action: "usage.tariff", target: tariff.service,
                before: before.map(AuditText.tariff), after: AuditText.tariff(tariff), now: now)
        }
    }

    /// Ingests a batch (see `LicenseStoring.ingestUsage`).
    ///
    /// The batch is validated before the write lock is taken, against the services read then; inside the lock it is
    /// validated again only if a service was defined in between. New events are inserted through the backend's fast
    /// path (an id already stored, or repeated earlier in the batch, is acknowledged as a duplicate and changes
    /// nothing); the month aggregates and the threshold events move in the same transaction.
    public func ingestUsage(tenant: String, _ events: [UsageEvent], users: Int, now: Date) async throws -> IngestResult {
        let services = try await read { s in Self.serviceTable(try self.services(s, tenant: tenant)) }
        try Self.requireValid(events, services: services, now: now)
        // Seals and commitment elements are made before the write lock is taken: the lock is held for the statements.
        let sealed = SealedUsage(events, tenant: tenant, receivedAt: now.epochSeconds, sealer: sealer)
        return try await write(tenant: tenant) { s in
            // The tenant exists (read above; tenants are never deleted): only the custom services can have changed.
            var current = services
            let custom = try self.customServices(s, tenant: tenant)
            if custom.contains(where: { current[$0.name] != $0 }) {
                current = Self.serviceTable(MeteredService.builtIn + custom)
                try Self.requireValid(events, services: current, now: now)
            }
            return try self.insertUsage(s, tenant: tenant, sealed, services: current, users: users, now: now)
        }
    }

    static func requireValid(_ events: [UsageEvent], services: [String: MeteredService], now: Date) throws {
        let problems = MeteringRule.validate(events, services: services, now: now)
        guard problems.isEmpty else { throw UsageBatchRejected(problems: problems) }
    }

    private static func serviceTable(_ services: [MeteredService]) -> [String: MeteredService] {
        Dictionary(uniqueKeysWithValues: services.map { ($0.name, $0) })
    }

    /// A month's aggregate of one service, as the batch moves it.
    private struct Aggregate {
        var value: Int64
        var events: Int64
    }

    private struct AggregateKey: Hashable, Comparable {
        var month: Month
        var service: String

        /// Thresholds are raised month by month, service by service.
        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.month, lhs.service) < (rhs.month, rhs.service) }
    }

    /// Inserts a validated batch and moves the month aggregates; the caller holds the write transaction.
    private func insertUsage(
        _ s: Backend.Session, tenant: String, _ sealed: SealedUsage, services: [String: MeteredService], users: Int,
        now: Date
    ) throws -> IngestResult {
        let events = sealed.events
        let verifier = sealer.makeBulkVerifier()
        let isNew = try s.insertUsageEvents(tenant: tenant, events, receivedAt: sealed.receivedAt, seals: sealed.seals)
        var added = MultisetDigest.zero
        for (element, wasInserted) in zip(sealed.elements, isNew) where wasInserted { added += element }
        if isNew.contains(true) { recordInserted(s, tenant: tenant, table: "usage_event", sum: added) }
        var aggregates: [AggregateKey: Aggregate] = [:]
        var accepted = 0
        for (event, wasInserted) in zip(events, isNew) where wasInserted {
            accepted += 1
            let key = AggregateKey(month: Month(containing: event.occurredAt), service: event.service)
            let service = services[event.service]!
            var isNewSubject = false
            if service.aggregation == .unique, let subject = event.subject {
                let columns: [(name: String, value: SQLValue)] = [
                    ("tenant_id", .text(tenant)), ("month", .text(key.month.description)), ("service", .text(event.service)),
                    ("subject", .text(subject)),
                ]
                isNewSubject =
                    try s.execute(
                        "INSERT INTO usage_subject (tenant_id, month, service, subject) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        columns.map(\.value)) > 0
                if isNewSubject { recordInserted(s, tenant: tenant, table: "usage_subject", columns: columns) }
            }
            var aggregate: Aggregate
            if let known = aggregates[key] {
                aggregate = known
            } else {
                // The month so far, whose seal must hold: a batch never builds on an edited aggregate.
                let current = try s.fetchOne(
                    UsageMonthRecord.self, "SELECT * FROM usage_month WHERE tenant_id = ? AND month = ? AND service = ?",
                    [.text(tenant), .text(key.month.description), .text(event.service)])
                if let current {
                    try IntegrityRule.requireIntactUsageMonth(
                        current.row, isIntact: current.isSealValid(verifier.isValid, legacy: try isLegacyHead(s, tenant: tenant)))
                }
                aggregate = Aggregate(value: current?.row.value ?? 0, events: 0)
            }
            aggregate.value = MeteringRule.aggregate(
                aggregate.value, adding: event, aggregation: service.aggregation, isNewSubject: isNewSubject)
            aggregate.events += 1
            aggregates[key] = aggregate
        }
        let tariffs = aggregates.isEmpty ? [:] : try self.tariffs(s, tenant: tenant, services: services.values)
        var raised: [String] = []
        for (key, aggregate) in aggregates.sorted(by: { $0.key < $1.key }) {
            let (month, service) = (key.month.description, key.service)
            // The month's row is replaced (and so recorded) whole: the old one out, the new one in.
            let old = try self.remove(
                s, tenant: tenant, from: "usage_month", where: "tenant_id = ? AND month = ? AND service = ?",
                [.text(tenant), .text(month), .text(service)]
            ).first
            let stored: Int? = try old?["users"]
            let storedEvents: Int64 = try old?["events"] ?? 0
            let monthUsers = MeteringRule.recordedUsers(month: key.month, now: now, stored: stored, batchUsers: users)
            let row = UsageMonthRow(
                month: month, service: service, value: aggregate.value, events: storedEvents &+ aggregate.events,
                users: Int64(monthUsers))
            try self.add(
                s, tenant: tenant, UsageMonthRecord(tenantID: tenant, row: row, seal: sealer.seal(row.sealBytes(tenant: tenant))))
            let tariff = tariffs[service] ?? Tariff.defaultTariff(for: service)
            let prefix = MeteringRule.thresholdMarker(service: service, month: key.month, threshold: 0)
                .dropLast(1)
            let existing = Set(
                try s.scalars(
                    String.self,
                    "SELECT scope_owner FROM system_event WHERE tenant_id = ? AND key = 'threshold-crossed' AND scope_owner LIKE ?",
                    [.text(tenant), .text(String(prefix) + "%")]))
            for draft in MeteringRule.thresholdDrafts(
                service: service, unit: services[service]?.unit ?? "", month: key.month, value: aggregate.value,
                allowance: tariff.allowance(users: monthUsers), existingMarkers: existing)
            {
                raised.append(
                    try self.raiseEvent(s, tenant: tenant, draft: draft, actor: "system", now: now, replacingActive: true)
                        .message)
            }
        }
        if !raised.isEmpty {
            try self.appendAudit(
                s, tenant: tenant, actor: "system", action: "usage.threshold", target: "\(raised.count) thresholds",
                before: nil, after: raised.joined(separator: "; "), now: now)
        }
        return IngestResult(accepted: accepted, duplicates: events.count - accepted, thresholdEvents: raised)
    }

    public func usageAggregates(tenant: String, month: Month) async throws -> [String: (value: Int64, users: Int)] {
        let rows = try await read { s -> [(String, Int64, Int)] in
            _ = try self.loadTenant(s, tenant)
            let legacy = try self.isLegacyHead(s, tenant: tenant)
            // A report or an invoice is never computed from an edited aggregate.
            return try s.fetchAll(
                UsageMonthRecord.self, "SELECT * FROM usage_month WHERE tenant_id = ? AND month = ?",
                [.text(tenant), .text(month.description)]
            ).map { record in
                try IntegrityRule.requireIntactUsageMonth(
                    record.row, isIntact: record.isSealValid(self.sealer.isValid, legacy: legacy))
                return (record.row.service, record.row.value, Int(record.row.users))
            }
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
        return try await write(tenant: tenant, timeout: longTimeout) { s in
            _ = try self.loadTenant(s, tenant)
            return try self.remove(
                s, tenant: tenant, from: "usage_event", where: "tenant_id = ? AND occurred_at < ?",
                [.text(tenant), .integer(before)]
            ).count
        }
    }
}

/// A batch of usage events with their seals and commitment elements, made before the write lock is taken.
struct SealedUsage: Sendable {
    let events: [UsageEvent]
    let receivedAt: Int64
    let seals: [String]
    /// Each event's element of the `usage_event` digest (keyed by its seal, as every sealed row's).
    let elements: [MultisetDigest]

    init(_ events: [UsageEvent], tenant: String, receivedAt: Int64, sealer: Sealer) {
        self.events = events
        self.receivedAt = receivedAt
        let verifier = sealer.makeBulkVerifier()
        let digester = sealer.makeDigester()
        seals = events.map { verifier.seal($0.sealBytes(tenant: tenant, receivedAt: receivedAt)) }
        elements = seals.map { digester.element(table: "usage_event", seal: $0) }
    }
}
