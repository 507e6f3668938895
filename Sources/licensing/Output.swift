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

    static func line(_ text: String) { print(text) }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data("error: \(text)\n".utf8))
    }
}

/// Runs a command body and maps what it throws to a message on stderr and the documented exit code.
func guarded(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as LicenseInputError {
        Output.error(error.description)
        throw ExitCode(2)
    } catch let error as LicenseRefusal {
        Output.error(error.message)
        throw ExitCode(error.code == .integrity ? 3 : 1)
    } catch let error as CLIError {
        Output.error(error.description)
        switch error {
        case .input: throw ExitCode(2)
        case .refused: throw ExitCode(1)
        case .integrity: throw ExitCode(3)
        }
    } catch let error as StoreUnavailable {
        Output.error("database unavailable: \(error.message)")
        throw ExitCode(4)
    } catch let error as StoreBusy {
        Output.error("database busy: \(error.message); try again")
        throw ExitCode(4)
    } catch let error as CocoaError where error.code == .fileReadNoSuchFile || error.code == .fileNoSuchFile {
        Output.error("file not found: \((error.userInfo[NSFilePathErrorKey] as? String) ?? "?")")
        throw ExitCode(2)
    } catch {
        Output.error("\(error)")
        throw ExitCode(2)
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
