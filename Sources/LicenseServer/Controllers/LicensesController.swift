import Foundation
import HTTPTypes
import LicenseCore
import LicenseStore
import OpenAPIRuntime

/// `/api/v1/tenants/{tenant}/licenses`, fencing, counts, status, verify and audit: generated operations (`tags:
/// licenses, audit`).
extension TenantAPI {
    func listLicenses(_ input: Operations.ListLicenses.Input) async throws -> Operations.ListLicenses.Output {
        let snapshot = try await snapshots.snapshot(try CurrentRequest.current().tenant())
        return .ok(.init(body: .json(try .init(converting: LicenseListReport.make(from: snapshot, now: Date())))))
    }

    func getModule(_ input: Operations.GetModule.Input) async throws -> Operations.GetModule.Output {
        let tenant = try CurrentRequest.current().tenant()
        let key = try PathValue.module(owner: input.path.owner, module: input.path.module)
        let report = LicenseListReport.make(from: try await snapshots.snapshot(tenant), now: Date())
        guard let owner = report.owners.first(where: { $0.name == key.owner }),
            let module = owner.modules.first(where: { $0.name == key.module })
        else { throw APIError.notFound("unknown module \(key)") }
        let holders = try await store.holders(tenant: tenant, module: key)
        return .ok(.init(body: .json(.init(owner: owner.name, module: try .init(converting: module), holders: holders))))
    }

    func previewActivation(
        _ input: Operations.PreviewActivation.Input
    ) async throws -> Operations.PreviewActivation.Output {
        let package: HTTPBody
        switch input.body {
        case .plainText(let file), .applicationJose(let file): package = file
        }
        let preview = try await store.previewActivation(
            tenant: try CurrentRequest.current().tenant(), package: try await Self.package(package), now: Date())
        return .ok(.init(body: .json(try .init(converting: preview))))
    }

    func activatePackage(_ input: Operations.ActivatePackage.Input) async throws -> Operations.ActivatePackage.Output {
        let context = try CurrentRequest.current()
        let tenant = try context.tenant()
        let package: HTTPBody
        switch input.body {
        case .plainText(let file), .applicationJose(let file): package = file
        }
        let preview = try await store.activate(
            tenant: tenant, package: try await Self.package(package), actor: context.actor, now: Date())
        guard preview.canBeActivated else {
            throw APIError(.conflict, code: .countBelowInUse, preview.reason ?? "cannot be activated")
        }
        snapshots.invalidate(tenant)
        return .ok(.init(body: .json(try .init(converting: preview))))
    }

    func fencing(_ input: Operations.Fencing.Input) async throws -> Operations.Fencing.Output {
        let snapshot = try await snapshots.snapshot(try CurrentRequest.current().tenant())
        return .ok(.init(body: .json(try .init(converting: FencingReport(modules: snapshot.fencing())))))
    }

    func userCounts(_ input: Operations.UserCounts.Input) async throws -> Operations.UserCounts.Output {
        let snapshot = try await snapshots.snapshot(try CurrentRequest.current().tenant())
        let counts = snapshot.userCounts(activeOnly: input.query.activeOnly ?? false)
        return .ok(.init(body: .json(try .init(converting: counts))))
    }

    func status(_ input: Operations.Status.Input) async throws -> Operations.Status.Output {
        let context = try CurrentRequest.current()
        let snapshot = try await snapshots.snapshot(try context.tenant())
        let now = Date()
        var report = StatusReport.make(from: snapshot, loggedOnUser: context.principal?.name, now: now)
        // A read writes nothing: an event past its expected finish is shown finished, as `GET …/events` shows it,
        // until the background upkeep stores it so.
        report.events = EventRule.asOf(report.events, now: now)
        return .ok(.init(body: .json(try .init(converting: report))))
    }

    func verify(_ input: Operations.Verify.Input) async throws -> Operations.Verify.Output {
        let tenant = try CurrentRequest.current().tenant()
        let problems = try await store.verify(tenant: tenant)
        if !problems.isEmpty {
            _ = try await store.recordTamper(tenant: tenant, problems: problems, now: Date())
            snapshots.invalidate(tenant)
        }
        return .ok(.init(body: .json(.init(ok: problems.isEmpty, problems: try problems.map { try .init(converting: $0) }))))
    }

    func audit(_ input: Operations.Audit.Input) async throws -> Operations.Audit.Output {
        let limit = input.query.limit ?? 50
        let entries = try await store.audit(
            tenant: try CurrentRequest.current().tenant(), before: input.query.before.map(Int64.init), limit: limit)
        let next = entries.count == limit ? entries.last.map(\.sequence) : nil
        return .ok(
            .init(
                body: .json(
                    .init(
                        entries: try entries.map { try .init(converting: $0) },
                        nextCursor: next.flatMap { $0 > 1 ? Int($0) : nil }))))
    }

    /// A license package's bytes (`OperationInputMiddleware` has read them, within the limit).
    private static func package(_ file: HTTPBody) async throws -> Data {
        try await Data(collecting: file, upTo: ServerLimits.packageLimit)
    }
}
