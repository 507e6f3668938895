import Foundation
import Hummingbird

/// A posted form: `application/x-www-form-urlencoded` fields, or `multipart/form-data` fields and files.
///
/// Every value is kept (checkboxes repeat a name); unknown content types give an empty form, which then fails the
/// CSRF check.
struct AdminForm: Sendable {
    struct File: Sendable {
        var fileName: String
        var data: Data
    }

    private(set) var fields: [(name: String, value: String)] = []
    private(set) var files: [String: File] = [:]

    /// The first value of a field, trimmed; nil when absent or blank.
    subscript(_ name: String) -> String? {
        guard let value = fields.first(where: { $0.name == name })?.value.trimmingCharacters(in: .whitespacesAndNewlines),
            !value.isEmpty
        else { return nil }
        return value
    }

    /// Every value of a repeated field (checkboxes), blanks left out.
    func all(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value).filter { !$0.isEmpty }
    }

    /// A checkbox: present means on.
    func isOn(_ name: String) -> Bool { fields.contains { $0.name == name } }

    /// The field's text without trimming, for multi-line descriptions.
    func text(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    func file(_ name: String) -> File? { files[name] }

    // MARK: - Parsing

    static func parse(_ request: Request, limit: Int) async throws -> AdminForm {
        let buffer = try await request.body.collect(upTo: limit)
        let data = Data(buffer.readableBytesView)
        let contentType = request.headers[.contentType] ?? ""
        let lower = contentType.lowercased()
        if lower.hasPrefix("application/x-www-form-urlencoded") {
            return AdminForm(fields: urlEncoded(String(decoding: data, as: UTF8.self)))
        }
        if lower.hasPrefix("multipart/form-data"), let boundary = parameter("boundary", in: contentType) {
            return multipart(data, boundary: boundary)
        }
        return AdminForm()
    }

    init() {}

    init(fields: [(name: String, value: String)], files: [String: File] = [:]) {
        self.fields = fields
        self.files = files
    }

    static func urlEncoded(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// A parameter of a header value such as `multipart/form-data; boundary=xyz`.
    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name.lowercased() else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    /// RFC 7578: parts separated by `--boundary`, each with headers, a blank line and the content.
    static func multipart(_ data: Data, boundary: String) -> AdminForm {
        let bytes = [UInt8](data)
        let delimiter = Array("--\(boundary)".utf8)
        var form = AdminForm()
        var positions: [Int] = []
        var index = 0
        while let found = find(delimiter, in: bytes, from: index) {
            positions.append(found)
            index = found + delimiter.count
        }
        guard positions.count >= 2 else { return form }
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            // Skip the line break after the delimiter.
            if partStart + 1 < bytes.count, bytes[partStart] == 13, bytes[partStart + 1] == 10 { partStart += 2 }
            var partEnd = end
            // The line break before the next delimiter belongs to the delimiter.
            if partEnd >= 2, bytes[partEnd - 2] == 13, bytes[partEnd - 1] == 10 { partEnd -= 2 }
            guard partStart <= partEnd, let split = find([13, 10, 13, 10], in: bytes, from: partStart), split <= partEnd else {
                continue
            }
            let headerText = String(decoding: bytes[partStart..<split], as: UTF8.self)
            let content = Data(bytes[(split + 4)..<max(split + 4, partEnd)])
            var name: String?
            var fileName: String?
            for line in headerText.split(separator: "\r\n") {
                let pieces = line.split(separator: ":", maxSplits: 1)
                guard pieces.count == 2, pieces[0].lowercased() == "content-disposition" else { continue }
                let value = "x;" + pieces[1]
                name = parameter("name", in: value)
                fileName = parameter("filename", in: value)
            }
            guard let name else { continue }
            if let fileName {
                form.files[name] = File(fileName: fileName, data: content)
            } else {
                form.fields.append((name, String(decoding: content, as: UTF8.self)))
            }
        }
        return form
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
