import Hummingbird

/// The stylesheet and script of the admin pages, served from constants in the binary.
enum AdminAssets {
    static func register(on group: RouterGroup<AdminContext>) {
        group.get("assets/app.css") { _, _ in asset(stylesheet, contentType: "text/css; charset=utf-8") }
        group.get("assets/app.js") { _, _ in asset(script, contentType: "text/javascript; charset=utf-8") }
    }

    private static func asset(_ text: String, contentType: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: contentType, .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
