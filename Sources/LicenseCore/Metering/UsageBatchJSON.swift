import Foundation

/// A usage batch `{"events": [...]}` read straight from its bytes: the hot path of ingestion (DESIGN §8).
///
/// It reads only the plain form of a batch — the keys of `UsageEvent`, each at most once; strings of printable
/// ASCII without escapes; integer quantities; dates `YYYY-MM-DDTHH:MM:SSZ` — and answers `nil` for anything else.
/// The caller then decodes the body with `JSONInput.decoder` and gets the same values or the error it always got:
/// this reader never accepts a body the decoder refuses and never reads a value differently. Its nesting is fixed at
/// three levels, so a body it reads needs no depth check.
public enum UsageBatchJSON {
    /// The events of a plain batch, or nil when the body needs the full decoder.
    public static func events(_ bytes: UnsafeRawBufferPointer) -> [UsageEvent]? {
        var reader = Reader(bytes: bytes)
        return reader.batch()
    }

    public static func events(_ data: Data) -> [UsageEvent]? {
        data.withUnsafeBytes { events($0) }
    }

    /// A whole-second UTC date `YYYY-MM-DDTHH:MM:SSZ` of the years 1970–9999, as `ISO8601.date` reads it; nil for
    /// any other form and for dates that do not exist (the caller then asks `ISO8601.date`).
    public static func date(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { date(UnsafeRawBufferPointer($0)) }
    }

    static func date(_ b: UnsafeRawBufferPointer) -> Date? {
        guard b.count == 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x5A else {
            return nil
        }
        func number(_ from: Int, _ length: Int) -> Int? {
            var value = 0
            for i in from..<(from + length) {
                let digit = Int(b[i]) &- 0x30
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2),
            (1970...9999).contains(year), (1...12).contains(month), day >= 1, day <= daysIn(month, of: year),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let days = Month.days(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static let batchKey = Array("events".utf8)
    private static let idKey = Array("id".utf8)
    private static let serviceKey = Array("service".utf8)
    private static let quantityKey = Array("quantity".utf8)
    private static let occurredAtKey = Array("occurredAt".utf8)
    private static let subjectKey = Array("subject".utf8)
    private static let null = Array("null".utf8)

    // MARK: - Reader

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var at = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func batch() -> [UsageEvent]? {
            guard take(0x7B) else { return nil }
            var events: [UsageEvent]?
            repeat {
                guard let key = plainString(), matches(key, batchKey), events == nil, take(0x3A),
                    let list = eventList()
                else { return nil }
                events = list
            } while take(0x2C)
            guard take(0x7D) else { return nil }
            skipSpace()
            return at == bytes.count ? events : nil
        }

        mutating func eventList() -> [UsageEvent]? {
            guard take(0x5B) else { return nil }
            var events: [UsageEvent] = []
            events.reserveCapacity(MeteringRule.batchLimit)
            if take(0x5D) { return events }
            repeat {
                guard let event = event() else { return nil }
                events.append(event)
            } while take(0x2C)
            return take(0x5D) ? events : nil
        }

        mutating func event() -> UsageEvent? {
            guard take(0x7B) else { return nil }
            var id: String?
            var service: String?
            var quantity: Int64?
            var occurredAt: Date?
            var subject: String?
            var hasSubject = false
            repeat {
                guard let key = plainString(), take(0x3A) else { return nil }
                if matches(key, idKey), id == nil, let value = plainString() {
                    id = string(value)
                } else if matches(key, serviceKey), service == nil, let value = plainString() {
                    service = string(value)
                } else if matches(key, quantityKey), quantity == nil, let value = integer() {
                    quantity = value
                } else if matches(key, occurredAtKey), occurredAt == nil, let value = plainString(),
                    let date = UsageBatchJSON.date(UnsafeRawBufferPointer(rebasing: bytes[value]))
                {
                    occurredAt = date
                } else if matches(key, subjectKey), !hasSubject {
                    hasSubject = true
                    if peek() == 0x6E {
                        guard literal(null) else { return nil }
                    } else {
                        guard let value = plainString() else { return nil }
                        subject = string(value)
                    }
                } else {
                    return nil
                }
            } while take(0x2C)
            guard take(0x7D), let id, let service, let quantity, let occurredAt else { return nil }
            return UsageEvent(id: id, service: service, quantity: quantity, occurredAt: occurredAt, subject: subject)
        }

        // MARK: Tokens

        mutating func skipSpace() {
            while at < bytes.count {
                switch bytes[at] {
                case 0x20, 0x09, 0x0A, 0x0D: at += 1
                default: return
                }
            }
        }

        mutating func peek() -> UInt8? {
            skipSpace()
            return at < bytes.count ? bytes[at] : nil
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek() == byte else { return false }
            at += 1
            return true
        }

        mutating func literal(_ word: [UInt8]) -> Bool {
            skipSpace()
            guard bytes.count - at >= word.count else { return false }
            for (offset, byte) in word.enumerated() where bytes[at + offset] != byte { return false }
            at += word.count
            return true
        }

        /// A string of printable ASCII without escapes: the range of its bytes between the quotes.
        mutating func plainString() -> Range<Int>? {
            guard take(0x22) else { return nil }
            let start = at
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                if byte == 0x22 { return start..<(at - 1) }
                guard byte >= 0x20, byte < 0x7F, byte != 0x5C else { return nil }
            }
            return nil
        }

        /// An integer without fraction, exponent or leading zeros that fits in `Int64`.
        mutating func integer() -> Int64? {
            skipSpace()
            let isNegative = at < bytes.count && bytes[at] == 0x2D
            if isNegative { at += 1 }
            let start = at
            var value: Int64 = 0
            while at < bytes.count, (0x30...0x39).contains(bytes[at]) {
                let digit = Int64(bytes[at] - 0x30)
                let (shifted, overflowed) = value.multipliedReportingOverflow(by: 10)
                let (next, overflowedAgain) =
                    isNegative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
                guard !overflowed, !overflowedAgain else { return nil }
                value = next
                at += 1
            }
            let length = at - start
            guard length > 0, length == 1 || bytes[start] != 0x30, !(isNegative && value == 0) else { return nil }
            // A fraction or an exponent: the decoder's to read or refuse.
            if at < bytes.count, bytes[at] == 0x2E || bytes[at] == 0x65 || bytes[at] == 0x45 { return nil }
            return value
        }

        func matches(_ range: Range<Int>, _ key: [UInt8]) -> Bool {
            guard range.count == key.count else { return false }
            for (offset, byte) in key.enumerated() where bytes[range.lowerBound + offset] != byte { return false }
            return true
        }

        func string(_ range: Range<Int>) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
    }
}
