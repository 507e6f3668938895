import Foundation

/// Paths of the admin pages.
enum AdminPath {
    /// A path segment with everything but unreserved characters percent-encoded.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? text
    }

    static func query(_ text: String) -> String { segment(text) }

    static func license(owner: String, module: String) -> String {
        "/admin/licenses/\(segment(owner))?module=\(query(module))"
    }

    static func user(_ userName: String) -> String { "/admin/users/\(segment(userName))" }
}
