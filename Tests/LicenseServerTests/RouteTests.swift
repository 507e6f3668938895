import Foundation
import Hummingbird
import LicenseCore
import LicenseTestSupport
import Testing

/// Every route of the tenant API against a live server on the standard data (see `StandardTenant`), with an
/// admin token: what succeeds, and each way it fails.
@Suite("Tenant API routes")
struct RouteTests {
    static let successes: [RouteCase] = [
        .get("licenses", keys: ["companyName", "serialNumber", "owners"]),
        .get("licenses/superoffice/windows", keys: ["owner", "module", "holders"]),
        .get("licenses/SUPEROFFICE/web", keys: ["owner", "module", "holders"]),
        .get("fencing", keys: ["modules"]),
        .get("counts/users", keys: ["userWeb", "plans", "activeOnly"]),
        .get("counts/users?activeOnly=true", keys: ["userWeb", "plans", "activeOnly"]),
        .get("status", keys: ["database"]),
        .post("verify", .none, 200, keys: ["ok", "problems"]),
        .get("audit", keys: ["entries"]),
        .get("audit?limit=1", keys: ["entries", "nextCursor"]),
        .post("licenses/preview", .newerPackage(counts: ["user": 20]), 200, keys: ["canBeActivated", "modules"]),
        .post("licenses/activate", .newerPackage(counts: ["user": 20]), 200, keys: ["canBeActivated", "modules"]),
        .get("users", keys: ["users"]),
        .post("users", .json(#"{"userName": "dag", "canLogIn": true, "type": "external"}"#), 201, keys: ["userName", "modules"]),
        .post("users/import", .raw("userName,type,canLogIn\ndag,external,true\neva,,\n"), 201, keys: ["imported", "event"]),
        .get("users/ada", keys: ["userName", "modules", "canLogIn"]),
        .patch("users/bjorn", .json(#"{"retired": true}"#), 200, keys: ["userName", "retired"]),
        .delete("users/bjorn", 204),
        .get("users/ada/licenses", keys: ["userName", "modules"]),
        .put("users/bjorn/licenses/superoffice/user", keys: ["userName", "module", "assigned"]),
        .put("users/bjorn/licenses/superoffice/sales-premium", keys: ["assigned"]),
        .put("users/ada/licenses/superoffice/user", keys: ["assigned"]),
        .init(
            method: .put, path: "users/bjorn/licenses",
            body: .json(#"{"plans": ["superoffice.sales-premium"], "modules": ["superoffice.visible-for"]}"#), status: 200,
            keys: ["userName", "modules"]),
        .init(
            method: .put, path: "users/ada/licenses", body: .json(#"{"plans": [], "modules": ["superoffice.user"]}"#),
            status: 200, keys: ["userName", "modules"]),
        .delete("users/ada/licenses/superoffice/windows", 200, keys: ["removed"]),
        .delete("users/ada/licenses/superoffice/user?cascade=true", 200, keys: ["removed"]),
        .get("users/ada/licenses/superoffice/web", keys: ["granted", "reason"]),
        .post("users/ada/login-check", .json(#"{"client": "web"}"#), 200, keys: ["allowed", "reasons", "messageOfTheDay"]),
        .get("satellites", keys: ["satellites"]),
        .post("satellites", .json(#"{"name": "bergen"}"#), 201, keys: ["name", "modules"]),
        .put("satellites/oslo/licenses/superoffice/travel", keys: ["satellite", "module"]),
    ]

    @Test("an admin's request to each route succeeds", arguments: successes)
    func succeeds(_ route: RouteCase) async throws {
        try await withStandardServer { client, tenant, _ in
            // Given the standard data, when an admin sends the request
            let result = try await route.send(client, token: tenant.admin.presented)
            // Then it gets the documented success status and a JSON document of the documented shape
            #expect(result.status == route.status, "\(result)")
            if result.status != 204 {
                #expect(result.headers[.contentType]?.hasPrefix("application/json") == true, "\(result)")
                let object = try result.object()
                for key in route.keys { #expect(object[key] != nil, "missing \(key): \(result)") }
            } else {
                #expect(result.body.isEmpty)
            }
        }
    }

    static let failures: [RouteCase] = [
        // 400: not JSON, not a package
        .post("users", .json(#"{"userName": "dag""#), 400, code: "malformed"),
        .post("users", .json(""), 400, code: "malformed"),
        .patch("users/ada", .json("retired=true"), 400, code: "malformed"),
        .changeLicenses("bjorn", #"{"plans": ["superoffice.sales-premium"]"#, 400, code: "malformed"),
        .post("users/ada/login-check", .json("{client: web}"), 400, code: "malformed"),
        .post("satellites", .json(#"{"name": "x"} trailing"#), 400, code: "malformed"),
        .post("licenses/preview", .raw("not a package"), 400, code: "malformed-package"),
        .post("users/import", .raw(""), 400, code: "malformed"),
        .post("licenses/activate", .raw("a.b.c"), 400),
        // 404: unknown user, module, owner, satellite, tenant, route
        .get("licenses/superoffice/nope", 404),
        .get("licenses/nobody/web", 404),
        .get("users/nobody", 404),
        .patch("users/nobody", .json(#"{"retired": true}"#), 404, code: "unknown-user"),
        .delete("users/nobody", 404, code: "unknown-user"),
        .get("users/nobody/licenses", 404),
        .put("users/nobody/licenses/superoffice/user", 404, code: "unknown-user"),
        .put("users/ada/licenses/superoffice/nope", 404, code: "unknown-module"),
        .put("users/ada/licenses/nobody/web", 404),
        .delete("users/nobody/licenses/superoffice/user", 404, code: "unknown-user"),
        .changeLicenses("nobody", #"{"plans": [], "modules": []}"#, 404, code: "unknown-user"),
        .changeLicenses("bjorn", #"{"plans": [], "modules": ["superoffice.nope"]}"#, 422, code: "unknown-module"),
        .changeLicenses("bjorn", #"{"plans": ["nobody.plan"], "modules": []}"#, 422, code: "unknown-module"),
        .put("satellites/nowhere/licenses/superoffice/travel", 404, code: "unknown-satellite"),
        .put("satellites/oslo/licenses/superoffice/nope", 404, code: "unknown-module"),
        .delete("satellites/nowhere/licenses/superoffice/travel", 404, code: "unknown-satellite"),
        .get("/api/v1/tenants/nope/licenses", 404),
        .get("no-such-route", 404),
        // 409: rule refusals
        .post("users", .json(#"{"userName": "ada"}"#), 409, code: "duplicate"),
        .post("users/import", .raw("userName\ndag\nada\n"), 409, code: "duplicate"),
        .put("users/cecilie/licenses/superoffice/windows", 409, code: "no-free-seat"),
        .put("users/bjorn/licenses/superoffice/windows", 409, code: "prerequisite-missing"),
        .put("users/bjorn/licenses/superoffice/chat-cal", 409, code: "hidden-module"),
        .put("users/bjorn/licenses/superoffice/travel", 409, code: "wrong-module-type"),
        .delete("users/bjorn/licenses/superoffice/user", 409, code: "not-assigned"),
        .delete("users/ada/licenses/superoffice/user", 409, code: "has-dependents"),
        .changeLicenses("bjorn", #"{"plans": ["superoffice.service-premium"], "modules": []}"#, 409, code: "no-free-seat"),
        .changeLicenses("bjorn", #"{"plans": [], "modules": ["superoffice.web"]}"#, 409, code: "prerequisite-missing"),
        .changeLicenses("bjorn", #"{"plans": [], "modules": ["superoffice.chat-cal"]}"#, 409, code: "hidden-module"),
        .post("satellites", .json(#"{"name": "oslo"}"#), 409, code: "duplicate"),
        .put("satellites/oslo/licenses/superoffice/user", 409, code: "wrong-module-type"),
        .delete("satellites/oslo/licenses/superoffice/travel", 409, code: "not-assigned"),
        .post("licenses/preview", .activePackage, 409, code: "not-newer"),
        .post("licenses/activate", .activePackage, 409, code: "not-newer"),
        .post("licenses/activate", .newerPackage(counts: ["user": 1]), 409, code: "count-below-in-use"),
        // 422: well-formed but invalid
        .post("users", .json(#"{"userName": 5}"#), 422, code: "invalid-input"),
        .post("users", .json(#"{"displayName": "no name"}"#), 422, code: "invalid-input"),
        .post("users", .json(#"{"userName": "robot", "type": "robot"}"#), 422, code: "invalid-input"),
        .post("users", .json(#"{"userName": "a/b"}"#), 422, code: "invalid-input"),
        .post("users", .json(#"{"userName": "eve", "password": "secret-enough"}"#), 422, code: "invalid-input"),
        .post("users", .json(#"{"userName": "eve", "isAdministrator": true, "password": "short"}"#), 422, code: "invalid-input"),
        .post(
            "users", .json(#"{"userName": "eve", "isAdministrator": true, "password": "\#(String(repeating: "æ", count: 37))"}"#),
            422, code: "invalid-input"),
        .post("users", .json(#"[]"#), 422, code: "invalid-input"),
        .post("users/import", .raw("userName,phone\ndag,1\n"), 422, code: "invalid-input"),
        .post("users/import", .raw("userName\n"), 422, code: "invalid-input"),
        .post("users/import", .raw(#"{"users": [{"userName": "dag"}]}"#), 422, code: "invalid-input"),
        .patch("users/ada", .json(#"{"retired": "yes"}"#), 422, code: "invalid-input"),
        .post("users/ada/login-check", .json(#"{"client": "mac"}"#), 422, code: "invalid-input"),
        .post("users/ada/login-check", .json("{}"), 422, code: "invalid-input"),
        .post("satellites", .json(#"{"name": ""}"#), 422, code: "invalid-input"),
        .get("counts/users?activeOnly=maybe", 422, code: "invalid-input"),
        .get("audit?limit=0", 422, code: "invalid-input"),
        .get("audit?limit=201", 422, code: "invalid-input"),
        .get("audit?before=soon", 422, code: "invalid-input"),
        .get("licenses/superoffice/Not_A!Module", 422, code: "invalid-input"),
        .put("users/ada/licenses/super.office/web", 422, code: "invalid-input"),
        .delete("users/ada/licenses/superoffice/windows?cascade=perhaps", 422, code: "invalid-input"),
        .post("licenses/preview", .foreignPackage, 422, code: "foreign-package"),
        .changeLicenses("bjorn", #"{"plans": ["superoffice.sales-premium"]}"#, 422, code: "invalid-input"),
        .changeLicenses("bjorn", #"{"plans": "superoffice.sales-premium", "modules": []}"#, 422, code: "invalid-input"),
        .changeLicenses("bjorn", #"{"plans": ["superoffice.web"], "modules": []}"#, 422, code: "invalid-input"),
        .changeLicenses("bjorn", #"{"plans": [], "modules": ["superoffice.sales-premium"]}"#, 422, code: "invalid-input"),
        .changeLicenses(
            "bjorn", #"{"plans": ["superoffice.sales-premium", "superoffice.service-premium"], "modules": []}"#, 422,
            code: "invalid-input"),
        .changeLicenses("bjorn", #"{"plans": [], "modules": ["web"]}"#, 422, code: "invalid-input"),
        .changeLicenses("bjorn", #"{"plans": [], "modules": ["super.office.web"]}"#, 422, code: "invalid-input"),
        .changeLicenses(
            "bjorn",
            #"{"plans": [], "modules": ["# + Array(repeating: #""superoffice.user""#, count: 257).joined(separator: ",") + "]}",
            422, code: "invalid-input"),
    ]

    @Test("a request the API must refuse gets its status and the one error shape", arguments: failures)
    func fails(_ route: RouteCase) async throws {
        try await withStandardServer { client, tenant, _ in
            // Given the standard data, when an admin sends a request that is malformed, names something unknown,
            // breaks a rule or is invalid
            let result = try await route.send(client, token: tenant.admin.presented)
            // Then the status says which, and the body is {"error": {"code", "message"}} with the stable code
            #expect(result.status == route.status, "\(result)")
            #expect(result.hasErrorShape, "\(result)")
            if let code = route.code { #expect(result.errorCode == code, "\(result)") }
        }
    }

    @Test("a refused request changes nothing")
    func refusalChangesNothing() async throws {
        try await withStandardServer { client, tenant, _ in
            // Given the license list before
            let before = try await client.get("\(StandardTenant.base)/licenses", token: tenant.admin.presented)
            let auditBefore = try await client.get("\(StandardTenant.base)/audit?limit=1", token: tenant.admin.presented)
            // When an assignment is refused for want of a seat and an activation for counts below use
            let seat = try await client.send(
                .put, "\(StandardTenant.base)/users/cecilie/licenses/superoffice/windows", token: tenant.admin.presented)
            let activation = try await RouteCase.post("licenses/activate", .newerPackage(counts: ["user": 1]), 409)
                .send(client, token: tenant.admin.presented)
            // Then both are 409 and the licenses and the audit log are as they were
            #expect(seat.status == 409 && activation.status == 409)
            let after = try await client.get("\(StandardTenant.base)/licenses", token: tenant.admin.presented)
            let auditAfter = try await client.get("\(StandardTenant.base)/audit?limit=1", token: tenant.admin.presented)
            #expect(try after.decode(LicenseListReport.self) == before.decode(LicenseListReport.self))
            #expect(auditAfter.body == auditBefore.body)
        }
    }
}

/// Routes followed through a change: the write, then what every read shows.
@Suite("Tenant API flows")
struct FlowTests {
    @Test("an assignment shows in the check, the user's licenses and the holders; unassigning takes it away")
    func assignAndUnassign() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            let base = StandardTenant.base
            // Given bjorn, who holds nothing and is denied superoffice.user
            let denied = try await client.get("\(base)/users/bjorn/licenses/superoffice/user", token: admin)
            #expect(try denied.decode(CheckDecision.self) == .denied(.notLicensed))
            // When superoffice.user is assigned to him
            let assigned = try await client.send(.put, "\(base)/users/bjorn/licenses/superoffice/user", token: admin)
            #expect(assigned.status == 200, "\(assigned)")
            #expect(try assigned.object()["assigned"] as? [String] == ["superoffice.user"])
            // Then the check grants it, his licenses list it, and the module's holders include him
            let granted = try await client.get("\(base)/users/bjorn/licenses/superoffice/user", token: tenant.checker.presented)
            #expect(try granted.decode(CheckDecision.self) == .granted)
            let licenses = try await client.get("\(base)/users/bjorn/licenses", token: admin).object()
            let modules = (licenses["modules"] as? [[String: Any]] ?? []).compactMap { $0["module"] as? String }
            #expect(modules.contains("superoffice.user"))
            let details = try await client.get("\(base)/licenses/superoffice/user", token: admin).object()
            #expect((details["holders"] as? [String])?.sorted() == ["ada", "bjorn", "cecilie"])
            // When it is unassigned again, the check denies it
            let removed = try await client.send(.delete, "\(base)/users/bjorn/licenses/superoffice/user", token: admin)
            #expect(removed.status == 200, "\(removed)")
            let again = try await client.get("\(base)/users/bjorn/licenses/superoffice/user", token: admin)
            #expect(try again.decode(CheckDecision.self) == .denied(.notLicensed))
        }
    }

    @Test("a plan assigned over HTTP grants its modules, which the user's licenses show as coming from the plan")
    func planAssignment() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            // Given bjorn without licenses, when the plan sales-premium (set=user,web,chat-cal) is assigned
            let result = try await client.send(
                .put, "\(StandardTenant.base)/users/bjorn/licenses/superoffice/sales-premium", token: admin)
            #expect(result.status == 200, "\(result)")
            // Then the hidden chat-cal is granted through the plan
            let check = try await client.get("\(StandardTenant.base)/users/bjorn/licenses/superoffice/chat-cal", token: admin)
            #expect(try check.decode(CheckDecision.self) == .granted)
            let login = try await client.send(
                .post, "\(StandardTenant.base)/users/bjorn/login-check", token: admin, json: #"{"client": "web"}"#)
            #expect(try login.object()["allowed"] as? Bool == true, "\(login)")
        }
    }

    @Test("a satellite license is assigned to a satellite and removed again")
    func satelliteLicense() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            let path = "\(StandardTenant.base)/satellites/oslo/licenses/superoffice/travel"
            // Given satellite oslo without licenses, when travel is assigned
            #expect(try await client.send(.put, path, token: admin).status == 200)
            // Then the satellite list shows it, and the one seat of travel is taken
            let list = try await client.get("\(StandardTenant.base)/satellites", token: admin).object()
            let oslo = (list["satellites"] as? [[String: Any]])?.first { $0["name"] as? String == "oslo" }
            #expect(oslo?["modules"] as? [String] == ["superoffice.travel"])
            _ = try await client.send(.post, "\(StandardTenant.base)/satellites", token: admin, json: #"{"name": "bergen"}"#)
            let full = try await client.send(
                .put, "\(StandardTenant.base)/satellites/bergen/licenses/superoffice/travel", token: admin)
            #expect(full.status == 409 && full.errorCode == "no-free-seat", "\(full)")
            // When it is removed, the answer is 204 and the seat is free for bergen
            let removed = try await client.send(.delete, path, token: admin)
            #expect(removed.status == 204, "\(removed)")
            let bergen = try await client.send(
                .put, "\(StandardTenant.base)/satellites/bergen/licenses/superoffice/travel", token: admin)
            #expect(bergen.status == 200, "\(bergen)")
        }
    }

    @Test("a package below the seats in use previews who must lose a license and is refused on activation")
    func activationBelowInUse() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            let package = try StandardTenant.package(issuedAt: Fixtures.date("2026-02-01T00:00:00Z"), counts: ["user": 1])
            // Given ada and cecilie holding superoffice.user, when a package with one user seat is previewed
            let preview = try await client.send(.post, "\(StandardTenant.base)/licenses/preview", token: admin, body: package)
            // Then the preview says it cannot be activated, and activation is refused with 409
            #expect(preview.status == 200, "\(preview)")
            let decoded = try preview.decode(ActivationPreview.self)
            #expect(!decoded.canBeActivated)
            #expect(decoded.reason != nil)
            let activation = try await client.send(.post, "\(StandardTenant.base)/licenses/activate", token: admin, body: package)
            #expect(activation.status == 409 && activation.errorCode == "count-below-in-use", "\(activation)")
        }
    }

    @Test("activating a newer package changes the counts the API reports")
    func activationChangesCounts() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            let package = try StandardTenant.package(issuedAt: Fixtures.date("2026-02-01T00:00:00Z"), counts: ["windows": 3])
            // Given windows full at 1 of 1, when a package with 3 windows seats is activated
            let activation = try await client.send(.post, "\(StandardTenant.base)/licenses/activate", token: admin, body: package)
            #expect(activation.status == 200, "\(activation)")
            // Then the list shows 3 seats, 1 in use, and cecilie can get one
            let list = try await client.get("\(StandardTenant.base)/licenses", token: admin).decode(LicenseListReport.self)
            let windows = list.owners.first { $0.name == Fixtures.superOffice }?.modules.first { $0.name == "windows" }
            #expect(windows?.total == 3 && windows?.inUse == 1)
            let assign = try await client.send(
                .put, "\(StandardTenant.base)/users/cecilie/licenses/superoffice/windows", token: admin)
            #expect(assign.status == 200, "\(assign)")
        }
    }

    @Test("the audit log pages backwards with its cursor until the first entry")
    func auditPaging() async throws {
        try await withStandardServer { client, tenant, _ in
            // Given the standard data's audit entries, when they are read two at a time
            var sequences: [Int] = []
            var cursor: Int?
            for _ in 0..<100 {
                let path = "\(StandardTenant.base)/audit?limit=2" + (cursor.map { "&before=\($0)" } ?? "")
                let page = try await client.get(path, token: tenant.reader.presented).object()
                sequences += (page["entries"] as? [[String: Any]] ?? []).compactMap { $0["sequence"] as? Int }
                cursor = page["nextCursor"] as? Int
                if cursor == nil { break }
            }
            // Then together the pages are the whole log, newest first, without gaps or repeats
            let whole = try await client.get("\(StandardTenant.base)/audit?limit=200", token: tenant.reader.presented).object()
            let all = (whole["entries"] as? [[String: Any]] ?? []).compactMap { $0["sequence"] as? Int }
            #expect(all.count > 4 && all.count < 200)
            #expect(sequences == all)
            #expect(sequences == sequences.sorted(by: >))
        }
    }

    static let checks: [(user: String, module: String, granted: Bool, reason: String)] = [
        ("ada", "web", true, "granted"),
        ("ada", "windows", true, "granted"),
        ("cecilie", "web", false, "not-licensed"),
        ("ada", "saint", true, "granted"),
        ("nobody", "web", false, "unknown-user"),
        ("ada", "nope", false, "unknown-module"),
    ]

    @Test("the hot check answers granted or the reason it is not", arguments: checks)
    func check(_ user: String, _ module: String, _ granted: Bool, _ reason: String) async throws {
        try await withStandardServer { client, tenant, _ in
            // Given the standard data, when a checker asks whether the user has the module
            let result = try await client.get(
                "\(StandardTenant.base)/users/\(user)/licenses/superoffice/\(module)", token: tenant.checker.presented)
            // Then the answer is 200 with granted and a stable reason (an unknown name is a denial, not an error)
            #expect(result.status == 200, "\(result)")
            let object = try result.object()
            #expect(object["granted"] as? Bool == granted && object["reason"] as? String == reason, "\(result)")
        }
    }

    static let logins: [(user: String, client: String, allowed: Bool)] = [
        ("ada", "web", true), ("ada", "windows", true), ("cecilie", "web", false), ("bjorn", "windows", false),
        ("nobody", "web", false),
    ]

    @Test("the login check allows a user with user and the client's module, and names reasons otherwise", arguments: logins)
    func loginCheck(_ user: String, _ clientName: String, _ allowed: Bool) async throws {
        try await withStandardServer { client, tenant, _ in
            // When a checker asks whether the user may log in from the client
            let result = try await client.send(
                .post, "\(StandardTenant.base)/users/\(user)/login-check", token: tenant.checker.presented,
                json: #"{"client": "\#(clientName)"}"#)
            // Then the answer is 200; reasons is empty exactly when the login is allowed
            #expect(result.status == 200, "\(result)")
            let object = try result.object()
            #expect(object["allowed"] as? Bool == allowed, "\(result)")
            #expect((object["reasons"] as? [String])?.isEmpty == allowed, "\(result)")
            #expect(object.keys.contains("messageOfTheDay"))
        }
    }
}
