import Foundation
import Hummingbird
import LicenseCore
import LicenseStore

/// `/api/v1/tenants/{tenant}/licenses`, fencing, counts, status, verify, audit.
struct LicensesController {
    let store: any LicenseStoring
    let snapshots: SnapshotCache

    struct ModuleDetails: Codable {
        var owner: String
        var module: LicenseListReport.Module
        var holders: [String]
    }

    struct VerifyReport: Codable {
        var ok: Bool
        var problems: [IntegrityProblem]
    }

    struct AuditPage: Codable {
        var entries: [AuditEntry]
        /// Pass as `before` for the next (older) page; absent on the last page.
        var nextCursor: Int64?
    }

    func register(on group: RouterGroup<LicenseRequestContext>) {
        group.get("licenses") { _, context in
            try context.require(.read)
            let snapshot = try await snapshots.snapshot(try context.tenant())
            return try JSONResponse.make(LicenseListReport.make(from: snapshot, now: Date()))
        }
        group.get("licenses/:owner/:module") { _, context in
            try context.require(.read)
            let tenant = try context.tenant()
            let key = try PathValue.module(context)
            let report = LicenseListReport.make(from: try await snapshots.snapshot(tenant), now: Date())
            guard let owner = report.owners.first(where: { $0.name == key.owner }),
                let module = owner.modules.first(where: { $0.name == key.module })
            else { throw APIError.notFound("unknown module \(key)") }
            let holders = try await store.holders(tenant: tenant, module: key)
            return try JSONResponse.make(ModuleDetails(owner: owner.name, module: module, holders: holders))
        }
        group.post("licenses/preview") { request, context in
            try context.require(.write)
            let package = try await request.body.collect(upTo: ServerLimits.packageLimit)
            let preview = try await store.previewActivation(
                tenant: try context.tenant(), package: Data(package.readableBytesView), now: Date())
            return try JSONResponse.make(preview)
        }
        group.post("licenses/activate") { request, context in
            try context.require(.write)
            let tenant = try context.tenant()
            let package = try await request.body.collect(upTo: ServerLimits.packageLimit)
            let preview = try await store.activate(
                tenant: tenant, package: Data(package.readableBytesView), actor: context.actor, now: Date())
            guard preview.canBeActivated else {
                throw APIError(
                    .conflict, code: .countBelowInUse, preview.reason ?? "cannot be activated")
            }
            snapshots.invalidate(tenant)
            return try JSONResponse.make(preview)
        }
        group.get("fencing") { _, context in
            try context.require(.read)
            return try JSONResponse.make(FencingReport(modules: try await snapshots.snapshot(try context.tenant()).fencing()))
        }
        group.get("counts/users") { request, context in
            try context.require(.check)
            let activeOnly = try QueryValue.bool(request, "activeOnly") ?? false
            let snapshot = try await snapshots.snapshot(try context.tenant())
            return try JSONResponse.make(snapshot.userCounts(activeOnly: activeOnly))
        }
        group.get("status") { _, context in
            try context.require(.read)
            let snapshot = try await snapshots.snapshot(try context.tenant())
            let now = Date()
            var report = StatusReport.make(from: snapshot, loggedOnUser: context.principal?.name, now: now)
            // A read writes nothing: an event past its expected finish is shown finished, as `GET …/events` shows it,
            // until the background upkeep stores it so.
            report.events = EventRule.asOf(report.events, now: now)
            return try JSONResponse.make(report)
        }
        group.post("verify") { _, context in
            try context.require(.write)
            let tenant = try context.tenant()
            let problems = try await store.verify(tenant: tenant)
            if !problems.isEmpty {
                _ = try await store.recordTamper(tenant: tenant, problems: problems, now: Date())
                snapshots.invalidate(tenant)
            }
            return try JSONResponse.make(VerifyReport(ok: problems.isEmpty, problems: problems))
        }
        group.get("audit") { request, context in
            try context.require(.read)
            let limit = try QueryValue.int(request, "limit", range: 1...200) ?? 50
            let before = try QueryValue.int(request, "before", range: 1...Int.max).map(Int64.init)
            let entries = try await store.audit(tenant: try context.tenant(), before: before, limit: limit)
            let next = entries.count == limit ? entries.last.map(\.sequence) : nil
            return try JSONResponse.make(AuditPage(entries: entries, nextCursor: next.flatMap { $0 > 1 ? $0 : nil }))
        }
    }
}

/// Query parameters parsed strictly: a bad value is a 422 that names it.
enum QueryValue {
    static func bool(_ request: Request, _ name: String) throws -> Bool? {
        guard let text = request.uri.queryParameters[name[...]] else { return nil }
        switch String(text).lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.invalid("query parameter \(name) must be true or false")
        }
    }

    static func int(_ request: Request, _ name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let text = request.uri.queryParameters[name[...]] else { return nil }
        guard let value = Int(String(text)), range.contains(value) else {
            throw APIError.invalid("query parameter \(name) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}
