/// Dense indexes for 64-bit keys that are already hashes: the first key inserted gets 0, the next new
/// one 1, and so on. Open addressing, one multiplication to spread the key, linear probing; no SipHash
/// (Swift's Dictionary hashes every key again, which costs more than the work around it in the hot
/// loops that use this).
public struct HashIndex: Sendable {
    private var keys: [UInt64]
    private var slots: [Int32]
    private var mask: Int
    private var shift: UInt64
    public private(set) var count = 0

    public init(expected: Int = 16) {
        var capacity = 16
        while capacity < expected * 2 { capacity <<= 1 }
        keys = [UInt64](repeating: 0, count: capacity)
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        shift = UInt64(64 - capacity.trailingZeroBitCount)
    }

    @inline(__always)
    private func position(_ key: UInt64) -> Int {
        var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while slots[index] >= 0 && keys[index] != key { index = (index + 1) & mask }
        return index
    }

    /// The index of `key`, or nil.
    @inline(__always)
    public func index(of key: UInt64) -> Int? {
        let slot = slots[position(key)]
        return slot >= 0 ? Int(slot) : nil
    }

    /// The index of `key`, assigning the next one when it is new.
    @inline(__always)
    public mutating func insert(_ key: UInt64) -> (index: Int, inserted: Bool) {
        if (count + 1) * 2 > keys.count { grow() }
        let at = position(key)
        if slots[at] >= 0 { return (Int(slots[at]), false) }
        keys[at] = key
        slots[at] = Int32(count)
        count += 1
        return (count - 1, true)
    }

    private mutating func grow() {
        let oldKeys = keys, oldSlots = slots
        let capacity = keys.count * 2
        keys = [UInt64](repeating: 0, count: capacity)
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        for (key, slot) in zip(oldKeys, oldSlots) where slot >= 0 {
            let at = position(key)
            keys[at] = key
            slots[at] = slot
        }
    }
}
