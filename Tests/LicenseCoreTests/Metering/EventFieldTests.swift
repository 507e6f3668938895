import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Metering: the limits of an event's id and subject, character by character")
struct EventFieldTests {
    static let services: [String: MeteredService] = [
        "mailing-emails": MeteredService.builtIn[1],
        "visitors": MeteredService(name: "visitors", aggregation: .unique, unit: "visitors"),
    ]

    static func reasons(id: String = "id", service: String = "mailing-emails", subject: String? = nil) -> [String] {
        MeteringRule.validate([Fixtures.usageEvent(id, service, subject: subject)], services: services, now: Fixtures.now).map(
            \.reason)
    }

    static let idMessage = "id must be 1–128 printable ASCII characters"

    @Test(
        "an id is 1–128 characters from space to tilde",
        arguments: [
            (" ", true), ("~", true), (String(repeating: "x", count: 128), true), ("a b", true),
            (String((0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) }).prefix(128).description, true),
            ("", false), (String(repeating: "x", count: 129), false), ("a\u{7F}", false), ("a\u{1F}", false),
            ("a\tb", false), ("a\r\nb", false), ("é", false), ("\u{00A0}", false), ("a\u{200B}", false), ("😀", false),
        ])
    func id(_ id: String, _ isValid: Bool) {
        #expect(Self.reasons(id: id) == (isValid ? [] : [Self.idMessage]), "\(id.debugDescription)")
    }

    @Test(
        "a unique-subject event needs a subject of 1–256 characters, counted as characters",
        arguments: [
            ("a", true), (String(repeating: "ø", count: 256), true), (String(repeating: "x", count: 256), true),
            ("", false), (String(repeating: "x", count: 257), false), (String(repeating: "ø", count: 257), false),
        ])
    func subject(_ subject: String, _ isValid: Bool) {
        let expected = isValid ? [] : ["a 'visitors' event needs a subject (1–256 characters)"]
        #expect(Self.reasons(service: "visitors", subject: subject) == expected)
    }
}
