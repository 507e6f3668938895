import Foundation
import LicenseCore
import Testing

@Suite("SCIM PATCH: operations read case-insensitively, applied with and without paths and value filters")
struct SCIMPatchTests {
    static let bob = SCIMUser(
        id: "9", externalId: "ext-9", userName: "bob", name: SCIMName(familyName: "Builder", givenName: "Bob"),
        displayName: "Bob", active: true,
        emails: [SCIMEmail(value: "bob@work.example", type: "work", primary: true)])

    static func body(_ operations: String) -> SCIMValue {
        let text = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":\#(operations)}"#
        return try! SCIMValue.parse(Data(text.utf8))
    }

    static func patched(_ operations: String, _ user: SCIMUser = bob) throws -> SCIMUser {
        let parsed = try SCIMPatch.parse(body(operations), schema: .user)
        return try SCIMUser(resource: SCIMPatch.apply(parsed, to: user.resource(), schema: .user))
    }

    @Test("Entra ID: \"op\": \"Replace\" on active with the string \"False\" deactivates")
    func entraReplaceActive() throws {
        let user = try Self.patched(#"[{"op":"Replace","path":"active","value":"False"}]"#)
        #expect(user.active == false)
        #expect(user.userName == "bob")
    }

    @Test("Okta: replace without a path, value {\"active\": false}")
    func oktaReplaceWithoutPath() throws {
        let user = try Self.patched(#"[{"op":"replace","value":{"id":"9","active":false}}]"#)
        #expect(user.active == false)
    }

    @Test("replace on emails[type eq \"work\"].value changes the work address only")
    func replaceWorkEmail() throws {
        var start = Self.bob
        start.emails.append(SCIMEmail(value: "bob@home.example", type: "home"))
        let user = try Self.patched(
            #"[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"robert@work.example"}]"#, start)
        #expect(
            user.emails == [
                SCIMEmail(value: "robert@work.example", type: "work", primary: true),
                SCIMEmail(value: "bob@home.example", type: "home"),
            ])
        #expect(user.primaryEmail == "robert@work.example")
    }

    @Test("add on emails[type eq \"work\"].value without a work address makes one")
    func addWorkEmail() throws {
        var start = Self.bob
        start.emails = []
        let user = try Self.patched(#"[{"op":"Add","path":"emails[type eq \"work\"].value","value":"b@work.example"}]"#, start)
        #expect(user.emails == [SCIMEmail(value: "b@work.example", type: "work")])
    }

    @Test("Entra ID's paths as keys of a value object without a path")
    func pathsAsKeys() throws {
        let user = try Self.patched(
            #"[{"op":"Add","value":{"name.givenName":"Robert","emails[type eq \"work\"].value":"r@work.example","displayName":"Robert B","unknownThing":1}}]"#
        )
        #expect(user.name == SCIMName(familyName: "Builder", givenName: "Robert"))
        #expect(user.emails.map(\.value) == ["r@work.example"])
        #expect(user.displayName == "Robert B")
    }

    @Test("add appends to a multi-valued attribute, replace replaces it, remove by filter takes the matches out")
    func multiValued() throws {
        let added = try Self.patched(#"[{"op":"add","path":"emails","value":[{"value":"b@home.example","type":"home"}]}]"#)
        #expect(added.emails.map(\.value) == ["bob@work.example", "b@home.example"])
        let replaced = try Self.patched(#"[{"op":"replace","path":"EMAILS","value":[{"VALUE":"only@example.com"}]}]"#)
        #expect(replaced.emails == [SCIMEmail(value: "only@example.com")])
        let removed = try Self.patched(#"[{"op":"remove","path":"emails[type eq \"work\"]"}]"#)
        #expect(removed.emails.isEmpty)
        let again = try Self.patched(#"[{"op":"remove","path":"emails[type eq \"other\"]"}]"#)
        #expect(again.emails == Self.bob.emails)
    }

    @Test("sub-attributes of a complex attribute: add, replace and remove name.givenName; remove a whole attribute")
    func subAttributes() throws {
        let renamed = try Self.patched(#"[{"op":"replace","path":"name.givenName","value":"Rob"}]"#)
        #expect(renamed.name == SCIMName(familyName: "Builder", givenName: "Rob"))
        let merged = try Self.patched(#"[{"op":"add","path":"name","value":{"middleName":"T"}}]"#)
        #expect(merged.name == SCIMName(familyName: "Builder", givenName: "Bob", middleName: "T"))
        let cleared = try Self.patched(#"[{"op":"remove","path":"name.givenName"},{"op":"remove","path":"externalId"}]"#)
        #expect(cleared.name == SCIMName(familyName: "Builder"))
        #expect(cleared.externalId == nil)
    }

    @Test("operations apply in order")
    func order() throws {
        let user = try Self.patched(
            #"[{"op":"replace","path":"displayName","value":"One"},{"op":"replace","path":"displayName","value":"Two"}]"#)
        #expect(user.displayName == "Two")
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var operations: String
        var error: SCIMError
    }

    static let refusals: [Refusal] = [
        Refusal(
            testDescription: "remove without a path", operations: #"[{"op":"remove"}]"#,
            error: .noTarget("Operations[0]: remove needs a path naming what to remove")),
        Refusal(
            testDescription: "an unknown op", operations: #"[{"op":"move","path":"active"}]"#,
            error: .invalidSyntax("Operations[0].op must be \"add\", \"remove\" or \"replace\"")),
        Refusal(
            testDescription: "no Operations", operations: "[]",
            error: .invalidSyntax("\"Operations\" is empty; send at least one operation")),
        Refusal(
            testDescription: "an unknown attribute in a path", operations: #"[{"op":"replace","path":"nickName","value":"x"}]"#,
            error: .invalidPath(
                "Operations[0].path: unknown attribute 'nickName'; the attributes are id, externalId, userName, name, displayName, userType, active, emails, meta"
            )),
        Refusal(
            testDescription: "a malformed path", operations: #"[{"op":"replace","path":"emails[type eq","value":"x"}]"#,
            error: .invalidPath("Operations[0].path: 'emails[type eq': a '[' without its ']'")),
        Refusal(
            testDescription: "a malformed value filter",
            operations: #"[{"op":"replace","path":"emails[type xx \"work\"].value","value":"x"}]"#,
            error: .invalidPath(
                "Operations[0].path: the value filter of 'emails[type xx \"work\"].value': unknown operator 'xx' at character 6; use eq, ne, co, sw, ew, gt, ge, lt, le or pr"
            )),
        Refusal(
            testDescription: "a value filter on a single-valued attribute",
            operations: #"[{"op":"replace","path":"name[givenName eq \"x\"]","value":"x"}]"#,
            error: .invalidPath(
                "Operations[0].path: name is not a multi-valued complex attribute, so it takes no value filter '[…]'")),
        Refusal(
            testDescription: "a read-only attribute", operations: #"[{"op":"replace","path":"id","value":"12"}]"#,
            error: .mutability("Operations[0].path: id is read-only; the server sets it")),
        Refusal(
            testDescription: "add without a path and a value that is not an object",
            operations: #"[{"op":"add","value":"x"}]"#,
            error: .invalidValue("Operations[0]: without a path, value must be an object of attributes")),
        Refusal(
            testDescription: "replace without a value", operations: #"[{"op":"replace","path":"displayName"}]"#,
            error: .invalidValue("Operations[0]: replace needs a value")),
    ]

    @Test("a malformed PATCH is refused with the RFC's scimType and a detail naming the operation", arguments: refusals)
    func refusal(_ refusal: Refusal) {
        #expect(throws: refusal.error) { try SCIMPatch.parse(Self.body(refusal.operations), schema: .user) }
    }

    @Test("a PatchOp without its schema URN is invalidSyntax")
    func schemas() {
        #expect(throws: SCIMError.invalidSyntax("\"schemas\" must be an array that lists \(SCIMSchema.patchOpURN)")) {
            try SCIMPatch.parse(SCIMValue.parse(Data(#"{"Operations":[{"op":"add","value":{}}]}"#.utf8)), schema: .user)
        }
    }

    @Test("a filter that matches nothing and describes no value is noTarget")
    func noTarget() throws {
        let operations = try SCIMPatch.parse(
            Self.body(#"[{"op":"replace","path":"emails[value co \"nowhere\"].type","value":"home"}]"#), schema: .user)
        #expect(
            throws: SCIMError.noTarget("no value of emails matches the filter, and the filter does not describe one to add")
        ) { try SCIMPatch.apply(operations, to: Self.bob.resource(), schema: .user) }
    }

    @Test("a value of the wrong type is invalidValue when the patched user is read back")
    func wrongType() throws {
        #expect(throws: SCIMError.invalidValue("active must be true or false, not a number")) {
            try Self.patched(#"[{"op":"replace","path":"active","value":1}]"#)
        }
        #expect(throws: SCIMError.invalidValue("emails[0].value 'nope' is not an e-mail address")) {
            try Self.patched(#"[{"op":"replace","path":"emails[type eq \"work\"].value","value":"nope"}]"#)
        }
    }
}
