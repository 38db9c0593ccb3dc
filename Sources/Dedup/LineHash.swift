import Core
import Text

/// cc_net's identity of a line for repeated-line counting: the hash of its normalised form (lower case,
/// no accents or punctuation, digits as 0; `TextAnalyzer.withNormalizedLine`).
enum LineHash {
    /// The line's hash; nil for a line that normalises to nothing (blank or only punctuation).
    static func of(_ line: UnsafeRawBufferPointer, analyzer: TextAnalyzer) -> UInt64? {
        analyzer.withNormalizedLine(line) { normalized in normalized.count > 0 ? WordHash.exact(normalized) : nil }
    }

    /// Every line of a text that has a hash, with its length in characters (Unicode scalars), in order.
    static func lines(of text: UnsafeRawBufferPointer, analyzer: TextAnalyzer) -> [(hash: UInt64, characters: Int)] {
        Lines.split(text).compactMap { range in
            let bytes = UnsafeRawBufferPointer(rebasing: text[range.start..<range.end])
            guard let hash = of(bytes, analyzer: analyzer) else { return nil }
            var characters = 0
            for byte in bytes where byte & 0xC0 != 0x80 { characters += 1 }
            return (hash, characters)
        }
    }
}
