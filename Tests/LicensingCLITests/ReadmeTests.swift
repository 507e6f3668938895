import Foundation
import LicenseTestSupport
import Testing

/// The README's example session, run as written: its `spec.json` and its commands, in a fresh directory, with the
/// built `licensing` first on `PATH` (issue 17, item 2).
@Suite("README")
struct ReadmeTests {
    /// The text of the fenced block of `language` that follows `marker` in the README.
    static func block(after marker: String, language: String) throws -> String {
        let readme = try String(contentsOf: CLI.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: marker), "the README has no '\(marker)'")
        let fence = try #require(
            readme.range(of: "```\(language)\n", range: start.upperBound..<readme.endIndex),
            "no ```\(language) block after '\(marker)'")
        let end = try #require(readme.range(of: "\n```", range: fence.upperBound..<readme.endIndex))
        return String(readme[fence.upperBound..<end.lowerBound])
    }

    @Test("the README's example session runs as written, every step succeeding", .timeLimit(.minutes(5)))
    func exampleSession() async throws {
        let session = try Self.block(after: "An example session", language: "sh")
        let spec = try Self.block(after: "`spec.json` (", language: "json")
        let commands = session.split(separator: "\n").filter { $0.hasPrefix("licensing ") }
        // keys → issue → init → preview → activate → users → assign → check → login-check → count-users → unassign →
        // verify → audit
        for step in [
            "issuer root-key", "issuer owner-key", "issuer issue", "init", "license preview", "license activate",
            "user add", "assign", "check", "login-check", "count-users", "unassign", "verify", "audit",
        ] {
            #expect(
                commands.contains { $0 == "licensing \(step)" || $0.hasPrefix("licensing \(step) ") },
                "the session has no 'licensing \(step)'")
        }

        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try Data(spec.utf8).write(to: sandbox.url.appendingPathComponent("spec.json"))
        let bin = sandbox.url.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: bin.appendingPathComponent("licensing"), withDestinationURL: try LicensingBinary.url())
        // `set -x` writes each command to stderr before it runs; `set -e` stops at the first that fails.
        let script = """
            set -euo pipefail
            cd '\(sandbox.url.path)'
            export PATH='\(bin.path)':"$PATH"
            set -x
            \(session)
            """
        let result = try await runProgram("/bin/bash", ["-c", script])

        #expect(result.exitCode == 0, "a step of the README's session failed:\n\(result)")
        let ran = result.stderr.split(separator: "\n").filter { $0.hasPrefix("+ licensing ") }
        #expect(ran.count == commands.count, "ran \(ran.count) of \(commands.count) commands:\n\(result)")
        #expect(result.stdout.contains("activated"), "\(result)")
        #expect(result.stdout.contains("ok: every row verifies"), "\(result)")
        #expect(result.stdout.range(of: #""allowed"\s*:\s*true"#, options: .regularExpression) != nil, "\(result)")
    }

    @Test("the README's spec lists its modules in sortOrder, and license preview prints them in that order")
    func previewOrder() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        try await fixture.initTenant()
        // Given a package whose modules share a sortOrder in an order that is not alphabetical
        let spec = PackageSpecFile(
            owner: Fixture.owner, description: "SuperOffice", companyName: Fixture.company, serialNumber: Fixture.serial,
            issuedAt: iso(fixture.baseTime),
            modules: [
                ModuleSpec(name: "zeta", type: "user", count: 1, sortOrder: 2),
                ModuleSpec(name: "web", type: "user", count: 1, sortOrder: 1),
                ModuleSpec(name: "user", type: "user", count: 1, sortOrder: 1),
                ModuleSpec(name: "alpha", type: "user", count: 1, sortOrder: 3),
            ])
        let package = try await fixture.issue(spec, as: "ordered")

        // When it is previewed
        let result = try await fixture.licensing("license", "preview", package).requireSuccess()

        // Then the rows follow sortOrder, and the package's own order where sortOrder ties
        let names = result.stdout.split(separator: "\n").compactMap { line in
            line.split(separator: " ").first.map(String.init)
        }.filter { ["zeta", "web", "user", "alpha"].contains($0) }
        #expect(names == ["web", "user", "zeta", "alpha"], "\(result)")
    }
}
