import Foundation

/// All n-grams of one order with their counts, in suffix order (compared from the last word back):
/// the order KenLM's estimator streams them in, in which n-grams sharing a suffix are adjacent.
public struct NGramCounts {
    public let order: Int
    /// `order` ids per n-gram, flat.
    public var ids: [UInt32] = []
    public var counts: [UInt64] = []

    public var count: Int { counts.count }

    public func gram(_ index: Int) -> ArraySlice<UInt32> {
        ids[index * order ..< (index + 1) * order]
    }
}

/// Counts the N-grams (windows of N words) of a corpus in an open-addressing table. When the table
/// would grow past the memory budget, its entries are sorted and written to a run file on disk, and
/// counting goes on in an empty table; at the end the runs are merged. Memory stays near the budget
/// however large the corpus.
final class NGramCounter {
    let order: Int
    let memoryBudget: Int
    let scratchDirectory: String

    private var keys: [UInt32] = []
    private var counts: [UInt64] = []
    private var capacity = 0
    private var used = 0
    private var runs: [String] = []
    private(set) var spilledRuns = 0
    private var spillFailure: String?

    /// Bytes one slot of the table takes.
    private var slotBytes: Int { order * 4 + 8 }

    init(order: Int, memoryBudget: Int, scratchDirectory: String) {
        self.order = order
        self.memoryBudget = memoryBudget
        self.scratchDirectory = scratchDirectory
        var capacity = 1 << 16
        while capacity > 64 && capacity * (order * 4 + 8) > memoryBudget { capacity >>= 1 }
        allocate(capacity: capacity)
    }

    deinit {
        for run in runs { unlink(run) }
    }

    private func allocate(capacity: Int) {
        self.capacity = capacity
        keys = [UInt32](repeating: 0, count: capacity * order)
        counts = [UInt64](repeating: 0, count: capacity)
        used = 0
    }

    /// Counts one occurrence of the N-gram `window` (exactly `order` ids).
    func add(_ window: UnsafeBufferPointer<UInt32>) {
        if used * 10 >= capacity * 7 { grow() }
        let hash = NGramHash.of(window)
        var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
        while counts[slot] != 0 {
            if matches(slot, window) {
                counts[slot] += 1
                return
            }
            slot = (slot + 1) & (capacity - 1)
        }
        for i in 0..<order { keys[slot * order + i] = window[i] }
        counts[slot] = 1
        used += 1
    }

    @inline(__always)
    private func matches(_ slot: Int, _ window: UnsafeBufferPointer<UInt32>) -> Bool {
        let base = slot * order
        for i in 0..<order where keys[base + i] != window[i] { return false }
        return true
    }

    private func grow() {
        if capacity * 2 * slotBytes > memoryBudget && used > 0 {
            spill()
            return
        }
        let oldKeys = keys, oldCounts = counts, oldCapacity = capacity
        allocate(capacity: capacity * 2)
        oldKeys.withUnsafeBufferPointer { oldKeys in
            for slot in 0..<oldCapacity where oldCounts[slot] != 0 {
                let window = UnsafeBufferPointer(rebasing: oldKeys[slot * order ..< (slot + 1) * order])
                var target = Int(truncatingIfNeeded: NGramHash.of(window)) & (capacity - 1)
                while counts[target] != 0 { target = (target + 1) & (capacity - 1) }
                for i in 0..<order { keys[target * order + i] = window[i] }
                counts[target] = oldCounts[slot]
                used += 1
            }
        }
    }

    /// The table's entries in suffix order.
    private func sortedEntries() -> NGramCounts {
        var slots = (0..<capacity).filter { counts[$0] != 0 }
        let order = self.order
        keys.withUnsafeBufferPointer { keys in
            slots.sort { a, b in
                for i in stride(from: order - 1, through: 0, by: -1) {
                    let x = keys[a * order + i], y = keys[b * order + i]
                    if x != y { return x < y }
                }
                return false
            }
        }
        var result = NGramCounts(order: order)
        result.ids.reserveCapacity(slots.count * order)
        result.counts.reserveCapacity(slots.count)
        for slot in slots {
            result.ids.append(contentsOf: keys[slot * order ..< (slot + 1) * order])
            result.counts.append(counts[slot])
        }
        return result
    }

    /// Writes the table, sorted, to a run file and empties it.
    private func spill() {
        let entries = sortedEntries()
        let path = scratchDirectory + "/curate-lm-run-\(getpid())-\(runs.count).bin"
        let data = NGramRunFile.encode(entries)
        if !FileManager.default.createFile(atPath: path, contents: data) {
            spillFailure = "cannot write \(path)"
        }
        runs.append(path)
        spilledRuns += 1
        allocate(capacity: capacity)
    }

    /// All N-grams with their counts, in suffix order (merging the spilled runs).
    func finish() throws -> NGramCounts {
        if let spillFailure { throw EstimatorError(description: spillFailure) }
        let last = sortedEntries()
        allocate(capacity: 16)
        guard !runs.isEmpty else { return last }
        var sources = try runs.map { try NGramRunFile.Reader(path: $0, order: order) }
        sources.append(NGramRunFile.Reader(counts: last))
        let merged = NGramRunFile.merge(sources, order: order)
        for run in runs { unlink(run) }
        runs.removeAll()
        return merged
    }
}

/// Run files of the counter: raw little-endian records of `order` UInt32 ids and a UInt64 count.
enum NGramRunFile {
    static func encode(_ entries: NGramCounts) -> Data {
        var data = Data(capacity: entries.count * (entries.order * 4 + 8))
        for index in 0..<entries.count {
            entries.gram(index).withUnsafeBytes { data.append(contentsOf: $0) }
            withUnsafeBytes(of: entries.counts[index]) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// A sorted source of (n-gram, count) records.
    struct Reader {
        private let ids: [UInt32]
        private let counts: [UInt64]
        private let order: Int
        private(set) var position = 0

        init(path: String, order: Int) throws {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let record = order * 4 + 8
            var ids: [UInt32] = [], counts: [UInt64] = []
            ids.reserveCapacity(data.count / record * order)
            data.withUnsafeBytes { raw in
                var offset = 0
                while offset + record <= raw.count {
                    for i in 0..<order { ids.append(raw.loadUnaligned(fromByteOffset: offset + i * 4, as: UInt32.self)) }
                    counts.append(raw.loadUnaligned(fromByteOffset: offset + order * 4, as: UInt64.self))
                    offset += record
                }
            }
            self.ids = ids
            self.counts = counts
            self.order = order
        }

        init(counts: NGramCounts) {
            ids = counts.ids
            self.counts = counts.counts
            order = counts.order
        }

        var isEmpty: Bool { position >= counts.count }
        var current: ArraySlice<UInt32> { ids[position * order ..< (position + 1) * order] }
        var currentCount: UInt64 { counts[position] }
        mutating func advance() { position += 1 }
    }

    static func suffixLess(_ a: ArraySlice<UInt32>, _ b: ArraySlice<UInt32>) -> Bool {
        var i = a.endIndex - 1, j = b.endIndex - 1
        while i >= a.startIndex {
            if a[i] != b[j] { return a[i] < b[j] }
            i -= 1
            j -= 1
        }
        return false
    }

    /// Merges sorted sources, summing the counts of equal n-grams.
    static func merge(_ sources: [Reader], order: Int) -> NGramCounts {
        var sources = sources.filter { !$0.isEmpty }
        var result = NGramCounts(order: order)
        while !sources.isEmpty {
            var smallest = 0
            for index in 1..<sources.count where suffixLess(sources[index].current, sources[smallest].current) { smallest = index }
            let gram = sources[smallest].current
            var total: UInt64 = 0
            for index in sources.indices where sources[index].current == gram {
                total += sources[index].currentCount
                sources[index].advance()
            }
            result.ids.append(contentsOf: gram)
            result.counts.append(total)
            sources.removeAll { $0.isEmpty }
        }
        return result
    }
}
