import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Metering: a plain usage batch is read from its bytes exactly as the JSON decoder reads it")
struct UsageBatchJSONTests {
    struct Batch: Decodable {
        var events: [UsageEvent]
    }

    /// What the decoder makes of a body: its events, or nil when it refuses it.
    static func decoded(_ body: String) -> [UsageEvent]? {
        try? JSONInput.decoder.decode(Batch.self, from: Data(body.utf8)).events
    }

    static let plainBodies: [String] = [
        #"{"events":[{"id":"a-1","service":"mailing-emails","quantity":12,"occurredAt":"2026-06-01T11:59:00Z"}]}"#,
        #"{"events":[]}"#,
        """
         { "events" : [ { "occurredAt" : "2026-05-31T23:59:59Z" , "quantity" : 0 , "service" : "storage" , "id" : "x" } ,
        \t{"id":"","service":"visitors","quantity":-5,"occurredAt":"1970-01-01T00:00:00Z","subject":"s 1"} ] }\r\n
        """,
        #"{"events":[{"id":"n","service":"s","quantity":9223372036854775807,"occurredAt":"2024-02-29T12:00:00Z","subject":null}]}"#,
        #"{"events":[{"id":"m","service":"s","quantity":-9223372036854775808,"occurredAt":"9999-12-31T23:59:59Z"}]}"#,
        #"{"events":[{"id":"~!#$%&'()*+,-./:;<=>?@[]^_`{|}","service":"s","quantity":1,"occurredAt":"2000-02-29T00:00:00Z"}]}"#,
    ]

    @Test("a plain body gives the decoder's events", arguments: plainBodies)
    func plainBody(_ body: String) throws {
        let events = try #require(UsageBatchJSON.events(Data(body.utf8)))
        #expect(events == Self.decoded(body))
    }

    static let otherBodies: [(String, String)] = [
        ("", "empty"),
        ("{}", "no events"),
        (#"{"events":[{"id":"a","service":"s","quantity":1}]}"#, "a missing field"),
        (#"{"events":[{"id":"a","service":"s","quantity":1,"occurredAt":"2026-06-01T00:00:00Z"}],"more":1}"#, "another key"),
        (#"{"events":[],"events":[]}"#, "a repeated key"),
        (#"{"events":[{"id":"a","id":"b","service":"s","quantity":1,"occurredAt":"2026-06-01T00:00:00Z"}]}"#, "a repeated field"),
        (
            #"{"events":[{"id":"a","service":"s","quantity":1,"occurredAt":"2026-06-01T00:00:00Z","extra":true}]}"#,
            "an unknown field"
        ),
        (#"{"events":[{"id":"a\n","service":"s","quantity":1,"occurredAt":"2026-06-01T00:00:00Z"}]}"#, "an escape"),
        (#"{"events":[{"id":"møte","service":"s","quantity":1,"occurredAt":"2026-06-01T00:00:00Z"}]}"#, "non-ASCII"),
        (#"{"events":[{"id":"a","service":"s","quantity":1.0,"occurredAt":"2026-06-01T00:00:00Z"}]}"#, "a fraction"),
        (#"{"events":[{"id":"a","service":"s","quantity":1e3,"occurredAt":"2026-06-01T00:00:00Z"}]}"#, "an exponent"),
        (#"{"events":[{"id":"a","service":"s","quantity":01,"occurredAt":"2026-06-01T00:00:00Z"}]}"#, "a leading zero"),
        (#"{"events":[{"id":"a","service":"s","quantity":-0,"occurredAt":"2026-06-01T00:00:00Z"}]}"#, "minus zero"),
        (
            #"{"events":[{"id":"a","service":"s","quantity":9223372036854775808,"occurredAt":"2026-06-01T00:00:00Z"}]}"#,
            "overflow"
        ),
        (#"{"events":[{"id":"a","service":"s","quantity":"1","occurredAt":"2026-06-01T00:00:00Z"}]}"#, "a quoted number"),
        (#"{"events":[{"id":1,"service":"s","quantity":1,"occurredAt":"2026-06-01T00:00:00Z"}]}"#, "a number for a string"),
        (#"{"events":[{"id":"a","service":"s","quantity":1,"occurredAt":"2026-06-01T00:00:00+02:00"}]}"#, "an offset"),
        (#"{"events":[{"id":"a","service":"s","quantity":1,"occurredAt":"2026-06-01T00:00:00.5Z"}]}"#, "a fraction of a second"),
        (#"{"events":[{"id":"a","service":"s","quantity":1,"occurredAt":"2026-02-29T00:00:00Z"}]}"#, "no such day"),
        (#"{"events":[{"id":"a","service":"s","quantity":1,"occurredAt":"2026-06-01T24:00:00Z"}]}"#, "hour 24"),
        (#"{"events":[{"id":"a","service":"s","quantity":1,"occurredAt":"1969-12-31T23:59:59Z"}]}"#, "before 1970"),
        (#"{"events":[{"id":"a","service":"s","quantity":1,"occurredAt":"yesterday"}]}"#, "not a date"),
        (
            #"{"events":[{"id":"a","service":"s","quantity":1,"occurredAt":"2026-06-01T00:00:00Z","subject":nul}]}"#,
            "a broken null"
        ),
        (#"{"events":[{"id":"a","service":"s","quantity":1,"occurredAt":"2026-06-01T00:00:00Z"},]}"#, "a trailing comma"),
        (#"{"events":[{"id":"a","service":"s","quantity":1,"occurredAt":"2026-06-01T00:00:00Z"}]} x"#, "trailing bytes"),
        (#"{"events":[{"id":"a","service":"s","quantity":1,"occurredAt":"2026-06-01T00:00:00Z"}]"#, "cut short"),
        (#"{"events": "#, "cut shorter"),
        (#"[{"id":"a","service":"s","quantity":1,"occurredAt":"2026-06-01T00:00:00Z"}]"#, "an array"),
        (#"{"events":{"id":"a"}}"#, "an object for the list"),
    ]

    @Test("any other body is left to the decoder", arguments: otherBodies)
    func otherBody(_ body: String, _ why: String) {
        #expect(UsageBatchJSON.events(Data(body.utf8)) == nil, "\(why)")
    }

    @Test("whole-second UTC dates from 1970 to 9999 read as ISO8601.date reads them")
    func dates() throws {
        var seconds: Int64 = 0
        var checked = 0
        // Every ~3.7 days with a changing time of day, through leap days and month ends, to 2200; then the edges.
        while seconds < 7_258_118_400 {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let text = ISO8601.string(date)
            #expect(UsageBatchJSON.date(text) == date, "\(text)")
            #expect(UsageBatchJSON.date(text) == ISO8601.date(text), "\(text)")
            seconds += 320_417
            checked += 1
        }
        for text in ["1970-01-01T00:00:00Z", "2000-02-29T23:59:59Z", "2100-02-28T00:00:00Z", "9999-12-31T23:59:59Z"] {
            let date = try #require(ISO8601.date(text))
            #expect(UsageBatchJSON.date(text) == date, "\(text)")
        }
        #expect(checked > 20_000)
    }

    @Test(
        "other forms and impossible dates are left to ISO8601.date",
        arguments: [
            "2026-06-01T12:00:00", "2026-06-01 12:00:00Z", "2026-06-01T12:00:00.000Z", "2026-06-01T12:00:00+00:00",
            "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-04-31T00:00:00Z", "2100-02-29T00:00:00Z",
            "2026-06-01T12:60:00Z", "2026-06-01T12:00:60Z", "1969-12-31T23:59:59Z", "2026-06-01t12:00:00z",
            "+2026-06-01T12:00:0Z",
        ])
    func otherDates(_ text: String) {
        #expect(UsageBatchJSON.date(text) == nil)
    }
}
