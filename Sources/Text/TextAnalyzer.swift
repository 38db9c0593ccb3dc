import CICUShim

/// A word found by ICU's word break iterator, as byte offsets into the text it was found in.
public struct Word: Sendable, Equatable {
    public var start: Int32
    public var end: Int32
    /// ICU's rule status: 100–199 number, 200–299 letters, 300–399 kana, 400–499 ideographs.
    public var status: Int32
    /// Length in code points.
    public var characters: Int32
    var flags: Int32

    /// True when the word contains a letter (Unicode general category L).
    public var hasLetter: Bool { flags & Int32(CURATE_WORD_HAS_ALPHA) != 0 }
    /// True when every byte is ASCII.
    public var isASCII: Bool { flags & Int32(CURATE_WORD_ASCII) != 0 }
    public var isNumber: Bool { status < 200 }
    public var isIdeographic: Bool { status >= 400 }
    public var byteCount: Int { Int(end - start) }

    init(start: Int32, end: Int32, status: Int32, characters: Int32, flags: Int32) {
        self.start = start
        self.end = end
        self.status = status
        self.characters = characters
        self.flags = flags
    }
}

/// Word segmentation, sentence counting and NFKC normalization over UTF-8 buffers, by the system ICU.
///
/// ICU's word break iterator segments Chinese, Japanese and Thai with its dictionaries (我们|今天|在|北京),
/// and Latin text by the Unicode word boundary rules ("don't" is one word; punctuation is not a word).
/// One analyzer holds reusable ICU state and scratch buffers: create one per thread.
public final class TextAnalyzer {
    private let handle: OpaquePointer

    /// ICU's own segmentation, without the ASCII fast path (for tests that compare the two).
    public func icuWords(_ text: UnsafeRawBufferPointer, tokens: Bool) -> [Word] {
        guard let base = text.baseAddress, text.count > 0 else { return [] }
        var result: [Word] = []
        icuSegments(base.assumingMemoryBound(to: UInt8.self), count: text.count, tokens: tokens, offset: 0, into: &result)
        return result
    }

    /// ICU's words (or tokens) of `count` bytes at `bytes`, appended with their offsets moved by `offset`.
    private func icuSegments(_ bytes: UnsafePointer<UInt8>, count: Int, tokens: Bool, offset: Int32, into result: inout [Word]) {
        var found: UnsafePointer<curate_icu_word>?
        let foundCount = tokens ? curate_icu_tokens(handle, bytes, Int32(count), &found) : curate_icu_words(handle, bytes, Int32(count), &found)
        guard foundCount > 0, let found else { return }
        for item in UnsafeBufferPointer(start: found, count: Int(foundCount)) {
            result.append(Word(start: item.start + offset, end: item.end + offset, status: item.status, characters: item.chars, flags: item.flags))
        }
    }

    public init(locale: String = "en") {
        guard let handle = curate_icu_analyzer_create(locale) else {
            fatalError("ICU could not create break iterators for locale \(locale)")
        }
        self.handle = handle
    }

    deinit { curate_icu_analyzer_destroy(handle) }

    /// The words of `text` (spaces, punctuation and symbols are not words). Pure-ASCII text takes
    /// `ASCIISegmenter`'s fast path, which gives the same segments.
    public func words(_ text: UnsafeRawBufferPointer) -> [Word] {
        segments(text, tokens: false)
    }

    /// The tokens of `text`: its words plus every other segment that is not white space (punctuation
    /// and symbols as tokens of their own), for language models.
    public func tokens(_ text: UnsafeRawBufferPointer) -> [Word] {
        segments(text, tokens: true)
    }

    /// Words (or tokens) of `text`, line group by line group: a line feed always ends a segment (UAX #29,
    /// WB3a/WB3b), so each run of lines the ASCII fast path applies to takes it, and only the other runs
    /// go through ICU. A document with one curly quote no longer sends all of its lines through ICU.
    private func segments(_ text: UnsafeRawBufferPointer, tokens: Bool) -> [Word] {
        guard let base = text.baseAddress, text.count > 0 else { return [] }
        if ASCIISegmenter.applies(to: text) { return ASCIISegmenter.segments(text, punctuation: tokens) }
        var result: [Word] = []
        var groupStart = 0, lineStart = 0
        var groupIsASCII: Bool?
        func flush(_ end: Int) {
            guard end > groupStart, let isASCII = groupIsASCII else { return }
            let group = UnsafeRawBufferPointer(rebasing: text[groupStart..<end])
            let offset = Int32(groupStart)
            if isASCII {
                for var word in ASCIISegmenter.segments(group, punctuation: tokens) {
                    word.start += offset
                    word.end += offset
                    result.append(word)
                }
                return
            }
            icuSegments(base.assumingMemoryBound(to: UInt8.self) + groupStart, count: group.count, tokens: tokens, offset: offset, into: &result)
        }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        while lineStart < text.count {
            var lineEnd = lineStart
            while lineEnd < text.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            if lineEnd < text.count { lineEnd += 1 } // the line feed belongs to its line
            let isASCII = ASCIISegmenter.applies(to: UnsafeRawBufferPointer(rebasing: text[lineStart..<lineEnd]))
            if groupIsASCII != isASCII {
                flush(lineStart)
                groupStart = lineStart
                groupIsASCII = isASCII
            }
            lineStart = lineEnd
        }
        flush(text.count)
        return result
    }

    /// The NFKC form of `text`, or nil when `text` is already in NFKC (the common case).
    public func nfkc(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let base = text.baseAddress, text.count > 0 else { return nil }
        if UTF8Text.isASCII(text) { return nil }
        var output: UnsafePointer<UInt8>?
        let count = curate_icu_nfkc(handle, base.assumingMemoryBound(to: UInt8.self), Int32(text.count), &output)
        guard count >= 0, let output else { return nil }
        return Array(UnsafeBufferPointer(start: output, count: Int(count)))
    }

    /// cc_net's normalised form of a line (lower case, no accents, digits as 0, no punctuation, single
    /// spaces), handed to `body` (valid during the call).
    public func withNormalizedLine<R>(_ line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        guard let base = line.baseAddress, line.count > 0 else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        var output: UnsafePointer<UInt8>?
        let count = curate_icu_normalize_line(handle, base.assumingMemoryBound(to: UInt8.self), Int32(line.count), &output)
        guard count >= 0, let output else { return body(line) }
        return body(UnsafeRawBufferPointer(start: output, count: Int(count)))
    }

    /// `withNormalizedLine` by ICU alone, without the fast path for ASCII and ideographs (for tests).
    func normalizedLineByICU(_ line: [UInt8]) -> [UInt8] {
        line.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return [] }
            var output: UnsafePointer<UInt8>?
            let count = curate_icu_normalize_line_general(handle, base.assumingMemoryBound(to: UInt8.self), Int32(bytes.count), &output)
            guard count >= 0, let output else { return line }
            return Array(UnsafeBufferPointer(start: output, count: Int(count)))
        }
    }

    /// The number of sentences holding at least one letter or digit.
    public func sentenceCount(_ text: UnsafeRawBufferPointer) -> Int {
        guard let base = text.baseAddress, text.count > 0 else { return 0 }
        return max(0, Int(curate_icu_sentence_count(handle, base.assumingMemoryBound(to: UInt8.self), Int32(text.count))))
    }
}

/// Case and digit folding of tokens.
public enum TokenFolding {
    /// The folded form of one ASCII byte: a digit becomes "0", an upper-case letter lower case.
    @inline(__always)
    public static func foldASCII(_ byte: UInt8, lowercase: Bool, foldDigits: Bool) -> UInt8 {
        if foldDigits && byte >= 0x30 && byte <= 0x39 { return 0x30 }
        if lowercase && byte >= 0x41 && byte <= 0x5A { return byte | 0x20 }
        return byte
    }

    /// Appends the folded form of `token` to `output`: lower-cased (simple case mapping) and/or every
    /// decimal digit, in any script, replaced by "0" (cc_net folds digits the same way).
    public static func fold(_ token: UnsafeRawBufferPointer, lowercase: Bool, foldDigits: Bool, into output: inout [UInt8]) {
        guard let base = token.baseAddress, token.count > 0 else { return }
        if UTF8Text.isASCII(token) {
            for byte in token { output.append(foldASCII(byte, lowercase: lowercase, foldDigits: foldDigits)) }
            return
        }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: token.count * 4 + 4))
        let written = output.withUnsafeMutableBufferPointer { buffer in
            curate_icu_fold(base.assumingMemoryBound(to: UInt8.self), Int32(token.count), lowercase ? 1 : 0, foldDigits ? 1 : 0,
                            buffer.baseAddress! + start)
        }
        output.removeLast(output.count - start - Int(written))
    }
}

/// The linked ICU's version, e.g. "72.1".
public var icuVersion: String { String(cString: curate_icu_version()) }
