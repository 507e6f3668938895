import Foundation
import LicenseCore
import LicenseStore

/// Users switched between two plans at once (issue 11, Build 5): the data, the switches and what must hold afterwards.
///
/// Eight users, four on `sales-premium` (`set=user,web,chat-cal`, 5 seats) and four on `service-premium`
/// (`set=user,windows`, 5 seats), where `windows` has only 4 seats: switching to `service-premium` then needs a
/// `windows` seat that another user's switch away frees, so concurrent switches contend for seats of a plan and of a
/// module a plan implies.
public enum PlanSwitches {
    public static let sales = Fixtures.key("sales-premium")
    public static let service = Fixtures.key("service-premium")
    public static let userNames = (1...8).map { "switcher-\($0)" }

    /// The package: the sample modules with `windows` cut to 4 seats.
    public static func spec(issuedAt: Date = Fixtures.issuedAt) -> PackageSpec {
        Fixtures.sampleSpec(issuedAt: issuedAt, counts: ["sales-premium": 5, "service-premium": 5, "windows": 4])
    }

    /// Adds the users to `tenant` (whose package is `spec()`) and gives the first half `sales-premium`, the others
    /// `service-premium`.
    public static func seedUsers(_ store: any LicenseStoring, tenant: String = Fixtures.tenantID) async throws {
        _ = try await store.addUsers(
            tenant: tenant, userNames.map { NewUser(userName: $0, canLogIn: true) }, actor: Fixtures.actor, now: Fixtures.now)
        for (index, user) in userNames.enumerated() {
            _ = try await store.changeLicenses(
                tenant: tenant, userName: user, to: DesiredLicenses(plans: [index < userNames.count / 2 ? sales : service]),
                actor: Fixtures.actor, now: Fixtures.now)
        }
    }

    /// The `index`th switch: every user in turn, each asked alternately for the other plan and back.
    public static func request(_ index: Int) -> (userName: String, plan: ModuleKey) {
        let slot = index % userNames.count
        let round = index / userNames.count
        return (userNames[slot], (slot + round) % 2 == 0 ? service : sales)
    }

    /// Runs `body` while reading the tenant's snapshot over and over; answers what `body` answered, how many snapshots
    /// were read and the `problems` found in them (each snapshot is one consistent read).
    public static func sampling<T: Sendable>(
        _ store: any LicenseStoring, tenant: String = Fixtures.tenantID, while body: () async throws -> T
    ) async throws -> (result: T, sampled: Int, problems: [String]) {
        let sampler = Task { () -> (sampled: Int, problems: [String]) in
            var sampled = 0
            var problems: [String] = []
            while !Task.isCancelled {
                do {
                    problems += Self.problems(in: try await store.loadSnapshot(tenant: tenant))
                    sampled += 1
                } catch  where Task.isCancelled {
                    break
                }
            }
            return (sampled, problems)
        }
        let result: T
        do {
            result = try await body()
        } catch {
            sampler.cancel()
            _ = try? await sampler.value
            throw error
        }
        sampler.cancel()
        let (sampled, problems) = try await sampler.value
        return (result, sampled, problems)
    }

    /// What is wrong with a tenant's state: a switcher without exactly one plan, or a module with more users than
    /// seats. Counted here from the assignment rows, not from the store's own counts.
    public static func problems(in snapshot: TenantSnapshot) -> [String] {
        var problems: [String] = []
        for name in userNames {
            guard let user = snapshot.user(named: name) else {
                problems.append("\(name) is missing")
                continue
            }
            let plans = snapshot.assignments(of: user).filter { $0.isDirect && snapshot.module($0.key)?.isPlan == true }
            if plans.count != 1 { problems.append("\(name) holds \(plans.count) plans: \(plans.map(\.key))") }
        }
        let holders = Dictionary(grouping: snapshot.allAssignments(), by: \.key).mapValues { Set($0.map(\.userID)).count }
        for (key, count) in holders.sorted(by: { $0.key < $1.key }) {
            guard let module = snapshot.module(key), !module.unrestricted, module.type == .user else { continue }
            if count > module.count { problems.append("\(key) has \(count) users for \(module.count) seats") }
        }
        return problems
    }
}
