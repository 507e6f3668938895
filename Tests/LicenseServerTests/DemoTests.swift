import Foundation
import Hummingbird
import LicenseTestSupport
import Testing

/// `licensing demo` as a new administrator starts it: output to a file, the README's curl examples, the shipped
/// upgrade packages and the seeded usage (issue 17, items 1–4).
@Suite("The demo", .serialized)
struct DemoTests {
    /// A running `licensing demo` on a free loopback port, its data in a directory of its own named `licensing-data`
    /// (as the README's paths expect), removed with it.
    struct Demo {
        let child: ChildProcess
        let port: Int
        /// The folder holding `licensing-data`: the README's commands run here.
        let folder: URL

        var data: URL { folder.appendingPathComponent("licensing-data") }
        var client: APIClient { APIClient(host: "127.0.0.1", port: port) }

        func file(_ name: String) throws -> String {
            try String(contentsOf: data.appendingPathComponent("demo/\(name)"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        static func with<T>(_ body: (Demo) async throws -> T) async throws -> T {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("licensing-demo-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let port = try freeLoopbackPort()
            let child = try ChildProcess(
                [
                    "demo", "--data", folder.appendingPathComponent("licensing-data").path, "--host", "127.0.0.1", "--port",
                    String(port),
                ],
                environment: Licensing.environment, watched: true)
            let demo = Demo(child: child, port: port, folder: folder)
            do {
                let result = try await body(demo)
                child.send(SIGTERM)
                _ = try await child.wait(timeout: .seconds(60))
                return result
            } catch {
                child.kill9()
                _ = try? await child.wait()
                throw error
            }
        }

        /// Waits for `/health` to answer 200.
        func waitUntilHealthy(timeout: Duration = .seconds(120)) async throws {
            let waited = try await poll(until: timeout) {
                if child.hasEnded { return true }
                return (try? await client.get("/health").status) == 200
            }
            if child.hasEnded { throw HarnessError("licensing demo ended: \(try await child.wait())") }
            guard waited.elapsed != nil else { throw HarnessError("no answer from /health within \(timeout)") }
        }
    }

    @Test("with its output going to a file, the demo prints its address, admin user and token at once", .timeLimit(.minutes(3)))
    func outputReachesAFileAtOnce() async throws {
        try await Demo.with { demo in
            try await demo.waitUntilHealthy()
            let password = try demo.file("admin-password")
            let token = try demo.file("admin-token")

            // Within 5 s of /health answering, everything the operator needs is in the file
            let waited = try await poll(until: .seconds(5)) {
                let output = demo.child.stdoutSoFar
                return output.contains("http://127.0.0.1:\(demo.port)/") && output.contains("admin / \(password)")
                    && output.contains(token)
            }
            #expect(waited.elapsed != nil, "stdout after 5 s: \(demo.child.stdoutSoFar)")
        }
    }

    @Test(
        "the README's curl examples run against the demo; the shipped upgrade previews with canBeActivated",
        .timeLimit(.minutes(3)))
    func readmeCurlExamples() async throws {
        let readme = try String(contentsOf: LicensingBinary.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: #"T=$(cat licensing-data/demo/admin-token)"#))
        let end = try #require(readme.range(of: "\n```", range: start.lowerBound..<readme.endIndex))
        let examples = String(readme[start.lowerBound..<end.lowerBound])
        #expect(examples.contains("superoffice-upgrade.license"))

        try await Demo.with { demo in
            try await demo.waitUntilHealthy()
            // As written, but on the demo's port; each answer on a line of its own, and an HTTP error fails the script.
            let script = """
                set -euo pipefail
                cd '\(demo.folder.path)'
                curl() { command curl --silent --show-error --fail-with-body "$@"; echo; }
                \(examples.replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:\(demo.port)"))
                """
            let result = try await runShell(script)
            #expect(result.status == 0, "a README curl example failed:\n\(result.output)")
            let lines = result.output.split(separator: "\n")
            #expect(lines.count >= 8, "\(result.output)")
            func has(_ line: Substring?, _ pattern: String) -> Bool {
                line?.range(of: pattern, options: .regularExpression) != nil
            }
            #expect(has(lines.first, #""granted"\s*:\s*true"#), "\(result.output)")
            // The preview of the shipped upgrade, then its activation
            #expect(lines.filter { has($0, #""canBeActivated"\s*:\s*true"#) }.count == 2, "\(result.output)")
            let licenses = try await demo.client.get("/api/v1/tenants/demo/licenses", token: demo.file("admin-token")).object()
            let owners = try #require(licenses["owners"] as? [[String: Any]])
            let superOffice = try #require(owners.first { $0["name"] as? String == "SUPEROFFICE" })
            let modules = try #require(superOffice["modules"] as? [[String: Any]])
            #expect(modules.contains { $0["name"] as? String == "ai-assistant" }, "the upgrade was not activated")
            #expect(modules.first { $0["name"] as? String == "sales-premium" }?["total"] as? Int == 15)
        }
    }

    @Test(
        "the demo ships a package that falls short, and a year of usage with a month over its allowance", .timeLimit(.minutes(3)))
    func shortfallAndUsage() async throws {
        try await Demo.with { demo in
            try await demo.waitUntilHealthy()
            let token = try demo.file("admin-token")
            let api = "/api/v1/tenants/demo"

            // The shortfall package cannot be activated until one Windows client license is removed
            let shortfall = try await demo.client.send(
                .post, "\(api)/licenses/preview", token: token, body: Data(demo.file("superoffice-shortfall.license").utf8))
            #expect(shortfall.status == 200, "\(shortfall)")
            let preview = try shortfall.object()
            #expect(preview["canBeActivated"] as? Bool == false, "\(shortfall)")
            let diffs = try #require(preview["modules"] as? [[String: Any]])
            let windows = try #require(diffs.first { $0["name"] as? String == "windows" })
            #expect(windows["mustRemove"] as? Int == 1, "\(windows)")
            #expect(diffs.first { $0["name"] as? String == "ai-assistant" }?["added"] as? Int == 10)

            // Every service has usage in each of the eleven past months, and each is over its allowance in one of them
            var month = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
            var overMonths: [String: Int] = [:]
            for _ in 1...11 {
                month.month! -= 1
                if month.month! == 0 { (month.month, month.year) = (12, month.year! - 1) }
                let name = String(format: "%04d-%02d", month.year!, month.month!)
                let report = try await demo.client.get("\(api)/usage?month=\(name)", token: token).object()
                let services = try #require(report["services"] as? [[String: Any]], "\(report)")
                for service in services {
                    let serviceName = try #require(service["service"] as? String)
                    #expect((service["usage"] as? Int ?? 0) > 0, "\(serviceName) has no usage in \(name)")
                    if (service["overageUnits"] as? Int ?? 0) > 0 { overMonths[serviceName, default: 0] += 1 }
                }
                if name == Self.monthsAgo(1) {
                    let invoice = try await demo.client.get("\(api)/usage/invoice?month=\(name)", token: token).object()
                    #expect((invoice["total"] as? Double ?? 0) > 0, "the invoice preview of \(name) is empty: \(invoice)")
                }
            }
            #expect(
                overMonths == [
                    "storage": 1, "mailing-emails": 1, "customer-centre-logins": 1, "chat-sessions": 1, "form-submissions": 1,
                ], "\(overMonths)")
        }
    }

    static func monthsAgo(_ count: Int) -> String {
        var month = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        for _ in 0..<count {
            month.month! -= 1
            if month.month! == 0 { (month.month, month.year) = (12, month.year! - 1) }
        }
        return String(format: "%04d-%02d", month.year!, month.month!)
    }
}

/// A loopback port no one listens on now (the kernel's pick for port 0, released again).
func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw HarnessError("socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
        }
    }
    guard bound else { throw HarnessError("cannot bind a loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Runs a bash script to its end; stdout and stderr together, through a file.
func runShell(_ script: String) async throws -> (status: Int32, output: String) {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("licensing-shell-\(UUID().uuidString).out")
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    let handle = try FileHandle(forWritingTo: output)
    defer { try? handle.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", script]
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = handle
    process.standardError = handle
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    return (status, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
}
