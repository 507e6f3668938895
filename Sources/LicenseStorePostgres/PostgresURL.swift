import Foundation
import LicenseCore
import PostgresNIO

/// Parses `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]`.
///
/// Errors name the part that is wrong and never repeat the password.
public enum PostgresURL {
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    static func configuration(
        _ text: String, connectTimeout: Duration, maximumConnections: Int
    ) throws
        -> PostgresClient.Configuration
    {
        func invalid(_ reason: String) -> LicenseInputError {
            .invalid(field: "database", reason: reason + " (expected postgres://user[:password]@host[:port]/database)")
        }
        guard isPostgres(text), let components = URLComponents(string: text) else {
            throw invalid("not a postgres:// URL")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("the URL names no host") }
        guard let user = components.user, !user.isEmpty else { throw invalid("the URL names no user") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw invalid("the URL names no database") }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw invalid("the port is out of range") }
        var tls = PostgresClient.Configuration.TLS.prefer(.makeClientConfiguration())
        for item in components.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", "disable"): tls = .disable
            case ("sslmode", "prefer"): tls = .prefer(.makeClientConfiguration())
            case ("sslmode", "require"): tls = .require(.makeClientConfiguration())
            default: throw invalid("unknown parameter '\(item.name)' (only sslmode=disable|prefer|require)")
            }
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user.removingPercentEncoding ?? user,
            password: components.password?.removingPercentEncoding, database: database, tls: tls)
        configuration.options.connectTimeout = connectTimeout
        configuration.options.maximumConnections = maximumConnections
        configuration.options.additionalStartupParameters = [("application_name", "licensing")]
        return configuration
    }
}
