import Glibc
import Text

/// C4's rules (Raffel et al. 2020): lines are kept when they end in terminal punctuation, have at least
/// 3 words, no word over 1,000 characters, and mention neither JavaScript nor cookie or terms-of-use
/// policies; a page is dropped for "lorem ipsum" or a "{" in a kept line, or for fewer than 5
/// sentences in its kept lines.
///
/// Every line is classified (a page with lorem ipsum still gets its line counts), so the statistics
/// describe the whole page. Sentences are counted with ICU's sentence segmenter. `C4LineCleaner`
/// applies the line-removal rules to the text for export.
public enum C4QualityFilter: HeuristicFilter {
    public static let name = "c4"
    public static let ruleNames: [String] = ["lorem_ipsum", "curly_bracket", "too_few_sentences"]
    public static let columns: [StatisticColumn] = [
        StatisticColumn("lines", "lines"),
        StatisticColumn("lines_long_word", "lines with a word over the length limit"),
        StatisticColumn("lines_no_terminal", "lines not ending in terminal punctuation (or ending in '...')"),
        StatisticColumn("lines_few_words", "lines with too few words"),
        StatisticColumn("lines_javascript", "lines mentioning javascript"),
        StatisticColumn("lines_policy", "lines about cookies or terms of use"),
        StatisticColumn("kept_lines", "lines kept"),
        StatisticColumn("sentences", "sentences in the kept lines"),
        StatisticColumn("lorem_ipsum", "1 when a kept line contains 'lorem ipsum'"),
        StatisticColumn("curly_bracket", "1 when a kept line contains '{'"),
    ]

    public static func measure(_ document: AnalyzedDocument, parameters: StatisticParameters, analyzer: TextAnalyzer) -> [Double] {
        var counts = [Double](repeating: 0, count: columns.count)
        C4LineClassifier(parameters: parameters, analyzer: analyzer).classify(document) { outcome, _ in
            counts[0] += 1
            switch outcome {
            case .longWord: counts[1] += 1
            case .noTerminalPunctuation: counts[2] += 1
            case .tooFewWords: counts[3] += 1
            case .javascript: counts[4] += 1
            case .policy: counts[5] += 1
            case .kept(let sentences, let lorem, let curly):
                counts[6] += 1
                counts[7] += Double(sentences)
                if lorem { counts[8] = 1 }
                if curly { counts[9] = 1 }
            }
        }
        return counts
    }

    public static func failures(_ v: [Double], profile: FilterProfile) -> [String] {
        let t = profile.c4
        var failures: [String] = []
        if t.dropLoremIpsum && v[8] > 0 { failures.append(rule("lorem_ipsum")) }
        if t.dropCurlyBracket && v[9] > 0 { failures.append(rule("curly_bracket")) }
        below(v[7], t.minSentences, rule("too_few_sentences"), into: &failures)
        return failures
    }
}

/// What C4's line rules decide about one line.
enum C4LineOutcome {
    case longWord, noTerminalPunctuation, tooFewWords, javascript, policy
    case kept(sentences: Int, loremIpsum: Bool, curlyBracket: Bool)
}

/// Applies C4's line rules, in C4's order, to each line of a document.
struct C4LineClassifier {
    let parameters: StatisticParameters
    let analyzer: TextAnalyzer
    private let terminals: [[UInt8]]

    static let policies = ["terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"]
        .map { Array($0.utf8) }
    static let javascript = Array("javascript".utf8)
    static let loremIpsum = Array("lorem ipsum".utf8)
    static let threeDots = Array("...".utf8)

    init(parameters: StatisticParameters, analyzer: TextAnalyzer) {
        self.parameters = parameters
        self.analyzer = analyzer
        terminals = parameters.c4TerminalPunctuation.map { Array($0.utf8) }
    }

    /// Calls `body` with each line's outcome and the line's text after citation removal.
    func classify(_ document: AnalyzedDocument, _ body: (C4LineOutcome, [UInt8]) -> Void) {
        // Segmenter words per line, taken from the document's words (of the NFKC text) rather than by
        // segmenting every line again. NFKC never maps across a line break, so the NFKC text has the
        // same lines, in the same order.
        var lineWords: [Int]? = nil
        let normalizedLines = parameters.c4LineWords != .segmenter ? []
            : document.isNormalized ? document.lines : document.normalized.withUnsafeBytes { Lines.split($0) }
        if parameters.c4LineWords == .segmenter && normalizedLines.count == document.lines.count {
            var counts = [Int](repeating: 0, count: normalizedLines.count)
            var wordIndex = 0
            for (lineIndex, line) in normalizedLines.enumerated() {
                while wordIndex < document.words.count && Int(document.words[wordIndex].start) < line.start { wordIndex += 1 }
                while wordIndex < document.words.count && Int(document.words[wordIndex].end) <= line.end {
                    counts[lineIndex] += 1
                    wordIndex += 1
                }
            }
            lineWords = counts
        }
        document.withText { text in
            for (lineIndex, line) in document.lines.enumerated() {
                let trimmed = Lines.trimmed(line, in: text)
                let bytes = UnsafeRawBufferPointer(rebasing: text[trimmed.start..<trimmed.end])
                let whitespaceWords = Self.whitespaceWords(bytes)
                if whitespaceWords.contains(where: { $0 > parameters.c4MaxWordLength }) {
                    body(.longWord, [])
                    continue
                }
                let cleaned = Self.removingCitations(bytes)
                let count = lineWords?[lineIndex] ?? wordCount(bytes, whitespaceWords: whitespaceWords.count)
                let outcome = cleaned.withUnsafeBytes { judge($0, wordCount: count) }
                body(outcome, cleaned)
            }
        }
    }

    private func judge(_ line: UnsafeRawBufferPointer, wordCount: Int) -> C4LineOutcome {
        let range = TextRange(start: 0, end: line.count)
        if !terminals.contains(where: { TextPatterns.hasSuffix($0, line, range) }) || TextPatterns.hasSuffix(Self.threeDots, line, range) {
            return .noTerminalPunctuation
        }
        if wordCount < parameters.c4MinWordsPerLine { return .tooFewWords }
        // One lower-cased copy of the line, searched with memmem for each phrase.
        let lower = line.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        return lower.withUnsafeBytes { lower in
            let lorem = TextPatterns.contains(Self.loremIpsum, in: lower)
            if !lorem && TextPatterns.contains(Self.javascript, in: lower) { return .javascript }
            let curly = memchr(lower.baseAddress!, Int32(UInt8(ascii: "{")), lower.count) != nil
            if !lorem && !curly && Self.policies.contains(where: { TextPatterns.contains($0, in: lower) }) { return .policy }
            return .kept(sentences: analyzer.sentenceCount(line), loremIpsum: lorem, curlyBracket: curly)
        }
    }

    private func wordCount(_ line: UnsafeRawBufferPointer, whitespaceWords: Int) -> Int {
        switch parameters.c4LineWords {
        case .whitespace: return whitespaceWords
        case .segmenter: return analyzer.words(line).count
        }
    }

    /// Character lengths of the white-space separated words of a line (Python's `str.split()`).
    static func whitespaceWords(_ line: UnsafeRawBufferPointer) -> [Int] {
        var lengths: [Int] = []
        var current = 0
        var i = 0
        while i < line.count {
            let (scalar, length) = UTF8Text.scalar(line, at: i)
            if UTF8Text.isWhiteSpace(scalar) {
                if current > 0 { lengths.append(current) }
                current = 0
            } else {
                current += 1
            }
            i += length
        }
        if current > 0 { lengths.append(current) }
        return lengths
    }

    /// The line without Wikipedia-style citation marks: `[12]`, `[]`, `[edit]`, `[citation needed]`.
    static func removingCitations(_ line: UnsafeRawBufferPointer) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(line.count)
        var i = 0
        while i < line.count {
            if line[i] == UInt8(ascii: "["), let end = citationEnd(line, from: i) {
                i = end
            } else {
                output.append(line[i])
                i += 1
            }
        }
        return output
    }

    private static let bracketWords = [Array("[edit]".utf8), Array("[citation needed]".utf8)]

    private static func citationEnd(_ line: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var i = start + 1
        while i < line.count && line[i] >= UInt8(ascii: "0") && line[i] <= UInt8(ascii: "9") { i += 1 }
        if i < line.count && line[i] == UInt8(ascii: "]") { return i + 1 }
        for word in bracketWords where TextPatterns.hasPrefix(word, line, TextRange(start: start, end: line.count)) {
            return start + word.count
        }
        return nil
    }
}

/// C4's line removal, for exporting text the way C4 kept it: the kept lines, joined by newlines.
public struct C4LineCleaner {
    private let classifier: C4LineClassifier

    public init(parameters: StatisticParameters, analyzer: TextAnalyzer) {
        classifier = C4LineClassifier(parameters: parameters, analyzer: analyzer)
    }

    public func clean(_ document: AnalyzedDocument) -> [UInt8] {
        var kept: [[UInt8]] = []
        classifier.classify(document) { outcome, line in
            if case .kept = outcome { kept.append(line) }
        }
        return Array(kept.joined(separator: [0x0A]))
    }
}
