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
    static func module(_ context: LicenseRequestContext) throws -> ModuleKey {
        let owner = try context.parameters.require("owner")
        let module = try context.parameters.require("module")
        do {
            try Validate.ownerName(owner)
            try Validate.moduleName(module.lowercased())
        } catch {
            throw APIError.invalid(error.description)
        }
        return ModuleKey(owner: owner, module: module)
    }

    static func name(_ context: LicenseRequestContext, _ parameter: String, field: String) throws -> String {
        let value = try context.parameters.require(parameter)
        do { try Validate.identifier(value, field: field) } catch { throw APIError.invalid(error.description) }
        return value
    }
}
