import CXXHash

/// 64-bit hashes of words, used as word ids: comparing and counting n-grams by hash keeps Strings
/// out of the hot loops. Two different words share a hash with probability 2⁻⁶⁴.
public enum WordHash {
    /// XXH3-64 of the bytes as they are.
    public static func exact(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        XXH3_64bits(bytes.baseAddress, bytes.count)
    }

    /// XXH3-64 of the bytes with ASCII letters lower-cased (for stop-word lists).
    public static func folded(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard bytes.count <= 64 else {
            return exact(bytes) // longer than any stop word: case does not matter
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { buffer in
            for (index, byte) in bytes.enumerated() {
                buffer[index] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            }
            return XXH3_64bits(buffer.baseAddress, bytes.count)
        }
    }

    public static func folded(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { folded($0) }
    }
}
