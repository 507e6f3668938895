import Foundation
import Hummingbird
import Mustache

/// Every template of the admin pages: the name of its file in `Resources/Admin/templates`, without `.mustache`.
///
/// The partials (`tabs`, `remove-form`, `module-node`, `usage-chart`) are here too: the renderer refuses to start
/// without any of them.
enum AdminTemplate: String, CaseIterable, Sendable {
    case layout, error, login, tabs, owner, status, users, user, consumption, audit
    case eventForm = "event-form"
    case activationUpload = "activation-upload"
    case activationPreview = "activation-preview"
    case removeForm = "remove-form"
    case activationRemove = "activation-remove"
    case activationDone = "activation-done"
    case userNew = "user-new"
    case moduleNode = "module-node"
    case usageChart = "usage-chart"
}

/// The templates, read and parsed once at start-up. Each page renders its body template, then the layout around it.
struct AdminRenderer: Sendable {
    private let library: MustacheLibrary

    /// Reads every `.mustache` file in `directory`.
    ///
    /// - Throws: `AdminResourceError` when a template does not parse or one of `AdminTemplate` has no file, so a
    ///   server with a broken or missing template does not start rather than fail when a page renders.
    init(directory: URL) async throws {
        let library: MustacheLibrary
        do {
            library = try await MustacheLibrary(directory: directory.path)
        } catch let error as MustacheLibrary.ParserError {
            throw AdminResourceError.unparsableTemplate(
                name: String(error.filename.dropLast(".mustache".count)),
                file: directory.appendingPathComponent(error.filename).path,
                line: error.context.lineNumber, column: error.context.columnNumber, reason: Self.reason(error.error),
                text: error.context.line)
        }
        let missing = AdminTemplate.allCases.filter { library.getTemplate(named: $0.rawValue) == nil }
        guard missing.isEmpty else {
            throw AdminResourceError.missingTemplates(missing.map(\.rawValue), directory: directory.path)
        }
        self.library = library
    }

    /// The parser's complaint in words, with its own name for searching.
    static func reason(_ error: any Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?:
            "a section is closed under another name than it was opened with (sectionCloseNameIncorrect)"
        case .expectedSectionEnd?: "a section is not closed (expectedSectionEnd)"
        case .unfinishedName?: "a tag is not finished (unfinishedName)"
        default: "\(error)"
        }
    }

    func render(_ model: Any, template: AdminTemplate) -> String {
        // Never nil: the initialiser made sure every template exists.
        library.render(model, withTemplate: template.rawValue) ?? ""
    }
}

/// An HTML response.
func htmlResponse(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status, headers: [.contentType: "text/html; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(string: html)))
}
