import Foundation
import LicenseCore
import Testing

@Suite("Strict JSON reading: the grammar, the depth, no member twice")
struct StrictJSONTests {
    @Test(
        "valid JSON is read and the top-level member names come back in order",
        arguments: [
            (#"{"b":1,"a":[1,2,{"a":1,"b":2}],"c":{"a":{"a":null}}}"#, ["b", "a", "c"]),
            (#" { "x" : "\"quoted\" \\ \/ \b\f\n\r\t \u00e6" , "y" : -0.5e+10 } "#, ["x", "y"]),
            (#"{"a":true,"b":false,"c":null,"d":0,"e":-1.25E-3,"f":""}"#, ["a", "b", "c", "d", "e", "f"]),
            (#"{"same":{"same":{"same":1}}}"#, ["same"]),
            (#"[{"a":1},{"a":2}]"#, []),
            (#""just a string""#, []),
            (#"{}"#, []),
            (#"{"😀":1,"\ud83d\ude00x":2}"#, ["😀", "😀x"]),
        ])
    func valid(json: String, members: [String]) throws {
        #expect(try StrictJSON.scan(Data(json.utf8), maxDepth: 32) == members)
    }

    @Test(
        "a member twice in any object is named with where it is",
        arguments: [
            (#"{"serialNumber":"1","serialNumber":"2"}"#, "serialNumber", ""),
            (#"{"a":1,"b":2,"a":3}"#, "a", ""),
            (#"{"serial\u004eumber":"1","serialNumber":"2"}"#, "serialNumber", ""),
            (#"{"modules":[{"name":"web"},{"name":"user","count":1,"count":9}]}"#, "count", "modules[1]"),
            (#"{"owner":{"certificate":{"sub":"A","sub":"B"}}}"#, "sub", "owner.certificate"),
            (#"[[{"x":1,"\u0078":2}]]"#, "x", "[0][0]"),
        ])
    func duplicate(json: String, name: String, path: String) {
        #expect(throws: StrictJSON.Problem.duplicateMember(name: name, path: path)) {
            try StrictJSON.scan(Data(json.utf8), maxDepth: 32)
        }
    }

    @Test(
        "what is not one JSON value is refused",
        arguments: [
            "", "{", "}", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, "[1,]", "[1 2]", #"{"a":1}{"b":2}"#, #"{'a':1}"#, "{a:1}",
            "01", "1.", "-", ".5", "1e", "+1", "tru", "nul", "NaN", #""\x""#, #""\u12""#, "\"a\nb\"", #""open"#,
            "\u{FEFF}{}", "{\"a\":1} x",
        ])
    func notJSON(json: String) {
        let error = #expect(throws: StrictJSON.Problem.self) { try StrictJSON.scan(Data(json.utf8), maxDepth: 32) }
        if case .notJSON = error {
        } else {
            Issue.record("expected notJSON for \(json.debugDescription), got \(String(describing: error))")
        }
    }

    @Test("nesting up to the limit is read; one level more is refused")
    func depth() throws {
        let atLimit = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        let overLimit = "[" + atLimit + "]"
        let objects = String(repeating: #"{"a":"#, count: 33) + "1" + String(repeating: "}", count: 33)

        #expect(try StrictJSON.scan(Data(atLimit.utf8), maxDepth: 32) == [])
        #expect(throws: StrictJSON.Problem.tooDeep(limit: 32)) { try StrictJSON.scan(Data(overLimit.utf8), maxDepth: 32) }
        #expect(throws: StrictJSON.Problem.tooDeep(limit: 32)) { try StrictJSON.scan(Data(objects.utf8), maxDepth: 32) }
    }

    @Test("every document Foundation's encoder writes for a package is read the same way")
    func encoderOutputIsRead() throws {
        let object: [String: Any] = [
            "text": "line\nbreak \"quoted\" æøå 😀 \u{1}", "numbers": [0, -1, 1.5, 1e300], "nested": ["a": ["b": NSNull()]],
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])

        #expect(try StrictJSON.scan(data, maxDepth: 32) == ["nested", "numbers", "text"])
    }
}
