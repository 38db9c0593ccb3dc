import Foundation

/// Byte-level checks on UTF-8 buffers, written for speed (see docs/notes on hot loops): they run over
/// every input byte at ingest, so they use raw pointers and an 8-bytes-at-a-time ASCII fast path.
/// The standard library validates UTF-8 too, but does not say where the first bad byte is, which is
/// what a reject message needs.
public enum UTF8Bytes {
    /// The byte offset of the first byte of the first ill-formed sequence, or nil when the buffer is
    /// well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
    public static func firstInvalidOffset(_ buffer: UnsafeRawBufferPointer) -> Int? {
        guard let base = buffer.baseAddress else { return nil }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        let count = buffer.count
        var i = 0
        while i < count {
            // ASCII fast path: 8 bytes at a time while no byte has its high bit set.
            while i &+ 8 <= count {
                let word = UnsafeRawPointer(bytes + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i &+= 8
            }
            guard i < count else { return nil }
            let lead = bytes[i]
            if lead < 0x80 { i &+= 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF  // allowed range of the second byte
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0          // no overlongs
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F         // no surrogates
            case 0xF0: length = 4; low = 0x90          // no overlongs
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F         // nothing above U+10FFFF
            default: return i
            }
            guard i &+ length <= count else { return i }
            let second = bytes[i &+ 1]
            guard second >= low && second <= high else { return i }
            if length >= 3 && bytes[i &+ 2] & 0xC0 != 0x80 { return i }
            if length == 4 && bytes[i &+ 3] & 0xC0 != 0x80 { return i }
            i &+= length
        }
        return nil
    }

    /// True when the buffer holds nothing but white space (ASCII or Unicode White_Space) and
    /// invisible format characters (zero-width space, byte-order mark). Assumes valid UTF-8.
    public static func isBlank(_ buffer: UnsafeRawBufferPointer) -> Bool {
        var iterator = buffer.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                switch scalar.value {
                case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
                    continue
                default:
                    return false
                }
            case .emptyInput:
                return true
            case .error:
                return false
            }
        }
    }

    /// The offset of the first NUL byte, if any.
    public static func firstNUL(_ buffer: UnsafeRawBufferPointer) -> Int? {
        guard let base = buffer.baseAddress, buffer.count > 0,
              let hit = memchr(base, 0, buffer.count) else { return nil }
        return UnsafeRawPointer(hit) - base
    }

    /// The length of the longest prefix of `buffer` that is at most `limit` bytes and does not end
    /// inside a UTF-8 sequence (for cutting previews).
    public static func prefixLength(_ buffer: UnsafeRawBufferPointer, limit: Int) -> Int {
        guard buffer.count > limit else { return buffer.count }
        var end = limit
        while end > 0 && buffer[end] & 0xC0 == 0x80 { end -= 1 }
        return end
    }
}
