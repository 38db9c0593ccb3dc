import Filters
import Testing
import Text

/// Each filter on small documents written to fail (or pass) one rule.
@Suite struct FilterRuleTests {
    let analyzer = TextAnalyzer()

    private func failures(_ text: String, _ filter: any HeuristicFilter.Type, profile name: String = "en") throws -> [String] {
        let profile = try ProfileLoader.builtIn(name)
        let document = AnalyzedDocument(text: Array(text.utf8), analyzer: analyzer, identifier: ScriptStopWordIdentifier())
        return filter.failures(filter.measure(document, parameters: profile.statistics, analyzer: analyzer), profile: profile)
    }

    static let prose = """
        The old harbour of the town was rebuilt after the storm of the winter before last. Fishermen who had \
        worked there for years helped the engineers to decide where the new walls should stand, and the work \
        was finished in less than a year. Today the boats come and go as they did before, and visitors walk \
        along the quay in the evening to watch them return with their catch.

        The council has promised that the harbour will stay open to small boats, and that the fish market \
        will keep its place beside the water. Many people in the town say that this matters more to them \
        than any new building could.
        """

    @Test func cleanProsePassesEveryFilter() throws {
        for filter in heuristicFilters {
            #expect(try failures(Self.prose, filter).isEmpty, "\(filter.name)")
        }
    }

    @Test func gopherQualityRules() throws {
        #expect(try failures("Too short to be a page of text.", GopherQualityFilter.self).first == "gopher_quality.too_few_words")
        let hashes = String(repeating: "#tag #news #today some words here and the rest of it ", count: 10)
        #expect(try failures(hashes, GopherQualityFilter.self).contains("gopher_quality.hash_ratio"))
        let bullets = (1...60).map { "• item number \($0) of the list with the words" }.joined(separator: "\n")
        #expect(try failures(bullets, GopherQualityFilter.self).contains("gopher_quality.bullet_lines_ratio"))
        let ellipses = (1...20).map { _ in "and the story goes on and on with words that trail..." }.joined(separator: "\n")
        #expect(try failures(ellipses, GopherQualityFilter.self).contains("gopher_quality.ellipsis_lines_ratio"))
        let numbers = (1...80).map { "\($0 * 7919)" }.joined(separator: " ") + " the of and"
        #expect(try failures(numbers, GopherQualityFilter.self).contains("gopher_quality.alpha_words_ratio"))
        let noStopWords = String(repeating: "cheap flights deals booking airline tickets discount travel offers ", count: 10)
        #expect(try failures(noStopWords, GopherQualityFilter.self).contains("gopher_quality.too_few_stop_words"))
        let longWords = String(repeating: "incomprehensibilities internationalization ", count: 30) + "the of"
        #expect(try failures(longWords, GopherQualityFilter.self).contains("gopher_quality.long_mean_word_length"))
    }

    @Test func gopherRepetitionRules() throws {
        let repeatedLine = String(repeating: "Click here to subscribe to our newsletter today.\n", count: 12) + Self.prose
        let lineFailures = try failures(repeatedLine, GopherRepetitionFilter.self)
        #expect(lineFailures.contains("gopher_repetition.dup_line_fraction"))
        #expect(lineFailures.contains("gopher_repetition.dup_line_char_fraction"))
        let spam = String(repeating: "buy now buy now buy now ", count: 40)
        #expect(try failures(spam, GopherRepetitionFilter.self).contains("gopher_repetition.top_2gram_char_fraction"))
        let paragraphs = Array(repeating: "The same paragraph again, word for word, as crawlers often see it.", count: 5).joined(separator: "\n\n")
        #expect(try failures(paragraphs, GopherRepetitionFilter.self).first == "gopher_repetition.dup_paragraph_fraction")
    }

    @Test func c4Rules() throws {
        #expect(try failures(Self.prose + "\nLorem ipsum dolor sit amet, consectetur adipiscing elit.", C4QualityFilter.self) == ["c4.lorem_ipsum"])
        #expect(try failures(Self.prose + "\nThe config is { \"a\": 1 } in the file.", C4QualityFilter.self) == ["c4.curly_bracket"])
        // A '{' in a line C4 has already removed (no terminal punctuation) does not drop the page.
        #expect(try failures(Self.prose + "\nfunction f() { return 1 }", C4QualityFilter.self).isEmpty)
        #expect(try failures("Menu\nHome\nAbout us\nContact", C4QualityFilter.self) == ["c4.too_few_sentences"])
    }

    @Test func fineWebRules() throws {
        let menu = (1...40).map { "Menu item \($0)" }.joined(separator: "\n")
        let menuFailures = try failures(menu, FineWebQualityFilter.self)
        #expect(menuFailures.contains("fineweb.line_punct_ratio"))
        #expect(menuFailures.contains("fineweb.short_line_ratio"))
        #expect(menuFailures.contains("fineweb.list_ratio"))
        let duplicated = Self.prose + "\nShare this article with your friends.\nShare this article with your friends."
        #expect(try failures(duplicated, FineWebQualityFilter.self).contains("fineweb.char_dup_ratio"))
    }

    @Test func chineseProseIsMeasuredInWordsAndKeptByTheChineseProfile() throws {
        let text = """
            夏天的午后，一场阵雨刚刚停歇，太阳重新露出脸来。如果你背对太阳站着，常常能在天空另一侧看到一道弯弯的彩虹。\
            很多人小时候都好奇过：这些颜色到底是从哪里来的？其实答案就藏在空气中无数细小的水滴里。

            太阳光看起来是白色的，但它实际上由许多不同颜色的光混合而成。当阳光射入一颗近似球形的水滴时，会在水滴表面发生折射，\
            在水滴内部的背面发生反射，然后再次折射射出。由于不同颜色的光在水中的折射程度略有差别，原本混在一起的白光就被分解开来。
            """
        let document = AnalyzedDocument(text: Array(text.utf8), analyzer: analyzer, identifier: ScriptStopWordIdentifier())
        #expect(document.language.language == "zh")
        #expect(document.words.count > 80) // words, not one "word" per line
        for filter in heuristicFilters {
            #expect(try failures(text, filter, profile: "zh").isEmpty, "\(filter.name)")
        }
        // The English defaults, as peers apply them, drop it.
        let english = try heuristicFilters.flatMap { try failures(text, $0, profile: "en") }
        #expect(english.contains("gopher_quality.too_few_stop_words"))
    }

    @Test func c4LineCleanerKeepsTheLinesC4Keeps() throws {
        let profile = try ProfileLoader.builtIn("en")
        let text = "Home | About\nThe bridge opened in 1932 and still stands.[3]\nPlease enable JavaScript to continue reading this.\nIt was widened twice since then."
        let document = AnalyzedDocument(text: Array(text.utf8), analyzer: analyzer, identifier: ScriptStopWordIdentifier())
        let cleaned = C4LineCleaner(parameters: profile.statistics, analyzer: analyzer).clean(document)
        #expect(String(decoding: cleaned, as: UTF8.self) == "The bridge opened in 1932 and still stands.\nIt was widened twice since then.")
    }
}
