/// A dictionary split into a fixed number of shards, each a dictionary of its own: a copy shares every shard, and a
/// change to the copy copies only the shard it touches. A snapshot changed by one write (a few users) then costs a few
/// shards, not the whole tenant (issue 13).
public struct ShardedMap<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    static var shardCount: Int { 256 }

    private var shards: [[Key: Value]]
    public private(set) var count = 0

    public init() { shards = Array(repeating: [:], count: Self.shardCount) }

    public init(_ elements: some Sequence<(Key, Value)>) {
        self.init()
        for (key, value) in elements { self[key] = value }
    }

    private static func shard(of key: Key) -> Int { Int(UInt(bitPattern: key.hashValue) % UInt(shardCount)) }

    public subscript(key: Key) -> Value? {
        get { shards[Self.shard(of: key)][key] }
        set {
            let index = Self.shard(of: key)
            let old: Value?
            if let newValue {
                old = shards[index].updateValue(newValue, forKey: key)
            } else {
                old = shards[index].removeValue(forKey: key)
            }
            count += (newValue == nil ? 0 : 1) - (old == nil ? 0 : 1)
        }
    }

    /// Every value, in no particular order.
    public var values: [Value] {
        var result: [Value] = []
        result.reserveCapacity(count)
        for shard in shards { result.append(contentsOf: shard.values) }
        return result
    }
}
