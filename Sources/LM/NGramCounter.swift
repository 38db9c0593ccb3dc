import Foundation

/// The layout of an n-gram record in the estimator's streams: `order` UInt32 word ids, then fields of
/// 8 bytes each (counts, probabilities), all little-endian and read unaligned.
struct NGramRecord {
    let order: Int
    let fields: Int

    var bytes: Int { order * 4 + fields * 8 }

    @inline(__always) func id(_ record: UnsafeRawPointer, _ index: Int) -> UInt32 {
        record.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
    }

    @inline(__always) func ids(_ record: UnsafeRawPointer) -> UnsafeBufferPointer<UInt32> {
        UnsafeBufferPointer(start: record.assumingMemoryBound(to: UInt32.self), count: order)
    }

    @inline(__always) func count(_ record: UnsafeRawPointer, _ field: Int = 0) -> UInt64 {
        record.loadUnaligned(fromByteOffset: order * 4 + field * 8, as: UInt64.self)
    }

    @inline(__always) func value(_ record: UnsafeRawPointer, _ field: Int) -> Double {
        record.loadUnaligned(fromByteOffset: order * 4 + field * 8, as: Double.self)
    }

    /// Suffix order: compared from the last word back. N-grams sharing a suffix are adjacent, the order
    /// KenLM's estimator streams them in.
    var suffixOrder: RecordOrder { RecordOrder(kind: .suffix, words: order) }

    /// Context order: by the context (all words but the last) in suffix order, then by the last word, so
    /// that the n-grams of one context are adjacent and the contexts come in the suffix order of the
    /// (n-1)-grams they are.
    var contextOrder: RecordOrder { RecordOrder(kind: .context, words: order) }
}

/// Counts the N-grams (windows of N words) of a corpus in an open-addressing table. When the table
/// would grow past the memory budget, its entries are sorted and written to a run file on disk, and
/// counting goes on in an empty table; `finish` merges the runs into one stream. Memory stays within
/// the budget however large the corpus.
final class NGramCounter {
    let order: Int
    let memoryBudget: Int
    let scratch: ScratchDirectory
    /// Records (ids, count) of the counted windows.
    let record: NGramRecord

    // The table: `order` ids and a count per slot, in manually allocated buffers (the counting loop is
    // the estimator's hottest; arrays in a class cost exclusivity checks and uniqueness tests there).
    private var keys = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
    private var counts = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
    private var capacity = 0
    private var used = 0
    /// The largest table that fits in the budget together with the index that sorts it for a spill.
    private let maxCapacity: Int
    private var runs: [String] = []
    private(set) var spilledRuns = 0
    /// The first failure to write a run (a full disk); counting goes on, `finish` throws it.
    private var failure: Error?

    /// Bytes one slot of the table takes.
    private var slotBytes: Int { order * 4 + 8 }

    init(order: Int, memoryBudget: Int, scratch: ScratchDirectory) {
        self.order = order
        self.memoryBudget = memoryBudget
        self.scratch = scratch
        record = NGramRecord(order: order, fields: 1)
        var largest = 64
        while largest * 2 * (order * 4 + 8 + 4) <= memoryBudget { largest *= 2 }
        maxCapacity = largest
        allocate(capacity: min(1 << 16, largest))
    }

    deinit {
        keys.deallocate()
        counts.deallocate()
        for run in runs { unlink(run) }
    }

    /// Replaces the table by an empty one of `capacity` slots (the old one is freed first).
    private func allocate(capacity: Int) {
        keys.deallocate()
        counts.deallocate()
        (keys, counts) = Self.emptyTable(capacity: capacity, order: order)
        self.capacity = capacity
        used = 0
    }

    private static func emptyTable(capacity: Int, order: Int) -> (UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<UInt64>) {
        let keys = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity * order)
        keys.initialize(repeating: 0, count: capacity * order)
        let counts = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
        counts.initialize(repeating: 0, count: capacity)
        return (keys, counts)
    }

    /// Counts one occurrence of the N-gram `window` (exactly `order` ids).
    func add(_ window: UnsafeBufferPointer<UInt32>) {
        if used * 10 >= capacity * 7 {
            do { try grow() } catch {
                failure = failure ?? error
                allocate(capacity: capacity) // what the failed run held is lost; finish reports it
            }
        }
        let keys = self.keys, counts = self.counts, order = self.order, mask = capacity - 1
        var slot = Int(truncatingIfNeeded: NGramHash.of(window)) & mask
        while counts[slot] != 0 {
            if Self.matches(keys + slot * order, window) {
                counts[slot] += 1
                return
            }
            slot = (slot + 1) & mask
        }
        for i in 0..<order { keys[slot * order + i] = window[i] }
        counts[slot] = 1
        used += 1
    }

    @inline(__always)
    private static func matches(_ key: UnsafeMutablePointer<UInt32>, _ window: UnsafeBufferPointer<UInt32>) -> Bool {
        for i in 0..<window.count where key[i] != window[i] { return false }
        return true
    }

    /// Doubles the table while the old and the new one fit in the budget together; past that, spills.
    private func grow() throws {
        if capacity >= maxCapacity || 3 * capacity * slotBytes > memoryBudget {
            try spill()
            if capacity < maxCapacity { allocate(capacity: maxCapacity) }
            return
        }
        let oldKeys = keys, oldCounts = counts, oldCapacity = capacity
        defer {
            oldKeys.deallocate()
            oldCounts.deallocate()
        }
        (keys, counts) = Self.emptyTable(capacity: oldCapacity * 2, order: order)
        capacity = oldCapacity * 2
        used = 0
        let mask = capacity - 1
        for slot in 0..<oldCapacity where oldCounts[slot] != 0 {
            let window = UnsafeBufferPointer(start: oldKeys + slot * order, count: order)
            var target = Int(truncatingIfNeeded: NGramHash.of(window)) & mask
            while counts[target] != 0 { target = (target + 1) & mask }
            for i in 0..<order { keys[target * order + i] = window[i] }
            counts[target] = oldCounts[slot]
            used += 1
        }
    }

    /// The used slots, in the suffix order of their n-grams.
    private func sortedSlots() -> [Int32] {
        var slots: [Int32] = []
        slots.reserveCapacity(used)
        for slot in 0..<capacity where counts[slot] != 0 { slots.append(Int32(slot)) }
        let keys = self.keys, order = self.order
        slots.sort { a, b in
            let x = keys + Int(a) * order, y = keys + Int(b) * order
            var i = order - 1
            while i >= 0 {
                if x[i] != y[i] { return x[i] < y[i] }
                i -= 1
            }
            return false
        }
        return slots
    }

    /// Calls `body` with each entry of the table as a record, in suffix order.
    private func forEachSorted(_ body: (UnsafeRawPointer) throws -> Void) rethrows {
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: record.bytes, alignment: 8)
        defer { bytes.deallocate() }
        for slot in sortedSlots() {
            bytes.copyMemory(from: keys + Int(slot) * order, byteCount: order * 4)
            bytes.storeBytes(of: counts[Int(slot)], toByteOffset: order * 4, as: UInt64.self)
            try body(bytes)
        }
    }

    /// Writes the table, sorted, to a run file and empties it.
    private func spill() throws {
        let path = try scratch.path() + "/count-\(runs.count).run"
        let writer = try RecordWriter(path: path, recordBytes: record.bytes)
        runs.append(path)
        forEachSorted { writer.append($0) }
        try writer.close()
        spilledRuns += 1
        allocate(capacity: capacity)
    }

    /// All N-grams with their counts (one record each: ids, count), in suffix order: the table itself
    /// when nothing was spilled and its sorted copy fits in the budget beside it, else the runs merged
    /// from disk with the counts of equal n-grams summed.
    func finish() throws -> RecordSource {
        if let failure { throw failure }
        if runs.isEmpty && capacity * slotBytes + used * (record.bytes + 4) <= memoryBudget {
            let buffer = RecordBuffer(recordBytes: record.bytes, capacity: used)
            forEachSorted { buffer.append($0) }
            allocate(capacity: 1)
            buffer.rewind()
            return buffer
        }
        if used > 0 { try spill() }
        allocate(capacity: 1)
        defer { runs.removeAll() }
        return try SummedCounts(RecordMerger.merging(runs: runs, recordBytes: record.bytes, compare: record.suffixOrder), record: record)
    }
}

/// A sorted stream of (ids, count) records in which equal n-grams from different runs are summed into
/// one record.
final class SummedCounts: RecordSource {
    private let source: RecordSource
    private let record: NGramRecord
    private let bytes: UnsafeMutableRawPointer
    private(set) var current: UnsafeRawPointer?

    init(_ source: RecordSource, record: NGramRecord) throws {
        self.source = source
        self.record = record
        bytes = UnsafeMutableRawPointer.allocate(byteCount: record.bytes, alignment: 8)
        try advance()
    }

    deinit { bytes.deallocate() }

    func advance() throws {
        guard let first = source.current else {
            current = nil
            return
        }
        bytes.copyMemory(from: first, byteCount: record.bytes)
        var total = record.count(first)
        try source.advance()
        let order = record.order
        while let next = source.current, memcmp(next, bytes, order * 4) == 0 {
            total += record.count(next)
            try source.advance()
        }
        bytes.storeBytes(of: total, toByteOffset: order * 4, as: UInt64.self)
        current = UnsafeRawPointer(bytes)
    }
}
