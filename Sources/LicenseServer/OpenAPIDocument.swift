/// The OpenAPI 3.1 document served at `/openapi.json`.
enum OpenAPIDocument {
    static let json = """
        {"openapi": "3.1.0", "info": {"title": "licensing", "version": "1.0.0"}, "paths": {}}
        """
}
