import Foundation
import Testing

@testable import LicenseServer

/// `openapi.yaml` is the one source of the document; `/openapi.json` is its conversion at start-up.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    @Test("YAML scalars keep their types in JSON: quoted ones stay strings, plain ones resolve")
    func scalarTypes() throws {
        // Given YAML with status keys, versions, numbers, booleans, null and quoted look-alikes
        let yaml = """
            openapi: 3.1.0
            responses:
              '200': {description: OK}
            limits: {max: 9223372036854775807, ratio: 0.5, required: true, nothing: null}
            texts: ['null', 'true', '42', "1.5"]
            """
        // When it is converted
        let object = try JSONSerialization.jsonObject(with: try OpenAPIDocument.json(yaml: yaml)) as? [String: Any]
        // Then each value has the type YAML gives it
        #expect(object?["openapi"] as? String == "3.1.0")
        #expect((object?["responses"] as? [String: Any])?["200"] != nil)
        let limits = object?["limits"] as? [String: Any]
        #expect((limits?["max"] as? NSNumber)?.int64Value == Int64.max)
        #expect((limits?["ratio"] as? NSNumber)?.doubleValue == 0.5)
        #expect(limits?["required"] as? Bool == true)
        #expect(limits?["nothing"] is NSNull)
        #expect(object?["texts"] as? [String] == ["null", "true", "42", "1.5"])
    }

    @Test("the bundled openapi.yaml converts, with every operation and the shared error responses")
    func bundledDocument() throws {
        // When the bundled document is loaded as the server loads it
        let object = try JSONSerialization.jsonObject(with: try OpenAPIDocument.loadJSON()) as? [String: Any]
        // Then it is OpenAPI 3.1 with the API's paths and components
        #expect(object?["openapi"] as? String == "3.1.0")
        let paths = object?["paths"] as? [String: Any] ?? [:]
        #expect(paths["/api/v1/tenants/{tenant}/users/{userName}/licenses/{owner}/{module}"] != nil)
        let components = object?["components"] as? [String: Any]
        let responses = components?["responses"] as? [String: Any] ?? [:]
        #expect(Set(responses.keys).isSuperset(of: ["BadRequest", "Unauthorized", "NotFound", "InternalError"]))
    }

    @Test("a document that is not YAML of a mapping stops the load with a reason")
    func brokenDocument() {
        #expect(throws: (any Error).self) { try OpenAPIDocument.json(yaml: "openapi: [3.1.0") }
        #expect(throws: OpenAPIDocument.LoadError.self) { try OpenAPIDocument.json(yaml: "") }
    }
}
