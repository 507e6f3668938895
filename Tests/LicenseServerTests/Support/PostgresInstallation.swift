import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

/// A PostgreSQL database of its own, written through the real CLI (`licensing … --database URL`), and `licensing serve`
/// nodes on it. Every process gets the same `LICENSING_INSTALLATION_KEY`, as nodes of one installation do.
final class PostgresInstallation: Sendable {
    let server: PostgresTestServer
    let databaseURL: String
    /// 64 hex digits: the installation key every process of this installation seals with.
    let installationKey: String
    /// Package files, CSV files, the trust root and one data directory per node.
    let directory: URL

    var environment: [String: String] { ["LICENSING_INSTALLATION_KEY": installationKey] }

    private init(server: PostgresTestServer, databaseURL: String, installationKey: String) throws {
        self.server = server
        self.databaseURL = databaseURL
        self.installationKey = installationKey
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("licensing-postgres-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Runs `body` with a new, empty database on `server` (the shared one by default) and a new installation key;
    /// drops the database and removes the files afterwards, whatever happens.
    static func with<T>(
        server: PostgresTestServer = .shared, copying template: PostgresInstallation? = nil,
        _ body: (PostgresInstallation) async throws -> T
    ) async throws -> T {
        let url = try await server.makeDatabase(copying: template?.databaseURL)
        let installation = try PostgresInstallation(
            server: server, databaseURL: url,
            installationKey: template?.installationKey ?? Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255) }))
        do {
            let result = try await body(installation)
            await installation.remove()
            return result
        } catch {
            await installation.remove()
            throw error
        }
    }

    /// A database to seed once and copy with `with(copying:)`; it stays until the test server goes. Call
    /// `removeFiles()` when it is seeded.
    static func template(server: PostgresTestServer = .shared) async throws -> PostgresInstallation {
        let url = try await server.makeDatabase()
        return try PostgresInstallation(
            server: server, databaseURL: url, installationKey: Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255) }))
    }

    private func remove() async {
        try? await server.dropDatabase(databaseURL)
        removeFiles()
    }

    /// Removes the package, CSV and node files (not the database).
    func removeFiles() {
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: - CLI and SQL

    /// `licensing ARGS --database URL --data <a directory of this installation>` with the installation key.
    func licensing(_ arguments: [String]) async throws -> ProcessResult {
        try await Licensing.run(
            arguments + ["--database", databaseURL, "--data", directory.appendingPathComponent("cli").path],
            environment: environment)
    }

    /// As `licensing(_:)`, throwing (with the output) unless the command exits 0.
    @discardableResult
    func cli(_ arguments: String...) async throws -> ProcessResult {
        let result = try await licensing(arguments)
        guard result.exitCode == 0, !result.wasSignalled else { throw HarnessError("the command failed: \(result)") }
        return result
    }

    /// Runs SQL on the database with `psql`; returns the rows unaligned (`|` between columns, a row a line).
    @discardableResult
    func sql(_ statement: String) async throws -> String {
        try await PostgresTestServer.psql(databaseURL, statement)
    }

    /// One integer that `statement` selects.
    func integer(_ statement: String) async throws -> Int {
        let text = try await sql(statement)
        guard let value = Int(text) else { throw HarnessError("not an integer from \(statement): '\(text)'") }
        return value
    }

    /// A literal for a boolean column, whichever way the schema stores booleans (BOOLEAN, or INTEGER 0 and 1).
    func booleanLiteral(_ value: Bool, table: String, column: String) async throws -> String {
        let type = try await sql(
            "SELECT data_type FROM information_schema.columns WHERE table_name = '\(table)' AND column_name = '\(column)'")
        return type == "boolean" ? (value ? "TRUE" : "FALSE") : (value ? "1" : "0")
    }

    /// The users holding `module` of SUPEROFFICE (by stored rows, forged or not).
    func holders(of module: String, tenant: String = StandardTenant.id) async throws -> Set<String> {
        let rows = try await sql(
            """
            SELECT DISTINCT u.user_name FROM assignment a JOIN app_user u ON u.tenant_id = a.tenant_id AND u.id = a.user_id
            WHERE a.tenant_id = '\(tenant)' AND a.owner_name = 'SUPEROFFICE' AND a.module_name = '\(module)'
            """)
        return Set(rows.split(separator: "\n").map(String.init))
    }

    // MARK: - Seeds

    /// `licensing init` for the fixture tenant (acme, Acme AS, 4711-0001) trusting the fixture root key.
    func initTenant() async throws {
        let root = directory.appendingPathComponent("root.pub.jwk")
        try Data(Fixtures.trustRoot().utf8).write(to: root)
        try await cli(
            "init", "--tenant", StandardTenant.id, "--company", Fixtures.companyName, "--serial", Fixtures.serialNumber,
            "--trust-root", root.path)
    }

    /// Issues `spec` (with `ownerKey`, else the fixture key of its owner) and activates it with `licensing license activate`.
    func activate(_ spec: PackageSpec, ownerKey: SigningKeyJWK? = nil) async throws {
        let file = directory.appendingPathComponent("\(spec.owner.lowercased())-\(UUID().uuidString.prefix(8)).license")
        try Fixtures.issue(spec: spec, ownerKey: ownerKey).write(to: file)
        try await cli("license", "activate", file.path, "--tenant", StandardTenant.id)
    }

    /// Adds users with `licensing user import --csv`; all may log in.
    func importUsers(_ names: [String]) async throws {
        let file = directory.appendingPathComponent("users-\(UUID().uuidString.prefix(8)).csv")
        try Data((["userName,canLogIn"] + names.map { "\($0),true" }).joined(separator: "\n").utf8).write(to: file)
        try await cli("user", "import", "--csv", file.path, "--tenant", StandardTenant.id)
    }

    /// `licensing token create --role ROLE --json`: what a client presents.
    func makeToken(role: APIToken.Role = .admin) async throws -> String {
        let result = try await cli(
            "token", "create", "--role", role.rawValue, "--name", "nodes test", "--json", "--tenant", StandardTenant.id)
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            let token = object["token"] as? String
        else { throw HarnessError("no token in the output: \(result)") }
        return token
    }

    /// The tenant with the sample package (its counts changed by `counts`), `userCount` users (`u001`, …) who hold
    /// nothing, and an admin token; as `TestInstallation.seedCrowd` does for SQLite.
    func seedCrowd(userCount: Int, counts: [String: Int]) async throws -> Crowd {
        try await initTenant()
        try await activate(Fixtures.sampleSpec(counts: counts))
        let names = Crowd.userNames(userCount)
        try await importUsers(names)
        return Crowd(userNames: names, admin: IssuedToken(id: "", presented: try await makeToken()))
    }

    // MARK: - Nodes

    /// Starts `count` nodes (`licensing serve --database URL`), each with a data directory of its own, runs `body`
    /// and stops them afterwards, whatever happens.
    func withNodes<T>(_ count: Int, _ body: ([ServerProcess]) async throws -> T) async throws -> T {
        var nodes: [ServerProcess] = []
        do {
            for index in 0..<count { nodes.append(try await startNode(index)) }
            let result = try await body(nodes)
            for (index, node) in nodes.enumerated() { await Self.stop(node, name: "node \(index)") }
            return result
        } catch {
            for (index, node) in nodes.enumerated() { await Self.stop(node, name: "node \(index)") }
            throw error
        }
    }

    /// SIGTERM, and SIGKILL (recorded as an issue) when the graceful shutdown has not ended within 20 s, e.g. because a
    /// request never finishes.
    static func stop(_ node: ServerProcess, name: String) async {
        node.child.send(SIGTERM)
        let ended = (try? await eventually(within: .seconds(20)) { node.child.hasEnded }) ?? nil
        if ended == nil {
            let killed = try? await node.kill9()
            Issue.record("\(name) did not stop within 20 s of SIGTERM and was killed: \(killed.map(\.description) ?? "")")
        } else {
            _ = try? await node.child.wait()
        }
    }

    /// Starts node `index` on this database.
    func startNode(_ index: Int) async throws -> ServerProcess {
        let data = directory.appendingPathComponent("node-\(index)", isDirectory: true)
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        return try await ServerProcess.start(data: data, arguments: ["--database", databaseURL], environment: environment)
    }
}
