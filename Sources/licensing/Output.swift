import ArgumentParser
import Foundation
import LicenseCore
import LicenseStore

/// Errors the CLI itself raises, with the exit code they map to.
enum CLIError: Error, CustomStringConvertible {
    case input(String)
    case refused(String)
    case integrity(String)

    var description: String {
        switch self {
        case .input(let m), .refused(let m), .integrity(let m): m
        }
    }
}

enum Output {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func json(_ value: some Encodable) {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// Writes a line to stdout and flushes it: a server's address and credentials reach a log file (nohup, systemd, a
    /// container) at once, not when the process exits.
    static func line(_ text: String) {
        print(text)
        fflush(nil)  // every output stream; `stdout` itself is shared mutable state to Swift 6
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data("error: \(text)\n".utf8))
    }
}

/// Runs a command body and maps what it throws to a message on stderr and the documented exit code; with `json`, the
/// error is also stdout's one JSON document, `{"error": {"code": "…", "message": "…"}}` (the API's error shape).
func guarded(json: Bool = false, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch {
        let (message, code, exitCode) = report(error)
        Output.error(message)
        if json { Output.json(["error": ["code": code, "message": message]]) }
        throw ExitCode(exitCode)
    }
}

/// What the CLI says about an error, its stable code (as the API names it) and its exit code: 1 refused, 2 invalid
/// input, 3 integrity, 4 database unavailable.
func report(_ error: any Error) -> (message: String, code: String, exitCode: Int32) {
    switch error {
    case let error as LicenseInputError:
        return (error.description, error.code, 2)
    case let error as LicenseRefusal:
        return (error.message, error.code.rawValue, error.code == .integrity ? 3 : 1)
    case let error as CLIError:
        switch error {
        case .input: return (error.description, "invalid-input", 2)
        case .refused: return (error.description, "refused", 1)
        case .integrity: return (error.description, LicenseRefusal.Code.integrity.rawValue, 3)
        }
    case let error as StoreUnavailable:
        return ("database unavailable: \(error.message)", "database-unavailable", 4)
    case let error as StoreBusy:
        return ("database busy: \(error.message); try again", "database-busy", 4)
    case let error as UserImportFailed:
        // How far the import came and why it stopped, with the code and exit code of why.
        let cause = report(error.cause)
        return (error.description, cause.code, cause.exitCode)
    case let error as CocoaError where error.code == .fileReadNoSuchFile || error.code == .fileNoSuchFile:
        return ("file not found: \((error.userInfo[NSFilePathErrorKey] as? String) ?? "?")", "invalid-input", 2)
    default:
        return ("\(error)", "invalid-input", 2)
    }
}

/// Reads a file given on the command line, with a size limit and a clear error.
func readInputFile(_ path: String, what: String, limit: Int) throws -> Data {
    let url = URL(fileURLWithPath: path)
    guard FileManager.default.fileExists(atPath: url.path) else { throw CLIError.input("\(what) '\(path)' does not exist") }
    let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
    if let size = attributes[.size] as? Int, size > limit {
        throw CLIError.input("\(what) '\(path)' is larger than \(limit >> 10) KiB")
    }
    return try Data(contentsOf: url)
}

/// Writes a file, refusing to overwrite one that exists; `mode` 0600 for private keys.
func writeNewFile(_ path: String, _ data: Data, mode: Int) throws {
    guard !FileManager.default.fileExists(atPath: path) else {
        throw CLIError.input("'\(path)' exists already; refusing to overwrite it")
    }
    guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: mode]) else {
        throw CLIError.input("cannot write '\(path)'")
    }
}

func parseModule(_ text: String) throws -> ModuleKey {
    try ModuleKey(parsing: text)
}
