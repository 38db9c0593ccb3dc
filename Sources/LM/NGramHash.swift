/// The hash that keys n-gram tables, built right to left (last word first), so that the hashes of all
/// n-grams ending at one word come out of one loop that extends the n-gram leftwards.
public enum NGramHash {
    static let empty: UInt64 = 0x6A09_E667_F3BC_C909

    /// Extends the hash of (w_k … w_i) to (w_{k-1} w_k … w_i).
    @inline(__always)
    public static func extend(_ hash: UInt64, with word: UInt32) -> UInt64 {
        var z = (hash ^ (UInt64(word) &* 0xFF51_AFD7_ED55_8CCD)) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        let h = z ^ (z >> 31)
        return h == 0 ? 1 : h // 0 marks an empty slot in tables
    }

    /// The hash of the n-gram `ids[range]`.
    public static func of(_ ids: UnsafeBufferPointer<UInt32>) -> UInt64 {
        var hash = empty
        for index in ids.indices.reversed() { hash = extend(hash, with: ids[index]) }
        return hash
    }

    public static func of(_ ids: [UInt32]) -> UInt64 {
        ids.withUnsafeBufferPointer { of($0) }
    }
}
