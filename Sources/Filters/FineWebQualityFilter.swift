import Text

/// FineWeb's quality rules (Penedo et al. 2024): enough lines ending in punctuation, not too many
/// short lines, almost no characters in duplicated lines, and not a list (newlines per word).
///
/// Lines are the non-blank pieces between newlines. A line "ends in punctuation" when its last
/// character is Unicode Sentence_Terminal (. ! ? 。 ！ ？ and their kin in other scripts, from ICU) or
/// one of the profile's extra characters.
public enum FineWebQualityFilter: HeuristicFilter {
    public static let name = "fineweb"
    public static let ruleNames: [String] = ["no_lines", "line_punct_ratio", "short_line_ratio", "char_dup_ratio", "list_ratio"]
    public static let columns: [StatisticColumn] = [
        StatisticColumn("lines", "non-blank lines"),
        StatisticColumn("punct_lines", "lines ending in terminal punctuation"),
        StatisticColumn("short_lines", "lines of at most the short-line length"),
        StatisticColumn("dup_line_chars", "characters in lines equal to an earlier one"),
        StatisticColumn("chars_without_newlines", "characters, newlines not counted"),
        StatisticColumn("newlines", "newline characters"),
        StatisticColumn("words", "words (ICU segmenter)"),
    ]

    public static func measure(_ document: AnalyzedDocument, parameters: StatisticParameters, analyzer: TextAnalyzer) -> [Double] {
        let extra = Set(parameters.finewebExtraTerminalPunctuation.compactMap { $0.unicodeScalars.count == 1 ? $0.unicodeScalars.first!.value : nil })
        return document.withText { text in
            var lines: [TextRange] = []
            var start = 0
            var newlines = 0
            for i in 0...text.count where i == text.count || text[i] == 0x0A {
                let line = TextRange(start: start, end: i)
                if Lines.trimmed(line, in: text).count > 0 { lines.append(line) }
                if i < text.count { newlines += 1 }
                start = i + 1
            }
            var punctuated = 0, short = 0
            for line in lines {
                if let last = UTF8Text.lastScalar(text, end: line.end, start: line.start),
                   UTF8Text.isSentenceTerminal(last) || extra.contains(last) {
                    punctuated += 1
                }
                if TextPatterns.characters(text, line) <= parameters.finewebShortLineLength { short += 1 }
            }
            let duplicates = TextPatterns.duplicates(lines, in: text)
            return [Double(lines.count), Double(punctuated), Double(short), Double(duplicates.characters),
                    Double(document.characters - newlines), Double(newlines), Double(document.words.count)]
        }
    }

    public static func failures(_ v: [Double], profile: FilterProfile) -> [String] {
        let t = profile.fineweb
        let lines = v[0]
        var failures: [String] = []
        if lines == 0 { return [rule("no_lines")] }
        below(v[1] / lines, t.minLinePunctRatio, rule("line_punct_ratio"), into: &failures)
        above(v[2] / lines, t.maxShortLineRatio, rule("short_line_ratio"), into: &failures)
        above(ratio(v[3], v[4]), t.maxDupLineCharRatio, rule("char_dup_ratio"), into: &failures)
        above(ratio(v[5], v[6]), t.maxNewlineWordRatio, rule("list_ratio"), into: &failures)
        return failures
    }
}
