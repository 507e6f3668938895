import Foundation

/// Test-only pause points inside write transactions, so a crash test can kill the process at a known moment (issue 18,
/// Build 3); compiled into debug builds only, and nothing at all in release builds.
///
/// With `LICENSING_TEST_PAUSE=<name>` in its environment, a debug build that reaches the point of that name writes
/// `licensing: test pause <name>` to stderr and sleeps (`LICENSING_TEST_PAUSE_SECONDS`, default 60) before going on;
/// the test waits for the line and kills the process meanwhile. The points (docs/operations.md):
/// - `activation-mid-write`: inside the activation transaction, after half of the new package's module rows are
///   written, before the commit;
/// - `activation-committed`: after the activation transaction has committed, before the command returns.
enum TestPause {
    #if DEBUG
    private static let requested = ProcessInfo.processInfo.environment["LICENSING_TEST_PAUSE"]
    private static let seconds = ProcessInfo.processInfo.environment["LICENSING_TEST_PAUSE_SECONDS"].flatMap(Double.init) ?? 60

    /// Pauses here when the environment names `name`.
    static func point(_ name: String) {
        guard requested == name else { return }
        FileHandle.standardError.write(Data("licensing: test pause \(name)\n".utf8))
        Thread.sleep(forTimeInterval: seconds)
    }
    #else
    @inline(__always)
    static func point(_ name: String) {}
    #endif
}
