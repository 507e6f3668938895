import Foundation

// MARK: - Randomness

/// SplitMix64: a small seeded generator, so every run draws the same users, modules and pairs.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array where Element == Int {
    /// `count` distinct values of `0..<range`, by a partial Fisher–Yates shuffle of `self` (which must be `0..<range`).
    mutating func drawDistinct(_ count: Int, using rng: inout SplitMix64) -> ArraySlice<Int> {
        for i in 0..<count {
            let j = Int.random(in: i..<self.count, using: &rng)
            swapAt(i, j)
        }
        return self[0..<count]
    }
}

// MARK: - Clock

let clock = ContinuousClock()

extension Duration {
    var nanoseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }
}

/// Runs `body` once and answers its result and how long it took, in nanoseconds.
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = clock.now
    let result = try body()
    return (result, (clock.now - start).nanoseconds)
}

func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
    let start = clock.now
    let result = try await body()
    return (result, (clock.now - start).nanoseconds)
}

/// CPU time of the whole process (every thread), in nanoseconds: with other work on the machine, wall time
/// includes waiting for a core; CPU time does not.
func processCPUNanoseconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) * 1e9 + Double(t.tv_nsec)
}

/// Wall and CPU time of one run.
struct Run<T> {
    var result: T
    var wallNs: Double
    var cpuNs: Double
}

func measured<T>(_ body: () async throws -> T) async rethrows -> Run<T> {
    let cpu = processCPUNanoseconds()
    let start = clock.now
    let result = try await body()
    let wall = (clock.now - start).nanoseconds
    return Run(result: result, wallNs: wall, cpuNs: processCPUNanoseconds() - cpu)
}

func measured<T>(_ body: () throws -> T) rethrows -> Run<T> {
    let cpu = processCPUNanoseconds()
    let start = clock.now
    let result = try body()
    let wall = (clock.now - start).nanoseconds
    return Run(result: result, wallNs: wall, cpuNs: processCPUNanoseconds() - cpu)
}

// MARK: - Statistics

/// Samples in nanoseconds; percentiles by nearest rank.
struct Samples {
    private(set) var values: [Double] = []

    init(_ values: [Double] = []) { self.values = values }

    mutating func add(_ value: Double) { values.append(value) }

    var count: Int { values.count }

    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(sorted.count - 1, Swift.max(0, rank - 1))]
    }

    var median: Double { percentile(0.5) }
    var min: Double { values.min() ?? .nan }
    var max: Double { values.max() ?? .nan }
    var sum: Double { values.reduce(0, +) }
}

// MARK: - Formatting

enum Format {
    /// A duration given in nanoseconds, in the unit that suits it.
    static func duration(_ ns: Double) -> String {
        guard ns.isFinite else { return "-" }
        if ns < 1_000 { return String(format: "%.1f ns", ns) }
        if ns < 1_000_000 { return String(format: "%.2f µs", ns / 1_000) }
        if ns < 1_000_000_000 { return String(format: "%.1f ms", ns / 1_000_000) }
        return String(format: "%.2f s", ns / 1_000_000_000)
    }

    /// Operations per second, given a count and the total nanoseconds they took.
    static func rate(_ count: Double, perNanoseconds ns: Double, unit: String) -> String {
        guard ns > 0, count > 0 else { return "-" }
        let perSecond = count / (ns / 1e9)
        if perSecond >= 1e6 { return String(format: "%.2f M %@/s", perSecond / 1e6, unit) }
        if perSecond >= 1e3 { return String(format: "%.1f k %@/s", perSecond / 1e3, unit) }
        return String(format: "%.1f %@/s", perSecond, unit)
    }

    static func count(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}

// MARK: - Table

/// A plain table with aligned columns: the first column left-aligned, the others right-aligned.
struct Table {
    let headers: [String]
    private(set) var rows: [[String]] = []

    init(_ headers: [String]) { self.headers = headers }

    mutating func add(_ row: [String]) {
        rows.append(row + Array(repeating: "", count: Swift.max(0, headers.count - row.count)))
    }

    func render() -> String {
        let all = [headers] + rows
        var widths = Array(repeating: 0, count: headers.count)
        for row in all {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = Swift.max(widths[i], cell.count) }
        }
        func line(_ row: [String]) -> String {
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 || i == row.count - 1 ? cell + pad : pad + cell
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(headers), rule] + rows.map(line)).joined(separator: "\n")
    }
}

/// Prints as it goes, flushed, so progress shows while a long scenario runs.
func say(_ text: String) {
    print(text)
    fflush(nil)
}
