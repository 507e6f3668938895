import Foundation
import Testing

@testable import LicenseStoreEngine

/// The change log's body is written by hand into JSON (a write makes one each time) and read back with `JSONDecoder`.
@Suite("Change-log bodies")
struct ChangeLogBodyTests {
    static let texts = [
        "", "plain", "quote \" and backslash \\ and slash /", "new\nline\ttab\r", "nul \u{0} and \u{1F} and \u{7F}",
        "æøå 日本 🎉", "</script>", "\\u0041 stays as written",
    ]

    @Test(
        "every value comes back as it was written: texts with anything in them, extreme integers, reals by bit pattern, blobs, nulls"
    )
    func roundTrip() throws {
        var rows: [(table: String, isInsert: Bool, row: SQLRow)] = []
        for (index, text) in Self.texts.enumerated() {
            let values: [SQLValue] = [
                .text(text), .integer(index.isMultiple(of: 2) ? Int64.max : Int64.min), .real(-0.0),
                .real(Double.nan), .real(Double.leastNonzeroMagnitude * 3), .blob(Array(text.utf8) + [0, 255]), .null,
            ]
            rows.append(
                (
                    "user", index.isMultiple(of: 3),
                    SQLRow(columns: SQLColumns(["name", "n", "z", "nan", "tiny", "bytes", "nothing"]), values: values)
                ))
        }
        let body = ChangeLogBody(rows)
        #expect(!body.requiresLoad)
        let text = try body.json()
        let decoded = try ChangeLogBody.decode(text)
        #expect(decoded.rows.count == body.rows.count)
        for (a, b) in zip(decoded.rows, body.rows) {
            #expect(a.table == b.table && a.isInsert == b.isInsert && a.columns == b.columns)
            // Bit for bit (NaN is not equal to itself as a Double)
            #expect(a.values.map { Self.bits($0.value) } == b.values.map { Self.bits($0.value) })
        }
        // And it is JSON any reader takes
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any])
    }

    @Test("a row of a table no change set carries makes a body that only asks for a load")
    func loadOnly() throws {
        let body = ChangeLogBody([("license_owner", true, SQLRow(columns: SQLColumns(["raw_package"]), values: [.text("…")]))])
        #expect(body.requiresLoad && body.rows.isEmpty)
        #expect(try ChangeLogBody.decode(body.json()) == body)
    }

    static func bits(_ value: SQLValue) -> String {
        switch value {
        case .null: "null"
        case .integer(let int): "i\(int)"
        case .real(let double): "r\(double.bitPattern)"
        case .text(let text): "t\(text)"
        case .blob(let bytes): "b\(bytes)"
        }
    }
}
