import Foundation
import LicenseCore

/// How the admin pages write dates, numbers and amounts: UTC, fixed formats, no locale surprises.
enum AdminFormat {
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `2025-06-01 14:05 UTC`, or an em dash for no date.
    static func dateTime(_ date: Date?) -> String {
        guard let date else { return "—" }
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// `2025-06-01 14:05` (UTC, for tables that say so once), or an em dash for no date.
    static func compactDateTime(_ date: Date?) -> String {
        guard let date else { return "—" }
        return String(dateTime(date).dropLast(4))
    }

    /// `2025-06-01`, or an em dash for no date.
    static func date(_ date: Date?) -> String {
        guard let date else { return "—" }
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    /// The date part and time part of a date as an `<input type="date">` and `<input type="time">` want them.
    static func inputParts(_ date: Date?) -> (date: String, time: String) {
        guard let date else { return ("", "") }
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return (
            String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0),
            String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
        )
    }

    /// A date from the two form inputs, read as UTC; nil when the date is blank.
    static func parseInput(date: String?, time: String?) throws -> Date? {
        guard let date, !date.isEmpty else { return nil }
        let dayParts = date.split(separator: "-").compactMap { Int($0) }
        guard dayParts.count == 3, (1970...9999).contains(dayParts[0]), (1...12).contains(dayParts[1]),
            (1...31).contains(dayParts[2])
        else { throw AdminError.invalid("The finish date must be a date such as 2025-06-30.") }
        var hour = 0
        var minute = 0
        if let time, !time.isEmpty {
            let timeParts = time.split(separator: ":").compactMap { Int($0) }
            guard timeParts.count >= 2, (0...23).contains(timeParts[0]), (0...59).contains(timeParts[1]) else {
                throw AdminError.invalid("The finish time must be a time such as 17:30.")
            }
            hour = timeParts[0]
            minute = timeParts[1]
        }
        let components = DateComponents(year: dayParts[0], month: dayParts[1], day: dayParts[2], hour: hour, minute: minute)
        guard let result = calendar.date(from: components),
            calendar.component(.day, from: result) == dayParts[2]
        else { throw AdminError.invalid("The finish date \(date) does not exist.") }
        return result
    }

    /// `1,234,567`.
    static func number<T: BinaryInteger>(_ value: T) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(ch)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// `65.00 EUR`.
    static func money(_ amount: Decimal, _ currency: String) -> String {
        var value = amount
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        let number = NSDecimalNumber(decimal: rounded).doubleValue
        let whole = Int64(number.rounded(.towardZero))
        let cents = Int64((abs(number - Double(whole)) * 100).rounded())
        return "\(Self.number(whole)).\(String(format: "%02lld", cents)) \(currency)"
    }

    /// A service quantity in its unit: bytes as GiB/MiB, everything else as a grouped number and the unit.
    static func quantity(_ value: Int64, unit: String) -> String {
        if unit == "bytes" {
            if value == 0 { return "0 GiB" }
            let gib = Double(value) / Double(1 << 30)
            if gib >= 1 { return String(format: "%.1f GiB", gib) }
            let mib = Double(value) / Double(1 << 20)
            return String(format: "%.1f MiB", mib)
        }
        return "\(number(value)) \(unit)"
    }

    /// A month as `Jun 2025`.
    static func month(_ month: Month) -> String { "\(monthNames[month.month - 1]) \(month.year)" }

    static func moduleType(_ type: ModuleType) -> String {
        switch type {
        case .site: "System"
        case .satellite: "Satellite"
        case .user: "User"
        }
    }

    static func userType(_ type: UserType) -> String { type.rawValue.prefix(1).uppercased() + type.rawValue.dropFirst() }

    static func yesNo(_ value: Bool) -> String { value ? "Yes" : "No" }
}

// MARK: - Messages for people

extension AdminFormat {
    /// A message written for logs and the API, made to read like the rest of the page: ISO 8601 times as
    /// `dateTime` writes them, and module keys (`superoffice.service-premium`) as their description with the key after
    /// it (`Service Premium (superoffice.service-premium)`), for the modules `label` knows.
    static func humanize(_ text: String, label: (ModuleKey) -> String? = { _ in nil }) -> String {
        let times = #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/#
        var result = text.replacing(times) { match in
            ISO8601.date(String(match.output)).map { dateTime($0) } ?? String(match.output)
        }
        // What comes before a key is captured and given back: a key starts a word not preceded by `.`, `@` or `-`.
        let keys = #/(^|[^\w.@-])([A-Za-z0-9_-]+)\.([a-z0-9_-]*[a-z0-9_])(?![\w-])/#
        result = result.replacing(keys) { match in
            let key = ModuleKey(owner: String(match.output.2).uppercased(), module: String(match.output.3))
            guard let description = label(key), description != key.module else { return String(match.output.0) }
            return "\(match.output.1)\(description) (\(match.output.2).\(match.output.3))"
        }
        return result
    }

    /// The description of a module of the snapshot, for `humanize`.
    static func moduleLabel(in snapshot: TenantSnapshot?) -> (ModuleKey) -> String? {
        { key in snapshot?.owners[key.owner]?.modules[key.module]?.description }
    }

    /// "1 other license is", "3 other licenses are": a count with the noun in the number it needs.
    static func count(_ value: Int, _ singular: String, _ plural: String) -> String {
        "\(number(value)) \(value == 1 ? singular : plural)"
    }
}

// MARK: - Actors

extension AdminFormat {
    /// Who made a change, as the audit log and events record it (`admin:NAME (web)`, `cli:NAME`, `token:ID (NAME)`,
    /// `system`), split into the name people know and, as secondary text, where the change came from.
    static func actor(_ recorded: String) -> (name: String, source: String?) {
        if recorded.hasPrefix("admin:"), recorded.hasSuffix(" (web)") {
            return (String(recorded.dropFirst("admin:".count).dropLast(" (web)".count)), "admin pages")
        }
        if recorded.hasPrefix("cli:") { return (String(recorded.dropFirst("cli:".count)), "command line") }
        if recorded.hasPrefix("token:"), let open = recorded.firstIndex(of: "("), recorded.hasSuffix(")") {
            let id = recorded[recorded.index(recorded.startIndex, offsetBy: "token:".count)..<open]
                .trimmingCharacters(in: .whitespaces)
            let name = recorded[recorded.index(after: open)..<recorded.index(before: recorded.endIndex)]
            return (String(name), "API token \(id)")
        }
        if recorded.hasPrefix("scim:") { return (String(recorded.dropFirst("scim:".count)), "provisioning") }
        switch recorded {
        case "system": return ("System", "the license server")
        case "demo": return ("Demo setup", "licensing demo")
        default: return (recorded, nil)
        }
    }
}
