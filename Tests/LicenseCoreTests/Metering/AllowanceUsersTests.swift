import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Metering: allowances grow with the plan seats in use, and the report uses them")
struct AllowanceUsersTests {
    /// alice and dave: user+web directly; bob: sales-premium (user, web); carol: service-premium (user, windows):
    /// 3 users on user+web, 2 plan seats.
    static func counts() throws -> UserCounts {
        var tenant = try TenantStateBuilder(spec: Fixtures.sampleSpec())
        for name in ["alice", "dave"] {
            let user = tenant.addUser(name)
            tenant.give("user", to: user)
            tenant.give("web", to: user)
        }
        tenant.givePlan("sales-premium", to: tenant.addUser("bob"))
        tenant.givePlan("service-premium", to: tenant.addUser("carol"))
        return tenant.snapshot().userCounts(activeOnly: false, now: Fixtures.now)
    }

    @Test("the allowance users are the plan seats in use, not the users on user and web")
    func planSeats() throws {
        let counts = try Self.counts()
        try #require(counts.userWeb.inUse == 3 && counts.plans.inUse == 2, "\(counts)")
        #expect(MeteringRule.allowanceUsers(counts) == counts.plans.inUse)
        #expect(MeteringRule.allowanceUsers(counts) == 2)
    }

    @Test("the report from user counts is the report with the allowance users, for the running and a past month")
    func reportFromCounts() throws {
        let counts = try Self.counts()
        let tariffs = ["mailing-emails": Tariff.defaultTariff(for: "mailing-emails")]
        let aggregates: [String: (value: Int64, users: Int)] = ["mailing-emails": (value: 6_500, users: 7)]
        for month in [Month(containing: Fixtures.now), Month(containing: Fixtures.now).previous] {
            let report = MeteringRule.report(
                month: month, services: MeteredService.builtIn, tariffs: tariffs, aggregates: aggregates, userCounts: counts,
                now: Fixtures.now)
            let expected = MeteringRule.report(
                month: month, services: MeteredService.builtIn, tariffs: tariffs, aggregates: aggregates, currentUsers: 2,
                now: Fixtures.now)
            #expect(report == expected)
        }
        let running = MeteringRule.report(
            month: Month(containing: Fixtures.now), services: MeteredService.builtIn, tariffs: tariffs, aggregates: aggregates,
            userCounts: counts, now: Fixtures.now)
        #expect(running.users == 2)
        #expect(running.services.first { $0.service == "mailing-emails" }?.allowance == 6_000)
    }
}
