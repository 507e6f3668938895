import Foundation
import Hummingbird
import HummingbirdTesting
import LicenseTestSupport
import NIOCore
import Testing

// A small HTTP client for live servers: one connection per request, the path sent exactly as written (no
// normalisation, so `..` and `%2F` reach the server as a hostile client would send them).

/// One answer of the server.
struct HTTPResult: Sendable, CustomStringConvertible {
    var method: HTTPRequest.Method
    var path: String
    var status: Int
    var headers: HTTPFields
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    var description: String { "\(method) \(path.prefix(200)) → \(status) \(text.prefix(600))" }

    /// The body as a JSON object; throws (naming the request) when it is not one.
    func object() throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw HarnessError("the body is not a JSON object: \(self)")
        }
        return object
    }

    /// The body decoded as `T`, with ISO 8601 dates as the server writes them.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try HTTPResult.decoder.decode(T.self, from: body)
        } catch {
            throw HarnessError("the body is not a \(T.self): \(error)\n\(self)")
        }
    }

    /// `error.code` of the API's error shape, or nil when the body is not that shape.
    var errorCode: String? {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let error = object["error"] as? [String: Any]
        else { return nil }
        return error["code"] as? String
    }

    /// True when the body is exactly `{"error": {"code": String, "message": String}}`.
    var hasErrorShape: Bool {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], object.count == 1,
            let error = object["error"] as? [String: Any], error["code"] is String, error["message"] is String
        else { return false }
        return true
    }

    var isSuccess: Bool { (200..<300).contains(status) }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// Sends requests to a server on `host:port`.
struct APIClient: Sendable {
    var host: String
    var port: Int
    var timeout: Duration = .seconds(30)

    var baseURL: String { "http://\(host):\(port)" }

    /// Sends one request on a new connection and returns the whole answer.
    func send(
        _ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: String? = nil, body: Data? = nil,
        headers: HTTPFields = [:]
    ) async throws -> HTTPResult {
        var fields = headers
        if let token { fields[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let json {
            fields[.contentType] = "application/json"
            buffer = ByteBuffer(string: json)
        } else if let body {
            buffer = ByteBuffer(bytes: body)
        }
        let request = TestClient.Request(path, method: method, authority: "\(host):\(port)", headers: fields, body: buffer)
        let response = try await TestClient.withClient(
            host: host, port: port, configuration: .init(timeout: timeout)
        ) { client in
            try await client.execute(request)
        }
        return HTTPResult(
            method: method, path: path, status: Int(response.status.code), headers: response.headers,
            body: response.body.map { Data($0.readableBytesView) } ?? Data())
    }

    func get(_ path: String, token: String? = nil) async throws -> HTTPResult {
        try await send(.get, path, token: token)
    }
}

/// How a wait for a condition went.
struct Waited: Sendable {
    /// When the condition was first seen to hold (measured at the start of that poll), or nil if it never did.
    var elapsed: Duration?
    /// The longest single poll: how responsive the machine and the server were meanwhile.
    var slowestPoll: Duration
}

/// Polls `condition` every 50 ms until it holds or `limit` has passed.
func poll(until limit: Duration, _ condition: @Sendable () async throws -> Bool) async throws -> Waited {
    let clock = ContinuousClock()
    let start = clock.now
    var slowest = Duration.zero
    while true {
        let pollStart = clock.now
        let holds = try await condition()
        slowest = max(slowest, clock.now - pollStart)
        if holds { return Waited(elapsed: pollStart - start, slowestPoll: slowest) }
        if clock.now - start >= limit { return Waited(elapsed: nil, slowestPoll: slowest) }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// Polls `condition` every 50 ms until it holds or `limit` has passed; returns when it held, or nil.
func eventually(within limit: Duration, _ condition: @Sendable () async throws -> Bool) async throws -> Duration? {
    try await poll(until: limit, condition).elapsed
}

/// Expects `condition` to hold within `limit`, the bound the server promises (a second for changes made elsewhere:
/// another node, the CLI, a revoked token), and fails at that bound.
///
/// Tests that call it run one at a time after the parallel suites (scripts/test), so the bound is the product's and
/// no load from other tests excuses a miss. The failure names the slowest poll, to tell a slow server from a stale one.
func expectEventually(
    _ what: String, within limit: Duration = .seconds(1), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: @Sendable () async throws -> Bool
) async throws {
    let waited = try await poll(until: limit, condition)
    if waited.elapsed == nil {
        Issue.record(
            "\(what): not within \(limit) (the slowest poll took \(waited.slowestPoll))", sourceLocation: sourceLocation)
    }
}
