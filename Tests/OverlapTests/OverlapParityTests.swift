import Foundation
import Overlap
import Testing

/// BLEU against sacrebleu and ROUGE against rouge-score on the same pairs, English and Chinese
/// (golden file by bench/parity/overlap_scores.py).
@Suite struct OverlapParityTests {
    struct Pair: Decodable {
        var hypothesis: String
        var references: [String]
        var tokens: String
        var sentence_bleu: Double
        var rouge1: [Double]
        var rouge2: [Double]
        var rougeL: [Double]
    }

    struct Language: Decodable {
        var tokenizer: String
        var corpus_bleu: Double
        var bp: Double
        var precisions: [Double]
        var pairs: [Pair]
    }

    static func golden() throws -> [String: Language] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/overlap/golden.json")
        return try JSONDecoder().decode([String: Language].self, from: Data(contentsOf: path))
    }

    @Test(arguments: ["en", "zh"])
    func bleuEqualsSacrebleu(_ language: String) throws {
        let golden = try #require(try Self.golden()[language])
        let bleu = BLEU(tokenizer: BLEUTokenizer(rawValue: golden.tokenizer)!)
        #expect(golden.pairs.count >= 30)
        for pair in golden.pairs {
            #expect(bleu.tokenizer.tokenize(pair.hypothesis).joined(separator: " ") == pair.tokens, "\(pair.hypothesis)")
            let sentence = bleu.sentenceScore(hypothesis: pair.hypothesis, references: pair.references)
            #expect(abs(sentence.score - pair.sentence_bleu) < 1e-9, "\(pair.hypothesis): \(sentence.score) vs \(pair.sentence_bleu)")
        }
        let corpus = bleu.corpusScore(hypotheses: golden.pairs.map(\.hypothesis), references: golden.pairs.map(\.references))
        #expect(abs(corpus.score - golden.corpus_bleu) < 1e-9)
        #expect(abs(corpus.brevityPenalty - golden.bp) < 1e-12)
        for (ours, theirs) in zip(corpus.precisions, golden.precisions) { #expect(abs(ours - theirs) < 1e-9) }
    }

    @Test(arguments: ["en", "zh"])
    func rougeEqualsRougeScore(_ language: String) throws {
        let golden = try #require(try Self.golden()[language])
        let rouge = ROUGE(tokenizer: language == "zh" ? .characters : .standard)
        for pair in golden.pairs {
            let scores = rouge.score(target: pair.references[0], prediction: pair.hypothesis)
            for (ours, theirs) in [(scores.rouge1, pair.rouge1), (scores.rouge2, pair.rouge2), (scores.rougeL, pair.rougeL)] {
                #expect(abs(ours.precision - theirs[0]) < 1e-12 && abs(ours.recall - theirs[1]) < 1e-12 && abs(ours.fmeasure - theirs[2]) < 1e-12,
                        "\(pair.hypothesis)")
            }
        }
    }

    @Test func tokenizersHandleTheTrickyCases() {
        #expect(BLEUTokenizer.thirteenA.tokenize("It costs $3,000.50 -- a 10-year plan, (roughly).")
                == ["It", "costs", "$", "3,000.50", "--", "a", "10", "-", "year", "plan", ",", "(", "roughly", ")", "."])
        #expect(BLEUTokenizer.zh.tokenize("我们在2024年去了北京。") == ["我", "们", "在", "2024", "年", "去", "了", "北", "京", "。"])
        #expect(ROUGE(tokenizer: .standard).tokens("The cat's 3 hats!") == ["the", "cat", "s", "3", "hats"])
        #expect(ROUGE(tokenizer: .characters).tokens("我们用 Python 3。") == ["我", "们", "用", "python", "3"])
    }
}
