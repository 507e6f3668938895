import Foundation

/// The package's `licensing` executable, and the environment the tests run it with.
public enum LicensingBinary {
    /// The package root, found from this file's path (Sources/LicenseTestSupport/LicensingBinary.swift).
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `LICENSING_BINARY`, else `<package root>/.build/debug/licensing`; throws when it is not an executable file.
    public static func url() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        let url =
            environment["LICENSING_BINARY"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? packageRoot.appendingPathComponent(".build/debug/licensing")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw HarnessError(
                "the licensing binary is missing at \(url.path): run `swift build --build-tests` (or scripts/test), "
                    + "or set LICENSING_BINARY")
        }
        return url
    }

    /// Variables that would point the binary at other data, another database, tenant or key.
    public static let redirecting = ["LICENSING_DATA", "LICENSING_DATABASE", "LICENSING_TENANT", "LICENSING_INSTALLATION_KEY"]

    /// The test process's environment without the `redirecting` variables and with `LICENSING_ACTOR` set to `actor`.
    public static func environment(actor: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in redirecting { environment[name] = nil }
        environment["LICENSING_ACTOR"] = actor
        return environment
    }
}
