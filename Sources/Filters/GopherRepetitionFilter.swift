import Text

/// Gopher's repetition rules (Rae et al. 2021, table A1): duplicated lines and paragraphs, the most
/// frequent 2-, 3- and 4-grams, and characters inside duplicated 5- to 10-grams.
///
/// The n-gram measures follow the formulas the thresholds were calibrated with (datatrove, used by
/// FineWeb and FineWeb-2): a top n-gram covers its words joined by single spaces, times its count; a
/// duplicated n-gram covers its words' characters, and the scan jumps past it. Words are ICU segmenter
/// words of the NFKC text, compared exactly.
public enum GopherRepetitionFilter: HeuristicFilter {
    public static let name = "gopher_repetition"
    public static let ruleNames: [String] = ["dup_paragraph_fraction", "dup_paragraph_char_fraction", "dup_line_fraction", "dup_line_char_fraction"] + (2...4).map { "top_\($0)gram_char_fraction" } + (5...10).map { "dup_\($0)gram_char_fraction" }
    public static let columns: [StatisticColumn] = [
        StatisticColumn("characters", "characters in the text"),
        StatisticColumn("paragraphs", "paragraphs (split on blank lines)"),
        StatisticColumn("dup_paragraphs", "paragraphs equal to an earlier one"),
        StatisticColumn("dup_paragraph_chars", "characters in those paragraphs"),
        StatisticColumn("line_pieces", "lines (split on runs of newlines)"),
        StatisticColumn("dup_lines", "lines equal to an earlier one"),
        StatisticColumn("dup_line_chars", "characters in those lines"),
        StatisticColumn("top_2gram_chars", "characters covered by the most frequent 2-gram"),
        StatisticColumn("top_3gram_chars", "characters covered by the most frequent 3-gram"),
        StatisticColumn("top_4gram_chars", "characters covered by the most frequent 4-gram"),
        StatisticColumn("dup_5gram_chars", "characters in duplicated 5-grams"),
        StatisticColumn("dup_6gram_chars", "characters in duplicated 6-grams"),
        StatisticColumn("dup_7gram_chars", "characters in duplicated 7-grams"),
        StatisticColumn("dup_8gram_chars", "characters in duplicated 8-grams"),
        StatisticColumn("dup_9gram_chars", "characters in duplicated 9-grams"),
        StatisticColumn("dup_10gram_chars", "characters in duplicated 10-grams"),
    ]

    public static func measure(_ document: AnalyzedDocument, parameters: StatisticParameters, analyzer: TextAnalyzer) -> [Double] {
        var values = document.withText { text -> [Double] in
            let trimmed = Lines.trimmed(TextRange(start: 0, end: text.count), in: text)
            let paragraphs = Lines.splitOnNewlineRuns(UnsafeRawBufferPointer(rebasing: text[trimmed.start..<trimmed.end]), minimumRun: 2)
                .map { TextRange(start: $0.start + trimmed.start, end: $0.end + trimmed.start) }
            let dupParagraphs = TextPatterns.duplicates(paragraphs, in: text)
            let pieces = Lines.splitOnNewlineRuns(text)
            let dupLines = TextPatterns.duplicates(pieces, in: text)
            return [Double(document.characters), Double(paragraphs.count), Double(dupParagraphs.count),
                    Double(dupParagraphs.characters), Double(pieces.count), Double(dupLines.count), Double(dupLines.characters)]
        }
        let grams = NGramStatistics(document)
        // One table, emptied between passes: a table per n (rather than one shared by all six) stays six
        // times smaller, so its random probes stay in cache (10.8% of heuristic scoring before, in perf).
        var table = KeyTable(expected: max(1, document.words.count))
        for n in 2...4 {
            table.reset()
            values.append(Double(grams.topNGramCharacters(n, occurrences: &table)))
        }
        for n in 5...10 {
            table.reset()
            values.append(Double(grams.duplicatedNGramCharacters(n, seen: &table)))
        }
        return values
    }

    public static func failures(_ v: [Double], profile: FilterProfile) -> [String] {
        let t = profile.gopherRepetition
        let characters = v[0]
        var failures: [String] = []
        above(ratio(v[2], v[1]), t.maxDupParagraphFraction, rule("dup_paragraph_fraction"), into: &failures)
        above(ratio(v[3], characters), t.maxDupParagraphCharFraction, rule("dup_paragraph_char_fraction"), into: &failures)
        above(ratio(v[5], v[4]), t.maxDupLineFraction, rule("dup_line_fraction"), into: &failures)
        above(ratio(v[6], characters), t.maxDupLineCharFraction, rule("dup_line_char_fraction"), into: &failures)
        for n in 2...4 {
            above(ratio(v[7 + n - 2], characters), t.maxTopNGramCharFraction[n - 2], rule("top_\(n)gram_char_fraction"), into: &failures)
        }
        for n in 5...10 {
            above(ratio(v[10 + n - 5], characters), t.maxDupNGramCharFraction[n - 5], rule("dup_\(n)gram_char_fraction"), into: &failures)
        }
        return failures
    }
}

/// N-gram repetition over a document's words, with words as 64-bit ids.
struct NGramStatistics {
    /// Exact hash of each word (word-sequence identity).
    private let ids: [UInt64]
    /// Characters of each word.
    private let characters: [Int]
    /// A run of words is identified by the polynomial hash of its bytes joined (`"".join(words)`, as the
    /// scan defines it); each word has its bytes' hash and the multiplier for its length. Their prefix
    /// forms let any run hash in O(1) rather than word by word: `prefix[k]` is
    /// the hash of words 0..<k joined, `powers[k]` the product of their multipliers and `inverses[k]`
    /// its inverse modulo 2^64 (every multiplier is a power of the odd base, so it has one). The hash of
    /// words a..<b is then prefix[b] − prefix[a] · powers[b] · inverses[a], the value the word-by-word
    /// loop gives.
    private let prefix: [UInt64]
    private let powers: [UInt64]
    private let inverses: [UInt64]
    /// Characters of words 0..<k.
    private let characterPrefix: [Int]

    private static let base: UInt64 = 0x100000001B3

    init(_ document: AnalyzedDocument) {
        ids = document.wordHashes
        characters = document.words.map { Int($0.characters) }
        var prefix = [UInt64](repeating: 0, count: document.words.count + 1)
        var powers = [UInt64](repeating: 1, count: document.words.count + 1)
        var characterPrefix = [Int](repeating: 0, count: document.words.count + 1)
        document.normalized.withUnsafeBytes { bytes in
            for (index, word) in document.words.enumerated() {
                var hash: UInt64 = 0, power: UInt64 = 1
                for i in Int(word.start)..<Int(word.end) {
                    hash = hash &* Self.base &+ UInt64(bytes[i]) &+ 1
                    power = power &* Self.base
                }
                prefix[index + 1] = prefix[index] &* power &+ hash
                powers[index + 1] = powers[index] &* power
                characterPrefix[index + 1] = characterPrefix[index] + Int(word.characters)
            }
        }
        inverses = powers.map(Self.inverse)
        self.prefix = prefix
        self.powers = powers
        self.characterPrefix = characterPrefix
    }

    /// The inverse of an odd number modulo 2^64 (Newton's iteration: each step doubles the correct bits,
    /// from 3 to 96).
    static func inverse(_ x: UInt64) -> UInt64 {
        var y = x
        for _ in 0..<5 { y = y &* (2 &- x &* y) }
        return y
    }

    /// Characters of the most frequent n-gram joined by single spaces, times its count (ties go to the
    /// n-gram seen first).
    func topNGramCharacters(_ n: Int, occurrences: inout KeyTable) -> Int {
        let count = ids.count - n + 1
        guard count > 0 else { return 0 }
        for start in 0..<count {
            var key: UInt64 = 0xCBF2_9CE4_8422_2325
            for i in start..<start + n { key = (key ^ ids[i]) &* 0x100_0000_01B3 }
            occurrences.count(key, at: start)
        }
        let best = occurrences.mostFrequent
        let length = (best.first..<best.first + n).reduce(n - 1) { $0 + characters[$1] }
        return length * best.count
    }

    /// Characters inside duplicated n-grams: scanning left to right, an n-gram whose concatenated text
    /// was seen before adds its characters and the scan jumps past it; otherwise it is remembered.
    /// `seen` may hold the n-grams of other values of n (the key includes n).
    func duplicatedNGramCharacters(_ n: Int, seen: inout KeyTable) -> Int {
        let last = ids.count - n + 1
        guard last > 0 else { return 0 }
        var repeated = 0
        var index = 0
        let seed = UInt64(n) &* 0xD6E8_FEB8_6659_FD93
        while index < last {
            // The seed, then words index..<index + n, hashed as the word-by-word loop would.
            let end = index + n
            let multiplier = powers[end] &* inverses[index]
            let hash = seed &* multiplier &+ (prefix[end] &- prefix[index] &* multiplier)
            if seen.insert(hash) {
                index += 1
            } else {
                repeated += characterPrefix[end] - characterPrefix[index]
                index += n
            }
        }
        return repeated
    }
}
