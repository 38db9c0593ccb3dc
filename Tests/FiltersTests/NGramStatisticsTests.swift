import Testing
@testable import Filters
import Text

/// Gopher's duplicated n-gram characters, from prefix hashes, against the scan written out on strings.
@Suite struct NGramStatisticsTests {
    let analyzer = TextAnalyzer()

    /// The definition: scanning left to right, an n-gram whose joined text was seen before adds its
    /// characters and the scan jumps past it; otherwise it is remembered and the scan moves one word.
    static func reference(_ words: [String], _ n: Int) -> Int {
        guard words.count >= n else { return 0 }
        var seen = Set<String>(), repeated = 0, index = 0
        while index <= words.count - n {
            let gram = words[index..<index + n].joined()
            if seen.insert(gram).inserted {
                index += 1
            } else {
                repeated += words[index..<index + n].reduce(0) { $0 + $1.count }
                index += n
            }
        }
        return repeated
    }

    @Test(arguments: [
        "the cat sat on the mat the cat sat on the mat and the cat sat on the mat again",
        "a b c d e f a b c d e f a b c d e f g h i j k a b c d e f",
        "我们 今天 在 北京 我们 今天 在 北京 学习 我们 今天 在 北京 学习 自然 语言",
        "one two three four five six seven eight nine ten eleven twelve",
        "x x x x x x x x x x x x x x x x x x x x x x x x",
    ])
    func duplicatedCharactersMatchTheScan(_ text: String) {
        let document = AnalyzedDocument(text: Array(text.utf8), analyzer: analyzer, identifier: ScriptStopWordIdentifier())
        let words = document.words.map { String(decoding: document.bytes(of: $0), as: UTF8.self) }
        let grams = NGramStatistics(document)
        for n in 5...10 {
            var table = KeyTable(expected: max(1, words.count))
            #expect(grams.duplicatedNGramCharacters(n, seen: &table) == Self.reference(words, n), "n = \(n)")
        }
    }

    @Test func inversesModulo2To64() {
        var x: UInt64 = 0x100000001B3
        for _ in 0..<1000 {
            #expect(x &* NGramStatistics.inverse(x) == 1)
            x = x &* 0x9E37_79B9_7F4A_7C15 | 1
        }
    }
}
