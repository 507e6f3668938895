import Foundation
import Hummingbird
import HummingbirdTesting
import LicenseCore
import Logging
import Testing

@testable import LicenseServer

/// The admin pages' templates are files read at start-up (issue 14, Build 3): a missing or broken one stops the
/// start with an error that names it, never a page.
@Suite("Admin templates and assets")
struct AdminResourcesTests {
    static let templates = AdminResources.bundled.appendingPathComponent("templates")

    @Test("the template files are exactly the templates the code renders, and every partial a template includes is one")
    func templateFilesMatchTheCode() throws {
        // Given the bundled template files
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.templates.path)
            .filter { $0.hasSuffix(".mustache") }
        let names = Set(files.map { String($0.dropLast(".mustache".count)) })

        // Then they are the names of `AdminTemplate`, the only way the code names a template, …
        #expect(names == Set(AdminTemplate.allCases.map(\.rawValue)))
        // … and every `{{> partial}}` names one of them
        for file in files {
            let text = try String(contentsOf: Self.templates.appendingPathComponent(file), encoding: .utf8)
            let partials = text.matches(of: /\{\{>\s*([A-Za-z0-9_-]+)\s*\}\}/).map { String($0.output.1) }
            for partial in partials {
                #expect(names.contains(partial), "\(file) includes the partial '\(partial)', which has no file")
            }
        }
    }

    @Test("the bundled templates load and render a page")
    func bundledTemplatesLoad() async throws {
        // When the application's resources are read as at start-up
        let resources = try await AdminResources.load()

        // Then a page renders with its data
        let html = resources.renderer.render(
            LayoutView(
                title: "Sign in", body: "<p id=body>x</p>", session: nil, section: .none, companyName: "Acme AS", flashes: [],
                messageOfTheDay: nil, assets: resources.assets),
            template: .layout)
        #expect(html.contains("<title>Sign in · License server</title>"))
        #expect(html.contains("<span class=\"company\">Acme AS</span>"))
        #expect(html.contains("<p id=body>x</p>"))
    }

    @Test("the usage chart is drawn by its template: a column per month, the overage and the running month marked")
    func usageChart() async throws {
        // Given three months of e-mails, the second over its allowance, and the third running
        let months = [Month(year: 2026, month: 10), Month(year: 2026, month: 11), Month(year: 2026, month: 12)]
        let chart = UsageChart(
            id: "chart-mail", title: "E-mails <sent>", unit: "emails",
            points: [
                .init(month: months[0], usage: 500, allowance: 1_000), .init(month: months[1], usage: 1_500, allowance: 1_000),
                .init(month: months[2], usage: 200, allowance: 1_000),
            ], runningMonth: months[2])

        // When it is rendered
        let svg = try await AdminResources.load().renderer.render(chart, template: .usageChart)

        // Then it is one SVG with a group per month, the overage and the running month marked, every text escaped
        #expect(svg.hasPrefix("<svg class=\"usage-chart\" id=\"chart-mail\" viewBox=\"0 0 640 240\""))
        #expect(svg.components(separatedBy: "<g class=\"month").count - 1 == 3)
        #expect(svg.components(separatedBy: "<rect class=\"bar-over\"").count - 1 == 1)
        #expect(svg.contains("<g class=\"month running\"><title>Dec 2026: 200 emails, allowance 1,000 emails</title>"))
        #expect(svg.contains("<title>Nov 2026: 1,500 emails, allowance 1,000 emails, over by 500 emails</title>"))
        #expect(svg.contains("<title id=\"chart-mail-title\">E-mails &lt;sent&gt;: usage per month</title>"))
        #expect(svg.contains("1 month is over the allowance."))
        #expect(svg.contains("<path class=\"allowance-line\" d=\"M64 "))
        #expect(svg.hasSuffix("</svg>\n"))
    }

    @Test(
        "a template that does not parse stops the start with an error naming it and where",
        arguments: [
            // A section closed under another name.
            ("owner", "{{/groups}}", "{{/group}}", 56),
            // A section never closed (found at the end of the file).
            ("tabs", "{{/tabs}}", "", 7),
        ])
    func brokenTemplate(_ name: String, _ text: String, _ replacement: String, _ line: Int) async throws {
        try await withCopyOfTemplates { directory in
            // Given the templates with one of them broken
            let file = directory.appendingPathComponent("\(name).mustache")
            let original = try String(contentsOf: file, encoding: .utf8)
            let broken = try #require(original.range(of: text).map { original.replacingCharacters(in: $0, with: replacement) })
            try broken.write(to: file, atomically: true, encoding: .utf8)

            // When the renderer is made, Then it throws, naming the template and the line
            let error = try await #require(throws: AdminResourceError.self) {
                try await AdminRenderer(directory: directory)
            }
            guard case let .unparsableTemplate(named, path, errorLine, _, _, _) = error else {
                Issue.record("expected a parse error, got \(error)")
                return
            }
            #expect(named == name)
            #expect(path == file.path)
            #expect(errorLine == line)
            #expect(error.description.contains("the admin template '\(name)' does not parse"), "\(error)")
        }
    }

    @Test("a missing template stops the start with an error naming it")
    func missingTemplate() async throws {
        try await withCopyOfTemplates { directory in
            // Given the templates without the partial the user page includes
            try FileManager.default.removeItem(at: directory.appendingPathComponent("module-node.mustache"))

            // When the renderer is made, Then it throws, naming the template and the folder
            let error = try await #require(throws: AdminResourceError.self) {
                try await AdminRenderer(directory: directory)
            }
            #expect(error == .missingTemplates(["module-node"], directory: directory.path))
            #expect(error.description.contains("'module-node' is missing: no module-node.mustache in \(directory.path)"))
        }
    }

    @Test("a folder without templates stops the start")
    func noTemplates() async throws {
        let nowhere = FileManager.default.temporaryDirectory.appendingPathComponent("no-templates-\(UUID().uuidString)")
        let error = try await #require(throws: AdminResourceError.self) {
            try await AdminRenderer(directory: nowhere)
        }
        #expect(error == .missingTemplates(AdminTemplate.allCases.map(\.rawValue), directory: nowhere.path))
    }

    // MARK: - Stylesheet and script

    @Test(
        "the stylesheet and the script are served under their content's hash, kept a year, and 304 when already held",
        arguments: [("stylesheet", "css", "text/css; charset=utf-8"), ("script", "js", "text/javascript; charset=utf-8")])
    func assets(_ kind: String, _ fileExtension: String, _ contentType: String) async throws {
        try await TestInstallation.with { installation in
            let app = try await buildApplication(
                ServerConfiguration(port: 0, upkeepInterval: nil, logLevel: .error), store: installation.store)
            try await app.test(.router) { client in
                // Given the address the sign-in page links
                let page = try await client.execute(uri: "/admin/login", method: .get)
                let pattern = try Regex("\"(/admin/assets/admin\\.([0-9a-f]{16})\\.\(fileExtension))\"")
                let match = try #require(String(buffer: page.body).firstMatch(of: pattern), "no \(kind) link on the page")
                let path = try #require(match.output[1].substring.map(String.init))
                let hash = try #require(match.output[2].substring.map(String.init))

                // When it is fetched, Then it is the file, with a year's immutable caching and the hash as its ETag
                let file = AdminResources.bundled.appendingPathComponent("assets/admin.\(fileExtension)")
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == contentType)
                #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
                #expect(response.headers[.eTag] == "\"\(hash)\"")
                #expect(Data(response.body.readableBytesView) == (try Data(contentsOf: file)))

                // When a browser that holds it asks again, Then it is told it has it, without the body
                let again = try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: "\"\(hash)\""])
                #expect(again.status == .notModified)
                #expect(again.body.readableBytes == 0)
                #expect(again.headers[.eTag] == "\"\(hash)\"")
                #expect(again.headers[.cacheControl] == "public, max-age=31536000, immutable")

                // And another hash, or the old unhashed name, is not found
                for other in ["/admin/assets/admin.0123456789abcdef.\(fileExtension)", "/admin/assets/app.\(fileExtension)"] {
                    let response = try await client.execute(uri: other, method: .get)
                    #expect(response.status == .notFound, "\(other)")
                }
            }
        }
    }

    @Test("a changed stylesheet gets another address; the same content keeps its address")
    func hashFollowsContent() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("admin-assets-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: AdminResources.bundled.appendingPathComponent("assets"), to: directory)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Given the bundled files read twice, and once with a changed stylesheet
        let bundled = try AdminAssets(directory: AdminResources.bundled.appendingPathComponent("assets"))
        let copy = try AdminAssets(directory: directory)
        let css = directory.appendingPathComponent("admin.css")
        try (try String(contentsOf: css, encoding: .utf8) + "\n.new-rule { color: red; }\n").write(
            to: css, atomically: true, encoding: .utf8)
        let changed = try AdminAssets(directory: directory)

        // Then the same content has the same address, a changed one another, and the untouched script keeps its own
        #expect(copy.stylesheet.path == bundled.stylesheet.path)
        #expect(changed.stylesheet.path != bundled.stylesheet.path)
        #expect(changed.script.path == bundled.script.path)
    }

    @Test("a missing stylesheet stops the start with an error naming it")
    func missingAsset() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("admin-assets-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: AdminResources.bundled.appendingPathComponent("assets"), to: directory)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("admin.css"))

        let error = try #require(throws: AdminResourceError.self) { try AdminAssets(directory: directory) }
        #expect(error == .missingAsset("admin.css", directory: directory.path))
        #expect(error.description == "the admin pages' admin.css is missing: no admin.css in \(directory.path)")
    }

    /// A copy of the bundled templates in a temporary folder, removed afterwards.
    private func withCopyOfTemplates(_ body: (URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("admin-templates-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.templates, to: directory)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory)
    }
}
