import Foundation
import LicenseCore
import Testing

@Suite("The CSV of a user import: columns, quoting, and errors that name the line")
struct UserCSVTests {
    static func parse(_ text: String) throws -> [NewUser] {
        try UserCSV.parse(Data(text.utf8))
    }

    @Test("every column, in any order, with defaults for empty fields")
    func columns() throws {
        let users = try Self.parse(
            """
            email,userName,canLogIn,type,displayName
            ada@example.com,ada,true,employee,Ada Lovelace
            ,room-1,,resource,
            ,bob,FALSE,,
            """)
        #expect(
            users == [
                NewUser(userName: "ada", displayName: "Ada Lovelace", email: "ada@example.com", type: .employee, canLogIn: true),
                NewUser(userName: "room-1", type: .resource),
                NewUser(userName: "bob"),
            ])
    }

    @Test("quoted fields hold commas, quotes and line breaks; CRLF, blank lines and a byte order mark are fine")
    func quoting() throws {
        let text = "\u{FEFF}userName,displayName\r\n\"smith, j\",\"John \"\"JJ\"\" Smith\"\r\n\r\nkim,\"two\nlines\"\r\n"
        let users = try Self.parse(text)
        #expect(
            users == [
                NewUser(userName: "smith, j", displayName: "John \"JJ\" Smith"),
                NewUser(userName: "kim", displayName: "two\nlines"),
            ])
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var text: String
        var message: String
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(
            testDescription: "an empty file", text: "",
            message: "invalid CSV: empty; the first line names the columns (userName, …)"),
        ErrorCase(
            testDescription: "a header without rows", text: "userName\n", message: "invalid CSV: no users after the header line"),
        ErrorCase(
            testDescription: "an unknown column", text: "userName,phone\nada,1\n",
            message: "invalid CSV header: unknown column 'phone'; known: userName, type, canLogIn, displayName, email"),
        ErrorCase(
            testDescription: "no userName column", text: "displayName\nAda\n", message: "invalid CSV header: no userName column"),
        ErrorCase(
            testDescription: "a column twice", text: "userName,email,email\nada,a,b\n",
            message: "invalid CSV header: column email twice"),
        ErrorCase(
            testDescription: "a line with too few fields", text: "userName,type\nada,employee\nbob\n",
            message: "invalid CSV line 3: 1 field, the header has 2"),
        ErrorCase(
            testDescription: "an unknown user type", text: "userName,type\nada,boss\n",
            message: "invalid CSV line 2: unknown user type 'boss'; one of employee, resource, external, anonymous, system"),
        ErrorCase(
            testDescription: "canLogIn not a boolean", text: "userName,canLogIn\nada,yes\n",
            message: "invalid CSV line 2: canLogIn must be true or false"),
        ErrorCase(
            testDescription: "a bad user name, after a blank line", text: "userName\nada\n\n../x\n",
            message: "invalid CSV line 4: invalid userName: must not contain slashes or control characters"),
        ErrorCase(
            testDescription: "a user name twice", text: "userName\nada\nbob\nada\n",
            message: "invalid CSV line 4: user 'ada' is also on line 2"),
        ErrorCase(
            testDescription: "an unterminated quote", text: "userName\nada\n\"bob\n",
            message: "invalid CSV line 3: the file ends inside a quoted field"),
    ]

    @Test("a bad file is refused with the line and what is wrong", arguments: errorCases)
    func errors(_ example: ErrorCase) throws {
        let error = try #require(throws: LicenseInputError.self) { try Self.parse(example.text) }
        #expect(error.description == example.message)
        #expect(error.code == "invalid-input")
    }

    @Test("a file that is not UTF-8 is refused")
    func notUTF8() throws {
        let error = try #require(throws: LicenseInputError.self) { try UserCSV.parse(Data([0x75, 0xff, 0xfe, 0x0a])) }
        #expect(error.description == "invalid CSV: not UTF-8 text")
    }
}
