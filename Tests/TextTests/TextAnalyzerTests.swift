import Testing
@testable import Text

@Suite struct TextAnalyzerTests {
    let analyzer = TextAnalyzer()

    private func words(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { buffer in
            analyzer.words(buffer).map { String(decoding: bytes[Int($0.start)..<Int($0.end)], as: UTF8.self) }
        }
    }

    @Test func segmentsChineseWithTheDictionary() {
        #expect(words("我们今天在北京大学学习自然语言处理。") == ["我们", "今天", "在", "北京", "大学", "学习", "自然", "语言", "处理"])
    }

    @Test func englishWordsLeaveOutSpacesAndPunctuation() {
        #expect(words("Don't stop — it's 3.5 km, (really)!") == ["Don't", "stop", "it's", "3.5", "km", "really"])
    }

    @Test func reportsByteOffsetsLettersAndStatus() {
        let text = Array("ab 中文 42".utf8)
        let found = text.withUnsafeBytes { analyzer.words($0) }
        #expect(found.map(\.start) == [0, 3, 10])
        #expect(found.map(\.end) == [2, 9, 12])
        #expect(found.map(\.characters) == [2, 2, 2])
        #expect(found.map(\.hasLetter) == [true, true, false])
        #expect(found[1].isIdeographic)
        #expect(found[2].isNumber)
        #expect(found.map(\.isASCII) == [true, false, true])
    }

    @Test func nfkcFoldsCompatibilityForms() {
        let full = Array("ＡＢＣ１２３！".utf8)
        #expect(full.withUnsafeBytes { analyzer.nfkc($0) } == Array("ABC123!".utf8))
        #expect(Array("ﬁ…".utf8).withUnsafeBytes { analyzer.nfkc($0) } == Array("fi...".utf8))
        // Already NFKC: nothing to do.
        #expect(Array("plain text and 中文".utf8).withUnsafeBytes { analyzer.nfkc($0) } == nil)
    }

    @Test func countsSentencesByTheUnicodeRules() {
        // UAX #29: a period before a lower-case word does not end a sentence; "Dr." before a capital does.
        let text = Array("She arrived at 10 a.m. on Monday. He left early! Did he come back? 他回来了。……".utf8)
        #expect(text.withUnsafeBytes { analyzer.sentenceCount($0) } == 4)
        #expect(Array("Dr. Smith came.".utf8).withUnsafeBytes { analyzer.sentenceCount($0) } == 2)
        #expect(Array("--- ...".utf8).withUnsafeBytes { analyzer.sentenceCount($0) } == 0)
    }

    @Test func linesSplitLikePythonSplitlines() {
        // "a\r\nb\rc\nd\u{0B}e\u{0C}f\u{1C}g\u{85}h\u{2028}i\u{2029}j\n" -> 10 lines, no empty last line.
        let text = Array("a\r\nb\rc\nd\u{0B}e\u{0C}f\u{1C}g\u{85}h\u{2028}i\u{2029}j\n".utf8)
        let lines = text.withUnsafeBytes { Lines.split($0) }.map { String(decoding: text[$0.start..<$0.end], as: UTF8.self) }
        #expect(lines == ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"])
        #expect(Array("".utf8).withUnsafeBytes { Lines.split($0) }.isEmpty)
        #expect(Array("\n\nx".utf8).withUnsafeBytes { Lines.split($0) }.count == 3)
    }

    @Test func newlineRunsSplitLikeARegex() {
        let text = Array("\na\n\n\nb\nc\n".utf8)
        let pieces = text.withUnsafeBytes { Lines.splitOnNewlineRuns($0) }.map { String(decoding: text[$0.start..<$0.end], as: UTF8.self) }
        #expect(pieces == ["", "a", "b", "c", ""]) // re.split("\n+", …)
        let paragraphs = text.withUnsafeBytes { Lines.splitOnNewlineRuns($0, minimumRun: 2) }.map { String(decoding: text[$0.start..<$0.end], as: UTF8.self) }
        #expect(paragraphs == ["\na", "b\nc\n"]) // re.split("\n{2,}", …)
    }

    @Test func trimsUnicodeWhiteSpace() {
        let text = Array("\u{3000} \tword\u{A0}\n".utf8)
        let trimmed = text.withUnsafeBytes { Lines.trimmed(TextRange(start: 0, end: text.count), in: $0) }
        #expect(String(decoding: text[trimmed.start..<trimmed.end], as: UTF8.self) == "word")
    }

    @Test func knowsSentenceTerminals() {
        for scalar in "。！？.!?।؟".unicodeScalars { #expect(UTF8Text.isSentenceTerminal(scalar.value), "\(scalar)") }
        for scalar in ",;:，、”…".unicodeScalars { #expect(!UTF8Text.isSentenceTerminal(scalar.value), "\(scalar)") }
    }
}

@Suite struct LanguageIdentifierTests {
    let analyzer = TextAnalyzer()

    private func identify(_ text: String) -> LanguageGuess {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { ScriptStopWordIdentifier().identify($0, words: analyzer.words($0)) }
    }

    @Test func tellsEnglishChineseJapaneseAndOthersApart() {
        #expect(identify("The river runs through the old town, and the bridges are older than the houses.").language == "en")
        #expect(identify("夏天的午后，一场阵雨刚刚停歇，太阳重新露出脸来。").language == "zh")
        #expect(identify("今日は天気がとても良いので、公園を散歩しました。").language == "ja")
        #expect(identify("Le petit chat dort sur le canapé pendant que la pluie tombe dehors.").language == "other")
        #expect(identify("Москва — столица России, крупнейший город страны.").script == "Cyrl")
        #expect(identify("12345 67890 !!!").language == "other")
    }

    @Test func chineseWithSomeEnglishIsStillChinese() {
        let guess = identify("我们使用 Python 和 SQLite 来处理数据，这个方法很有效，也很简单。")
        #expect(guess.language == "zh")
        #expect(guess.script == "Hani")
    }

    @Test func englishKeywordSpamWithoutFunctionWordsIsNotEnglish() {
        #expect(identify("cheap flights best cheap flights cheap flight deals book cheap flights").language == "other")
    }
}

/// cc_net's line normalisation: the table-driven path for ASCII and ideographs gives ICU's bytes.
@Suite struct NormalizedLineTests {
    let analyzer = TextAnalyzer()

    func fast(_ line: [UInt8]) -> [UInt8] {
        line.withUnsafeBytes { bytes in analyzer.withNormalizedLine(bytes) { Array($0) } }
    }

    @Test func everyASCIICharacterAndPairNormalisesAsICUDoes() {
        for a in UInt8(0)..<128 {
            #expect(fast([a]) == analyzer.normalizedLineByICU([a]), "\(a)")
            for b in stride(from: UInt8(0), to: 128, by: 7) {
                let pair: [UInt8] = [0x41, a, 0x20, b, 0x7A]
                #expect(fast(pair) == analyzer.normalizedLineByICU(pair), "\(pair)")
            }
        }
    }

    @Test(arguments: ["  Hello, World! 123 — ok", "我们今天在北京大学学习。", "Mixed 中文 and English 2024年", "\t lead and trail \t",
                      "Café déjà vu", "Ｆｕｌｌｗｉｄｔｈ", "$100 + 5% <tag> a|b ~x^y`z", "一丁七万丈三上下不与丐丑专且", "龟龠龢龥鿿 end"])
    func linesNormaliseAsICUDoes(_ line: String) {
        let bytes = Array(line.utf8)
        #expect(fast(bytes) == analyzer.normalizedLineByICU(bytes))
    }

    @Test func theNormalFormIsCcNets() {
        #expect(String(decoding: fast(Array("  Hello, World! 123   ok ".utf8)), as: UTF8.self) == "hello world 000 ok")
        #expect(String(decoding: fast(Array("Café, 北京 2024!".utf8)), as: UTF8.self) == "cafe 北京 0000")
    }
}
