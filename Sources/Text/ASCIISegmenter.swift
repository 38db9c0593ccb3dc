/// Word segmentation of pure-ASCII text without ICU, giving exactly the segments ICU's word break
/// iterator gives for it (UAX #29 as ICU 72 applies it), several times faster.
///
/// Word characters are letters and digits; a `.`, `'` joins two letters ("U.S", "don't"), and a `.`,
/// `'`, `,` or `;` joins two digits ("3,000.50"); every other character is a segment of its own; white
/// space separates. ICU treats `_` and `@` specially (they join words in ways that depend on their
/// neighbours), so text containing either is left to ICU. The equivalence is tested character by
/// character and on random strings against ICU itself (Tests/TextTests).
public enum ASCIISegmenter {
    /// True when `text` can take the fast path: ASCII, with no `_` or `@`.
    public static func applies(to text: UnsafeRawBufferPointer) -> Bool {
        guard let base = text.baseAddress else { return true }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        for i in 0..<text.count {
            let byte = bytes[i]
            if byte >= 0x80 || byte == 0x5F || byte == 0x40 { return false }
        }
        return true
    }

    private enum Class { case letter, digit, space, other }

    @inline(__always)
    private static func classify(_ byte: UInt8) -> Class {
        switch byte {
        case 0x41...0x5A, 0x61...0x7A: .letter
        case 0x30...0x39: .digit
        case 0x20, 0x09...0x0D: .space
        default: .other
        }
    }

    /// Segments of `text` (ASCII without `_` and `@`): words with ICU's rule status (200 letters,
    /// 100 numbers), and, when `punctuation` is true, every other non-space character as a segment
    /// with status 0.
    public static func segments(_ text: UnsafeRawBufferPointer, punctuation: Bool) -> [Word] {
        var result: [Word] = []
        let count = text.count
        var i = 0
        while i < count {
            let kind = classify(text[i])
            switch kind {
            case .space:
                i += 1
            case .other:
                if punctuation {
                    result.append(Word(start: Int32(i), end: Int32(i + 1), status: 0, characters: 1, flags: 2))
                }
                i += 1
            case .letter, .digit:
                let start = i
                var last = kind
                var hasLetter = kind == .letter
                i += 1
                while i < count {
                    let next = classify(text[i])
                    if next == .letter || next == .digit {
                        last = next
                        hasLetter = hasLetter || next == .letter
                        i += 1
                        continue
                    }
                    // A joiner between two letters or two digits.
                    guard i + 1 < count else { break }
                    let joiner = text[i], after = classify(text[i + 1])
                    let letters = last == .letter && after == .letter && (joiner == 0x2E || joiner == 0x27)
                    let digits = last == .digit && after == .digit && (joiner == 0x2E || joiner == 0x27 || joiner == 0x2C || joiner == 0x3B)
                    guard letters || digits else { break }
                    i += 2
                }
                let flags: Int32 = 2 | (hasLetter ? 1 : 0) // ASCII, has a letter
                result.append(Word(start: Int32(start), end: Int32(i), status: last == .digit ? 100 : 200,
                                   characters: Int32(i - start), flags: flags))
            }
        }
        return result
    }
}
