import Foundation

/// The admin pages' files, read once when the application is built: the Mustache templates, the stylesheet and the
/// script. A missing or broken file stops the server from starting, with an error that names it.
struct AdminResources: Sendable {
    let renderer: AdminRenderer
    let assets: AdminAssets

    /// `Admin` in this module's resource bundle, as SwiftPM copies `Sources/LicenseServer/Resources/Admin`.
    static var bundled: URL { Bundle.module.bundleURL.appendingPathComponent("Admin", isDirectory: true) }

    /// Reads `templates/*.mustache` and `assets/admin.css`, `assets/admin.js` under `directory`.
    static func load(from directory: URL = bundled) async throws -> AdminResources {
        AdminResources(
            renderer: try await AdminRenderer(directory: directory.appendingPathComponent("templates", isDirectory: true)),
            assets: try AdminAssets(directory: directory.appendingPathComponent("assets", isDirectory: true)))
    }
}

/// Why the admin pages' files could not be loaded at start-up.
enum AdminResourceError: Error, CustomStringConvertible, Equatable {
    case unparsableTemplate(name: String, file: String, line: Int, column: Int, reason: String, text: String)
    case missingTemplates([String], directory: String)
    case missingAsset(String, directory: String)

    var description: String {
        switch self {
        case let .unparsableTemplate(name, file, line, column, reason, text):
            "the admin template '\(name)' does not parse: \(reason) at line \(line), column \(column) of \(file)"
                + (text.trimmingCharacters(in: .whitespaces).isEmpty ? "" : ": \(text.trimmingCharacters(in: .whitespaces))")
        case let .missingTemplates(names, directory):
            "the admin template\(names.count == 1 ? "" : "s") "
                + names.map { "'\($0)'" }.joined(separator: ", ")
                + " \(names.count == 1 ? "is" : "are") missing: no \(names.map { "\($0).mustache" }.joined(separator: ", ")) in \(directory)"
        case let .missingAsset(name, directory):
            "the admin pages' \(name) is missing: no \(name) in \(directory)"
        }
    }
}
