import Foundation

/// Satellite-type modules go to satellite databases, within the purchased count.
public enum SatelliteRule {
    /// The row to insert, or nil when the satellite already holds the module.
    public static func check(
        satellite: String, module key: ModuleKey, actor: String, in state: TenantLicenseState, now: Date
    ) throws -> SatelliteAssignment? {
        guard state.satellites[satellite] != nil else { throw LicenseInputError.unknownSatellite(satellite) }
        guard let owner = state.owners[key.owner], let module = owner.modules[key.module] else {
            throw LicenseInputError.unknownModule(key.description)
        }
        guard owner.header.dates.grants(at: now) else {
            throw LicenseRefusal(.ownerExpired, "the licenses of \(owner.name) have expired; nothing can be assigned")
        }
        guard module.type == .satellite else {
            throw LicenseRefusal(.wrongModuleType, "\(key) is a \(module.type.rawValue) license, not a satellite license")
        }
        if state.satelliteAssignments.contains(where: { $0.key == key && $0.satellite == satellite }) { return nil }
        let inUse = state.inUse(key)
        guard module.unrestricted || inUse + 1 <= module.count else {
            throw LicenseRefusal(.noFreeSeat, "no free seat for \(key): \(inUse) of \(module.count) in use")
        }
        return SatelliteAssignment(
            owner: owner.name, module: module.name, satellite: satellite, createdAt: now.wholeSeconds, createdBy: actor)
    }
}
