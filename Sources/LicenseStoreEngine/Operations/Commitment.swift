import Foundation
import LicenseCore
import LicenseStore

/// What one write transaction changed, gathered as it runs and written into the sealed head once, at its end
/// (DESIGN §6a): the multiset digest of each table's inserted and removed rows, and the head as the write leaves it.
public final class ChangeRecorder: @unchecked Sendable {
    /// The tenant the recorded rows belong to (one per transaction).
    fileprivate(set) var tenant: String?
    /// Per table: the elements of rows inserted minus those of rows removed.
    fileprivate var deltas: [String: MultisetDigest] = [:]
    /// The head as this transaction changes it; loaded at the first change.
    fileprivate(set) var head: TenantHeadRecord?
    /// Whether an audit entry was appended (the version moves, other processes are told).
    fileprivate var audited = false
    /// One prepared key for the rows of this transaction.
    fileprivate var digester: RowDigester?
    /// Whether the head itself was changed (besides the digests and the version).
    fileprivate var headChanged = false
    /// The head row the backend read when it locked the tenant (PostgreSQL), used by the first read of the head.
    private var lockedHead: (tenant: String, row: SQLRow)?
    /// The head's version when this transaction first read it.
    fileprivate var baseVersion: Int64?
    /// Rows of the tables a snapshot holds, in the order written: put in (true) or taken out (false).
    fileprivate var snapshotRows: [(table: String, isInsert: Bool, row: SQLRow)] = []
    /// What the transaction changed for snapshots, handed to `listeners` once the database has committed it.
    fileprivate var committed: (tenant: String, change: SnapshotChange, listeners: ChangeSetListeners)?

    public init() {}

    var hasChanges: Bool { headChanged || audited || !deltas.isEmpty }

    /// Hands the engine the tenant's head row, read by the statement that locked it: the write's first read of the
    /// head takes it instead of asking the database again.
    public func lockedHead(tenant: String, _ row: SQLRow) { lockedHead = (tenant, row) }

    /// Called by the backend right after the database committed this transaction, before the tenant's next write may
    /// begin: the change set goes to the listeners in the order the writes committed.
    public func didCommit() {
        guard let committed else { return }
        self.committed = nil
        committed.listeners.publish(tenant: committed.tenant, committed.change)
    }

    /// The locked head row of `tenant`, once.
    func takeLockedHead(tenant: String) -> SQLRow? {
        guard let locked = lockedHead, locked.tenant == tenant else { return nil }
        lockedHead = nil
        return locked.row
    }
}

/// The tables whose rows the head commits to: every table of a tenant but the head itself, the API tokens (which
/// span tenants and carry their own seals) and the change log (each entry sealed over its versions; an entry that
/// fails is not applied, and `verify` names it).
enum CommittedTables {
    static let all = Set(Tables.all).subtracting(["tenant_head", "api_token", "change_log"])
}

/// The tables a snapshot is made of: their rows go into a write's change set. Owners, module rows and the tenant row
/// make the change set one that only a load can apply.
enum SnapshotTables {
    static let all: Set<String> = [
        "tenant", "license_owner", "module_license", "user", "assignment", "satellite", "satellite_assignment",
        "system_event",
    ]
}

/// Tables whose rows carry a seal: a row's element is keyed by its seal alone (`committedBytes`).
enum SealedTables {
    static let all: Set<String> = [
        "user", "assignment", "satellite", "satellite_assignment", "system_event", "audit_entry", "usage_event", "usage_month",
    ]
}

/// The bytes a row's element covers. A sealed row contributes its seal (which covers its content): an edit that
/// leaves the seal makes the row void without moving the digest, so only rows put in, taken out or put back (and a
/// seal rewritten) move it, and a grant table whose digest moved is a state the head never had. Other rows contribute
/// their table and every column, by name, with the value's type.
func committedBytes(table: String, _ columns: [(name: String, value: SQLValue)]) -> [UInt8] {
    if SealedTables.all.contains(table), let seal = columns.first(where: { $0.name == "seal" })?.value,
        case .text(let text) = seal
    {
        return sealElementBytes(table: table, seal: text)
    }
    return canonicalRow(table: table, columns)
}

/// The committed bytes of a sealed row, from its seal.
func sealElementBytes(table: String, seal: String) -> [UInt8] { RowDigester.sealElementBytes(table: table, seal: seal) }

/// The bytes of a row's whole content: its table and every column, by name, with the value's type.
func canonicalRow(table: String, _ columns: [(name: String, value: SQLValue)]) -> [UInt8] {
    var e = CanonicalEncoder(context: "licensing/row/v1")
    e.add("table", table)
    for (name, value) in columns.sorted(by: { $0.name < $1.name }) {
        switch value {
        case .null: e.add(name + ":n", nil as String?)
        case .integer(let int): e.add(name + ":i", int)
        case .real(let double): e.add(name + ":r", "\(double.bitPattern)")
        case .text(let text): e.add(name + ":t", text)
        case .blob(let bytes): e.add(name + ":b", Base64URL.encode(Data(bytes)))
        }
    }
    return e.bytes
}

/// Sums the elements of the rows a read goes through, per table, to compare with the sealed head's digests.
struct CommitmentTally {
    let digester: RowDigester
    private(set) var tables: [String: MultisetDigest] = [:]

    init(digester: RowDigester) { self.digester = digester }

    mutating func add(_ table: String, _ row: SQLRow) {
        tables[table, default: .zero] += digester.element(committedBytes(table: table, row.namedValues))
    }

    /// Adds the sum of rows' elements worked out elsewhere.
    mutating func add(_ table: String, sum: MultisetDigest) {
        tables[table, default: .zero] += sum
    }

    /// Adds a sealed row by its seal (the row already decoded).
    mutating func add(_ table: String, seal: String) {
        tables[table, default: .zero] += digester.element(table: table, seal: seal)
    }

    /// The sum of the rows of `table` added so far.
    func sum(_ table: String) -> MultisetDigest { tables[table] ?? .zero }
}

extension SQLRow {
    var namedValues: [(name: String, value: SQLValue)] { Array(zip(columns.names, values)) }
}

// MARK: - Rows written through the commitment

extension LicenseEngine {
    private func element(_ s: Backend.Session, _ table: String, _ columns: [(name: String, value: SQLValue)]) -> MultisetDigest {
        let digester = s.changes.digester ?? sealer.makeDigester()
        s.changes.digester = digester
        return digester.element(committedBytes(table: table, columns))
    }

    private func note(_ s: Backend.Session, tenant: String, table: String, added: MultisetDigest) {
        let changes = s.changes
        precondition(changes.tenant == nil || changes.tenant == tenant, "one tenant per write transaction")
        changes.tenant = tenant
        guard CommittedTables.all.contains(table) else { return }
        changes.deltas[table, default: .zero] += added
    }

    /// Keeps a row of a table snapshots hold, for the change set.
    private func keep(_ s: Backend.Session, table: String, isInsert: Bool, _ row: @autoclosure () -> SQLRow) {
        guard SnapshotTables.all.contains(table) else { return }
        s.changes.snapshotRows.append((table, isInsert, row()))
    }

    /// Records the sum of the elements of rows inserted at once (the usage fast path).
    func recordInserted(_ s: Backend.Session, tenant: String, table: String, sum: MultisetDigest) {
        note(s, tenant: tenant, table: table, added: sum)
    }

    /// Records rows inserted by a statement the engine did not build from a record (the usage fast path).
    func recordInserted(_ s: Backend.Session, tenant: String, table: String, columns: [(name: String, value: SQLValue)]) {
        note(s, tenant: tenant, table: table, added: element(s, table, columns))
        keep(s, table: table, isInsert: true, SQLRow(columns: SQLColumns(columns.map(\.name)), values: columns.map(\.value)))
    }

    /// Inserts a row and records it.
    func add<Record: StoredRecord>(_ s: Backend.Session, tenant: String, _ record: Record) throws {
        try s.insert(record)
        recordInserted(s, tenant: tenant, table: Record.table, columns: record.columns)
    }

    /// Deletes the rows `filter` selects (a `WHERE` clause) and records each; answers them.
    @discardableResult
    func remove(
        _ s: Backend.Session, tenant: String, from table: String, where filter: String, _ arguments: [SQLValue]
    ) throws -> [SQLRow] {
        let rows = try s.rows("DELETE FROM \(s.dialect.table(table)) WHERE \(filter) RETURNING *", arguments)
        for row in rows {
            note(s, tenant: tenant, table: table, added: -element(s, table, row.namedValues))
            keep(s, table: table, isInsert: false, row)
        }
        return rows
    }

    /// Writes `record` in place of the row with the same `key` columns, if any, recording both.
    /// The insert is tried first (one statement when no row has the key, the common case).
    func replace<Record: StoredRecord>(_ s: Backend.Session, tenant: String, _ record: Record, key: [String]) throws {
        let columns = record.columns
        if try s.insert(table: Record.table, columns, orIgnore: true) == 1 {
            recordInserted(s, tenant: tenant, table: Record.table, columns: columns)
            return
        }
        let keyValues = key.map { name in columns.first { $0.name == name }!.value }
        try remove(s, tenant: tenant, from: Record.table, where: key.map { "\($0) = ?" }.joined(separator: " AND "), keyValues)
        try s.insert(table: Record.table, columns)
        recordInserted(s, tenant: tenant, table: Record.table, columns: columns)
    }

    // MARK: - The head

    /// The head as this transaction has changed it so far (read at the first use).
    func pendingHead(_ s: Backend.Session, tenant: String) throws -> TenantHeadRecord {
        note(s, tenant: tenant, table: "tenant_head", added: .zero)
        if let head = s.changes.head { return head }
        let (head, isIntact) = try loadCheckedHead(s, tenant: tenant)
        try IntegrityRule.requireIntactHead(tenant, isIntact: isIntact)
        s.changes.head = head
        s.changes.baseVersion = head.head.version
        return head
    }

    /// Reads the head at the start of a tenant's write (once: every later use takes it from the recorder), refusing a
    /// head that does not verify.
    func beginWrite(_ s: Backend.Session, tenant: String) throws {
        _ = try pendingHead(s, tenant: tenant)
    }

    /// Takes `head` as the head of this transaction without checking its seal: only a repair does this, after
    /// checking that the installation key opens the tenant's rows.
    func adoptHead(_ s: Backend.Session, tenant: String, _ head: TenantHeadRecord) {
        note(s, tenant: tenant, table: "tenant_head", added: .zero)
        s.changes.head = head
        s.changes.headChanged = true
        s.changes.baseVersion = nil
    }

    func updateHead(_ s: Backend.Session, tenant: String, _ change: (inout TenantHeadRecord) throws -> Void) throws {
        var head = try pendingHead(s, tenant: tenant)
        try change(&head)
        s.changes.head = head
        s.changes.headChanged = true
    }

    /// Notes that an audit entry was appended: the version moves at the end of the transaction.
    func noteAudited(_ s: Backend.Session) { s.changes.audited = true }

    /// Writes what the transaction changed into the sealed head: the table digests (or, for a head written before
    /// commitments existed, the commitment computed from the rows as they now are), the version when an audit entry
    /// was appended; then tells other processes.
    func commitChanges(_ s: Backend.Session) throws {
        let changes = s.changes
        guard changes.hasChanges, let tenant = changes.tenant else { return }
        var head = try pendingHead(s, tenant: tenant)
        if var commitment = head.head.commitment {
            for (table, delta) in changes.deltas { commitment.tables[table] = commitment.digest(of: table) + delta }
            if let seats = commitment.seats {
                commitment.seats = try countedSeats(s, tenant: tenant, seats, changes.snapshotRows)
            } else {
                // A head from before the counts were kept: count them once, from the rows as they now are.
                commitment.seats = try seatsInUse(s, tenant: tenant)
            }
            head.head.commitment = commitment
        } else {
            try resealLegacyRows(s, tenant: tenant)
            head.head.commitment = try computeCommitment(s, tenant: tenant)
        }
        // Any change a snapshot holds moves the version too (other processes look for it).
        let moves = changes.audited || !changes.snapshotRows.isEmpty
        if moves { head.head.version += 1 }
        head.head.eventIDs.sort()
        let text = head.head.commitment?.canonicalText
        head.seal = sealer.seal(head.head.sealBytes(tenant: tenant, commitmentText: text))
        let columns = head.columns(commitmentText: text)
        try s.update(table: TenantHeadRecord.table, columns, key: ["tenant_id"])
        headMemo.remember(tenant: tenant, HeadMemo.Values(columns), record: head, isIntact: true)
        if moves {
            let version = head.head.version
            if let base = changes.baseVersion {
                try appendChangeLog(s, tenant: tenant, from: base, to: version, changes.snapshotRows)
                changes.committed = (
                    tenant, try snapshotChange(tenant: tenant, from: base, to: version, changes.snapshotRows), changeSets
                )
            } else {
                // A head adopted by a repair: the rows are what they are now, which only a load can tell.
                try appendChangeLog(s, tenant: tenant, from: version - 1, to: version, changes.snapshotRows, requiresLoad: true)
            }
            try s.notifyChange(tenant: tenant, version: version)
        }
        changes.head = nil
        changes.deltas = [:]
        changes.audited = false
        changes.headChanged = false
        changes.snapshotRows = []
        changes.baseVersion = nil
    }

    /// The seats in use after the rows a transaction wrote: a user's first row of a module takes a seat, its last row
    /// gone frees it (whatever plan the rows came with), each satellite row is a seat. What each touched user holds now
    /// is read in one statement; every stored row counts, as `seatsInUse` counts them.
    func countedSeats(
        _ s: Backend.Session, tenant: String, _ seats: [ModuleKey: Int], _ rows: [(table: String, isInsert: Bool, row: SQLRow)]
    ) throws -> [ModuleKey: Int] {
        var result = seats
        func adjust(_ key: ModuleKey, _ delta: Int) {
            let value = (result[key] ?? 0) + delta
            result[key] = value > 0 ? value : nil
        }
        var written: [Int64: [ModuleKey: Int]] = [:]
        for (table, isInsert, row) in rows {
            switch table {
            case "assignment":
                let key = ModuleKey(owner: try row["owner_name"], module: try row["module_name"])
                written[try row["user_id"], default: [:]][key, default: 0] += isInsert ? 1 : -1
            case "satellite_assignment":
                adjust(ModuleKey(owner: try row["owner_name"], module: try row["module_name"]), isInsert ? 1 : -1)
            default:
                break
            }
        }
        guard !written.isEmpty else { return result }
        var held: [Int64: [ModuleKey: Int]] = [:]
        let users = Array(written.keys)
        for start in stride(from: 0, to: users.count, by: 500) {
            let chunk = users[start..<min(users.count, start + 500)]
            try s.forEachRow(Self.heldByUsersQuery(users: chunk.count), [.text(tenant)] + chunk.map { .integer($0) }) { row in
                held[try row["user_id"], default: [:]][ModuleKey(owner: try row["owner_name"], module: try row["module_name"])] =
                    Int(try row["n"] as Int64)
            }
        }
        for (user, deltas) in written {
            for (key, delta) in deltas where delta != 0 {
                let after = held[user]?[key] ?? 0
                let before = after - delta
                if before <= 0 && after > 0 { adjust(key, 1) }
                if before > 0 && after <= 0 { adjust(key, -1) }
            }
        }
        return result
    }

    /// What `users` users hold, module by module: a search of the user index (tenant, user, owner, module), which
    /// covers it, never a scan of the tenant's rows.
    static func heldByUsersQuery(users: Int) -> String {
        "SELECT user_id, owner_name, module_name, COUNT(*) AS n FROM assignment WHERE tenant_id = ? AND user_id IN ("
            + Array(repeating: "?", count: users).joined(separator: ", ") + ") GROUP BY user_id, owner_name, module_name"
    }

    /// The change set of the rows a transaction wrote, for the snapshots. The rows are the ones this transaction put
    /// in (sealed here) or took out; a row taken out and put back with the same key is an update.
    func snapshotChange(
        tenant: String, from base: Int64, to version: Int64, _ rows: [(table: String, isInsert: Bool, row: SQLRow)]
    ) throws -> SnapshotChange {
        var change = SnapshotChange(baseVersion: base, version: version)
        var removedUsers: [Int64] = []
        var removedSatellites: [String] = []
        var removedEvents: [Int64] = []
        for (table, isInsert, row) in rows {
            switch table {
            case "user":
                let user = try UserRecord(row: row).user
                if isInsert { change.users.append(user) } else { removedUsers.append(user.id) }
            case "assignment":
                let assignment = try AssignmentRecord(row: row.reordered(AssignmentRecord.selectionNames)).assignment
                if isInsert { change.addedAssignments.append(assignment) } else { change.removedAssignments.append(assignment) }
            case "satellite":
                let satellite = try SatelliteRecord(row: row).satellite
                if isInsert { change.satellites.append(satellite) } else { removedSatellites.append(satellite.name) }
            case "satellite_assignment":
                let assignment = try SatelliteAssignmentRecord(row: row).assignment
                if isInsert {
                    change.addedSatelliteAssignments.append(assignment)
                } else {
                    change.removedSatelliteAssignments.append(assignment)
                }
            case "system_event":
                let event = try EventRecord(row: row).event
                if isInsert { change.events.append(event) } else { removedEvents.append(event.id) }
            default:
                change.requiresLoad = true
            }
        }
        let writtenUsers = Set(change.users.map(\.id))
        change.removedUserIDs = removedUsers.filter { !writtenUsers.contains($0) }
        let writtenSatellites = Set(change.satellites.map(\.name))
        change.removedSatellites = removedSatellites.filter { !writtenSatellites.contains($0) }
        let writtenEvents = Set(change.events.map(\.id))
        change.removedEventIDs = removedEvents.filter { !writtenEvents.contains($0) }
        return change
    }

    /// Moves users whose version-1 seal holds to version 2 (which covers the password hash; a void row stays void) and
    /// seals the usage rows written before seals existed. Runs once, at the first write to a tenant whose head
    /// predates the commitment.
    private func resealLegacyRows(_ s: Backend.Session, tenant: String) throws {
        let users = try s.fetchAll(
            UserRecord.self, "SELECT * FROM \(s.dialect.userTable) WHERE tenant_id = ?", [.text(tenant)])
        for var record in users
        where !sealer.isValid(record.seal, for: record.sealBytes)
            && sealer.isValid(record.seal, for: record.user.legacySealBytes(tenant: tenant))
        {
            record.seal = sealer.seal(record.sealBytes)
            try s.update(record, key: ["tenant_id", "id"])
        }
        // Usage rows written before seals existed are sealed as they are.
        var events: [(id: String, seal: String)] = []
        try s.forEachRow("SELECT * FROM usage_event WHERE tenant_id = ? AND seal = ''", [.text(tenant)]) { row in
            let event = UsageEvent(
                id: try row["id"], service: try row["service"], quantity: try row["quantity"],
                occurredAt: Date(epochSeconds: try row["occurred_at"]), subject: try row["subject"])
            events.append((event.id, sealer.seal(event.sealBytes(tenant: tenant, receivedAt: try row["received_at"]))))
        }
        for event in events {
            try s.execute(
                "UPDATE usage_event SET seal = ? WHERE tenant_id = ? AND id = ?",
                [.text(event.seal), .text(tenant), .text(event.id)])
        }
        for var record in try s.fetchAll(
            UsageMonthRecord.self, "SELECT * FROM usage_month WHERE tenant_id = ? AND seal = ''", [.text(tenant)])
        {
            record.seal = sealer.seal(record.row.sealBytes(tenant: tenant))
            try s.update(record, key: ["tenant_id", "month", "service"])
        }
    }

    /// The commitment of the rows as they are: every committed table's digest and, per owner with a stored package,
    /// that package as the active and newest one. Used once for a head written before commitments existed.
    func computeCommitment(_ s: Backend.Session, tenant: String) throws -> StateCommitment {
        var commitment = StateCommitment(seats: try seatsInUse(s, tenant: tenant))
        for table in Tables.all where CommittedTables.all.contains(table) {
            commitment.tables[table] = try committedDigest(s, tenant: tenant, table: table)
        }
        try s.forEachRow(
            "SELECT owner_name, issued_at, raw_package FROM license_owner WHERE tenant_id = ?", [.text(tenant)]
        ) { row in
            commitment.owners[try row["owner_name"]] = OwnerCommitment(
                packageDigest: OwnerCommitment.digest(ofPackage: try row["raw_package"]), highestIssuedAt: try row["issued_at"])
        }
        return commitment
    }

    /// The digest the head should hold for a table as stored: a copied seal counted once.
    func committedDigest(_ s: Backend.Session, tenant: String, table: String) throws -> MultisetDigest {
        try digest(s, tenant: tenant, table: table)
            - duplicateSeals(s, tenant: tenant, table: table, digester: sealer.makeDigester())
    }

    /// Whether `sum` (every stored row of `table` added) is what `commitment` records, once copies of a seal are
    /// taken off; the copies are looked for only when the plain sum differs.
    func matches(
        _ s: Backend.Session, tenant: String, table: String, sum: MultisetDigest, _ commitment: StateCommitment
    ) throws -> Bool {
        if sum == commitment.digest(of: table) { return true }
        guard SealedTables.all.contains(table) else { return false }
        return sum - (try duplicateSeals(s, tenant: tenant, table: table, digester: sealer.makeDigester()))
            == commitment.digest(of: table)
    }

    /// What rows carrying another row's seal add to a sealed table's sum, to be taken off: the server never writes two
    /// rows with one seal (each seal covers its row's key), so a copy is a forgery that changes nothing the head
    /// committed to; the copy itself is void by its seal.
    func duplicateSeals(_ s: Backend.Session, tenant: String, table: String, digester: RowDigester) throws -> MultisetDigest {
        guard SealedTables.all.contains(table) else { return .zero }
        var extra = MultisetDigest.zero
        try s.forEachRow(
            "SELECT seal, COUNT(*) AS n FROM \(s.dialect.table(table)) WHERE \(Tables.tenantColumn(of: table)) = ?"
                + " GROUP BY seal HAVING COUNT(*) > 1", [.text(tenant)]
        ) { row in
            let seal: String = try row["seal"]
            let count: Int64 = try row["n"]
            let element = digester.element(committedBytes(table: table, [("seal", .text(seal))]))
            for _ in 1..<count { extra += element }
        }
        return extra
    }

    /// The multiset digest of a table's rows of the tenant, as stored now (a copied seal counted as often as stored;
    /// `committedDigest` counts it once).
    func digest(_ s: Backend.Session, tenant: String, table: String) throws -> MultisetDigest {
        let digester = sealer.makeDigester()
        var sum = MultisetDigest.zero
        try s.forEachRow(
            "SELECT * FROM \(s.dialect.table(table)) WHERE \(Tables.tenantColumn(of: table)) = ?", [.text(tenant)]
        ) { row in
            sum += digester.element(committedBytes(table: table, row.namedValues))
        }
        return sum
    }
}
