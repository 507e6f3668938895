import Foundation
import Hummingbird
import LicenseCore
import LicenseStore

/// `/api/v1/tenants/{tenant}/satellites` and their satellite licenses.
struct SatellitesController {
    let store: any LicenseStoring
    let snapshots: SnapshotCache

    struct SatelliteReport: Codable {
        var name: String
        var createdAt: Date
        var modules: [String]
    }

    struct SatelliteList: Codable {
        var satellites: [SatelliteReport]
    }

    struct NewSatellite: Decodable {
        var name: String
    }

    struct SatelliteAssignment: Codable {
        var satellite: String
        var module: String
    }

    func register(on group: RouterGroup<LicenseRequestContext>) {
        group.get("satellites") { _, context in
            try context.require(.read)
            let state = try await snapshots.snapshot(try context.tenant())
            let list = state.satellites.values.sorted { $0.name < $1.name }.map { satellite in
                SatelliteReport(
                    name: satellite.name, createdAt: satellite.createdAt,
                    modules: state.satelliteAssignments.filter { $0.satellite == satellite.name }.map(\.key.description).sorted())
            }
            return try JSONResponse.make(SatelliteList(satellites: list))
        }
        group.post("satellites") { request, context in
            try context.require(.write)
            let tenant = try context.tenant()
            let body = try await request.decodeJSON(NewSatellite.self, context: context)
            let satellite = try await store.addSatellite(tenant: tenant, name: body.name, actor: context.actor, now: Date())
            return try JSONResponse.make(SatelliteReport(name: satellite.name, createdAt: satellite.createdAt, modules: []), status: .created)
        }
        group.put("satellites/:satellite/licenses/:owner/:module") { _, context in
            try context.require(.write)
            let tenant = try context.tenant()
            let name = try PathValue.name(context, "satellite", field: "satellite")
            let key = try PathValue.module(context)
            try await store.assignSatellite(tenant: tenant, satellite: name, module: key, actor: context.actor, now: Date())
            return try JSONResponse.make(SatelliteAssignment(satellite: name, module: key.description))
        }
        group.delete("satellites/:satellite/licenses/:owner/:module") { _, context in
            try context.require(.write)
            let tenant = try context.tenant()
            let name = try PathValue.name(context, "satellite", field: "satellite")
            let key = try PathValue.module(context)
            do {
                try await store.unassignSatellite(tenant: tenant, satellite: name, module: key, actor: context.actor, now: Date())
            } catch let refusal as LicenseRefusal where refusal.code == .notAssigned {
                // Nothing was removed: an unknown satellite or module is a 404, as for the assignment.
                let state = try await snapshots.snapshot(tenant)
                guard state.satellites[name] != nil else { throw LicenseInputError.unknownSatellite(name) }
                guard state.module(key) != nil else { throw LicenseInputError.unknownModule(key.description) }
                throw refusal
            }
            return Response(status: .noContent)
        }
    }
}
