import Foundation
import HummingbirdTesting
import LicenseTestSupport
import NIOCore
import NIOHTTP1
import NIOPosix

/// Whether an error of `APIClient.send` means the server is gone: the connection refused, reset or closed before
/// an answer. A timeout or a malformed answer is not: a test must fail on those rather than take them for the kill.
enum ConnectionLoss {
    static func isLost(_ error: any Error) -> Bool {
        switch error {
        case let error as TestClient.Error:
            return error == .connectionClosing || error == .connectionNotOpen || error == .noResponse
        case let error as IOError:
            return [ECONNREFUSED, ECONNRESET, EPIPE].contains(error.errnoCode)
        case let error as NIOConnectionError:
            return !error.connectionErrors.isEmpty && error.connectionErrors.allSatisfy { isLost($0.error) }
        case let error as ChannelError:
            switch error {
            case .ioOnClosedChannel, .eof, .outputClosed, .alreadyClosed: return true
            default: return false
            }
        case let error as HTTPParserError:
            // The connection closed in the middle of an answer.
            return error == .invalidEOFState
        default:
            return false
        }
    }
}

/// Clients streaming requests at a `licensing serve` process that is killed with SIGKILL mid-stream.
enum KillStream {
    struct Outcome: Sendable {
        /// How the killed server ended.
        var killed: ProcessResult
        /// Items whose connection was refused or reset: sent, perhaps stored, not answered.
        var lost: [Int]
        /// Errors that are not a lost connection, by item.
        var failures: [String]
    }

    /// Runs `workers` clients, each taking the next of `count` items and calling `send` with it, until none are left,
    /// the server is gone or `limit` has passed; kills the server once `killWhen` holds (or at `limit`).
    ///
    /// `send` records what the server answered; an error it throws ends that client: a lost connection marks its item
    /// `lost`, anything else is a failure the test must report.
    static func run(
        _ server: ServerProcess, items count: Int, workers: Int, limit: Duration, killWhen: @escaping @Sendable () -> Bool,
        send: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> Outcome {
        let deadline = ContinuousClock.now + limit
        let next = Counter()
        let results = ResultsBox()
        let killed = try await withThrowingTaskGroup(of: ProcessResult?.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    while ContinuousClock.now < deadline, let item = next.take(below: count) {
                        do {
                            try await send(item)
                        } catch  where ConnectionLoss.isLost(error) {
                            results.lose(item)
                            return nil
                        } catch {
                            results.fail("item \(item): \(error)")
                            return nil
                        }
                    }
                    return nil
                }
            }
            group.addTask {
                while !killWhen() && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                return try await server.kill9()
            }
            var killed: ProcessResult?
            for try await result in group { killed = killed ?? result }
            return killed
        }
        guard let killed else { throw HarnessError("the server was not killed") }
        return Outcome(killed: killed, lost: results.lost.sorted(), failures: results.failures)
    }

    private final class ResultsBox: @unchecked Sendable {
        private let lock = NSLock()
        private var lostItems: [Int] = []
        private var errors: [String] = []

        func lose(_ item: Int) { lock.withLock { lostItems.append(item) } }
        func fail(_ description: String) { lock.withLock { errors.append(description) } }
        var lost: [Int] { lock.withLock { lostItems } }
        var failures: [String] { lock.withLock { errors } }
    }
}
