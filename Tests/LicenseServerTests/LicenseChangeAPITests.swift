import Foundation
import Hummingbird
import LicenseCore
import LicenseStore
import LicenseTestSupport
import Testing

private let base = StandardTenant.base

private struct UserLicensesBody: Decodable, Equatable {
    struct Module: Decodable, Equatable {
        var module: String
        var source: String
    }
    var userName: String
    var modules: [Module]

    func source(_ module: String) -> String? { modules.first { $0.module == module }?.source }
}

private func licensesBody(plans: [String], modules: [String] = []) -> String {
    func list(_ keys: [String]) -> String { "[" + keys.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
    return #"{"plans": \#(list(plans)), "modules": \#(list(modules))}"#
}

@Suite("A user's licenses in one decision over HTTP and on the user page (issue 11, Build 5)")
struct LicenseChangeAPITests {
    @Test("switching a user from a plan with free seats to a full plan answers 409 naming the full module; the old plan stays")
    func switchToFullPlan() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            // Given bjorn on sales-premium (free seats) and windows, which service-premium brings, full (ada holds it)
            let assigned = try await client.send(.put, "\(base)/users/bjorn/licenses/superoffice/sales-premium", token: admin)
            try #require(assigned.status == 200, "\(assigned)")
            let auditBefore = try await client.get("\(base)/audit?limit=1", token: admin)

            // When he is switched to service-premium in one request
            let result = try await client.send(
                .put, "\(base)/users/bjorn/licenses", token: admin, json: licensesBody(plans: ["superoffice.service-premium"]))

            // Then it is refused with the facts, and he still holds sales-premium with what came with it
            #expect(result.status == 409, "\(result)")
            #expect(result.hasErrorShape)
            #expect(result.errorCode == "no-free-seat")
            let message = try #require(try result.object()["error"] as? [String: Any])["message"] as? String
            #expect(message == "no free seat for superoffice.windows: 1 of 1 in use", "\(result)")
            let after = try await client.get("\(base)/users/bjorn/licenses", token: admin).decode(UserLicensesBody.self)
            #expect(after.source("superoffice.sales-premium") == "assigned")
            #expect(after.source("superoffice.web") == "plan")
            #expect(after.source("superoffice.service-premium") == nil)
            #expect(try await client.get("\(base)/audit?limit=1", token: admin).body == auditBefore.body, "nothing was written")
        }
    }

    @Test("a change answers 200 with the user's effective licenses afterwards, as GET …/licenses shows them")
    func changeAnswersEffectiveLicenses() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            // Given bjorn, who holds nothing; when he is given sales-premium and visible-for in one request
            let result = try await client.send(
                .put, "\(base)/users/bjorn/licenses", token: admin,
                json: licensesBody(plans: ["superoffice.sales-premium"], modules: ["SUPEROFFICE.visible-for"]))

            // Then the answer is his licenses, the same as a read of them, and the check grants what the plan brings
            #expect(result.status == 200, "\(result)")
            let answered = try result.decode(UserLicensesBody.self)
            #expect(answered.userName == "bjorn")
            #expect(answered.source("superoffice.sales-premium") == "assigned")
            #expect(answered.source("superoffice.visible-for") == "assigned")
            #expect(answered.source("superoffice.chat-cal") == "plan")
            let read = try await client.get("\(base)/users/bjorn/licenses", token: admin).decode(UserLicensesBody.self)
            #expect(read == answered)
            let check = try await client.get("\(base)/users/bjorn/licenses/superoffice/web", token: tenant.checker.presented)
            #expect(try check.decode(CheckDecision.self) == .granted)

            // When the same set is asked for again nothing changes; when nothing is asked for, everything goes
            let auditBefore = try await client.get("\(base)/audit?limit=1", token: admin)
            let again = try await client.send(
                .put, "\(base)/users/bjorn/licenses", token: admin,
                json: licensesBody(plans: ["superoffice.sales-premium"], modules: ["superoffice.visible-for"]))
            #expect(try again.decode(UserLicensesBody.self) == answered)
            #expect(try await client.get("\(base)/audit?limit=1", token: admin).body == auditBefore.body)
            let none = try await client.send(.put, "\(base)/users/bjorn/licenses", token: admin, json: licensesBody(plans: []))
            #expect(none.status == 200, "\(none)")
            #expect(try none.decode(UserLicensesBody.self).modules.filter { $0.source != "site" } == [])
        }
    }

    @Test("50 concurrent plan switches over HTTP never leave a user without a plan nor a module over its count; verify passes")
    func concurrentSwitchesOverHTTP() async throws {
        try await TestInstallation.with { installation in
            // Given eight users on two plans whose seats (and an implied module's) are nearly all taken
            let store = installation.store
            try await store.createTenant(Fixtures.tenant(), actor: Fixtures.actor)
            try await installation.activate(PlanSwitches.spec(), tenant: StandardTenant.id)
            try await PlanSwitches.seedUsers(store)
            let admin = try await installation.makeToken(tenant: StandardTenant.id, role: .admin).presented

            try await withLiveServer(installation) { client in
                // When 50 switches are sent, at most 8 at a time, over loopback, while snapshots are read throughout
                let (results, sampled, seen) = try await PlanSwitches.sampling(store) {
                    try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                        func send(_ index: Int) {
                            group.addTask {
                                let (user, plan) = PlanSwitches.request(index)
                                return try await client.send(
                                    .put, "\(base)/users/\(user)/licenses", token: admin,
                                    json: licensesBody(plans: [plan.description]))
                            }
                        }
                        var results: [HTTPResult] = []
                        var next = 0
                        while next < 8 {
                            send(next)
                            next += 1
                        }
                        while let result = try await group.next() {
                            results.append(result)
                            if next < 50 {
                                send(next)
                                next += 1
                            }
                        }
                        return results
                    }
                }

                // Then each was made or refused for want of a seat, no state read meanwhile or afterwards has a user
                // without exactly one plan or a module with more users than seats, and verify finds nothing
                #expect(results.count == 50)
                let unexpected = results.filter { !($0.status == 200 || ($0.status == 409 && $0.errorCode == "no-free-seat")) }
                #expect(unexpected.isEmpty, "\(unexpected.prefix(3))")
                #expect(results.contains { $0.status == 200 }, "no switch was made")
                #expect(sampled > 0)
                #expect(seen.isEmpty, "\(seen.prefix(5)) in \(sampled) snapshots")
                #expect(PlanSwitches.problems(in: try await store.loadSnapshot(tenant: StandardTenant.id)).isEmpty)
                let fencing = try await client.get("\(base)/fencing", token: admin).decode(FencingReport.self)
                #expect(fencing.modules.allSatisfy { $0.inUse <= $0.total }, "\(fencing)")
                let verify = try await client.send(.post, "\(base)/verify", token: admin)
                #expect(try verify.object()["ok"] as? Bool == true, "\(verify)")
            }
        }
    }

    @Test("the user page switches a plan in one decision: a full plan is refused and the old one kept, a free one is taken")
    func userPageSwitchesPlan() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            let browser = try await AdminBrowser.signIn(client, tenant: tenant)
            // Given bjorn on sales-premium, and windows (which service-premium brings) full
            let assigned = try await client.send(.put, "\(base)/users/bjorn/licenses/superoffice/sales-premium", token: admin)
            try #require(assigned.status == 200, "\(assigned)")
            let form = [("canLogIn", "on"), ("plan-SUPEROFFICE", "service-premium")]

            // When the page's form switches him to service-premium
            let refused = try await browser.post("/admin/users/bjorn", form)

            // Then the page says why and that the old plan was kept, and it was
            #expect(refused.status == 303, "\(refused)")
            let page = try await browser.get("/admin/users/bjorn")
            let errors = AdminBrowser.flashes("error", in: page)
            #expect(errors.count == 1, "\(errors)")
            // The page names a module by its description with the key beside it (issue 17).
            #expect(errors.first?.contains("no free seat for ") == true, "\(errors)")
            #expect(errors.first?.contains("(superoffice.windows): 1 of 1 in use") == true, "\(errors)")
            #expect(errors.first?.contains("the plan superoffice.sales-premium was kept") == true, "\(errors)")
            #expect(AdminBrowser.flashes("success", in: page).isEmpty)
            var licenses = try await client.get("\(base)/users/bjorn/licenses", token: admin).decode(UserLicensesBody.self)
            #expect(licenses.source("superoffice.sales-premium") == "assigned")
            #expect(licenses.source("superoffice.service-premium") == nil)

            // When windows is freed and the same form is sent again
            let freed = try await client.send(.delete, "\(base)/users/ada/licenses/superoffice/windows", token: admin)
            try #require(freed.status == 200, "\(freed)")
            let changed = try await browser.post("/admin/users/bjorn", form)

            // Then the plan is changed, with what comes with it, and the page says so
            #expect(changed.status == 303, "\(changed)")
            let after = try await browser.get("/admin/users/bjorn")
            #expect(AdminBrowser.flashes("error", in: after).isEmpty)
            let saved = AdminBrowser.flashes("success", in: after)
            #expect(
                saved.first?.contains("changed the plan from superoffice.sales-premium to superoffice.service-premium") == true,
                "\(saved)")
            licenses = try await client.get("\(base)/users/bjorn/licenses", token: admin).decode(UserLicensesBody.self)
            #expect(licenses.source("superoffice.service-premium") == "assigned")
            #expect(licenses.source("superoffice.windows") == "plan")
            #expect(licenses.source("superoffice.sales-premium") == nil)
            #expect(licenses.source("superoffice.web") == nil)
            let verify = try await client.send(.post, "\(base)/verify", token: admin)
            #expect(try verify.object()["ok"] as? Bool == true, "\(verify)")
        }
    }

    @Test("the user page's licenses are one decision: a removal its dependent needs refuses the whole form's licenses")
    func userPageIsAllOrNothing() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            let browser = try await AdminBrowser.signIn(client, tenant: tenant)
            let before = try await client.get("\(base)/users/ada/licenses", token: admin).decode(UserLicensesBody.self)

            // Given ada with user, web and windows directly; when the form unchecks user (which web and windows need)
            // and checks visible-for
            let posted = try await browser.post(
                "/admin/users/ada",
                [
                    ("displayName", "Ada Lovelace"), ("canLogIn", "on"), ("plan-SUPEROFFICE", "none"),
                    ("license", "superoffice.web"), ("license", "superoffice.windows"), ("license", "superoffice.visible-for"),
                ])

            // Then nothing of it is done: the refusal names the missing prerequisite, and her licenses are as they were
            #expect(posted.status == 303, "\(posted)")
            let page = try await browser.get("/admin/users/ada")
            let errors = AdminBrowser.flashes("error", in: page)
            #expect(errors.first?.contains("requires ") == true, "\(errors)")
            #expect(errors.first?.contains("(superoffice.user)") == true, "\(errors)")
            #expect(errors.first?.contains("No license was changed") == true, "\(errors)")
            #expect(errors.first?.contains("was kept") == false, "no plan was held, so none was kept: \(errors)")
            #expect(try await client.get("\(base)/users/ada/licenses", token: admin).decode(UserLicensesBody.self) == before)
        }
    }
}
