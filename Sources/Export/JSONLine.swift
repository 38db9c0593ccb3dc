/// Writes JSON by hand, into a byte buffer: the shards' lines are the hot path of export, and the
/// texts are already valid UTF-8 that only needs escaping (Foundation's encoder would copy each text
/// into a String and sort keys at run time). Keys are written in sorted order, numbers in Swift's
/// shortest round-trip form, so the same document always gives the same bytes.
struct JSONLine {
    var bytes: [UInt8] = []

    mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func raw(_ utf8: UnsafeRawBufferPointer) { bytes.append(contentsOf: utf8) }

    mutating func string(_ text: String) {
        var copy = text
        copy.withUTF8 { string(UnsafeRawBufferPointer($0)) }
    }

    /// Bytes that must be escaped inside a JSON string: control characters, quote, backslash.
    private static let escaped: [Bool] = (0..<256).map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }

    /// A JSON string of UTF-8 bytes: quotes, backslashes and control characters escaped.
    mutating func string(_ utf8: UnsafeRawBufferPointer) {
        // Grown by doubling: one buffer can hold a whole batch's lines, and reserving just what one
        // string needs would copy that buffer for every document.
        let needed = bytes.count + utf8.count + 16
        if bytes.capacity < needed { bytes.reserveCapacity(max(needed, 2 * bytes.capacity)) }
        bytes.append(0x22)
        guard let base = utf8.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            bytes.append(0x22)
            return
        }
        Self.escaped.withUnsafeBufferPointer { escaped in
            var start = 0, index = 0
            let count = utf8.count
            while index < count {
                // Eight bytes at a time while none needs escaping (SWAR: a byte below 0x20, or equal
                // to '"' or '\\', sets its high bit in `special`); most of a text is skipped this way.
                if index + 8 <= count {
                    let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                    if Self.special(word) == 0 {
                        index += 8
                        continue
                    }
                }
                if escaped[Int(base[index])] {
                    bytes.append(contentsOf: UnsafeBufferPointer(start: base + start, count: index - start))
                    escape(base[index])
                    start = index + 1
                }
                index += 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(start: base + start, count: count - start))
        }
        bytes.append(0x22)
    }

    /// How many bytes `string` writes for these UTF-8 bytes, without its quotes. Escaping is byte by byte,
    /// so the length of a text is the sum of its lines' (a partitioned export sizes lines it drops).
    static func escapedLength(_ utf8: UnsafeRawBufferPointer) -> Int {
        var length = utf8.count
        for byte in utf8 where escaped[Int(byte)] {
            switch byte {
            case 0x22, 0x5C, 0x0A, 0x0D, 0x09: length += 1
            default: length += 5
            }
        }
        return length
    }

    /// Non-zero when a byte of `word` is below 0x20, a quote or a backslash (the classic "has less
    /// than" and "has zero byte" bit tricks; bytes ≥ 0x80, UTF-8 continuation, never match).
    @inline(__always)
    static func special(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let below = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
        return below | ((quote &- ones) & ~quote & highs) | ((backslash &- ones) & ~backslash & highs)
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case 0x22: raw("\\\"")
        case 0x5C: raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }

    mutating func number(_ value: Double) {
        if value.isFinite {
            raw(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)")
        } else {
            raw("null")
        }
    }

    mutating func number(_ value: Int64) { raw(String(value)) }
}
