import Crypto
import Foundation
import LicenseCore

/// Remembers the outcome of verifying an owner's rows, keyed by a digest of exactly the bytes verified.
///
/// Ed25519 verification of every module row costs tens of microseconds each; a digest of the same bytes costs far
/// less, so a decision re-verifies only rows that changed. Any edit to a row changes the digest and is verified anew.
final class OwnerVerificationCache: @unchecked Sendable {
    static let shared = OwnerVerificationCache()

    private let lock = NSLock()
    private var entries: [Data: OwnerRowCheck] = [:]

    func check(tenant: Tenant, header: PackageHeader, modules: [SignedModule]) -> OwnerRowCheck {
        var hasher = SHA256()
        var bound = header
        bound.companyName = tenant.companyName
        bound.serialNumber = tenant.serialNumber
        hasher.update(data: Data(tenant.trustRoot.utf8))
        hasher.update(data: bound.canonicalBytes(moduleSignatures: modules.map { ($0.module.name, $0.signature) }))
        hasher.update(data: Data(bound.ownerSignature.utf8))
        for row in modules {
            hasher.update(
                data: row.module.canonicalBytes(
                    companyName: tenant.companyName, serialNumber: tenant.serialNumber, owner: header.owner,
                    issuedAt: header.issuedAt))
            hasher.update(data: Data(row.signature.utf8))
        }
        let key = Data(hasher.finalize())
        if let hit = lock.withLock({ entries[key] }) { return hit }
        let result = PackageVerifier.verifyStoredRows(header: header, modules: modules, tenant: tenant)
        lock.withLock {
            if entries.count > 1_000 { entries.removeAll() }
            entries[key] = result
        }
        return result
    }
}
