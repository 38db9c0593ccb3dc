import CXXHash

/// A 128-bit content hash (XXH3-128 from the system libxxhash).
///
/// Used for exact-duplicate detection and as the source of stable ids. XXH3's output is frozen
/// since xxHash 0.8.0, so hashes stored today stay comparable with hashes computed by later builds.
public struct Hash128: Hashable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Hashes a contiguous byte buffer.
    public init(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) {
        let value = XXH3_128bits_withSeed(bytes.baseAddress, bytes.count, seed)
        self.init(high: value.high64, low: value.low64)
    }

    /// Hashes a byte array.
    public init(of bytes: [UInt8], seed: UInt64 = 0) {
        self = bytes.withUnsafeBytes { Hash128($0, seed: seed) }
    }

    /// Hashes the UTF-8 bytes of a string.
    public init(utf8 string: String, seed: UInt64 = 0) {
        var copy = string
        self = copy.withUTF8 { Hash128(UnsafeRawBufferPointer($0), seed: seed) }
    }

    /// The 16 bytes, big-endian (high word first): the form stored in SQLite BLOB columns,
    /// so that byte order and numeric order agree.
    public var bytes: [UInt8] {
        var result = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            result[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i)))
            result[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i)))
        }
        return result
    }

    /// Reads the 16-byte big-endian form written by `bytes`.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<8 {
            high = high << 8 | UInt64(bytes[i])
            low = low << 8 | UInt64(bytes[8 + i])
        }
        self.init(high: high, low: low)
    }

    /// 32 lowercase hex digits.
    public var description: String { hex(high) + hex(low) }

    private func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// Incremental XXH3-128 over several pieces, for ids built from more than one field.
public struct Hash128Builder: ~Copyable {
    private let state: OpaquePointer

    public init(seed: UInt64 = 0) {
        state = XXH3_createState()
        XXH3_128bits_reset_withSeed(state, seed)
    }

    deinit { XXH3_freeState(state) }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        XXH3_128bits_update(state, bytes.baseAddress, bytes.count)
    }

    public mutating func update(_ string: String) {
        var copy = string
        copy.withUTF8 { update(UnsafeRawBufferPointer($0)) }
        update(UInt64(0xFF)) // separator: "ab"+"c" and "a"+"bc" must not collide
    }

    public mutating func update(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { update($0) }
    }

    public mutating func update(_ hash: Hash128) {
        update(hash.high)
        update(hash.low)
    }

    public consuming func finish() -> Hash128 {
        let value = XXH3_128bits_digest(state)
        return Hash128(high: value.high64, low: value.low64)
    }
}

/// The linked libxxhash's version, e.g. "0.8.1".
public var xxhashVersion: String {
    let number = XXH_versionNumber() // major*10000 + minor*100 + release
    return "\(number / 10000).\(number / 100 % 100).\(number % 100)"
}
