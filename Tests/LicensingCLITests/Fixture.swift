import Foundation
import LicenseTestSupport
import Testing

/// A module of `SPEC.json` (`licensing issuer issue`); unset fields are left out of the file.
struct ModuleSpec: Codable, Sendable {
    var name: String
    var type: String
    var count: Int
    var description: String?
    var tooltip: String?
    var allowedUserTypes: [String]?
    var sortOrder: Int?
    var prerequisite: String?
    var hidden: Bool?
    var extraFlags: Int?
    var extraInfo: String?
    var unrestricted: Bool?
}

/// `SPEC.json` for `licensing issuer issue`.
struct PackageSpecFile: Codable, Sendable {
    var owner: String
    var description: String?
    var companyName: String
    var serialNumber: String
    var issuedAt: String?
    var expiresAt: String?
    var graceUntil: String?
    var modules: [ModuleSpec]

    /// The sample package of issue 2: user, web, a hidden module, a plan, a site module and an unrestricted one.
    static func sample(
        owner: String = Fixture.owner, company: String = Fixture.company, serial: String = Fixture.serial,
        issuedAt: Date, webCount: Int = 10
    ) -> PackageSpecFile {
        PackageSpecFile(
            owner: owner, description: "SuperOffice", companyName: company, serialNumber: serial,
            issuedAt: iso(issuedAt),
            modules: [
                ModuleSpec(
                    name: "user", type: "user", count: 10, description: "User", tooltip: "Allows logging in",
                    allowedUserTypes: ["employee"], sortOrder: 1),
                ModuleSpec(name: "web", type: "user", count: webCount, prerequisite: "user"),
                ModuleSpec(name: "chat-cal", type: "user", count: 10, hidden: true),
                ModuleSpec(name: "sales-premium", type: "user", count: 5, extraFlags: 1, extraInfo: "set=user,web,chat-cal"),
                ModuleSpec(name: "saint", type: "site", count: 1, hidden: true),
                ModuleSpec(name: "visible-for", type: "user", count: 1, unrestricted: true),
            ])
    }
}

func iso(_ date: Date) -> String {
    date.formatted(.iso8601)
}

/// A sandbox with a root key, owner keys certified by it, and (after `initTenant`) a tenant trusting that root;
/// every step through the binary's own commands.
struct Fixture: Sendable {
    static let owner = "SUPEROFFICE"
    static let company = "Acme AS"
    static let serial = "4711-0001"
    static let tenant = "acme"

    let sandbox: Sandbox
    /// A moment a little in the past that packages are issued at; later packages add to it.
    let baseTime: Date

    var dataPath: String { sandbox.path("data") }
    var dataDirectory: URL { sandbox.url.appendingPathComponent("data") }
    var rootKey: String { sandbox.path("root.jwk") }
    var rootPublicKey: String { sandbox.path("root.pub.jwk") }
    func ownerKey(_ owner: String = Fixture.owner) -> String { sandbox.path("\(owner.lowercased()).jwk") }
    func ownerPublicKey(_ owner: String = Fixture.owner) -> String { sandbox.path("\(owner.lowercased()).pub.jwk") }
    func path(_ name: String) -> String { sandbox.path(name) }

    /// Makes the root key and one owner key per owner.
    static func make(owners: [String] = [Fixture.owner]) async throws -> Fixture {
        let now = Date().timeIntervalSince1970.rounded(.down)
        let fixture = Fixture(sandbox: try Sandbox(), baseTime: Date(timeIntervalSince1970: now - 7 * 86_400))
        return try await fixture.removingOnFailure {
            try await CLI.run(["issuer", "root-key", "--out", fixture.rootKey]).requireSuccess()
            for owner in owners {
                try await CLI.run([
                    "issuer", "owner-key", "--owner", owner, "--root", fixture.rootKey, "--out", fixture.ownerKey(owner),
                ])
                .requireSuccess()
            }
            return fixture
        }
    }

    /// Runs a setup `body`; removes the sandbox when it throws (the test never gets the fixture to remove it).
    func removingOnFailure<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            remove()
            throw error
        }
    }

    /// `licensing init` for Acme AS / 4711-0001 trusting this fixture's root.
    func initTenant(company: String = Fixture.company, serial: String = Fixture.serial) async throws {
        try await licensing(
            "init", "--tenant", Fixture.tenant, "--company", company, "--serial", serial, "--trust-root", rootPublicKey
        ).requireSuccess()
    }

    /// Writes `spec` and issues it with the owner's key through `licensing issuer issue`; returns the package path.
    func issue(_ spec: PackageSpecFile, as name: String, ownerKey: String? = nil) async throws -> String {
        let specPath = path("\(name).spec.json")
        try JSONEncoder().encode(spec).write(to: URL(fileURLWithPath: specPath))
        let out = path("\(name).license")
        try await CLI.run([
            "issuer", "issue", "--owner-key", ownerKey ?? self.ownerKey(spec.owner), "--spec", specPath, "--out", out,
        ])
        .requireSuccess()
        return out
    }

    /// Runs `licensing ARGS --data <fixture data>`.
    func licensing(_ arguments: String..., stdin: Data? = nil) async throws -> ProcessResult {
        try await CLI.run(arguments + ["--data", dataPath], stdin: stdin)
    }

    func licensing(arguments: [String], stdin: Data? = nil) async throws -> ProcessResult {
        try await CLI.run(arguments + ["--data", dataPath], stdin: stdin)
    }

    func addUser(_ name: String, canLogIn: Bool = true) async throws {
        try await licensing(arguments: ["user", "add", "--username", name] + (canLogIn ? ["--can-log-in"] : [])).requireSuccess()
    }

    func assign(_ user: String, _ module: String) async throws {
        try await licensing("assign", "--user", user, "--module", module).requireSuccess()
    }

    func dump() throws -> String { try DatabaseDump.dump(dataDirectory) }

    func remove() { sandbox.remove() }

    /// A tenant with the sample package of SUPEROFFICE active, issued at `baseTime`; returns the package path.
    static func licensed(owners: [String] = [Fixture.owner]) async throws -> (Fixture, String) {
        let fixture = try await make(owners: owners)
        return try await fixture.removingOnFailure {
            try await fixture.initTenant()
            let package = try await fixture.issue(.sample(issuedAt: fixture.baseTime), as: "sample")
            try await fixture.licensing("license", "activate", package).requireSuccess()
            return (fixture, package)
        }
    }
}

// MARK: - JSON reports of the binary (the keys the CLI contract names)

struct LicenseListJSON: Decodable {
    struct Module: Decodable {
        var name: String
        var type: String
        var total: Int
        var inUse: Int
        var free: Int
        var unrestricted: Bool
        var hidden: Bool
        var extraFlags: Int
        var extraInfo: String?
        var prerequisite: String?
    }
    struct Owner: Decodable {
        var name: String
        var issuedAt: String?
        var expiresAt: String?
        var graceUntil: String?
        var modules: [Module]

        func module(_ name: String) throws -> Module {
            try #require(modules.first { $0.name == name }, "no module \(name) in \(modules.map(\.name))")
        }
    }
    var companyName: String
    var serialNumber: String
    var owners: [Owner]

    func owner(_ name: String) throws -> Owner {
        try #require(owners.first { $0.name == name }, "no owner \(name) in \(owners.map(\.name))")
    }
}

struct PreviewJSON: Decodable {
    struct Module: Decodable {
        var owner: String
        var name: String
        var currentTotal: Int
        var inUse: Int
        var newTotal: Int
        var added: Int
        var newFree: Int
        var mustRemove: Int
        var holders: [String]
    }
    var canBeActivated: Bool
    var reason: String?
    var modules: [Module]
}

struct CheckJSON: Decodable {
    var granted: Bool
    var reason: String
}

struct LoginCheckJSON: Decodable {
    var allowed: Bool
    var reasons: [String]
    var messageOfTheDay: String?
}

struct CountUsersJSON: Decodable {
    struct Count: Decodable, Equatable {
        var purchased: Int
        var inUse: Int
    }
    var userWeb: Count
    var plans: Count
}

struct UserListJSON: Decodable {
    struct Module: Decodable {
        var module: String
        var source: String
    }
    struct User: Decodable {
        var userName: String
        var type: String
        var canLogIn: Bool
        var retired: Bool
        var modules: [Module]
    }
    var users: [User]

    func user(_ name: String) throws -> User {
        try #require(users.first { $0.userName == name }, "no user \(name) in \(users.map(\.userName))")
    }
}

/// The one JSON document `--json` prints for an error: `{"error": {"code": "…", "message": "…"}}`.
struct ErrorJSON: Decodable {
    struct Body: Decodable {
        var code: String
        var message: String
    }
    var error: Body
}

extension ProcessResult {
    /// The `--json` error document on stdout, checked to be the only thing there (the keys `error`, `code`, `message`
    /// and nothing else) and to carry the message stderr shows.
    func errorJSON(sourceLocation: SourceLocation = #_sourceLocation) throws -> ErrorJSON.Body {
        let object = try jsonObject()
        try #require(Set(object.keys) == ["error"], "stdout holds only the error: \(self)", sourceLocation: sourceLocation)
        let body = try #require(object["error"] as? [String: Any], "\(self)", sourceLocation: sourceLocation)
        #expect(Set(body.keys) == ["code", "message"], "\(self)", sourceLocation: sourceLocation)
        let error = try json(ErrorJSON.self).error
        #expect(stderr == "error: \(error.message)\n", "stderr shows the same message: \(self)", sourceLocation: sourceLocation)
        return error
    }
}
