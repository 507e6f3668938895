import Foundation
import LicenseCore
import Testing

@testable import LicenseServer

/// How the admin pages word what the core and the store say (issue 17, items 8 and 9).
@Suite("Admin wording")
struct AdminWordingTests {
    @Test(
        "counts take the noun in the number they need",
        arguments: [
            (0, "0 other licenses are unchanged."), (1, "1 other license is unchanged."),
            (2, "2 other licenses are unchanged."), (1_200, "1,200 other licenses are unchanged."),
        ])
    func plural(_ value: Int, _ expected: String) {
        #expect(AdminFormat.count(value, "other license is unchanged.", "other licenses are unchanged.") == expected)
    }

    @Test("ISO 8601 times inside a message are written as the pages write dates")
    func timesInMessages() {
        let text = "the package of SUPEROFFICE was issued 2026-11-29T10:00:00Z, not after the active one (2026-12-01T08:30:00Z)"
        #expect(
            AdminFormat.humanize(text)
                == "the package of SUPEROFFICE was issued 2026-11-29 10:00 UTC, not after the active one (2026-12-01 08:30 UTC)")
    }

    @Test("a module key in a refusal is shown as its description with the key after it")
    func moduleKeysInMessages() {
        let labels: [ModuleKey: String] = [ModuleKey(owner: "SUPEROFFICE", module: "service-premium"): "Service Premium"]
        let text = "no free seat for superoffice.service-premium: 5 of 5 in use; superoffice.web is unknown; see example.com."
        #expect(
            AdminFormat.humanize(text) { labels[$0] }
                == "no free seat for Service Premium (superoffice.service-premium): 5 of 5 in use; superoffice.web is unknown; see example.com."
        )
    }

    @Test(
        "an actor is shown as a name, with where the change came from as secondary text",
        arguments: [
            ("admin:admin (web)", "admin", "admin pages"), ("cli:root", "root", "command line"),
            ("token:0123456789ab (deploy bot)", "deploy bot", "API token 0123456789ab"),
            ("system", "System", "the license server"),
        ])
    func actors(_ recorded: String, _ name: String, _ source: String) {
        let actor = AdminFormat.actor(recorded)
        #expect(actor.name == name)
        #expect(actor.source == source)
    }
}
