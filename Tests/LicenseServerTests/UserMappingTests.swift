import Foundation
import LicenseCore
import Testing

@testable import LicenseServer

/// The users routes build the document's types field by field (no JSON round trip): the answer must stay the bytes
/// the core's report encodes to, for every user type, module source and optional field.
@Suite("The document's user built from the core's report")
struct UserMappingTests {
    static let modules: [[String: String]] = [
        ["module": "superoffice.user", "owner": "SUPEROFFICE", "name": "user", "source": "assigned"],
        ["module": "superoffice.web", "owner": "SUPEROFFICE", "name": "web", "source": "plan"],
        ["module": "superoffice.site", "owner": "SUPEROFFICE", "name": "site", "source": "site"],
    ]

    @Test("same JSON as the report", arguments: UserType.allCases, [true, false])
    func sameBytes(_ type: UserType, withOptionals: Bool) throws {
        // Given a report of the core (made from its JSON: its initialiser is the core's own)
        var fields: [String: Any] = [
            "id": 42, "userName": "ada", "type": type.rawValue, "canLogIn": withOptionals, "retired": !withOptionals,
            "waitingForApproval": withOptionals, "isAdministrator": !withOptionals,
            "modules": withOptionals ? Self.modules : [],
        ]
        if withOptionals {
            fields["displayName"] = "Ada \"Countess\" Lovelace / ø"
            fields["email"] = "ada@example.com"
        }
        let report = try JSONDecoder().decode(UserReport.self, from: try JSONSerialization.data(withJSONObject: fields))
        #expect(report.modules.count == (withOptionals ? 3 : 0))
        // When the document's user is built from it, then it encodes to the report's bytes
        let expected = try JSONResponse.encoder.encode(report)
        let mapped = try JSONResponse.encoder.encode(Components.Schemas.User(report))
        #expect(String(decoding: mapped, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }
}
