import Foundation

/// What clients streaming requests at a server saw before (and after) it was killed: each item's acknowledgement, the
/// refusals, and the answers that were neither.
///
/// Used by the tests that kill a server with SIGKILL mid-stream: what was acknowledged must survive; an item whose
/// answer was lost may or may not have been stored, which the test then reads from the database.
public final class KillStreamLog<Item: Hashable & Sendable, Answer: Sendable>: @unchecked Sendable {
    /// How a test classifies one answer.
    public enum Outcome: Sendable {
        case acknowledged
        case refused
        case unexpected
    }

    private let lock = NSLock()
    private var acknowledgements: [Item: Answer] = [:]
    private var refusals: [Item: Answer] = [:]
    private var others: [Answer] = []

    public init() {}

    /// Records `answer` for `item` as `outcome`; a later acknowledgement of the same item (a retry) replaces an earlier
    /// one.
    public func record(_ item: Item, _ answer: Answer, as outcome: Outcome) {
        lock.withLock {
            switch outcome {
            case .acknowledged: acknowledgements[item] = answer
            case .refused: refusals[item] = answer
            case .unexpected: others.append(answer)
            }
        }
    }

    public var acknowledged: [Item: Answer] { lock.withLock { acknowledgements } }
    public var acknowledgedCount: Int { lock.withLock { acknowledgements.count } }
    public func isAcknowledged(_ item: Item) -> Bool { lock.withLock { acknowledgements[item] != nil } }
    public var refused: [Item: Answer] { lock.withLock { refusals } }
    public var unexpected: [Answer] { lock.withLock { others } }
}
