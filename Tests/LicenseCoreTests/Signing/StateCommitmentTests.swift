import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("The state commitment's parts (DESIGN §6a): multiset digests, row elements, the seat cap")
struct StateCommitmentTests {
    static let sealer = try! Sealer(secret: Data(repeating: 7, count: 32))

    @Test(
        "a sealed row's element streamed into the MAC equals the element of its committed bytes",
        arguments: [
            ("assignment", "aGVsbG8td29ybGQtdGhpcy1pcy1hLXNlYWwtb2YtNDMtY2g"), ("user", ""), ("system_event", "ünïcödé seal"),
            ("usage_event", String(repeating: "x", count: 200)),
        ])
    func streamedElement(table: String, seal: String) {
        let digester = Self.sealer.makeDigester()
        #expect(
            digester.element(table: table, seal: seal)
                == digester.element(RowDigester.sealElementBytes(table: table, seal: seal)))
        #expect(digester.element(table: table, seal: seal) != digester.element(table: table + "x", seal: seal))
    }

    @Test("the digest of a multiset does not depend on order, and a removal undoes an insertion")
    func multisetSums() {
        let digester = Self.sealer.makeDigester()
        let elements = (0..<50).map { digester.element(table: "assignment", seal: "seal-\($0)") }
        let forward = elements.reduce(MultisetDigest.zero, +)
        let backward = elements.reversed().reduce(MultisetDigest.zero, +)
        #expect(forward == backward)
        #expect(forward - elements[17] + elements[17] == forward)
        #expect(forward - elements[17] != forward)
        // A row put back twice is not the same state as once
        #expect(forward + elements[3] != forward)
        #expect(elements.reduce(forward) { $0 - $1 } == .zero)
        #expect(MultisetDigest(hex: forward.hex) == forward)
        #expect(MultisetDigest(hex: "zz") == nil)
    }

    @Test("the commitment's text reads back as written, and an edited line does not read")
    func canonicalText() {
        let digester = Self.sealer.makeDigester()
        let commitment = StateCommitment(
            owners: [
                "SUPEROFFICE": OwnerCommitment(packageDigest: String(repeating: "ab", count: 32), highestIssuedAt: 1_767_225_600)
            ],
            tables: [
                "assignment": digester.element(table: "assignment", seal: "a"),
                "user": digester.element(table: "user", seal: "u"),
            ])
        #expect(StateCommitment(canonicalText: commitment.canonicalText) == commitment)
        #expect(StateCommitment(canonicalText: commitment.canonicalText + "\ntable user nothex") == nil)
    }

    // MARK: - The seat cap

    static let start = Date(timeIntervalSince1970: 1_767_225_600)

    static func owners(webCount: Int, unrestricted: Bool = false) -> [String: OwnerLicense] {
        let header = PackageHeader(
            owner: "SUPEROFFICE", description: nil, licenseURL: nil, deploymentType: nil, productType: nil, extraFlags: 0,
            extraInfo: nil, companyName: "Acme AS", serialNumber: "4711-0001", issuedAt: start, expiresAt: nil,
            graceUntil: nil, maintenanceUntil: nil, adminWarningAt: nil, nextCheckAt: nil, ownerCertificate: "",
            ownerSignature: "")
        return [
            "SUPEROFFICE": OwnerLicense(
                header: header,
                modules: [ModuleLicense(name: "web", type: .user, count: webCount, unrestricted: unrestricted)])
        ]
    }

    static let web = ModuleKey(owner: "SUPEROFFICE", module: "web")

    /// Users 1…n hold web, user i's row written i hours after the start (user 1 the oldest).
    static func holders(_ count: Int, order: [Int64]? = nil) -> ([Assignment], [Int64: Set<ModuleKey>]) {
        let ids = order ?? (1...Int64(count)).map { $0 }
        let assignments = ids.enumerated().map { index, id in
            Assignment(
                owner: "SUPEROFFICE", module: "web", userID: id, createdAt: start.addingTimeInterval(Double(index) * 3_600),
                createdBy: "test")
        }
        return (assignments, Dictionary(uniqueKeysWithValues: ids.map { ($0, [web]) }))
    }

    @Test(
        "a module never grants more holders than its count: the oldest keep it",
        arguments: [
            (count: 3, holders: 3, satellites: 0, unrestricted: false, denied: [Int64]()),
            (count: 3, holders: 4, satellites: 0, unrestricted: false, denied: [4]),
            (count: 3, holders: 5, satellites: 1, unrestricted: false, denied: [3, 4, 5]),
            (count: 0, holders: 2, satellites: 0, unrestricted: false, denied: [1, 2]),
            (count: 1, holders: 3, satellites: 0, unrestricted: true, denied: []),
        ])
    func seatCap(count: Int, holders: Int, satellites: Int, unrestricted: Bool, denied: [Int64]) {
        let owners = Self.owners(webCount: count, unrestricted: unrestricted)
        let (assignments, effective) = Self.holders(holders)
        let satelliteRows = (0..<satellites).map {
            SatelliteAssignment(
                owner: "SUPEROFFICE", module: "web", satellite: "s\($0)", createdAt: Self.start, createdBy: "test")
        }
        let excess = SeatCap.excess(
            owners: owners, assignments: assignments, effective: effective, satelliteAssignments: satelliteRows)
        #expect(Set(excess.map(\.userID)) == Set(denied))
        let inUse = [Self.web: holders + satellites]
        #expect(SeatCap.mayExceed(owners: owners, seatsInUse: inUse) == (!unrestricted && holders + satellites > count))
    }

    @Test("the oldest holders are found by their rows' time, not by user id")
    func oldestByTime() {
        let owners = Self.owners(webCount: 2)
        // User 9's row is the oldest, user 1's the newest
        let (assignments, effective) = Self.holders(3, order: [9, 5, 1])
        let excess = SeatCap.excess(owners: owners, assignments: assignments, effective: effective, satelliteAssignments: [])
        #expect(excess == [SeatCap.Excess(userID: 1, module: Self.web)])
    }
}
