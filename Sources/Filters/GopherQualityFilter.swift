import Text

/// Gopher's quality rules (Rae et al. 2021, appendix A): word count, mean word length, symbol-to-word
/// ratios, bulleted and ellipsis-ended lines, words with letters, stop words.
///
/// Words are segmenter words (punctuation is not a word, as in the Gopher paper; datatrove counts
/// punctuation tokens as words, which pushes clean English prose under the 0.8 alphabetic-word cut).
public enum GopherQualityFilter: HeuristicFilter {
    public static let name = "gopher_quality"
    public static let ruleNames: [String] = ["too_few_words", "too_many_words", "short_mean_word_length", "long_mean_word_length", "hash_ratio", "ellipsis_ratio", "bullet_lines_ratio", "ellipsis_lines_ratio", "alpha_words_ratio", "too_few_stop_words"]
    public static let columns: [StatisticColumn] = [
        StatisticColumn("words", "words (ICU segmenter; punctuation is not a word)"),
        StatisticColumn("mean_word_length", integer: false, "mean characters per word"),
        StatisticColumn("hash_count", "occurrences of '#'"),
        StatisticColumn("ellipsis_count", "occurrences of '...' and '…'"),
        StatisticColumn("lines", "lines"),
        StatisticColumn("bullet_lines", "lines starting with a bullet"),
        StatisticColumn("ellipsis_lines", "lines ending with '...' or '…'"),
        StatisticColumn("alpha_words", "words containing a letter"),
        StatisticColumn("stop_words", "distinct stop words present"),
    ]

    static let threeDots = Array("...".utf8)
    static let ellipsis = Array("…".utf8)

    public static func measure(_ document: AnalyzedDocument, parameters: StatisticParameters, analyzer: TextAnalyzer) -> [Double] {
        let words = document.words
        let characters = words.reduce(0) { $0 + Int($1.characters) }
        let alphaWords = words.reduce(0) { $0 + ($1.hasLetter ? 1 : 0) }
        let bullets = parameters.bullets.map { Array($0.utf8) }
        let stopWords = StopWords(parameters.stopWords)

        return document.withText { text in
            let hashes = TextPatterns.count([UInt8(ascii: "#")], in: text)
            let ellipses = TextPatterns.count(threeDots, in: text) + TextPatterns.count(ellipsis, in: text)
            var bulletLines = 0, ellipsisLines = 0
            for line in document.lines {
                let trimmed = Lines.trimmed(line, in: text)
                let left = TextRange(start: trimmed.start, end: line.end)
                let right = TextRange(start: line.start, end: trimmed.end)
                if bullets.contains(where: { TextPatterns.hasPrefix($0, text, left) }) { bulletLines += 1 }
                if TextPatterns.hasSuffix(threeDots, text, right) || TextPatterns.hasSuffix(ellipsis, text, right) { ellipsisLines += 1 }
            }
            let stops = document.normalized.withUnsafeBytes { stopWords.distinctCount(words, in: $0) }
            return [
                Double(words.count), words.isEmpty ? 0 : Double(characters) / Double(words.count),
                Double(hashes), Double(ellipses), Double(document.lines.count), Double(bulletLines),
                Double(ellipsisLines), Double(alphaWords), Double(stops),
            ]
        }
    }

    public static func failures(_ v: [Double], profile: FilterProfile) -> [String] {
        let t = profile.gopherQuality
        let (words, mean, hashes, ellipses, lines, bulletLines, ellipsisLines, alphaWords, stops)
            = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8])
        var failures: [String] = []
        below(words, t.minWords, rule("too_few_words"), into: &failures)
        above(words, t.maxWords, rule("too_many_words"), into: &failures)
        below(mean, t.minMeanWordLength, rule("short_mean_word_length"), into: &failures)
        above(mean, t.maxMeanWordLength, rule("long_mean_word_length"), into: &failures)
        above(ratio(hashes, words), t.maxHashRatio, rule("hash_ratio"), into: &failures)
        above(ratio(ellipses, words), t.maxEllipsisRatio, rule("ellipsis_ratio"), into: &failures)
        above(ratio(bulletLines, lines), t.maxBulletLinesRatio, rule("bullet_lines_ratio"), into: &failures)
        above(ratio(ellipsisLines, lines), t.maxEllipsisLinesRatio, rule("ellipsis_lines_ratio"), into: &failures)
        below(words == 0 ? 0 : alphaWords / words, t.minAlphaWordsRatio, rule("alpha_words_ratio"), into: &failures)
        below(stops, t.minStopWords, rule("too_few_stop_words"), into: &failures)
        return failures
    }
}

/// A stop-word list matched case-insensitively (ASCII) against segmenter words.
struct StopWords {
    private let hashes: [UInt64: Int]
    private let maxBytes: Int

    init(_ words: [String]) {
        var hashes: [UInt64: Int] = [:]
        for (index, word) in words.enumerated() { hashes[WordHash.folded(Array(word.utf8))] = index }
        self.hashes = hashes
        maxBytes = words.map(\.utf8.count).max() ?? 0
    }

    /// How many different stop words occur among `words` (of `text`).
    func distinctCount(_ words: [Word], in text: UnsafeRawBufferPointer) -> Int {
        guard !hashes.isEmpty else { return 0 }
        var found = Set<Int>()
        for word in words where word.byteCount <= maxBytes {
            let hash = WordHash.folded(UnsafeRawBufferPointer(rebasing: text[Int(word.start)..<Int(word.end)]))
            if let index = hashes[hash] { found.insert(index) }
        }
        return found.count
    }
}
