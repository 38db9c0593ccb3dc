import CICUShim

/// Small facts about UTF-8 buffers that statistics need, without building Strings.
public enum UTF8Text {
    /// True when every byte is ASCII (8 bytes at a time).
    public static func isASCII(_ text: UnsafeRawBufferPointer) -> Bool {
        guard let base = text.baseAddress else { return true }
        var i = 0
        while i + 8 <= text.count {
            if base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < text.count {
            if text[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// The number of code points (Python's `len`): bytes that are not continuation bytes.
    public static func characterCount(_ text: UnsafeRawBufferPointer) -> Int {
        var count = 0
        for byte in text where byte & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// The code point that ends at `end` (exclusive), or nil for an empty range.
    public static func lastScalar(_ text: UnsafeRawBufferPointer, end: Int, start: Int = 0) -> UInt32? {
        guard end > start else { return nil }
        var i = end - 1
        while i > start && text[i] & 0xC0 == 0x80 { i -= 1 }
        return scalar(text, at: i).value
    }

    /// Decodes the code point starting at byte `i` (assumes valid UTF-8) and its length in bytes.
    public static func scalar(_ text: UnsafeRawBufferPointer, at i: Int) -> (value: UInt32, length: Int) {
        let lead = UInt32(text[i])
        if lead < 0x80 { return (lead, 1) }
        if lead < 0xE0 { return ((lead & 0x1F) << 6 | UInt32(text[i + 1] & 0x3F), 2) }
        if lead < 0xF0 {
            return ((lead & 0x0F) << 12 | UInt32(text[i + 1] & 0x3F) << 6 | UInt32(text[i + 2] & 0x3F), 3)
        }
        return ((lead & 0x07) << 18 | UInt32(text[i + 1] & 0x3F) << 12 | UInt32(text[i + 2] & 0x3F) << 6
                | UInt32(text[i + 3] & 0x3F), 4)
    }

    /// Unicode Sentence_Terminal (the terminal punctuation FineWeb counts), from ICU.
    public static func isSentenceTerminal(_ scalar: UInt32) -> Bool {
        if scalar < 0x80 { return scalar == 0x21 || scalar == 0x2E || scalar == 0x3F } // ! . ?
        return curate_icu_is_sentence_terminal(scalar) != 0
    }

    /// White space as Python's `str.isspace` sees it: Unicode White_Space plus U+001C–U+001F.
    public static func isWhiteSpace(_ scalar: UInt32) -> Bool {
        if scalar < 0x80 { return scalar == 0x20 || (scalar >= 0x09 && scalar <= 0x0D) || (scalar >= 0x1C && scalar <= 0x1F) }
        return curate_icu_is_white_space(scalar) != 0
    }
}
