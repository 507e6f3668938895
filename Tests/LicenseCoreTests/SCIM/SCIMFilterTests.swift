import Foundation
import LicenseCore
import Testing

@Suite("SCIM filters: RFC 7644 §3.4.2.2 parsed, checked against the User schema and evaluated")
struct SCIMFilterTests {
    static let ada = SCIMUser(
        id: "7", externalId: "AAD-42", userName: "Ada.Lovelace@example.com",
        name: SCIMName(familyName: "Lovelace", givenName: "Ada"), displayName: "Ada Lovelace", userType: .employee,
        active: true,
        emails: [
            SCIMEmail(value: "ada@work.example.com", type: "work", primary: true),
            SCIMEmail(value: "ada@home.example.org", type: "home"),
        ]
    ).resource(
        meta: SCIMMeta(
            created: ISO8601.date("2024-03-01T10:00:00Z")!, lastModified: ISO8601.date("2024-06-01T10:00:00Z")!,
            location: "/scim/v2/tenants/acme/Users/7", version: 3))

    struct Case: Sendable, CustomTestStringConvertible {
        var filter: String
        var matches: Bool
        var testDescription: String { "\(filter) → \(matches)" }
    }

    static let evaluated: [Case] = [
        Case(filter: #"userName eq "ada.lovelace@example.com""#, matches: true),
        Case(filter: #"USERNAME EQ "Ada.Lovelace@example.com""#, matches: true),
        Case(filter: #"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "ada.lovelace@example.com""#, matches: true),
        Case(filter: #"externalId eq "AAD-42""#, matches: true),
        Case(filter: #"externalId eq "aad-42""#, matches: false),
        Case(filter: #"userName ne "bob""#, matches: true),
        Case(filter: #"userName co "lovelace""#, matches: true),
        Case(filter: #"userName sw "ada.""#, matches: true),
        Case(filter: #"userName ew "@example.com""#, matches: true),
        Case(filter: #"userName ew "@example.org""#, matches: false),
        Case(filter: "title pr", matches: false),
        Case(filter: "displayName pr", matches: true),
        Case(filter: "nickName pr or displayName pr", matches: true),
        Case(filter: "active eq true", matches: true),
        Case(filter: "active eq false", matches: false),
        Case(filter: "not (active eq false)", matches: true),
        Case(filter: #"name.familyName eq "LOVELACE""#, matches: true),
        Case(filter: #"emails co "home.example""#, matches: true),
        Case(filter: #"emails.value eq "ada@home.example.org""#, matches: true),
        Case(filter: #"emails[type eq "work" and value co "@work."]"#, matches: true),
        Case(filter: #"emails[type eq "work" and value co "@home."]"#, matches: false),
        Case(filter: #"emails[not (type eq "work")]"#, matches: true),
        Case(filter: #"userType eq "Employee" and (emails.type eq "home" or emails.type eq "other")"#, matches: true),
        Case(filter: #"userName eq "bob" or userName eq "carol" and active eq true"#, matches: false),
        Case(filter: #"(userName eq "bob" or userName sw "ada") and active eq true"#, matches: true),
        Case(filter: #"meta.lastModified gt "2024-05-01T00:00:00Z""#, matches: true),
        Case(filter: #"meta.lastModified lt "2024-05-01T00:00:00Z""#, matches: false),
        Case(filter: #"meta.created ge "2024-03-01T10:00:00Z" and meta.created le "2024-03-01T10:00:00Z""#, matches: true),
        Case(filter: #"userName gt "a" and userName lt "b""#, matches: true),
        Case(filter: "externalId eq null", matches: false),
        Case(filter: "nickName eq null", matches: true),
    ]

    @Test("a filter matches the resource as the RFC says", arguments: evaluated)
    func evaluation(_ testCase: Case) throws {
        let filter = try SCIMFilter.parse(testCase.filter, schema: Self.schema)
        #expect(filter.matches(Self.ada, schema: Self.schema) == testCase.matches)
    }

    /// The User schema plus attributes the tests name that this server does not keep.
    static let schema: SCIMSchema = {
        var schema = SCIMSchema.user
        schema.attributes += [SCIMAttribute("title"), SCIMAttribute("nickName")]
        return schema
    }()

    @Test("and binds tighter than or; not applies to its parentheses")
    func precedence() throws {
        let filter = try SCIMFilter.parse(#"a eq "1" or b eq "2" and not (c pr)"#)
        let a = SCIMAttributePath(attribute: "a")
        let b = SCIMAttributePath(attribute: "b")
        let c = SCIMAttributePath(attribute: "c")
        #expect(filter == .or(.compare(a, .eq, .string("1")), .and(.compare(b, .eq, .string("2")), .not(.present(c)))))
    }

    @Test("literals: quoted strings with JSON escapes, numbers, true, false and null")
    func literals() throws {
        #expect(try SCIMFilter.parse(#"x eq "a \"b\" \u00e9""#) == .compare(.init(attribute: "x"), .eq, .string("a \"b\" é")))
        #expect(try SCIMFilter.parse("x gt -1.5e2") == .compare(.init(attribute: "x"), .gt, .number(-150)))
        #expect(try SCIMFilter.parse("x eq TRUE") == .compare(.init(attribute: "x"), .eq, .bool(true)))
        #expect(try SCIMFilter.parse("x ne null") == .compare(.init(attribute: "x"), .ne, .null))
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var filter: String
        var detail: String
        var testDescription: String { filter.isEmpty ? "(empty)" : String(filter.prefix(60)) }
    }

    static let refusals: [Refusal] = [
        Refusal(filter: "", detail: "the filter is empty"),
        Refusal(filter: "userName", detail: "expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after 'userName'"),
        Refusal(
            filter: #"userName equals "x""#,
            detail: "unknown operator 'equals' at character 10; use eq, ne, co, sw, ew, gt, ge, lt, le or pr"),
        Refusal(
            filter: "userName eq bob",
            detail: "'bob' at character 13 is not a value; quote strings (\"…\"), or use a number, true, false or null"),
        Refusal(filter: #"userName eq "bob"#, detail: "a string opened at character 13 is not closed"),
        Refusal(filter: #"(userName eq "x""#, detail: "expected ')' at the end of the filter (character 16)"),
        Refusal(filter: #"userName eq "x")"#, detail: "unexpected ')' at character 16 of the filter"),
        Refusal(filter: #"userName eq "x" and"#, detail: "expected an attribute at the end of the filter"),
        Refusal(filter: #"not userName eq "x""#, detail: "'not' must be followed by '(' at character 5"),
        Refusal(
            filter: #"nickName eq "x""#,
            detail:
                "unknown attribute 'nickName'; the attributes are id, externalId, userName, name, displayName, userType, active, emails, meta"
        ),
        Refusal(
            filter: #"name.nick eq "x""#,
            detail:
                "unknown sub-attribute 'nick' of name; its sub-attributes are formatted, familyName, givenName, middleName, honorificPrefix, honorificSuffix"
        ),
        Refusal(
            filter: #"urn:example:Other:userName eq "x""#,
            detail:
                "unknown schema 'urn:example:Other' in 'urn:example:Other:userName'; this server knows urn:ietf:params:scim:schemas:core:2.0:User"
        ),
        Refusal(
            filter: #"name eq "x""#,
            detail: "name is complex; filter on a sub-attribute such as name.formatted, name.familyName, name.givenName"),
        Refusal(filter: #"active eq "yes""#, detail: "active is a boolean; compare it with true or false, not a string"),
        Refusal(filter: "active gt true", detail: "active is a boolean; only eq, ne and pr apply to it, not gt"),
        Refusal(filter: "userName eq 3", detail: "userName is a string; compare it with a quoted string, not a number"),
        Refusal(
            filter: #"meta.created gt "yesterday""#,
            detail: "meta.created is a date; compare it with a quoted ISO 8601 date such as \"2024-01-31T00:00:00Z\""),
        Refusal(filter: "userName co null", detail: "'co null' compares nothing; use eq or ne"),
        Refusal(
            filter: #"emails[kind eq "work"]"#,
            detail: "unknown sub-attribute 'kind'; here they are value, display, type, primary"),
        Refusal(filter: #"userName[value eq "x"]"#, detail: "userName is not complex, so it takes no value filter '[…]'"),
        Refusal(filter: #"emails[type eq "work"#, detail: "a string opened at character 16 is not closed"),
        Refusal(filter: #"emails[type eq "work""#, detail: "expected ']' at the end of the filter (character 21)"),
        Refusal(
            filter: #"user$name eq "x""#,
            detail: "'user$name' is not an attribute path; expected a name such as userName or name.givenName (at character 1)"),
    ]

    @Test("a malformed or unknown filter is invalidFilter with a detail that says what and where", arguments: refusals)
    func refusal(_ refusal: Refusal) {
        #expect(throws: SCIMError.invalidFilter(refusal.detail)) {
            try SCIMFilter.parse(refusal.filter, schema: SCIMSchema.user)
        }
    }

    @Test("the complexity limit: at most 50 comparisons, 10 levels of nesting and 2,048 characters")
    func complexity() throws {
        let fifty = (0..<50).map { #"userName eq "u\#($0)""# }.joined(separator: " or ")
        _ = try SCIMFilter.parse(fifty, schema: SCIMSchema.user)
        #expect(throws: SCIMError.invalidFilter("the filter has more than 50 comparisons; split the request")) {
            try SCIMFilter.parse(fifty + #" or userName eq "x""#, schema: SCIMSchema.user)
        }
        let deep = String(repeating: "(", count: 11) + "active eq true" + String(repeating: ")", count: 11)
        #expect(throws: SCIMError.invalidFilter("the filter nests deeper than 10 levels")) {
            try SCIMFilter.parse(deep, schema: SCIMSchema.user)
        }
        let long = #"userName eq ""# + String(repeating: "x", count: 2_040) + "\""
        #expect(throws: SCIMError.invalidFilter("the filter is longer than 2048 characters")) {
            try SCIMFilter.parse(long, schema: SCIMSchema.user)
        }
    }
}
