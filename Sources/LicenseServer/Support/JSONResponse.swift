import Foundation
import Hummingbird
import LicenseCore

enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Parses path and query values into core values, answering 422 with the reason.
enum PathValue {
    /// A path parameter, percent-decoded: the router hands parameters over as they appear in the URI, so
    /// `users/Ola%20Nordmann` must name the user `Ola Nordmann`. 400 when the escapes are not UTF-8.
    static func decoded(_ context: LicenseRequestContext, _ parameter: String) throws -> String {
        let value = try context.parameters.require(parameter)
        return try decode(value, parameter: parameter)
    }

    static func decode(_ value: String, parameter: String) throws -> String {
        guard value.utf8.contains(UInt8(ascii: "%")) else { return value }
        guard let decoded = value.removingPercentEncoding else {
            throw APIError.badRequest("the path parameter \(parameter) is not valid percent-encoded UTF-8")
        }
        return decoded
    }

    static func module(_ context: LicenseRequestContext) throws -> ModuleKey {
        try module(owner: try decoded(context, "owner"), module: try decoded(context, "module"))
    }

    /// An owner and a module, decoded from the path: 422 when either is not a valid name.
    static func module(owner: String, module: String) throws -> ModuleKey {
        do {
            try Validate.ownerName(owner)
            try Validate.moduleName(module.lowercased())
        } catch {
            throw APIError.invalid(error.description)
        }
        return ModuleKey(owner: owner, module: module)
    }

    /// A name decoded from the path (a user's, a satellite's): 422 when it is not a valid identifier.
    static func name(_ value: String, field: String) throws -> String {
        do { try Validate.identifier(value, field: field) } catch { throw APIError.invalid(error.description) }
        return value
    }

    /// An event id: a positive whole number, else 422.
    static func eventID(_ text: String) throws -> Int64 {
        guard let id = Int64(text), id > 0 else { throw APIError.invalid("event ids are positive whole numbers") }
        return id
    }
}

/// Query parameters parsed strictly: a bad value is a 422 that names it.
enum QueryValue {
    static func bool(_ text: String, name: String) throws -> Bool {
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.invalid("query parameter \(name) must be true or false")
        }
    }

    static func int(_ text: String, name: String, range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw APIError.invalid("query parameter \(name) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}
