import Foundation
import Hummingbird
import LicenseCore
import LicenseStore

/// Usage ingestion, `POST /api/v1/tenants/{tenant}/usage/events`: a hot path registered by hand (openapi.yaml still
/// describes it, `ingestUsage`), with its fast reader of the plain batch form.
struct UsageController {
    let store: any LicenseStoring
    let snapshots: SnapshotCache
    let allowanceUsers = AllowanceUsersCache()

    struct Batch: Decodable {
        var events: [UsageEvent]
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
    }
}

/// `/api/v1/tenants/{tenant}/usage`, its invoice and tariffs: metered services (DESIGN §8), generated operations
/// (`tags: usage`, but the ingestion).
extension TenantAPI {
    func usageReport(_ input: Operations.UsageReport.Input) async throws -> Operations.UsageReport.Output {
        let report = try await usage(tenant: try CurrentRequest.current().tenant(), month: try Self.month(input.query.month))
        return .ok(.init(body: .json(try .init(converting: report))))
    }

    func usageInvoice(_ input: Operations.UsageInvoice.Input) async throws -> Operations.UsageInvoice.Output {
        let tenant = try CurrentRequest.current().tenant()
        let month = try Self.month(input.query.month)
        let report = try await usage(tenant: tenant, month: month)
        let invoice = MeteringRule.invoice(
            month: month, usages: report.services, tariffs: try await store.tariffs(tenant: tenant))
        return .ok(.init(body: .json(try .init(converting: invoice))))
    }

    func listTariffs(_ input: Operations.ListTariffs.Input) async throws -> Operations.ListTariffs.Output {
        let tariffs = try await store.tariffs(tenant: try CurrentRequest.current().tenant())
        let list = try tariffs.values.sorted { $0.service < $1.service }.map { try Components.Schemas.Tariff(converting: $0) }
        return .ok(.init(body: .json(.init(tariffs: list))))
    }

    func setTariff(_ input: Operations.SetTariff.Input) async throws -> Operations.SetTariff.Output {
        let context = try CurrentRequest.current()
        guard case .json(let body) = input.body else { throw APIError.badRequest("the request body is empty; expected JSON") }
        let tariff = Tariff(
            service: body.service, includedBase: Int64(body.includedBase), includedPerUser: Int64(body.includedPerUser),
            unitSize: Int64(body.unitSize), pricePerUnit: body.pricePerUnit, currency: body.currency)
        try await store.setTariff(tenant: try context.tenant(), tariff, actor: context.actor, now: Date())
        return .ok(.init(body: .json(try .init(converting: tariff))))
    }

    /// The `month` query parameter: the running month (UTC) when absent, 422 when it is not `YYYY-MM`.
    private static func month(_ text: String?) throws -> Month {
        guard let text else { return Month(containing: Date()) }
        do { return try Month(parsing: text) } catch { throw APIError.invalid(error.description) }
    }

    private func usage(tenant: String, month: Month) async throws -> UsageReport {
        let snapshot = try await snapshots.snapshot(tenant)
        return MeteringRule.report(
            month: month, services: try await store.services(tenant: tenant), tariffs: try await store.tariffs(tenant: tenant),
            aggregates: try await store.usageAggregates(tenant: tenant, month: month),
            userCounts: snapshot.userCounts(activeOnly: false), now: Date())
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
