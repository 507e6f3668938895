import Foundation
import LicenseCore
import Testing

@Suite("SCIM list queries: paging, sorting and the attributes returned")
struct SCIMListQueryTests {
    /// 250 users in the store's order (by id), user names in reverse so that sorting shows.
    static let users: [SCIMValue] = (1...250).map { index in
        SCIMUser(
            id: String(index), externalId: "ext-\(index)", userName: String(format: "user-%03d", 251 - index),
            active: index % 2 == 0, emails: [SCIMEmail(value: "u\(index)@example.com", type: "work", primary: true)]
        ).resource()
    }

    static func ids(_ page: [SCIMValue]) -> [String] {
        page.compactMap { if case .string(let id)? = $0.member("id") { id } else { nil } }
    }

    @Test("Entra ID's lookup: filter userName eq with startIndex=1&count=100 finds the one user")
    func lookup() throws {
        let query = try SCIMListQuery(
            parameters: ["filter": #"userName eq "USER-001""#, "startIndex": "1", "count": "100"], schema: .user)
        let (page, total) = query.select(Self.users, schema: .user)
        #expect(total == 1)
        #expect(Self.ids(page) == ["250"])
        let byExternal = try SCIMListQuery(parameters: ["filter": #"externalId eq "ext-7""#], schema: .user)
        #expect(Self.ids(byExternal.select(Self.users, schema: .user).page) == ["7"])
    }

    @Test("pages of 100 over 250 users: every user once, in the store's order, totalResults 250 each time")
    func paging() throws {
        var seen: [String] = []
        for start in [1, 101, 201] {
            let query = try SCIMListQuery(parameters: ["startIndex": String(start), "count": "100"], schema: .user)
            let (page, total) = query.select(Self.users, schema: .user)
            #expect(total == 250)
            seen += Self.ids(page)
        }
        #expect(seen == (1...250).map(String.init))
    }

    @Test("count=0 answers totalResults only; startIndex below 1 is 1; a negative count is 0; past the end is empty")
    func edges() throws {
        let zero = try SCIMListQuery(parameters: ["count": "0", "filter": "active eq true"], schema: .user)
        let (page, total) = zero.select(Self.users, schema: .user)
        #expect(page.isEmpty)
        #expect(total == 125)
        #expect(try SCIMListQuery(parameters: ["startIndex": "-5"], schema: .user).startIndex == 1)
        #expect(try SCIMListQuery(parameters: ["count": "-5"], schema: .user).count == 0)
        #expect(try SCIMListQuery(parameters: ["count": "5000"], schema: .user).count == SCIMListQuery.maxResults)
        let past = try SCIMListQuery(parameters: ["startIndex": "300"], schema: .user)
        #expect(past.select(Self.users, schema: .user) == ([], 250))
    }

    @Test("sortBy userName, ascending and descending; emails sorts by the primary value")
    func sorting() throws {
        let ascending = try SCIMListQuery(parameters: ["sortBy": "userName", "count": "3"], schema: .user)
        #expect(Self.ids(ascending.select(Self.users, schema: .user).page) == ["250", "249", "248"])
        let descending = try SCIMListQuery(
            parameters: ["sortBy": "USERNAME", "sortOrder": "descending", "count": "2"], schema: .user)
        #expect(Self.ids(descending.select(Self.users, schema: .user).page) == ["1", "2"])
        let byEmail = try SCIMListQuery(parameters: ["sortBy": "emails", "count": "2"], schema: .user)
        #expect(Self.ids(byEmail.select(Self.users, schema: .user).page) == ["100", "101"])
    }

    @Test("attributes keeps what is asked (and id, schemas); excludedAttributes drops what is named")
    func projection() throws {
        let user = Self.users[0]
        let only = try SCIMListQuery(parameters: ["attributes": "userName,emails.value"], schema: .user)
        #expect(
            only.project(user)
                == .object([
                    "id": .string("1"), "schemas": .array([.string(SCIMSchema.userURN)]), "userName": .string("user-250"),
                    "emails": .array([.object(["value": .string("u1@example.com")])]),
                ]))
        let without = try SCIMListQuery(parameters: ["excludedAttributes": "emails,externalId,id"], schema: .user)
        let projected = without.project(user)
        #expect(projected.member("emails") == nil)
        #expect(projected.member("externalId") == nil)
        #expect(projected.member("id") == .string("1"))
        #expect(projected.member("userName") == .string("user-250"))
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var parameters: [String: String]
        var error: SCIMError
        var testDescription: String { parameters.map { "\($0.key)=\($0.value)" }.joined(separator: "&") }
    }

    static let refusals: [Refusal] = [
        Refusal(parameters: ["startIndex": "one"], error: .invalidValue("startIndex must be an integer (1 is the first result)")),
        Refusal(parameters: ["count": "1.5"], error: .invalidValue("count must be an integer (0 asks for totalResults only)")),
        Refusal(
            parameters: ["sortOrder": "up"], error: .invalidValue("sortOrder must be ascending or descending, not 'up'")),
        Refusal(
            parameters: ["sortBy": "name"], error: .invalidValue("sortBy: name is complex; sort by one of its sub-attributes")),
        Refusal(
            parameters: ["attributes": "userName,shoeSize"],
            error: .invalidValue(
                "attributes: unknown attribute 'shoeSize'; the attributes are id, externalId, userName, name, displayName, userType, active, emails, meta"
            )),
        Refusal(
            parameters: ["filter": "userName"],
            error: .invalidFilter("expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after 'userName'")),
    ]

    @Test("a query parameter that makes no sense is refused, naming it", arguments: refusals)
    func refusal(_ refusal: Refusal) {
        #expect(throws: refusal.error) { try SCIMListQuery(parameters: refusal.parameters, schema: .user) }
    }
}
