import Foundation
import LicenseCore

/// What `verify` and `loadSnapshot` spend per assignment row outside SQLite, part by part, in memory.
enum SealBench {
    static func run(rows count: Int, batch: Int, table: inout Table) throws {
        say("\n== per-row parts of a seal check (\(Format.count(count)) assignments in memory)")
        let sealer = try Sealer(secret: Sealer.makeSecret())
        let tenant = "bench-seal"
        let createdAt = BenchFixtures.now.wholeSeconds
        let rows: [(Assignment, String)] = (0..<count).map { i in
            let a = Assignment(
                owner: BenchFixtures.owner, module: String(format: "m%03d", i % 200 + 1), userID: Int64(i / 20 + 1),
                createdAt: createdAt, createdBy: BenchFixtures.actor)
            return (a, sealer.seal(a.sealBytes(tenant: tenant)))
        }
        let bytes = rows.map { $0.0.sealBytes(tenant: tenant) }
        let verifier = sealer.makeBulkVerifier()
        var sink = 0
        var config = CheckBench.Config()
        config.calls = count
        config.batch = batch

        let parts: [(String, (Int) -> Void)] = [
            (
                "Assignment.init (as a store row is decoded)",
                { i in
                    let a = rows[i].0
                    sink &+=
                        Assignment(
                            owner: a.owner, module: a.module, userID: a.userID, viaPlan: a.viaPlan, createdAt: a.createdAt,
                            createdBy: a.createdBy, comment: a.comment
                        ).owner.utf8.count
                }
            ),
            ("Assignment.sealBytes(tenant:)", { i in sink &+= rows[i].0.sealBytes(tenant: tenant).count }),
            (
                "BulkSealVerifier.isValid (base64url decode + HMAC-SHA256)",
                { i in if verifier.isValid(rows[i].1, for: bytes[i]) { sink &+= 1 } }
            ),
            (
                "sealBytes + BulkSealVerifier.isValid",
                { i in
                    if verifier.isValid(rows[i].1, for: rows[i].0.sealBytes(tenant: tenant)) { sink &+= 1 }
                }
            ),
            ("Sealer.seal (writing a row)", { i in sink &+= sealer.seal(bytes[i]).utf8.count }),
        ]
        for (name, body) in parts {
            let result = CheckBench.measure(calls: count, batch: batch, body)
            CheckBench.addRow(&table, name + ", per row", result, config, goal: "(info)", goalNs: nil)
        }
        if sink == 0 { say("   (nothing counted)") }
    }
}
