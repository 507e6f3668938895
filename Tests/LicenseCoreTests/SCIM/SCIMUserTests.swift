import Foundation
import LicenseCore
import Testing

@Suite("The SCIM User resource: read from a request, mapped to a licensing user and back")
struct SCIMUserTests {
    static func read(_ json: String) throws -> SCIMUser {
        try SCIMUser(resource: SCIMValue.parse(Data(json.utf8)))
    }

    @Test("an Entra ID create: attribute names in any case, unknown attributes and read-only ones ignored")
    func entraCreate() throws {
        let user = try Self.read(
            """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","UserName":"Test_User_ab6490ee@example.com","active":true,
             "id":"999","meta":{"resourceType":"User"},"nickName":"t","roles":[],
             "emails":[{"primary":true,"type":"work","value":"Test_User_fd0ea19b@example.com"}],
             "name":{"formatted":"Tess Tester","familyName":"Tester","givenName":"Tess"},"displayName":"Tess","userType":"External"}
            """)
        #expect(
            user
                == SCIMUser(
                    externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef", userName: "Test_User_ab6490ee@example.com",
                    name: SCIMName(formatted: "Tess Tester", familyName: "Tester", givenName: "Tess"), displayName: "Tess",
                    userType: .external, active: true,
                    emails: [SCIMEmail(value: "Test_User_fd0ea19b@example.com", type: "work", primary: true)]))
        #expect(
            user.newUser
                == NewUser(
                    userName: "Test_User_ab6490ee@example.com", displayName: "Tess", email: "Test_User_fd0ea19b@example.com",
                    type: .external, canLogIn: true))
        #expect(
            user.profile
                == SCIMProfile(
                    externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
                    name: SCIMName(formatted: "Tess Tester", familyName: "Tester", givenName: "Tess"),
                    emails: [SCIMEmail(value: "Test_User_fd0ea19b@example.com", type: "work", primary: true)]))
    }

    @Test("defaults: active, an employee, no e-mail")
    func defaults() throws {
        let user = try Self.read(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"kim"}"#)
        #expect(user == SCIMUser(userName: "kim", userType: .employee, active: true))
        #expect(user.newUser == NewUser(userName: "kim", canLogIn: true))
    }

    @Test("a licensing user and its profile read back as the same resource")
    func roundTrip() throws {
        let user = User(
            id: 12, userName: "ada", displayName: "Ada", email: "ada@example.com", type: .resource, canLogIn: false)
        let profile = SCIMProfile(
            externalId: "x-1", name: SCIMName(givenName: "Ada"),
            emails: [SCIMEmail(value: "ada@example.com", type: "work", primary: true), SCIMEmail(value: "a@home.example")])
        let scim = SCIMUser(user: user, profile: profile)
        #expect(scim.id == "12")
        #expect(scim.active == false)
        #expect(scim.userType == .resource)
        var read = try SCIMUser(resource: scim.resource())
        read.id = "12"
        #expect(read == scim)
        #expect(SCIMUser(user: user, profile: nil).emails == [SCIMEmail(value: "ada@example.com", type: "work", primary: true)])
    }

    @Test("the resource carries meta with the version as a weak ETag, and If-Match values read back")
    func meta() throws {
        let meta = SCIMMeta(
            created: ISO8601.date("2024-01-01T00:00:00Z")!, lastModified: ISO8601.date("2024-01-02T00:00:00Z")!,
            location: "https://h/scim/v2/tenants/t/Users/1", version: 5)
        let resource = SCIMUser(id: "1", userName: "u").resource(meta: meta)
        #expect(
            resource.member("meta")
                == .object([
                    "resourceType": .string("User"), "created": .string("2024-01-01T00:00:00Z"),
                    "lastModified": .string("2024-01-02T00:00:00Z"), "location": .string("https://h/scim/v2/tenants/t/Users/1"),
                    "version": .string(#"W/"5""#),
                ]))
        #expect(SCIMMeta.version(fromETag: #"W/"5""#) == 5)
        #expect(SCIMMeta.version(fromETag: #""5""#) == 5)
        #expect(SCIMMeta.version(fromETag: "5") == nil)
    }

    @Test("user names are unique without regard to case")
    func uniqueness() {
        #expect(SCIMUser.uniquenessKey("Ada@Example.COM") == SCIMUser.uniquenessKey("ada@example.com"))
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var json: String
        var error: SCIMError
    }

    static let core = #""schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]"#

    static let refusals: [Refusal] = [
        Refusal(
            testDescription: "no schemas", json: #"{"userName":"a"}"#,
            error: .invalidSyntax("\"schemas\" must be an array that lists urn:ietf:params:scim:schemas:core:2.0:User")),
        Refusal(testDescription: "no userName", json: "{\(core)}", error: .invalidValue("userName is required")),
        Refusal(
            testDescription: "a userName with a slash", json: #"{\#(core),"userName":"a/b"}"#,
            error: .invalidValue("userName 'a/b' must not contain slashes or control characters")),
        Refusal(
            testDescription: "a userName that is a number", json: #"{\#(core),"userName":5}"#,
            error: .invalidValue("userName must be a string, not a number")),
        Refusal(
            testDescription: "an unknown userType", json: #"{\#(core),"userName":"a","userType":"Contractor"}"#,
            error: .invalidValue("userType 'Contractor' is not one of employee, resource, external, anonymous, system")),
        Refusal(
            testDescription: "active that is not a boolean", json: #"{\#(core),"userName":"a","active":"maybe"}"#,
            error: .invalidValue("active must be true or false, not a string")),
        Refusal(
            testDescription: "two primary addresses",
            json: #"{\#(core),"userName":"a","emails":[{"value":"a@x","primary":true},{"value":"b@x","primary":true}]}"#,
            error: .invalidValue("more than one of emails is primary; mark at most one \"primary\": true")),
        Refusal(
            testDescription: "an address without a value", json: #"{\#(core),"userName":"a","emails":[{"type":"work"}]}"#,
            error: .invalidValue("emails[0].value is required")),
        Refusal(
            testDescription: "a name that is a string", json: #"{\#(core),"userName":"a","name":"Ada"}"#,
            error: .invalidValue("name must be an object of name parts, not a string")),
        Refusal(
            testDescription: "a display name over 200 characters",
            json: #"{\#(core),"userName":"a","displayName":"\#(String(repeating: "x", count: 201))"}"#,
            error: .invalidValue("displayName longer than 200 characters")),
    ]

    @Test("a User with a wrong value is refused with invalidValue naming the attribute", arguments: refusals)
    func refusal(_ refusal: Refusal) {
        #expect(throws: refusal.error) { try Self.read(refusal.json) }
    }

    @Test("a body that is not JSON, or has a member twice, is invalidSyntax")
    func syntax() {
        #expect(throws: SCIMError.self) { try SCIMValue.parse(Data("{".utf8)) }
        #expect(throws: SCIMError.invalidSyntax("duplicate member 'userName' in the request body")) {
            try SCIMValue.parse(Data(#"{"userName":"a","userName":"b"}"#.utf8))
        }
    }
}
