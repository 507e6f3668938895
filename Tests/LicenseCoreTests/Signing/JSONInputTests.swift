import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Hostile JSON input")
struct JSONInputTests {
    struct Input: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var data: @Sendable () -> Data
        var mentions: String
    }

    static let validSpec: Data = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(Fixtures.sampleSpec())) ?? Data()
    }()

    static let inputs: [Input] = [
        Input(testDescription: "empty", data: { Data() }, mentions: "is empty"),
        Input(testDescription: "truncated", data: { validSpec.prefix(validSpec.count / 2) }, mentions: "not valid JSON"),
        Input(testDescription: "not JSON", data: { Data("owner: SUPEROFFICE".utf8) }, mentions: "not valid JSON"),
        Input(testDescription: "binary", data: { Data([0xFF, 0xFE, 0x00, 0x7B]) }, mentions: "not valid JSON"),
        Input(
            testDescription: "10 MB", data: { Data(("[" + String(repeating: "0,", count: 5_000_000) + "0]").utf8) },
            mentions: "larger than"),
        Input(
            testDescription: "10,000-deep nesting",
            data: { Data((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8) },
            mentions: "nested deeper than 32 levels"),
        Input(
            testDescription: "10,000-deep objects",
            data: { Data((String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)).utf8) },
            mentions: "nested deeper than 32 levels"),
        Input(testDescription: "a JSON array instead of an object", data: { Data("[]".utf8) }, mentions: "wrong type"),
        Input(
            testDescription: "a missing field", data: { Data(#"{"owner":"X","companyName":"c","modules":[]}"#.utf8) },
            mentions: "missing field 'serialNumber'"),
        Input(
            testDescription: "a bad date",
            data: { Data(#"{"owner":"X","companyName":"c","serialNumber":"s","issuedAt":"tomorrow","modules":[]}"#.utf8) },
            mentions: "issuedAt"),
    ]

    @Test("a bad spec file throws an input error with a clear message", arguments: inputs)
    func badSpec(_ input: Input) {
        let error = #expect(throws: LicenseInputError.self) { try PackageSpec.parse(input.data()) }

        #expect(error?.code == "malformed-package")
        #expect(error?.description.contains(input.mentions) == true, "\(error.map(String.init(describing:)) ?? "")")
        #expect(error?.description.hasPrefix("malformed license package: the package spec") == true)
    }

    @Test("the sample spec round-trips through its JSON form")
    func validSpecParses() throws {
        let spec = try PackageSpec.parse(Self.validSpec)
        #expect(spec.modules == Fixtures.sampleModules)
        #expect(spec.issuedAt == Fixtures.issuedAt)
    }

    @Test("brackets inside strings do not count as nesting")
    func bracketsInStrings() throws {
        let text =
            #"{"owner":"X","companyName":"c","serialNumber":"s","description":""#
            + String(repeating: "[{", count: 100) + #"\"]}","modules":[]}"#
        let spec = try PackageSpec.parse(Data(text.utf8))
        #expect(spec.description?.hasPrefix("[{[{") == true)
    }

    @Test("a hostile payload inside a signed package is refused before it is decoded", arguments: [10_000, 33])
    func deepPayloadInPackage(depth: Int) throws {
        let payload = Data((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
        let jws = try JWS.sign(
            payload: payload, typ: "license+jws", kid: "SUPEROFFICE", key: Fixtures.superOfficeKey.privateKey())

        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(Data(jws.utf8), for: Fixtures.tenant(), now: Fixtures.now)
        }

        #expect(error?.description.contains("nested deeper than 32 levels") == true)
    }

    @Test("a package file over the size limit is refused without parsing")
    func hugePackage() {
        let data = Data(repeating: UInt8(ascii: "A"), count: 10_000_000)
        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(data, for: Fixtures.tenant(), now: Fixtures.now)
        }
        #expect(error?.description.contains("larger than 8 MiB") == true)
    }

    @Test("a deeply nested JWS header is refused, not followed")
    func deepJWSHeader() {
        let header = Base64URL.encode(Data((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8))
        let text = header + "." + Base64URL.encode(Data("{}".utf8)) + "." + Base64URL.encode(Data(count: 64))

        let error = #expect(throws: LicenseInputError.self) {
            try PackageVerifier.verify(Data(text.utf8), for: Fixtures.tenant(), now: Fixtures.now)
        }

        #expect(error?.code == "malformed-package")
    }

    static let badKeyFiles: [Input] = [
        Input(testDescription: "empty", data: { Data() }, mentions: "not a JSON Web Key"),
        Input(testDescription: "truncated", data: { Data("{".utf8) }, mentions: "not a JSON Web Key"),
        Input(testDescription: "an array", data: { Data("[]".utf8) }, mentions: "not a JSON Web Key"),
        Input(testDescription: "an RSA key", data: { Data(#"{"kty":"RSA"}"#.utf8) }, mentions: "not a JSON Web Key"),
        Input(
            testDescription: "8,000-deep nesting", data: { Data(String(repeating: "[", count: 8_000).utf8) },
            mentions: "not a JSON Web Key"),
        Input(
            testDescription: "20 KB", data: { Data(String(repeating: "x", count: 20_000).utf8) }, mentions: "larger than 16 KiB"),
        Input(
            testDescription: "an Ed25519 key with a short x", data: { Data(#"{"kty":"OKP","crv":"Ed25519","x":"AAAA"}"#.utf8) },
            mentions: "32-byte"),
    ]

    @Test("a key file that is not a usable JWK is an input error", arguments: badKeyFiles)
    func badKeyFile(_ input: Input) {
        let error = #expect(throws: LicenseInputError.self) { try SigningKeyJWK.parse(input.data()).publicKey() }
        #expect(error?.code == "invalid-input")
        #expect(error?.description.contains(input.mentions) == true, "\(error.map(String.init(describing:)) ?? "")")
    }

    @Test(
        "module references are parsed as OWNER.MODULE",
        arguments: [
            ("superoffice.web", "SUPEROFFICE", "web"), ("SuperOffice.Chat-Cal", "SUPEROFFICE", "chat-cal"),
            (" acme.x ", "ACME", "x"),
        ])
    func moduleKeys(text: String, owner: String, module: String) throws {
        let key = try ModuleKey(parsing: text)
        #expect(key.owner == owner && key.module == module)
    }

    @Test("malformed module references are refused", arguments: ["web", ".web", "superoffice.", "", "a b.web", "so.w/eb"])
    func badModuleKeys(text: String) {
        #expect(throws: LicenseInputError.self) { try ModuleKey(parsing: text) }
    }
}
