import Foundation
import Hummingbird
import LicenseCore
import LicenseStore
import Prometheus

/// The hot paths of `/api/v1/tenants/{tenant}/users/{user}`, registered by hand (openapi.yaml still describes them,
/// `tags: checks`): the check answers from the snapshot with a prepared response, and the login check.
struct ChecksController {
    let snapshots: SnapshotCache
    let checks: CheckMetrics

    struct LoginCheckBody: Decodable {
        var client: LoginClient
    }

    func register(on group: RouterGroup<LicenseRequestContext>) {
        // The hot path: one snapshot look-up, no database, a prepared response.
        group.get("users/:userName/licenses/:owner/:module") { _, context in
            try context.require(.check)
            let (name, key) = try CheckResponses.userAndModule(context)
            let decision = try await snapshots.snapshot(try context.tenant()).check(userName: name, module: key)
            checks.record(decision.granted)
            return CheckResponses.response(for: decision)
        }
        group.post("users/:userName/login-check") { request, context in
            try context.require(.check)
            let name = try PathValue.name(try PathValue.decoded(context, "userName"), field: "userName")
            let body = try await request.decodeJSON(LoginCheckBody.self, context: context)
            let decision = try await snapshots.snapshot(try context.tenant()).loginCheck(userName: name, client: body.client)
            return try JSONResponse.make(decision)
        }
    }
}

/// Checks granted and denied, for `/metrics`.
struct CheckMetrics: Sendable {
    let granted: Prometheus.Counter
    let denied: Prometheus.Counter

    init(registry: PrometheusCollectorRegistry) {
        granted = registry.makeCounter(descriptor: MetricNames.checks, labels: [("result", "granted")])
        denied = registry.makeCounter(descriptor: MetricNames.checks, labels: [("result", "denied")])
    }

    func record(_ isGranted: Bool) { (isGranted ? granted : denied).increment() }
}

/// The check's answers, encoded once: the hot path returns a prepared response instead of running a JSON encoder.
enum CheckResponses {
    static let responses: [CheckReason: Response] = {
        var responses: [CheckReason: Response] = [:]
        for reason in CheckReason.allCases {
            let decision = CheckDecision(granted: reason == .granted, reason: reason)
            let body = ByteBuffer(bytes: (try? JSONResponse.encoder.encode(decision)) ?? Data())
            responses[reason] = Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
        }
        return responses
    }()

    static func response(for decision: CheckDecision) -> Response {
        responses[decision.reason]
            ?? Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer()))
    }

    /// The user and module of the check's path: `PathValue.decoded(context, "userName")` validated as a name (422
    /// beyond the document's limits, as on every other route) and `PathValue.module(context)`, with a fast path for the
    /// usual names.
    ///
    /// The path values are found by scanning the matched parameters (a look-up by name hashes the name and costs more
    /// than the check itself). Plain ASCII names of letters, digits, `-` and `_` (1–64 bytes) are valid owner
    /// and module names as they are, so only other names take the general path with its decoding, validation and errors.
    static func userAndModule(_ context: LicenseRequestContext) throws -> (user: String, module: ModuleKey) {
        let user = context.pathParameter("userName")
        let owner = context.pathParameter("owner")
        let module = context.pathParameter("module")
        guard let user, let owner, let module else {
            let name = try PathValue.name(try PathValue.decoded(context, "userName"), field: "userName")
            return (name, try PathValue.module(context))
        }
        let name = try PathValue.decode(String(user), parameter: "userName")
        if !isPlainUserName(name) { _ = try PathValue.name(name, field: "userName") }
        let ownerName = String(owner)
        let moduleName = String(module)
        guard isPlainName(ownerName), isPlainName(moduleName) else { return (name, try PathValue.module(context)) }
        return (name, ModuleKey(owner: ownerName, module: moduleName))
    }

    /// Whether `name` is a valid user name by a look at its bytes alone: 1–128 printable ASCII characters but `/` and
    /// `\`, no space at either end, not `.` or `..`. Other names are validated in full (`PathValue.name`).
    private static func isPlainUserName(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { bytes in
            guard (1...128).contains(bytes.count), bytes.first != UInt8(ascii: " "), bytes.last != UInt8(ascii: " ") else {
                return false
            }
            guard bytes.count > 2 || bytes.contains(where: { $0 != UInt8(ascii: ".") }) else { return false }
            return bytes.allSatisfy { byte in
                (0x20...0x7e).contains(byte) && byte != UInt8(ascii: "/") && byte != UInt8(ascii: "\\")
            }
        }
    }

    private static func isPlainName(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { bytes in
            (1...64).contains(bytes.count)
                && bytes.allSatisfy { byte in
                    switch byte {
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                        true
                    default: false
                    }
                }
        }
    }
}
