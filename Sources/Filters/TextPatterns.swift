import Glibc
import Text

/// Byte-level searches the filters share.
enum TextPatterns {
    /// Non-overlapping occurrences of `pattern` in `text` (Python's `str.count`).
    static func count(_ pattern: [UInt8], in text: UnsafeRawBufferPointer, range: TextRange? = nil) -> Int {
        let start = range?.start ?? 0, end = range?.end ?? text.count
        guard let first = pattern.first, end - start >= pattern.count else { return 0 }
        var count = 0
        var i = start
        while i + pattern.count <= end {
            if text[i] == first && (1..<pattern.count).allSatisfy({ text[i + $0] == pattern[$0] }) {
                count += 1
                i += pattern.count
            } else {
                i += 1
            }
        }
        return count
    }

    /// True when `text[range]` starts with `prefix`.
    static func hasPrefix(_ prefix: [UInt8], _ text: UnsafeRawBufferPointer, _ range: TextRange) -> Bool {
        guard range.count >= prefix.count else { return false }
        for (offset, byte) in prefix.enumerated() where text[range.start + offset] != byte { return false }
        return true
    }

    /// True when `text[range]` ends with `suffix`.
    static func hasSuffix(_ suffix: [UInt8], _ text: UnsafeRawBufferPointer, _ range: TextRange) -> Bool {
        guard range.count >= suffix.count else { return false }
        let base = range.end - suffix.count
        for (offset, byte) in suffix.enumerated() where text[base + offset] != byte { return false }
        return true
    }

    /// True when `text` contains `pattern`: memchr to each candidate first byte, then memcmp.
    /// (memmem is a GNU extension Swift's Glibc module does not expose.)
    static func contains(_ pattern: [UInt8], in text: UnsafeRawBufferPointer) -> Bool {
        guard let base = text.baseAddress, let first = pattern.first, text.count >= pattern.count else { return false }
        return pattern.withUnsafeBytes { needle in
            var offset = 0
            let lastStart = text.count - pattern.count
            while offset <= lastStart {
                guard let hit = memchr(base + offset, Int32(first), lastStart - offset + 1) else { return false }
                let position = UnsafeRawPointer(hit) - base
                if memcmp(base + position, needle.baseAddress!, pattern.count) == 0 { return true }
                offset = position + 1
            }
            return false
        }
    }

    /// Code points in a byte range.
    static func characters(_ text: UnsafeRawBufferPointer, _ range: TextRange) -> Int {
        UTF8Text.characterCount(UnsafeRawBufferPointer(rebasing: text[range.start..<range.end]))
    }

    /// 64-bit hash of the bytes of a range (identity of lines and paragraphs).
    static func hash(_ text: UnsafeRawBufferPointer, _ range: TextRange) -> UInt64 {
        WordHash.exact(UnsafeRawBufferPointer(rebasing: text[range.start..<range.end]))
    }

    /// `(duplicates, duplicate characters)` over pieces of text: a piece equal to an earlier one is a
    /// duplicate, and its characters count (Gopher's duplicate line and paragraph fractions).
    static func duplicates(_ pieces: [TextRange], in text: UnsafeRawBufferPointer) -> (count: Int, characters: Int) {
        var seen = KeyTable(expected: pieces.count)
        var count = 0, characters = 0
        for piece in pieces where !seen.insert(hash(text, piece)) {
            count += 1
            characters += self.characters(text, piece)
        }
        return (count, characters)
    }
}
