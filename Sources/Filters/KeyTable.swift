/// An open-addressing hash table for 64-bit keys that are already hashes (word and n-gram ids).
///
/// Swift's `Set<UInt64>` runs SipHash over every key: 10% of scoring time in a profile, for keys that
/// are XXH3 outputs already. This table mixes a key with one multiplication, probes linearly, and
/// stores a count and the position of the first occurrence beside each key.
struct KeyTable {
    private var keys: [UInt64]
    private var counts: [Int32]
    private var firsts: [Int32]
    private let mask: Int
    private let shift: UInt64
    /// The most frequent key so far (ties: first seen earliest), as (count, first position).
    private(set) var mostFrequent = (count: 0, first: Int.max)

    /// A table for up to `expected` distinct keys (kept at most half full).
    init(expected: Int) {
        var capacity = 16
        while capacity < expected * 2 { capacity <<= 1 }
        keys = [UInt64](repeating: 0, count: capacity)
        counts = [Int32](repeating: 0, count: capacity)
        firsts = [Int32](repeating: 0, count: capacity)
        mask = capacity - 1
        shift = UInt64(64 - capacity.trailingZeroBitCount)
    }

    /// The slot holding `key`, or the empty slot where it belongs.
    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while counts[index] != 0 && keys[index] != key { index = (index + 1) & mask }
        return index
    }

    /// Adds `key`; true when it was not there yet.
    @inline(__always)
    mutating func insert(_ key: UInt64) -> Bool {
        let index = slot(key)
        if counts[index] != 0 { return false }
        keys[index] = key
        counts[index] = 1
        return true
    }

    /// Counts one more occurrence of `key`, first seen at `position`; returns the new count.
    @inline(__always)
    @discardableResult
    mutating func count(_ key: UInt64, at position: Int) -> Int {
        let index = slot(key)
        if counts[index] == 0 {
            keys[index] = key
            firsts[index] = Int32(position)
        }
        counts[index] += 1
        let count = Int(counts[index]), first = Int(firsts[index])
        if count > mostFrequent.count || (count == mostFrequent.count && first < mostFrequent.first) {
            mostFrequent = (count, first)
        }
        return count
    }

    func contains(_ key: UInt64) -> Bool { counts[slot(key)] != 0 }

    /// Empties the table, keeping its capacity (one table serves several passes over a document).
    mutating func reset() {
        counts.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        mostFrequent = (0, Int.max)
    }
}
