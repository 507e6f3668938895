import Foundation
import Hummingbird
import LicenseCore
import LicenseTestSupport
import Testing

private let events = "\(StandardTenant.base)/events"

private struct EventListBody: Decodable {
    var events: [SystemEvent]
}

private struct LoginBody: Decodable {
    var allowed: Bool
    var reasons: [String]
    var messageOfTheDay: String?
    var noLoginMessage: String?
}

private func loginCheck(_ client: APIClient, _ tenant: StandardTenant, _ user: String) async throws -> LoginBody {
    try await client.send(
        .post, "\(StandardTenant.base)/users/\(user)/login-check", token: tenant.checker.presented, json: #"{"client": "web"}"#
    ).decode(LoginBody.self)
}

/// The tenant's active message of the day: the standard data's, else a new one.
private func activeMessageOfTheDay(_ client: APIClient, _ tenant: StandardTenant) async throws -> SystemEvent {
    let list = try await client.get(events, token: tenant.admin.presented).decode(EventListBody.self)
    if let existing = list.events.first(where: { $0.key == SystemEvent.messageOfTheDay && $0.status == .active }) { return existing }
    return try await client.send(
        .post, events, token: tenant.admin.presented, json: #"{"key": "message-of-the-day", "message": "Hello"}"#
    ).decode(SystemEvent.self)
}

@Suite("System events over HTTP")
struct EventsAPITests {
    @Test("an admin adds, reads, edits, finishes and deletes an event; a duplicate active one is refused with 409")
    func crud() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            #expect(try await loginCheck(client, tenant, "ada").allowed)

            // Add
            let added = try await client.send(.post, events, token: admin, json: #"{"key": "no-login", "message": "Upgrade"}"#)
            #expect(added.status == 201, "\(added)")
            let event = try added.decode(SystemEvent.self)
            #expect(event.status == .active)
            #expect(event.scope == .system)
            #expect(event.activatedBy.contains(tenant.admin.id))

            // Its effect: a normal user's login is denied with the reason and message
            let denied = try await loginCheck(client, tenant, "ada")
            #expect(!denied.allowed)
            #expect(denied.reasons == ["no-login-event"])
            #expect(denied.noLoginMessage == "Upgrade")

            // Read
            let list = try await client.get(events, token: tenant.reader.presented).decode(EventListBody.self)
            #expect(list.events.contains(event))
            let one = try await client.get("\(events)/\(event.id)", token: tenant.reader.presented)
            #expect(try one.decode(SystemEvent.self) == event)

            // A second active no-login for the system scope: 409
            let duplicate = try await client.send(.post, events, token: admin, json: #"{"key": "no-login", "message": "again"}"#)
            #expect(duplicate.status == 409, "\(duplicate)")
            #expect(duplicate.errorCode == "event-conflict")
            // … but one for a user is another scope
            let userScoped = try await client.send(
                .post, events, token: admin, json: #"{"key": "no-login", "scope": "user", "owner": "cecilie", "message": "m"}"#)
            #expect(userScoped.status == 201, "\(userScoped)")

            // Edit
            let edited = try await client.send(.patch, "\(events)/\(event.id)", token: admin, json: #"{"message": "Upgrade until 14:00"}"#)
            #expect(edited.status == 200, "\(edited)")
            #expect(try edited.decode(SystemEvent.self).message == "Upgrade until 14:00")
            #expect(try await loginCheck(client, tenant, "ada").noLoginMessage == "Upgrade until 14:00")

            // Finish: logins work again; finishing twice is a conflict
            let finished = try await client.send(.post, "\(events)/\(event.id)/finish", token: admin)
            #expect(finished.status == 200, "\(finished)")
            #expect(try finished.decode(SystemEvent.self).status == .finished)
            #expect(try await loginCheck(client, tenant, "ada").allowed)
            #expect(try await client.send(.post, "\(events)/\(event.id)/finish", token: admin).status == 409)

            // Delete
            let deleted = try await client.send(.delete, "\(events)/\(event.id)", token: admin)
            #expect(deleted.status == 204, "\(deleted)")
            #expect(try await client.get("\(events)/\(event.id)", token: admin).status == 404)
            let again = try await client.send(.delete, "\(events)/\(event.id)", token: admin)
            #expect(again.status == 404)
            #expect(again.errorCode == "unknown-event")

            let verify = try await client.send(.post, "\(StandardTenant.base)/verify", token: admin)
            #expect(try verify.object()["ok"] as? Bool == true, "\(verify)")
        }
    }

    struct RoleCase: Sendable, CustomTestStringConvertible {
        var role: APIToken.Role
        var method: HTTPRequest.Method
        /// After `…/events`; `{id}` is replaced by an existing event's id.
        var path: String
        var json: String?
        var status: Int
        var testDescription: String { "\(role) \(method) events\(path) → \(status)" }
    }

    static let roleCases: [RoleCase] = [
        RoleCase(role: .reader, method: .post, path: "", json: #"{"key": "no-login", "message": "m"}"#, status: 403),
        RoleCase(role: .checker, method: .post, path: "", json: #"{"key": "no-login", "message": "m"}"#, status: 403),
        RoleCase(role: .reader, method: .patch, path: "/{id}", json: #"{"message": "x"}"#, status: 403),
        RoleCase(role: .reader, method: .post, path: "/{id}/finish", json: nil, status: 403),
        RoleCase(role: .reader, method: .delete, path: "/{id}", json: nil, status: 403),
        RoleCase(role: .reader, method: .get, path: "", json: nil, status: 200),
        RoleCase(role: .reader, method: .get, path: "/{id}", json: nil, status: 200),
        RoleCase(role: .checker, method: .get, path: "", json: nil, status: 403),
        RoleCase(role: .admin, method: .post, path: "", json: #"{"key": "no-travel", "message": "m"}"#, status: 201),
    ]

    @Test("only an admin writes events; a reader reads them", arguments: roleCases)
    func roles(_ example: RoleCase) async throws {
        try await withStandardServer { client, tenant, _ in
            let existing = try await activeMessageOfTheDay(client, tenant)
            let before = try await client.get(events, token: tenant.admin.presented).decode(EventListBody.self)
            let path = events + example.path.replacingOccurrences(of: "{id}", with: "\(existing.id)")

            let result = try await client.send(example.method, path, token: tenant.token(example.role).presented, json: example.json)

            #expect(result.status == example.status, "\(result)")
            if example.status == 403 {
                #expect(result.errorCode == "forbidden")
                let after = try await client.get(events, token: tenant.admin.presented).decode(EventListBody.self)
                #expect(after.events == before.events, "a refused write changes nothing")
            }
        }
    }

    @Test(
        "invalid events are refused with 422",
        arguments: [
            #"{"key": "No Login", "message": "m"}"#,
            #"{"key": "no-login", "message": ""}"#,
            #"{"key": "no-login", "scope": "user", "message": "m"}"#,
            #"{"key": "no-login", "scope": "system", "owner": "ada", "message": "m"}"#,
            #"{"key": "no-login", "scope": "galaxy", "message": "m"}"#,
            #"{"message": "m"}"#,
        ])
    func invalid(json: String) async throws {
        try await withStandardServer { client, tenant, _ in
            let result = try await client.send(.post, events, token: tenant.admin.presented, json: json)
            #expect(result.status == 422, "\(result)")
            #expect(result.hasErrorShape)
        }
    }

    @Test("the message of the day comes with every login answer and on the status page")
    func messageOfTheDay() async throws {
        try await withStandardServer { client, tenant, _ in
            let motd = try await activeMessageOfTheDay(client, tenant)
            let edited = try await client.send(
                .patch, "\(events)/\(motd.id)", token: tenant.admin.presented, json: #"{"message": "Welcome back"}"#)
            #expect(edited.status == 200, "\(edited)")
            let second = try await client.send(
                .post, events, token: tenant.admin.presented, json: #"{"key": "message-of-the-day", "message": "Another"}"#)
            #expect(second.status == 409, "one active message of the day: \(second)")

            #expect(try await loginCheck(client, tenant, "ada").messageOfTheDay == "Welcome back")
            #expect(try await loginCheck(client, tenant, "bjorn").messageOfTheDay == "Welcome back", "denied, still greeted")
            let status = try await client.get("\(StandardTenant.base)/status", token: tenant.reader.presented).object()
            let listed = (status["events"] as? [[String: Any]])?.compactMap { $0["message"] as? String } ?? []
            #expect(listed.contains("Welcome back"), "\(status)")
        }
    }

    @Test("an event given a finish time in the past is finished when next read and stops blocking")
    func pastFinish() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            let event = try await client.send(.post, events, token: admin, json: #"{"key": "no-login", "message": "m"}"#)
                .decode(SystemEvent.self)
            #expect(try await loginCheck(client, tenant, "ada").reasons == ["no-login-event"])

            let past = ISO8601.string(Date().addingTimeInterval(-60).wholeSeconds)
            let patched = try await client.send(.patch, "\(events)/\(event.id)", token: admin, json: #"{"expectedFinish": "\#(past)"}"#)
            #expect(patched.status == 200, "\(patched)")

            let read = try await client.get("\(events)/\(event.id)", token: admin).decode(SystemEvent.self)
            #expect(read.status == .finished)
            #expect(read.finishedAt.map(ISO8601.string) == past)
            #expect(try await loginCheck(client, tenant, "ada").allowed)
        }
    }

    @Test("PATCH with expectedFinish null clears the finish time, as the CLI's --finish none does")
    func clearFinish() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            let tomorrow = ISO8601.string(Date().addingTimeInterval(86_400).wholeSeconds)
            let event = try await client.send(
                .post, events, token: admin, json: #"{"key": "no-travel", "message": "m", "expectedFinish": "\#(tomorrow)"}"#
            ).decode(SystemEvent.self)
            #expect(event.expectedFinish.map(ISO8601.string) == tomorrow)

            let patched = try await client.send(.patch, "\(events)/\(event.id)", token: admin, json: #"{"expectedFinish": null}"#)

            #expect(patched.status == 200, "\(patched)")
            #expect(try patched.decode(SystemEvent.self).expectedFinish == nil, "\(patched)")
        }
    }

    @Test("an activation over HTTP raises license-activated")
    func activationRaisesEvent() async throws {
        try await withStandardServer { client, tenant, _ in
            let package = try StandardTenant.package(issuedAt: Fixtures.date("2026-02-01T00:00:00Z"), counts: ["web": 12])
            let activated = try await client.send(.post, "\(StandardTenant.base)/licenses/activate", token: tenant.admin.presented, body: package)
            #expect(activated.status == 200, "\(activated)")

            let list = try await client.get(events, token: tenant.reader.presented).decode(EventListBody.self)
            let raised = list.events.filter { $0.key == SystemEvent.licenseActivated && $0.status == .active }
            #expect(raised.count == 1)
            #expect(raised.first?.message.contains("superoffice.web 10→12") == true, "\(raised)")
        }
    }
}
