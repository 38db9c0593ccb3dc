import CICUShim
import Core

/// A document's language, as far as picking a threshold profile needs it.
public struct LanguageGuess: Sendable, Equatable {
    /// ISO 639-1 code ("en", "zh", "ja"…) or "other".
    public var language: String
    /// ISO 15924 code of the script most of its letters are in ("Latn", "Hani"…), or "Zyyy" without letters.
    public var script: String
    /// 0…1: how sure the identifier is.
    public var confidence: Double

    public init(language: String, script: String, confidence: Double) {
        self.language = language
        self.script = script
        self.confidence = confidence
    }
}

/// Identifies a document's language. The built-in one looks at scripts and stop words; a better
/// identifier (fastText, CLD3) can be plugged in behind this protocol.
public protocol LanguageIdentifier: Sendable {
    func identify(_ text: UnsafeRawBufferPointer, words: [Word]) -> LanguageGuess
}

/// Script counts plus English stop-word evidence: enough to tell English, Chinese, Japanese and
/// "something else" apart, which is what choosing between the en, zh and fallback profiles needs.
///
/// - Han letters against Latin letters: a Chinese character carries about as much as a short English
///   word, so a document is Chinese when Han is at least a quarter of its Han and Latin letters and
///   kana are few (with kana it is Japanese).
/// - Latin text is English when English function words are at least 15% of its words (about 40–50%
///   in English prose, a few percent in French, German or Spanish, whose own function words differ).
public struct ScriptStopWordIdentifier: LanguageIdentifier {
    /// Frequent English function words (closed-class words; a fact of English, not a tuned list).
    static let englishFunctionWords: Set<String> = [
        "the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "was", "on", "with", "as", "be",
        "by", "this", "are", "at", "from", "or", "have", "an", "they", "which", "you", "he", "she", "we",
        "not", "but", "his", "her", "their", "has", "had", "were", "been", "will", "would", "can", "there",
        "all", "one", "more", "when", "who", "what", "if", "its", "also", "into", "than", "them", "these",
    ]
    static let englishHashes = Set(englishFunctionWords.map { WordHash.folded(Array($0.utf8)) })

    public init() {}

    public func identify(_ text: UnsafeRawBufferPointer, words: [Word]) -> LanguageGuess {
        var counts = [Int32](repeating: 0, count: Int(CURATE_SCRIPT_COUNT))
        if let base = text.baseAddress, text.count > 0 {
            curate_icu_script_counts(base.assumingMemoryBound(to: UInt8.self), Int32(text.count), &counts)
        }
        func count(_ script: Int) -> Double { Double(counts[script]) }
        let letters = counts.reduce(0) { $0 + Double($1) }
        guard letters > 0 else { return LanguageGuess(language: "other", script: "Zyyy", confidence: 0) }

        let han = count(Int(CURATE_SCRIPT_HAN)), latin = count(Int(CURATE_SCRIPT_LATIN))
        let kana = count(Int(CURATE_SCRIPT_HIRAGANA)) + count(Int(CURATE_SCRIPT_KATAKANA))
        let codes = ["Latn", "Hani", "Hira", "Kana", "Hang", "Cyrl", "Arab", "Grek", "Thai", "Deva", "Hebr", "Zyyy"]
        let dominant = counts.indices.max { counts[$0] < counts[$1] }!
        var script = codes[dominant]

        if han + kana > 0 && (han + kana) / (han + kana + latin) >= 0.25 {
            if kana / (han + kana) >= 0.1 {
                return LanguageGuess(language: "ja", script: "Jpan", confidence: (han + kana) / letters)
            }
            script = "Hani"
            return LanguageGuess(language: "zh", script: script, confidence: min(1, han / max(1, han + latin) * 1.5))
        }
        if dominant == Int(CURATE_SCRIPT_LATIN) {
            var wordCount = 0, functionWords = 0
            for word in words where word.hasLetter {
                wordCount += 1
                if word.byteCount <= 5 && word.isASCII,
                   Self.englishHashes.contains(WordHash.folded(UnsafeRawBufferPointer(rebasing: text[Int(word.start)..<Int(word.end)]))) {
                    functionWords += 1
                }
            }
            let share = wordCount > 0 ? Double(functionWords) / Double(wordCount) : 0
            if share >= 0.15 { return LanguageGuess(language: "en", script: script, confidence: min(1, share / 0.3)) }
            return LanguageGuess(language: "other", script: script, confidence: 1 - share / 0.15)
        }
        return LanguageGuess(language: "other", script: script, confidence: count(dominant) / letters)
    }
}
