import Testing
import Text

/// The ASCII fast path must give exactly ICU's segments.
@Suite struct ASCIISegmenterTests {
    let analyzer = TextAnalyzer()

    private func same(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { buffer in
            guard ASCIISegmenter.applies(to: buffer) else { return true }
            return ASCIISegmenter.segments(buffer, punctuation: false) == analyzer.icuWords(buffer, tokens: false)
                && ASCIISegmenter.segments(buffer, punctuation: true) == analyzer.icuWords(buffer, tokens: true)
        }
    }

    @Test func everyPrintableCharacterBetweenLettersAndDigits() {
        for scalar in (0x20...0x7E).map({ Character(UnicodeScalar(UInt8($0))) }) where scalar != "_" && scalar != "@" {
            for pattern in ["a\(scalar)b", "1\(scalar)2", "a\(scalar)1", "1\(scalar)a", "\(scalar)", "\(scalar)\(scalar)", "ab\(scalar)", "\(scalar)ab",
                            "a\(scalar)\(scalar)b", "3\(scalar)000\(scalar)5", "x \(scalar) y"] {
                #expect(same(pattern), "\(pattern)")
            }
        }
    }

    @Test func randomTextAgreesWithICU() {
        var generator = SplitMix(seed: 7)
        let alphabet = Array("abcXYZ0129 .,;:'\"-!?()/\t\n#$%&*+<=>[]^`{|}~\\".utf8)
        var checked = 0
        for _ in 0..<3000 {
            let length = Int(generator.next() % 30)
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(same(text), "\(text.debugDescription)")
            checked += 1
        }
        #expect(checked == 3000)
    }

    @Test func proseAndItsTrickyBits() {
        for text in ["Don't stop: it's 3,000.50 dollars (U.S.A.), e.g. here... 'quoted' -- yes; no!",
                     "The river's mouth; 1;2;3 and 4'5 and a.b.c. End.", "C++ x--y $5.00 #tag 50% a/b <tag>"] {
            #expect(same(text), "\(text)")
        }
    }

    /// Mixed documents are segmented line group by line group (ASCII lines by the fast path, the rest by
    /// ICU): the result must be ICU's own on the whole text.
    @Test func mixedLinesAgreeWithICUOnTheWholeText() {
        let analyzer = TextAnalyzer()
        var generator = SplitMix(seed: 11)
        let pieces = ["The river's mouth, 3,000.50 ", "我们今天在北京。", "café — naïve ", "a_b me@x.org ", "\n", "\r\n", "\n\n", " ", "Don't! ", "東京は", "x--y "]
        for _ in 0..<500 {
            let text = (0..<Int(generator.next() % 12)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            Array(text.utf8).withUnsafeBytes { buffer in
                #expect(analyzer.words(buffer) == analyzer.icuWords(buffer, tokens: false), "\(text.debugDescription)")
                #expect(analyzer.tokens(buffer) == analyzer.icuWords(buffer, tokens: true), "\(text.debugDescription)")
            }
        }
    }

    @Test func underscoreAndAtAreLeftToICU() {
        #expect(!Array("a_b".utf8).withUnsafeBytes { ASCIISegmenter.applies(to: $0) })
        #expect(!Array("me@example.org".utf8).withUnsafeBytes { ASCIISegmenter.applies(to: $0) })
        #expect(!Array("café".utf8).withUnsafeBytes { ASCIISegmenter.applies(to: $0) })
    }
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
