import Crypto
import Foundation
import Hummingbird

/// The stylesheet and the script of the admin pages: `admin.css` and `admin.js` in `Resources/Admin/assets`, read at
/// start-up and served under names that carry a hash of their content (`/admin/assets/admin.1a2b3c4d5e6f7a8b.css`).
///
/// A changed file gets a new name, and the layout links the names of this server's files, so a browser may keep each
/// one for a year without asking again (`Cache-Control: public, max-age=31536000, immutable`). Each also has the hash
/// as its ETag: a request that already holds it is answered 304 Not Modified. Any other name under `/admin/assets/` is
/// not found.
struct AdminAssets: Sendable {
    struct Asset: Sendable {
        /// The file name with the content's hash, `admin.<hash>.css`.
        let fileName: String
        let contentType: String
        let eTag: String
        let content: ByteBuffer

        /// The address the pages link.
        var path: String { "/admin/assets/\(fileName)" }

        init(file: URL, contentType: String) throws {
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw AdminResourceError.missingAsset(file.lastPathComponent, directory: file.deletingLastPathComponent().path)
            }
            let hash = SHA256.hash(data: data).prefix(8).map { String(format: "%02x", $0) }.joined()
            let name = file.deletingPathExtension().lastPathComponent
            fileName = "\(name).\(hash).\(file.pathExtension)"
            self.contentType = contentType
            eTag = "\"\(hash)\""
            content = ByteBuffer(bytes: data)
        }
    }

    static let cacheControl = "public, max-age=31536000, immutable"

    let stylesheet: Asset
    let script: Asset

    /// Reads `admin.css` and `admin.js` in `directory`; throws `AdminResourceError.missingAsset` without one.
    init(directory: URL) throws {
        stylesheet = try Asset(file: directory.appendingPathComponent("admin.css"), contentType: "text/css; charset=utf-8")
        script = try Asset(file: directory.appendingPathComponent("admin.js"), contentType: "text/javascript; charset=utf-8")
    }

    func register(on group: RouterGroup<AdminContext>) {
        for asset in [stylesheet, script] {
            group.get(RouterPath("assets/\(asset.fileName)")) { request, context in
                try await request.ifNoneMatch(headers: [.cacheControl: Self.cacheControl], eTag: asset.eTag, context: context) {
                    Response(
                        status: .ok, headers: [.contentType: asset.contentType], body: .init(byteBuffer: asset.content))
                }
            }
        }
    }
}
