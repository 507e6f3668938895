import Foundation
import Hummingbird
import LicenseCore
import LicenseTestSupport
import Testing

@testable import LicenseServer

/// What operators use: `/health`, `/metrics`, `/openapi.json` and the tenant routes for operator tokens.
@Suite("Operations routes")
struct OperationsTests {
    @Test("/health answers ok without a token")
    func health() async throws {
        try await withStandardServer { client, _, _ in
            // When /health is asked without a token
            let result = try await client.get("/health")
            // Then it is 200 {"status": "ok"}
            #expect(result.status == 200, "\(result)")
            #expect(try result.object()["status"] as? String == "ok")
        }
    }

    @Test("/openapi.json is a JSON OpenAPI 3 document")
    func openAPI() async throws {
        try await withStandardServer { client, _, _ in
            // When the document is fetched without a token
            let result = try await client.get("/openapi.json")
            // Then it is JSON with an "openapi" version 3.x, an info block and paths
            #expect(result.status == 200, "\(result)")
            #expect(result.headers[.contentType]?.hasPrefix("application/json") == true)
            let document = try result.object()
            #expect((document["openapi"] as? String)?.hasPrefix("3.") == true, "\(result)")
            #expect(document["info"] is [String: Any])
            #expect(document["paths"] is [String: Any])
        }
    }

    @Test("/metrics exports requests by route and status, checks by result and seats in use by module")
    func metrics() async throws {
        try await withStandardServer { client, tenant, _ in
            // Given a granted check, a denied check and a 404
            let base = StandardTenant.base
            _ = try await client.get("\(base)/users/ada/licenses/superoffice/web", token: tenant.checker.presented)
            _ = try await client.get("\(base)/users/bjorn/licenses/superoffice/web", token: tenant.checker.presented)
            _ = try await client.get("\(base)/users/nobody", token: tenant.admin.presented)
            // When /metrics is scraped without a token
            let result = try await client.get("/metrics")
            #expect(result.status == 200, "\(result)")
            #expect(result.headers[.contentType]?.hasPrefix("text/plain") == true)
            let lines = result.text.split(separator: "\n").map(String.init)
            // Then the counters and gauges are there with their labels and values
            func sample(_ prefix: String, _ labels: [String]) -> Double? {
                lines.first { line in line.hasPrefix(prefix) && labels.allSatisfy { line.contains($0) } }
                    .flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
            }
            let checkRoute = #"route="/api/v1/tenants/{tenant}/users/{user}/licenses/{owner}/{module}""#
            #expect(
                sample("licensing_http_requests_total", [checkRoute, #"method="GET""#, #"status="200""#]) == 2, "\(result.text)")
            #expect(
                sample("licensing_http_requests_total", [#"route="/api/v1/tenants/{tenant}/users/{user}""#, #"status="404""#])
                    == 1)
            #expect(result.text.contains("licensing_http_request_duration"))
            #expect(sample("licensing_checks_total", [#"result="granted""#]) == 1)
            #expect(sample("licensing_checks_total", [#"result="denied""#]) == 1)
            // ada and cecilie hold superoffice.user; ada holds the one windows seat
            #expect(sample("licensing_seats_in_use", [#"tenant="acme""#, #"module="superoffice.user""#]) == 2, "\(result.text)")
            #expect(sample("licensing_seats_in_use", [#"tenant="acme""#, #"module="superoffice.windows""#]) == 1)
        }
    }

    @Test("every route outside the admin pages is in the OpenAPI document, and every documented operation is a route")
    func openAPIMatchesRouter() async throws {
        try await withStandardServer { client, _, installation in
            // Given the router's routes (the admin pages are HTML, not part of the API) and the served document
            func normalized(_ path: String) -> String {
                path.replacingOccurrences(of: #"\{[^}]*\}"#, with: "{}", options: .regularExpression)
            }
            let routes = Set(
                try await applicationRoutes(store: installation.store)
                    .filter { $0.path != "/" && $0.path != "/admin" && !$0.path.hasPrefix("/admin/") }
                    .map { "\($0.method.rawValue) \(normalized($0.path))" })
            let paths = try await client.get("/openapi.json").object()["paths"] as? [String: [String: Any]] ?? [:]
            let methods = ["get", "put", "post", "patch", "delete", "head", "options"]
            let documented = Set(
                paths.flatMap { path, item in
                    item.keys.filter(methods.contains).map { "\($0.uppercased()) \(normalized(path))" }
                })

            // Then they are the same operations
            #expect(routes.subtracting(documented).sorted() == [], "routes missing from the document")
            #expect(documented.subtracting(routes).sorted() == [], "documented operations the router does not have")
            #expect(routes.count > 30)
        }
    }

    @Test("the document's error codes are exactly the codes the server answers with, and every error response uses them")
    func openAPIErrorCodesMatchServer() async throws {
        try await withStandardServer { client, _, _ in
            // Given the served document
            let document = try await client.get("/openapi.json").object()
            let components = document["components"] as? [String: Any] ?? [:]
            let schemas = components["schemas"] as? [String: [String: Any]] ?? [:]
            let documented = schemas["ErrorCode"]?["enum"] as? [String] ?? []

            // Then its ErrorCode enum lists each code of APIErrorCode once, and nothing else
            #expect(documented.count == Set(documented).count, "a code listed twice")
            #expect(Set(documented) == Set(APIErrorCode.allCases.map(\.rawValue)))
            #expect(documented.count == APIErrorCode.allCases.count)
            // And the error shape's code refers to that enum
            let error = schemas["Error"]?["properties"] as? [String: [String: Any]]
            let inner = error?["error"]?["properties"] as? [String: [String: Any]]
            let choices = inner?["code"]?["anyOf"] as? [[String: Any]] ?? []
            #expect(choices.contains { $0["$ref"] as? String == "#/components/schemas/ErrorCode" }, "\(choices)")
            // And every shared error response has the Error body
            let responses = components["responses"] as? [String: [String: Any]] ?? [:]
            #expect(responses.count >= 9)
            for (name, response) in responses {
                let content = response["content"] as? [String: [String: Any]]
                let schema = content?["application/json"]?["schema"] as? [String: Any]
                #expect(schema?["$ref"] as? String == "#/components/schemas/Error", "response \(name)")
            }
        }
    }

    @Test("an error the server answers carries a documented code")
    func answeredErrorCodesAreDocumented() async throws {
        try await withStandardServer { client, tenant, _ in
            let documented = Set(APIErrorCode.allCases.map(\.rawValue))
            // When requests fail for different reasons: no token, an unknown user, a body of the wrong shape, a body that is not JSON
            let answers = [
                try await client.get("\(StandardTenant.base)/users"),
                try await client.get("\(StandardTenant.base)/users/nobody", token: tenant.admin.presented),
                try await client.send(
                    .post, "\(StandardTenant.base)/users", token: tenant.admin.presented, json: #"{"userName": 1}"#),
                try await client.send(.post, "\(StandardTenant.base)/users", token: tenant.admin.presented, json: "{"),
            ]
            // Then each is in the error shape with a code of APIErrorCode
            #expect(answers.map(\.status) == [401, 404, 422, 400], "\(answers)")
            for answer in answers {
                let error = try answer.object()["error"] as? [String: Any]
                let code = error?["code"] as? String ?? ""
                #expect(documented.contains(code), "\(answer)")
            }
        }
    }

    @Test("a generated operation reads its JSON body whatever the Content-Type, and refuses deep nesting as 400")
    func generatedOperationBodies() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            // When a satellite is created with the form type `curl -d` sends, and with JSON nested 40 deep
            let form = try await client.send(
                .post, "\(StandardTenant.base)/satellites", token: admin, body: Data(#"{"name": "bergen"}"#.utf8),
                headers: [.contentType: "application/x-www-form-urlencoded"])
            let deep = try await client.send(
                .post, "\(StandardTenant.base)/satellites", token: admin,
                json: String(repeating: "[", count: 40) + String(repeating: "]", count: 40))
            // Then the first is created as JSON, the second is 400 malformed before any decoding
            #expect(form.status == 201, "\(form)")
            #expect(try form.object()["name"] as? String == "bergen")
            #expect(deep.status == 400, "\(deep)")
            #expect((try deep.object()["error"] as? [String: Any])?["code"] as? String == "malformed")
        }
    }

    @Test(
        "every generated operation has its access and body rule, and only the hot paths and /health, /metrics, /openapi.json are not generated"
    )
    func generatedOperationsHaveRules() async throws {
        try await withStandardServer { client, _, _ in
            // Given the document's operations
            let paths = try await client.get("/openapi.json").object()["paths"] as? [String: [String: Any]] ?? [:]
            let ids = Set(paths.values.flatMap { $0.values.compactMap { ($0 as? [String: Any])?["operationId"] as? String } })
            let handRegistered: Set = ["health", "metrics", "openapi", "checkLicense", "loginCheck", "ingestUsage"]
            // Then every other one has a rule, and there is no rule of an operation that is not generated
            #expect(ids.isSuperset(of: handRegistered))
            #expect(Set(OperationRule.all.keys) == ids.subtracting(handRegistered))
        }
    }

    @Test("a generated route refuses a token of a role that may not before it reads the body")
    func generatedOperationAccessComesFirst() async throws {
        try await withStandardServer { client, tenant, _ in
            // When a reader posts a malformed user and an empty event patch
            let user = try await client.send(
                .post, "\(StandardTenant.base)/users", token: tenant.reader.presented, json: "{")
            let event = try await client.send(.patch, "\(StandardTenant.base)/events/1", token: tenant.reader.presented, json: "")
            // Then both are 403, as before the routes were generated
            #expect(user.status == 403, "\(user)")
            #expect(event.status == 403, "\(event)")
        }
    }

    @Test("a generated route reads its path and query values as the hand-registered routes did")
    func generatedOperationInput() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            // When a path value is not UTF-8, an event id is not a number, and booleans are written 1 and TRUE
            let badEscape = try await client.get("\(StandardTenant.base)/users/%ff", token: admin)
            let badID = try await client.get("\(StandardTenant.base)/events/soon", token: admin)
            let counts = try await client.get("\(StandardTenant.base)/counts/users?activeOnly=1", token: admin)
            let cascade = try await client.send(
                .delete, "\(StandardTenant.base)/users/ada/licenses/superoffice/user?cascade=TRUE", token: admin)
            // Then the first is 400 malformed, the second 422, and the booleans are read
            #expect(badEscape.status == 400, "\(badEscape)")
            #expect(badEscape.errorCode == "malformed", "\(badEscape)")
            #expect(badID.status == 422, "\(badID)")
            #expect(badID.errorCode == "invalid-input", "\(badID)")
            #expect(counts.status == 200, "\(counts)")
            #expect(try counts.object()["activeOnly"] as? Bool == true, "\(counts)")
            #expect(cascade.status == 200, "\(cascade)")
        }
    }

    @Test("PATCH of an event leaves an absent expectedFinish as it is and clears a null one")
    func eventPatchAbsentAndNull() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            let events = "\(StandardTenant.base)/events"
            let tomorrow = ISO8601.string(Date().addingTimeInterval(86_400).wholeSeconds)
            let event = try await client.send(
                .post, events, token: admin, json: #"{"key": "no-travel", "message": "m", "expectedFinish": "\#(tomorrow)"}"#
            ).decode(SystemEvent.self)
            // When the message is changed without naming expectedFinish, then expectedFinish is set to null
            let absent = try await client.send(.patch, "\(events)/\(event.id)", token: admin, json: #"{"message": "n"}"#)
            let null = try await client.send(.patch, "\(events)/\(event.id)", token: admin, json: #"{"expectedFinish": null}"#)
            // Then the first keeps the finish time and changes the message, the second clears it
            #expect(absent.status == 200, "\(absent)")
            #expect(try absent.decode(SystemEvent.self).expectedFinish.map(ISO8601.string) == tomorrow, "\(absent)")
            #expect(try absent.decode(SystemEvent.self).message == "n", "\(absent)")
            #expect(null.status == 200, "\(null)")
            #expect(try null.decode(SystemEvent.self).expectedFinish == nil, "\(null)")
            #expect(try null.decode(SystemEvent.self).message == "n", "\(null)")
        }
    }

    @Test("a date that is not ISO 8601 in a generated operation's body is 422 invalid-input")
    func generatedOperationBadDate() async throws {
        try await withStandardServer { client, tenant, _ in
            // When an event is raised with an expected finish that is not a date
            let result = try await client.send(
                .post, "\(StandardTenant.base)/events", token: tenant.admin.presented,
                json: #"{"key": "no-travel", "message": "m", "expectedFinish": "soon"}"#)
            // Then it is 422 invalid-input, naming the value
            #expect(result.status == 422, "\(result)")
            #expect(result.errorCode == "invalid-input", "\(result)")
            #expect(result.text.contains("soon"), "\(result)")
        }
    }

    @Test("a tariff's price is kept exact, as a decimal number")
    func tariffPriceIsExact() async throws {
        try await withStandardServer { client, tenant, _ in
            // When a tariff is set with a price binary floating point cannot hold
            let body =
                #"{"service": "storage", "includedBase": 1, "includedPerUser": 0, "unitSize": 1, "pricePerUnit": 0.1, "currency": "EUR"}"#
            let result = try await client.send(
                .put, "\(StandardTenant.base)/usage/tariff", token: tenant.admin.presented, json: body)
            // Then it is answered as sent
            #expect(result.status == 200, "\(result)")
            #expect(result.text.contains(#""pricePerUnit":0.1,"#), "\(result)")
        }
    }

    // MARK: - Operator routes

    @Test("an operator lists the tenants")
    func listTenants() async throws {
        try await withStandardServer { client, tenant, _ in
            // When an operator lists tenants
            let result = try await client.get("/api/v1/tenants", token: tenant.operator.presented)
            // Then both tenants are listed with company and serial number
            #expect(result.status == 200, "\(result)")
            let tenants = try result.object()["tenants"] as? [[String: Any]] ?? []
            #expect(tenants.compactMap { $0["id"] as? String }.sorted() == ["acme", "beta"])
            let acme = tenants.first { $0["id"] as? String == "acme" }
            #expect(acme?["companyName"] as? String == Fixtures.companyName)
            #expect(acme?["serialNumber"] as? String == Fixtures.serialNumber)
        }
    }

    @Test("an operator creates a tenant, with or without naming its trust root")
    func createTenant() async throws {
        try await withStandardServer { client, tenant, _ in
            let root = String(decoding: Fixtures.rootKey.publicOnly.encoded(), as: UTF8.self)
            // When an operator creates one tenant with an explicit trust root and one with the server's default
            let explicit = try await client.send(
                .post, "/api/v1/tenants", token: tenant.operator.presented,
                json: #"{"id": "gamma", "companyName": "Gamma AS", "serialNumber": "1-2", "trustRoot": \#(root)}"#)
            let implicit = try await client.send(
                .post, "/api/v1/tenants", token: tenant.operator.presented,
                json: #"{"id": "delta", "companyName": "Delta AS", "serialNumber": "3-4", "databaseType": "satellite"}"#)
            // Then both are 201 and listed
            #expect(explicit.status == 201, "\(explicit)")
            #expect(implicit.status == 201, "\(implicit)")
            #expect(try implicit.object()["databaseType"] as? String == "satellite")
            let list = try await client.get("/api/v1/tenants", token: tenant.operator.presented).object()
            let ids = (list["tenants"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids.sorted() == ["acme", "beta", "delta", "gamma"])
        }
    }

    static let refusedTenants: [(body: String, status: Int, code: String)] = [
        (#"{"id": "acme", "companyName": "Again", "serialNumber": "1"}"#, 409, "duplicate"),
        (#"{"id": "Not A Slug", "companyName": "X", "serialNumber": "1"}"#, 422, "invalid-input"),
        (#"{"id": "x", "companyName": "X"}"#, 422, "invalid-input"),
        (#"{"id": "x", "companyName": "X", "serialNumber": "1", "databaseType": "mainframe"}"#, 422, "invalid-input"),
        (#"{"id": "x", "companyName": "X", "serialNumber": "1", "trustRoot": {"kty": "RSA"}}"#, 422, "invalid-input"),
        (#"{"id": "x", "companyName": "#, 400, "malformed"),
    ]

    @Test("a tenant that cannot be created is refused with its reason", arguments: refusedTenants)
    func refusedTenant(_ body: String, _ status: Int, _ code: String) async throws {
        try await withStandardServer { client, tenant, _ in
            // When an operator posts a duplicate, invalid or malformed tenant
            let result = try await client.send(.post, "/api/v1/tenants", token: tenant.operator.presented, json: body)
            // Then the status and code say why, and no tenant was added
            #expect(result.status == status, "\(result)")
            #expect(result.hasErrorShape, "\(result)")
            #expect(result.errorCode == code, "\(result)")
            let list = try await client.get("/api/v1/tenants", token: tenant.operator.presented).object()
            #expect((list["tenants"] as? [Any])?.count == 2)
        }
    }
}
