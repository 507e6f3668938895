import Foundation
import Hummingbird
import LicenseCore
import LicenseStore

/// `/api/v1/tenants/{tenant}/usage`: metered services (DESIGN §8).
struct UsageController {
    let store: any LicenseStoring
    let snapshots: SnapshotCache

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

    /// Allowances grow with the plan seats in use: user plans are what customers pay for.
    static func users(_ snapshot: TenantSnapshot) -> Int { snapshot.userCounts(activeOnly: false).plans.inUse }

    static func month(_ request: Request) throws -> Month {
        guard let text = request.uri.queryParameters["month"] else { return Month(containing: Date()) }
        do { return try Month(parsing: String(text)) } catch { throw APIError.invalid(error.description) }
    }

    func report(tenant: String, month: Month) async throws -> UsageReport {
        let snapshot = try await snapshots.snapshot(tenant)
        return MeteringRule.report(
            month: month, services: try await store.services(tenant: tenant), tariffs: try await store.tariffs(tenant: tenant),
            aggregates: try await store.usageAggregates(tenant: tenant, month: month), currentUsers: Self.users(snapshot),
            now: Date())
    }

    func register(on group: RouterGroup<LicenseRequestContext>) {
        group.post("usage/events") { request, context in
            try context.require(.report)
            let tenant = try context.tenant()
            let batch = try await request.decodeJSON(Batch.self, context: context)
            let users = Self.users(try await snapshots.snapshot(tenant))
            do {
                let result = try await store.ingestUsage(tenant: tenant, batch.events, users: users, now: Date())
                if !result.thresholdEvents.isEmpty { snapshots.invalidate(tenant) }
                return try JSONResponse.make(result)
            } catch let rejected as UsageBatchRejected {
                throw APIError(.unprocessableContent, code: "invalid-batch", rejected.description, details: rejected.problems)
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
