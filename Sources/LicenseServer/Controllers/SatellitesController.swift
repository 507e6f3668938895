import Foundation
import LicenseCore
import LicenseStore

/// `/api/v1/tenants/{tenant}/satellites` and their satellite licenses: generated operations (`tags: satellites`).
extension TenantAPI {
    func listSatellites(_ input: Operations.ListSatellites.Input) async throws -> Operations.ListSatellites.Output {
        let context = try CurrentRequest.current()
        let state = try await snapshots.snapshot(try context.tenant())
        let list = state.satellites.values.sorted { $0.name < $1.name }.map { satellite in
            Components.Schemas.Satellite(
                name: satellite.name, createdAt: satellite.createdAt,
                modules: state.satelliteAssignments.filter { $0.satellite == satellite.name }.map(\.key.description).sorted())
        }
        return .ok(.init(body: .json(.init(satellites: list))))
    }

    func createSatellite(_ input: Operations.CreateSatellite.Input) async throws -> Operations.CreateSatellite.Output {
        let context = try CurrentRequest.current()
        guard case .json(let body) = input.body else { throw APIError.badRequest("the request body is empty; expected JSON") }
        let satellite = try await store.addSatellite(
            tenant: try context.tenant(), name: body.name, actor: context.actor, now: Date())
        return .created(.init(body: .json(.init(name: satellite.name, createdAt: satellite.createdAt, modules: []))))
    }

    func assignSatelliteLicense(
        _ input: Operations.AssignSatelliteLicense.Input
    ) async throws -> Operations.AssignSatelliteLicense.Output {
        let context = try CurrentRequest.current()
        let name = try PathValue.name(input.path.satellite, field: "satellite")
        let key = try PathValue.module(owner: input.path.owner, module: input.path.module)
        try await store.assignSatellite(
            tenant: try context.tenant(), satellite: name, module: key, actor: context.actor, now: Date())
        return .ok(.init(body: .json(.init(satellite: name, module: key.description))))
    }

    func unassignSatelliteLicense(
        _ input: Operations.UnassignSatelliteLicense.Input
    ) async throws -> Operations.UnassignSatelliteLicense.Output {
        let context = try CurrentRequest.current()
        let tenant = try context.tenant()
        let name = try PathValue.name(input.path.satellite, field: "satellite")
        let key = try PathValue.module(owner: input.path.owner, module: input.path.module)
        do {
            try await store.unassignSatellite(tenant: tenant, satellite: name, module: key, actor: context.actor, now: Date())
        } catch let refusal as LicenseRefusal where refusal.code == .notAssigned {
            // Nothing was removed: an unknown satellite or module is a 404, as for the assignment.
            let state = try await snapshots.snapshot(tenant)
            guard state.satellites[name] != nil else { throw LicenseInputError.unknownSatellite(name) }
            guard state.module(key) != nil else { throw LicenseInputError.unknownModule(key.description) }
            throw refusal
        }
        return .noContent(.init())
    }
}
