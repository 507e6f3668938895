import Foundation
import LicenseCore

/// The installation secret that keys every seal: `LICENSING_INSTALLATION_KEY` (64 hex digits or base64), else
/// `<data>/installation.key`, created with mode 0600 on first use.
public enum InstallationKey {
    public static let environmentVariable = "LICENSING_INSTALLATION_KEY"

    public static func load(
        dataDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment, create: Bool = true
    )
        throws -> Sealer
    {
        if let text = environment[environmentVariable], !text.isEmpty {
            guard let secret = decode(text) else {
                throw LicenseInputError.invalid(
                    field: environmentVariable, reason: "must be 32 bytes as 64 hex digits or base64")
            }
            return try Sealer(secret: secret)
        }
        let file = dataDirectory.appendingPathComponent("installation.key")
        guard create || FileManager.default.fileExists(atPath: file.path) else {
            throw LicenseInputError.invalid(
                field: "installation key",
                reason: "set \(environmentVariable) (the same on every node) or keep installation.key in \(dataDirectory.path)")
        }
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let secret = Sealer.makeSecret()
        let fd = open(file.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd >= 0 {
            let text = Hex.encode(secret) + "\n"
            _ = text.withCString { write(fd, $0, strlen($0)) }
            fsync(fd)
            close(fd)
        }
        guard let contents = try? String(contentsOf: file, encoding: .utf8), let stored = decode(contents) else {
            throw LicenseInputError.invalid(field: "installation key", reason: "\(file.path) is not 64 hex digits")
        }
        return try Sealer(secret: stored)
    }

    static func decode(_ text: String) -> Data? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, trimmed.allSatisfy(\.isHexDigit) {
            var bytes: [UInt8] = []
            var index = trimmed.startIndex
            while index < trimmed.endIndex {
                let next = trimmed.index(index, offsetBy: 2)
                bytes.append(UInt8(trimmed[index..<next], radix: 16)!)
                index = next
            }
            return Data(bytes)
        }
        if let data = Data(base64Encoded: trimmed), data.count == 32 { return data }
        return nil
    }
}
