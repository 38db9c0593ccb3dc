import Text

/// One document prepared for the filters: its text, its lines, and its words.
///
/// Line, paragraph and character statistics are measured on the text as stored (so that they agree
/// with tools that measure the raw text). Word statistics are measured on the NFKC form, segmented by
/// ICU: full-width letters and compatibility characters count like their plain forms, and Chinese is
/// split into dictionary words rather than on spaces.
public struct AnalyzedDocument {
    /// The stored UTF-8 text.
    public let text: [UInt8]
    /// The NFKC form of the text (the same bytes when the text is already NFKC).
    public let normalized: [UInt8]
    /// Words of `normalized` (punctuation and spaces are not words).
    public let words: [Word]
    /// Exact 64-bit hash of each word (its id for n-gram statistics).
    public let wordHashes: [UInt64]
    /// Lines of `text` as `str.splitlines()` finds them.
    public let lines: [TextRange]
    /// Code points of `text` (Python's `len`).
    public let characters: Int
    public let language: LanguageGuess
    /// True when `normalized` is `text` (so word offsets are also offsets into `text`).
    public let isNormalized: Bool

    public init(text: [UInt8], analyzer: TextAnalyzer, identifier: any LanguageIdentifier) {
        self.init(analysis: DocumentAnalysis(text: text, analyzer: analyzer, identifier: identifier))
    }

    /// The filters' view of a shared analysis (the scoring pass's: its segmentation is made once).
    public init(analysis: DocumentAnalysis) {
        text = analysis.text
        normalized = analysis.normalized
        isNormalized = analysis.isNormalized
        let words = analysis.words
        self.words = words
        wordHashes = normalized.withUnsafeBytes { bytes in
            words.map { WordHash.exact(UnsafeRawBufferPointer(rebasing: bytes[Int($0.start)..<Int($0.end)])) }
        }
        lines = analysis.lines
        characters = text.withUnsafeBytes { UTF8Text.characterCount($0) }
        language = analysis.language
    }

    /// The bytes of a word of `normalized`.
    public func bytes(of word: Word) -> ArraySlice<UInt8> {
        normalized[Int(word.start)..<Int(word.end)]
    }

    /// Runs `body` over the stored text's bytes.
    public func withText<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        text.withUnsafeBytes(body)
    }
}
