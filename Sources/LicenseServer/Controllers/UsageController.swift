import Foundation
import Hummingbird
import LicenseCore
import LicenseStore

/// `/api/v1/tenants/{tenant}/usage`: metered services (DESIGN §8).
struct UsageController {
    let store: any LicenseStoring
    let snapshots: SnapshotCache
    let allowanceUsers = AllowanceUsersCache()

    struct Batch: Decodable {
        var events: [UsageEvent]
    }

    struct TariffList: Codable {
        var tariffs: [Tariff]
    }

    struct TariffBody: Decodable {
        var service: String
        var includedBase: Int64
        var includedPerUser: Int64
        var unitSize: Int64
        var pricePerUnit: Decimal
        var currency: String
    }

    static func month(_ request: Request) throws -> Month {
        guard let text = request.uri.queryParameters["month"] else { return Month(containing: Date()) }
        do { return try Month(parsing: String(text)) } catch { throw APIError.invalid(error.description) }
    }

    func report(tenant: String, month: Month) async throws -> UsageReport {
        let snapshot = try await snapshots.snapshot(tenant)
        return MeteringRule.report(
            month: month, services: try await store.services(tenant: tenant), tariffs: try await store.tariffs(tenant: tenant),
            aggregates: try await store.usageAggregates(tenant: tenant, month: month),
            userCounts: snapshot.userCounts(activeOnly: false), now: Date())
    }

    /// The events of a batch body: its plain form read directly (`UsageBatchJSON`), anything else by the JSON decoder,
    /// which gives every malformed body its usual error.
    static func events(_ request: Request, context: LicenseRequestContext) async throws -> [UsageEvent] {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        if let events = body.withUnsafeReadableBytes({ UsageBatchJSON.events($0) }) { return events }
        return try await request.decodeJSON(Batch.self, context: context).events
    }

    func register(on group: RouterGroup<LicenseRequestContext>) {
        group.post("usage/events") { request, context in
            try context.require(.report)
            let tenant = try context.tenant()
            let events = try await Self.events(request, context: context)
            let now = Date()
            let users = allowanceUsers.users(tenant, snapshot: try await snapshots.snapshot(tenant), now: now)
            do {
                let result = try await store.ingestUsage(tenant: tenant, events, users: users, now: now)
                return try JSONResponse.make(result)
            } catch let rejected as UsageBatchRejected {
                throw APIError(.unprocessableContent, code: .invalidBatch, rejected.description, details: rejected.problems)
            }
        }
        group.get("usage") { request, context in
            try context.require(.read)
            return try JSONResponse.make(try await report(tenant: try context.tenant(), month: try Self.month(request)))
        }
        group.get("usage/invoice") { request, context in
            try context.require(.read)
            let tenant = try context.tenant()
            let month = try Self.month(request)
            let report = try await report(tenant: tenant, month: month)
            return try JSONResponse.make(
                MeteringRule.invoice(month: month, usages: report.services, tariffs: try await store.tariffs(tenant: tenant)))
        }
        group.get("usage/tariff") { _, context in
            try context.require(.read)
            let tariffs = try await store.tariffs(tenant: try context.tenant())
            return try JSONResponse.make(TariffList(tariffs: tariffs.values.sorted { $0.service < $1.service }))
        }
        group.put("usage/tariff") { request, context in
            try context.require(.write)
            let tenant = try context.tenant()
            let body = try await request.decodeJSON(TariffBody.self, context: context)
            let tariff = Tariff(
                service: body.service, includedBase: body.includedBase, includedPerUser: body.includedPerUser,
                unitSize: body.unitSize, pricePerUnit: body.pricePerUnit, currency: body.currency)
            try await store.setTariff(tenant: tenant, tariff, actor: context.actor, now: Date())
            return try JSONResponse.make(tariff)
        }
    }
}

/// The allowance users (`MeteringRule.allowanceUsers`) of each tenant's current snapshot, counted once per snapshot:
/// counting walks every user's assignments, too much for every batch. A count holds while no owner's grant date
/// passes, the one way the clock changes it.
final class AllowanceUsersCache: @unchecked Sendable {
    private struct Entry {
        let snapshot: TenantSnapshot
        let users: Int
        let holds: Range<Date>
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    func users(_ tenant: String, snapshot: TenantSnapshot, now: Date) -> Int {
        if let entry = lock.withLock({ entries[tenant] }), entry.snapshot === snapshot, entry.holds.contains(now) {
            return entry.users
        }
        let users = MeteringRule.allowanceUsers(snapshot.userCounts(activeOnly: false, now: now))
        let entry = Entry(snapshot: snapshot, users: users, holds: Self.interval(owners: snapshot.owners, around: now))
        lock.withLock { entries[tenant] = entry }
        return users
    }

    /// The moments around `now` in which every owner grants as it does at `now`.
    static func interval(owners: [String: OwnerLicense], around now: Date) -> Range<Date> {
        var lower = Date.distantPast
        var upper = Date.distantFuture
        for owner in owners.values {
            guard let end = owner.header.dates.grantsUntil else { continue }
            if end <= now { lower = max(lower, end) } else { upper = min(upper, end) }
        }
        return lower..<upper
    }
}
