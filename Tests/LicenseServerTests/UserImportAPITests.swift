import Foundation
import Hummingbird
import LicenseCore
import LicenseStore
import LicenseTestSupport
import Testing

@testable import LicenseServer

private let base = StandardTenant.base
private let importPath = "\(base)/users/import"

private struct EventListBody: Decodable {
    var events: [SystemEvent]
}

private struct UserListBody: Decodable {
    struct Entry: Decodable { var userName: String }
    var users: [Entry]
}

/// Set by the task that sends the import once its answer is in; read by the one that polls meanwhile.
private final class Finished: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

private func csv(_ lines: [String], header: String = "userName,type,canLogIn") -> Data {
    Data(([header] + lines).joined(separator: "\n").utf8)
}

private func importUsers(_ client: APIClient, token: String, _ body: Data) async throws -> HTTPResult {
    try await client.send(.post, importPath, token: token, body: body, headers: [.contentType: "text/csv"])
}

private func userImports(_ client: APIClient, token: String) async throws -> [SystemEvent] {
    try await client.get("\(base)/events", token: token).decode(EventListBody.self).events.filter {
        $0.key == EventRule.userImport
    }
}

@Suite("User import over HTTP: POST …/users/import, a long job on the Status tab (issue 17, item 12)")
struct UserImportAPITests {
    @Test(
        "an import of 5,000 users shows a user-import event with its progress while it runs, and finished after",
        .timeLimit(.minutes(10)))
    func progressWhileRunning() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            let reader = tenant.reader.presented
            var slow = client
            slow.timeout = .seconds(600)

            // If 5,000 users go by too fast to be seen, try again with 50,000.
            var seenRunning: [SystemEvent] = []
            var size = 0
            for (attempt, count) in [5_000, 50_000].enumerated() where seenRunning.isEmpty {
                size = count
                let body = csv((1...count).map { "imp\(attempt)-\(String(format: "%05d", $0)),employee,true" })

                // When the import is posted and the events are polled from other connections while it runs
                let finished = Finished()
                let post = Task {
                    defer { finished.set() }
                    return try await importUsers(slow, token: admin, body)
                }
                while !finished.isSet {
                    seenRunning += try await userImports(client, token: reader).filter {
                        $0.status == .active && $0.progressTotal == count && ($0.progressDone ?? -1) < count
                    }
                    try await Task.sleep(for: .milliseconds(10))
                }

                // Then the answer is 201 with the count and the finished event
                let result = try await post.value
                #expect(result.status == 201, "\(result)")
                let done = try result.decode(UserImport.self)
                #expect(done.imported == count)
                #expect(done.event.status == .finished)
                #expect((done.event.progressDone, done.event.progressTotal) == (count, count))
                #expect(done.event.message == "Imported \(count) users")
                #expect(done.event.activatedBy.contains(tenant.admin.id))
            }

            // And the event was seen running, with the progress of whole batches
            #expect(!seenRunning.isEmpty, "the user-import event was never seen running (import of \(size) users)")
            #expect(
                seenRunning.allSatisfy { ($0.progressDone ?? -1) >= 0 && ($0.progressDone ?? -1) % 500 == 0 }, "\(seenRunning)")
            #expect(seenRunning.allSatisfy { $0.scope == .database && $0.message == "Importing \(size) users" })
            let seen = seenRunning.map { $0.progressDone ?? -1 }
            #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 <= $1 }, "progress never goes back: \(seen)")

            // And after it the event reads finished, and the users are there
            let last = try #require(try await userImports(client, token: reader).first { $0.progressTotal == size })
            #expect(last.status == .finished)
            #expect(last.progressDone == size)
            #expect(last.finishedAt != nil)
            let users = try await client.get("\(base)/users", token: reader).decode(UserListBody.self).users
            #expect(users.filter { $0.userName.hasPrefix("imp") }.count >= size)
        }
    }

    @Test("a bad line, a taken user name, an empty or too large body and a non-admin token are refused; nothing is written")
    func refusals() async throws {
        try await withStandardServer { client, tenant, _ in
            let admin = tenant.admin.presented
            let before = try await client.get("\(base)/users", token: admin).decode(UserListBody.self).users.map(\.userName)

            // A bad third line: 422 naming it
            let bad = try await importUsers(client, token: admin, csv(["nina,employee,true", "oda,boss,true"]))
            #expect(bad.status == 422, "\(bad)")
            #expect(bad.errorCode == "invalid-input")
            #expect(bad.text.contains("invalid CSV line 3: unknown user type 'boss'"), "\(bad)")

            // A name twice: 422 naming both lines
            let twice = try await importUsers(client, token: admin, csv(["nina,employee,true", "nina,employee,true"]))
            #expect(twice.status == 422, "\(twice)")
            #expect(twice.text.contains("line 3: user 'nina' is also on line 2"), "\(twice)")

            // A user name taken already (the standard data has ada): 409, as creating that one user would be
            let taken = try await importUsers(client, token: admin, csv(["nina,employee,true", "ada,employee,true"]))
            #expect(taken.status == 409, "\(taken)")
            #expect(taken.errorCode == "duplicate")
            #expect(taken.text.contains("user 'ada' already exists"), "\(taken)")

            // No body: 400; a body over 8 MiB: 413; a reader: 403
            let empty = try await importUsers(client, token: admin, Data())
            #expect(empty.status == 400, "\(empty)")
            #expect(empty.hasErrorShape)
            var huge = csv([])
            huge.append(Data(repeating: UInt8(ascii: "a"), count: ServerLimits.importLimit))
            let large = try await importUsers(client, token: admin, huge)
            #expect(large.status == 413, "\(large)")
            #expect(large.errorCode == "body-too-large")
            let reader = try await importUsers(client, token: tenant.reader.presented, csv(["nina,employee,true"]))
            #expect(reader.status == 403, "\(reader)")

            // Nothing was written: no user-import event, the same users
            #expect(try await userImports(client, token: admin).isEmpty)
            let after = try await client.get("\(base)/users", token: admin).decode(UserListBody.self).users.map(\.userName)
            #expect(after == before)

            // And a good file is imported, with every column
            let good = try await importUsers(
                client, token: admin,
                csv(
                    ["nina,external,true,Nina N.,nina@example.com", "\"oda, jr\",,,,"],
                    header: "userName,type,canLogIn,displayName,email"))
            #expect(good.status == 201, "\(good)")
            #expect(try good.decode(UserImport.self).imported == 2)
            let nina = try await client.get("\(base)/users/nina", token: admin).object()
            #expect(nina["type"] as? String == "external")
            #expect(nina["canLogIn"] as? Bool == true)
            #expect(nina["displayName"] as? String == "Nina N.")
            #expect(try await client.get("\(base)/users/oda,%20jr", token: admin).status == 200)
        }
    }

    @Test("a failed import shows as failed with its reason in the API and on the Status tab")
    func failedImportIsShown() async throws {
        try await TestInstallation.with { installation in
            // Given an import that failed at its second batch: a user name of it was added once the first was in
            let standard = try await installation.seedStandard()
            let store = installation.store
            let input = (1...4).map { NewUser(userName: "imp\($0)") }
            let failure = try await #require(throws: UserImportFailed.self) {
                try await store.importUsers(
                    tenant: StandardTenant.id, input, source: "staff.csv", actor: Fixtures.actor, now: { Date() }, batchSize: 2
                ) { _ in
                    _ = try? await store.addUsers(
                        tenant: StandardTenant.id, [NewUser(userName: "imp4")], actor: Fixtures.actor, now: Date())
                }
            }
            let failed = try #require(failure.event)
            #expect(failed.message.hasPrefix("Import of 4 users from staff.csv failed after 2 of 4: user 'imp4' already exists."))

            try await withLiveServer(installation) { client in
                // Then the API lists it failed, with the reason as its message
                let listed = try #require(try await userImports(client, token: standard.reader.presented).first)
                #expect(listed.status == .failed)
                #expect(listed.message == failed.message)
                #expect((listed.progressDone, listed.progressTotal) == (2, 4))

                // And the Status tab shows it failed, the reason whole (not cut short), and its progress
                let browser = try await AdminBrowser.signIn(client, tenant: standard)
                let page = try await browser.get("/admin/status")
                #expect(page.status == 200)
                #expect(page.text.contains(#"<span class="badge status-failed">Failed</span>"#), "\(page.text)")
                #expect(page.text.contains("already added stay."))
                #expect(page.text.contains("2 of 4"))
                let detail = try await browser.get("/admin/status?event=\(failed.id)")
                #expect(detail.text.contains("Failed"))
                #expect(detail.text.contains("failed after 2 of 4"))
            }
        }
    }

    @Test("an import that stopped answers with the status of what stopped it and says how far it came")
    func failureMapping() throws {
        let duplicate = UserImportFailed(
            imported: 500, total: 900, event: nil, cause: LicenseInputError.duplicate("user 'x'"),
            message: "Import of 900 users failed after 500 of 900: user 'x' already exists. The 500 users already added stay.")
        let mapped = try #require(APIError.from(duplicate))
        #expect(mapped.status == .conflict)
        #expect(mapped.code == "duplicate")
        #expect(mapped.message == duplicate.description)

        let unavailable = UserImportFailed(
            imported: 0, total: 900, event: nil, cause: StoreUnavailable("timeout"), message: "m")
        let gone = try #require(APIError.from(unavailable))
        #expect(gone.status == .serviceUnavailable)
        #expect(gone.code == "database-unavailable")

        struct Strange: Error {}
        #expect(APIError.from(UserImportFailed(imported: 0, total: 1, event: nil, cause: Strange(), message: "m")) == nil)
    }
}
