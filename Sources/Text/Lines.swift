/// A line or paragraph as a byte range of its text.
public struct TextRange: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public var count: Int { end - start }

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
}

/// Splitting text into lines and paragraphs on UTF-8 bytes.
public enum Lines {
    /// Lines the way Python's `str.splitlines()` finds them (so that line statistics agree with
    /// tools written in Python): the separators are \n, \r, \r\n, \v, \f, \x1c, \x1d, \x1e, U+0085,
    /// U+2028 and U+2029; the separator is not part of the line, and text ending in a separator has no
    /// empty last line.
    public static func split(_ text: UnsafeRawBufferPointer) -> [TextRange] {
        var lines: [TextRange] = []
        var start = 0
        var i = 0
        let count = text.count
        while i < count {
            let byte = text[i]
            var separator = 0
            switch byte {
            case 0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E: separator = 1
            case 0x0D: separator = i + 1 < count && text[i + 1] == 0x0A ? 2 : 1
            case 0xC2 where i + 1 < count && text[i + 1] == 0x85: separator = 2
            case 0xE2 where i + 2 < count && text[i + 1] == 0x80 && (text[i + 2] == 0xA8 || text[i + 2] == 0xA9): separator = 3
            default: break
            }
            if separator > 0 {
                lines.append(TextRange(start: start, end: i))
                i += separator
                start = i
            } else {
                i += 1
            }
        }
        if start < count { lines.append(TextRange(start: start, end: count)) }
        return lines
    }

    /// Pieces between runs of `\n` only (what a split on the regex `\n+` gives; an empty first or last
    /// piece is kept, as Python's `re.split` keeps it).
    public static func splitOnNewlineRuns(_ text: UnsafeRawBufferPointer, minimumRun: Int = 1) -> [TextRange] {
        var pieces: [TextRange] = []
        var start = 0
        var i = 0
        while i < text.count {
            if text[i] == 0x0A {
                var end = i
                while end < text.count && text[end] == 0x0A { end += 1 }
                if end - i >= minimumRun {
                    pieces.append(TextRange(start: start, end: i))
                    start = end
                }
                i = end
            } else {
                i += 1
            }
        }
        pieces.append(TextRange(start: start, end: text.count))
        return pieces
    }

    /// The range without leading and trailing white space (ASCII and Unicode White_Space).
    public static func trimmed(_ range: TextRange, in text: UnsafeRawBufferPointer) -> TextRange {
        var start = range.start, end = range.end
        while start < end {
            let (scalar, length) = UTF8Text.scalar(text, at: start)
            guard UTF8Text.isWhiteSpace(scalar) else { break }
            start += length
        }
        while end > start {
            var i = end - 1
            while i > start && text[i] & 0xC0 == 0x80 { i -= 1 }
            guard UTF8Text.isWhiteSpace(UTF8Text.scalar(text, at: i).value) else { break }
            end = i
        }
        return TextRange(start: start, end: end)
    }
}
