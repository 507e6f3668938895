import Foundation

/// The users of an import file (`licensing user import --csv`, `POST …/users/import`): RFC 4180 CSV, UTF-8, with a
/// header line naming the columns.
///
/// Columns: `userName` (required), `type` (`UserType`, default employee), `canLogIn` (true or false, default false),
/// `displayName`, `email`; an empty field leaves the default. Lines end with LF or CRLF; blank lines are skipped; a
/// leading byte order mark is ignored. Every problem is an input error naming the line (the header is line 1).
public enum UserCSV {
    /// The columns a file may have.
    public static let columns = ["userName", "type", "canLogIn", "displayName", "email"]

    /// The users of `data`, each checked as `NewUser.validate` checks it, no user name twice, at least one.
    public static func parse(_ data: Data) throws(LicenseInputError) -> [NewUser] {
        guard var text = String(data: data, encoding: .utf8) else {
            throw .invalid(field: "CSV", reason: "not UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let lines = try records(text)
        guard let header = lines.first, header.fields != [""] else {
            throw .invalid(field: "CSV", reason: "empty; the first line names the columns (userName, …)")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        for (index, name) in names.enumerated() {
            guard columns.contains(name) else {
                throw .invalid(
                    field: "CSV header", reason: "unknown column '\(name.prefix(40))'; known: \(columns.joined(separator: ", "))")
            }
            guard !names[..<index].contains(name) else { throw .invalid(field: "CSV header", reason: "column \(name) twice") }
        }
        guard let nameIndex = names.firstIndex(of: "userName") else {
            throw .invalid(field: "CSV header", reason: "no userName column")
        }
        let typeIndex = names.firstIndex(of: "type")
        let canLogInIndex = names.firstIndex(of: "canLogIn")
        let displayNameIndex = names.firstIndex(of: "displayName")
        let emailIndex = names.firstIndex(of: "email")

        var users: [NewUser] = []
        var lineOfUser: [String: Int] = [:]
        for record in lines.dropFirst() where record.fields != [""] {
            let line = record.line
            let row = record.fields
            guard row.count == names.count else {
                throw .invalid(
                    field: "CSV line \(line)",
                    reason: "\(row.count) field\(row.count == 1 ? "" : "s"), the header has \(names.count)")
            }
            func value(_ index: Int?) -> String? { index.flatMap { row[$0].isEmpty ? nil : row[$0] } }
            var user = NewUser(userName: row[nameIndex], displayName: value(displayNameIndex), email: value(emailIndex))
            if let type = value(typeIndex) {
                guard let parsed = UserType(rawValue: type) else {
                    throw .invalid(
                        field: "CSV line \(line)",
                        reason: "unknown user type '\(type.prefix(20))'; one of "
                            + UserType.allCases.map(\.rawValue).joined(separator: ", "))
                }
                user.type = parsed
            }
            if let flag = value(canLogInIndex) {
                guard let parsed = Bool(flag.lowercased()) else {
                    throw .invalid(field: "CSV line \(line)", reason: "canLogIn must be true or false")
                }
                user.canLogIn = parsed
            }
            do {
                try user.validate()
            } catch {
                throw .invalid(field: "CSV line \(line)", reason: error.description)
            }
            if let first = lineOfUser[user.userName] {
                throw .invalid(field: "CSV line \(line)", reason: "user '\(user.userName)' is also on line \(first)")
            }
            lineOfUser[user.userName] = line
            users.append(user)
        }
        guard !users.isEmpty else { throw .invalid(field: "CSV", reason: "no users after the header line") }
        return users
    }

    /// The records of `text` with the line each starts on; a quoted field may hold commas, quotes (doubled) and line
    /// breaks.
    static func records(_ text: String) throws(LicenseInputError) -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var start = 1
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: quoted = true
            case ",":
                fields.append(field)
                field = ""
            case "\n", "\r\n":
                fields.append(field)
                records.append((start, fields))
                fields = []
                field = ""
                line += 1
                start = line
            case "\r": break
            default: field.append(c)
            }
        }
        if quoted { throw .invalid(field: "CSV line \(start)", reason: "the file ends inside a quoted field") }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append((start, fields))
        }
        return records
    }
}
