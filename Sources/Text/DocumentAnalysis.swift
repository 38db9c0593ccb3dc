/// One document analysed once for every per-document measure: its NFKC form, one ICU segmentation of
/// that form into tokens (words, punctuation and symbols; white space left out), the words among them,
/// its lines and its language. Each part is computed on first use and kept, so a measure that needs only
/// some parts pays only for those, and measures run on the same analysis (the fused scoring pass) share
/// the segmentation, which on Chinese text is most of a measure's cost.
///
/// The parts are the same values the measures computed on their own before: the words are ICU's word
/// segments of the whole normalised text (tokens with a word rule status are exactly the word segments:
/// both come from the same break iterator, one keeping the segments with a word status, the other every
/// segment that is not white space), and `lineTokens` gives each line's tokens as segmenting the line
/// alone would (a line break always ends a segment, UAX #29 WB3a/WB3b), falling back to segmenting lines
/// one by one in the rare text where a token crosses a line separator that is not a UAX #29 newline.
/// A thread makes one analysis at a time with its own analyzer and identifier (not thread-safe).
public final class DocumentAnalysis {
    /// The stored UTF-8 text.
    public let text: [UInt8]
    public let analyzer: TextAnalyzer
    public let identifier: any LanguageIdentifier

    /// Whether `words` are taken from `tokens` (made first if need be): set when some measure will read
    /// the tokens anyway, so that the text is segmented once.
    private let wordsFromTokens: Bool

    public init(text: [UInt8], analyzer: TextAnalyzer, identifier: any LanguageIdentifier, wordsFromTokens: Bool = false) {
        self.text = text
        self.analyzer = analyzer
        self.identifier = identifier
        self.wordsFromTokens = wordsFromTokens
    }

    private var nfkc: [UInt8]??

    /// The NFKC form of the text, or nil when the text is already in NFKC (the common case).
    public var nfkcForm: [UInt8]? {
        if let nfkc { return nfkc }
        let computed = text.withUnsafeBytes { analyzer.nfkc($0) }
        nfkc = .some(computed)
        return computed
    }

    /// The NFKC form of the text (the text itself when it is already NFKC).
    public var normalized: [UInt8] { nfkcForm ?? text }

    /// True when `normalized` is the stored text (so offsets into one are offsets into the other).
    public var isNormalized: Bool { nfkcForm == nil }

    /// Runs `body` over the bytes of `normalized`.
    public func withNormalized<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let form = nfkcForm { return form.withUnsafeBytes(body) }
        return text.withUnsafeBytes(body)
    }

    private var tokenCache: [Word]?
    private var wordCache: [Word]?

    /// The tokens of `normalized`: ICU's segments that are not white space, offsets into `normalized`.
    public var tokens: [Word] {
        if let tokenCache { return tokenCache }
        let computed = withNormalized { analyzer.tokens($0) }
        tokenCache = computed
        return computed
    }

    /// The words of `normalized` (numbers, letters, kana, ideographs; not punctuation or symbols): the
    /// tokens with a word status when the tokens are wanted too, else ICU's word segments directly (the
    /// same segments, without making the others).
    public var words: [Word] {
        if let wordCache { return wordCache }
        let computed: [Word]
        if wordsFromTokens || tokenCache != nil {
            computed = tokens.filter { $0.status >= 100 }
        } else {
            computed = withNormalized { analyzer.words($0) }
        }
        wordCache = computed
        return computed
    }

    private var lineCache: [TextRange]?

    /// Lines of the stored text as Python's `str.splitlines()` finds them.
    public var lines: [TextRange] {
        if let lineCache { return lineCache }
        let computed = text.withUnsafeBytes { Lines.split($0) }
        lineCache = computed
        return computed
    }

    private var languageCache: LanguageGuess?

    /// The language of the whole text (from the normalised text and its words).
    public var language: LanguageGuess {
        if let languageCache { return languageCache }
        let words = self.words
        let computed = withNormalized { identifier.identify($0, words: words) }
        languageCache = computed
        return computed
    }

    /// The language if it has been told already (by a measure that needed it), else nil.
    public var knownLanguage: LanguageGuess? { languageCache }

    /// Each line of `normalized` (as `Lines.split` finds them) with its tokens, offsets relative to the
    /// line, as `analyzer.tokens` gives them for the line alone. Lines without tokens are included
    /// (with none).
    public func lineTokens() -> [(line: TextRange, tokens: [Word])] {
        withNormalized { bytes in
            let lines = Lines.split(bytes)
            if let split = Self.split(tokens, into: lines) { return split }
            return lines.map { line in (line, analyzer.tokens(UnsafeRawBufferPointer(rebasing: bytes[line.start..<line.end]))) }
        }
    }

    /// The tokens of each line, moved to the line's offsets; nil when a token is not inside one line
    /// (it crosses a line separator, or is one: \x1c–\x1e are separators to Python and symbols to ICU).
    static func split(_ tokens: [Word], into lines: [TextRange]) -> [(line: TextRange, tokens: [Word])]? {
        var result: [(line: TextRange, tokens: [Word])] = []
        result.reserveCapacity(lines.count)
        var next = 0
        for line in lines {
            var lineTokens: [Word] = []
            // A token before this line that the previous line did not take lies in a separator.
            if next < tokens.count && Int(tokens[next].start) < line.start { return nil }
            while next < tokens.count && Int(tokens[next].start) < line.end {
                var token = tokens[next]
                guard Int(token.end) <= line.end else { return nil }
                token.start -= Int32(line.start)
                token.end -= Int32(line.start)
                lineTokens.append(token)
                next += 1
            }
            result.append((line, lineTokens))
        }
        return next == tokens.count ? result : nil
    }
}
