import Testing
@testable import Text

/// The shared analysis gives each measure what segmenting on its own gave it.
@Suite struct DocumentAnalysisTests {
    let analyzer = TextAnalyzer()

    static let texts = [
        "Plain ASCII line.\nSecond line, with punctuation!\n\n",
        "我们今天在北京大学学习。\n自然语言处理很有趣\r\nMixed 中文 and English — “quoted”.",
        "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３\u{2028}after a line separator\u{2029}paragraph\u{85}next line",
        "form\u{0C}feed\u{0B}vertical tab\r\rtwo returns",
        "file\u{1C}group\u{1D}record\u{1E}unit separators",
        "separator then a mark: \u{1E}\u{0301}tail\nend",
        "",
        "\n\n\n",
    ]

    @Test(arguments: texts) func wordsAreTheWordSegmentsOfTheNormalisedText(_ text: String) {
        let analysis = DocumentAnalysis(text: Array(text.utf8), analyzer: analyzer, identifier: ScriptStopWordIdentifier())
        let direct = analysis.normalized.withUnsafeBytes { analyzer.words($0) }
        #expect(analysis.words == direct)
    }

    @Test(arguments: texts) func lineTokensAreWhatSegmentingEachLineGives(_ text: String) {
        let analysis = DocumentAnalysis(text: Array(text.utf8), analyzer: analyzer, identifier: ScriptStopWordIdentifier())
        let normalized = analysis.normalized
        let lines = normalized.withUnsafeBytes { Lines.split($0) }
        let separate = normalized.withUnsafeBytes { bytes in
            lines.map { analyzer.tokens(UnsafeRawBufferPointer(rebasing: bytes[$0.start..<$0.end])) }
        }
        let shared = analysis.lineTokens()
        #expect(shared.map(\.line) == lines)
        #expect(shared.map(\.tokens) == separate)
    }

    @Test func aTokenOutsideEveryLineMakesTheSplitFallBack() {
        // ICU makes \x1c a symbol token; Python's splitlines makes it a line separator.
        let text = Array("a\u{1C}b".utf8)
        let tokens = text.withUnsafeBytes { analyzer.tokens($0) }
        #expect(tokens.count == 3)
        #expect(DocumentAnalysis.split(tokens, into: text.withUnsafeBytes { Lines.split($0) }) == nil)
        #expect(DocumentAnalysis.split(tokens.filter { $0.status >= 100 }, into: text.withUnsafeBytes { Lines.split($0) }) != nil)
    }

    @Test func partsAreComputedOnceAndShared() {
        let analysis = DocumentAnalysis(text: Array("Ｈｅｌｌｏ world. 你好世界".utf8), analyzer: analyzer, identifier: ScriptStopWordIdentifier())
        #expect(!analysis.isNormalized)
        #expect(analysis.knownLanguage == nil)
        let language = analysis.language
        #expect(analysis.knownLanguage == language)
        #expect(String(decoding: analysis.normalized, as: UTF8.self) == "Hello world. 你好世界")
    }
}
