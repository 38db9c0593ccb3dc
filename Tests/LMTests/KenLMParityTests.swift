import Foundation
import LM
import Testing

/// Against KenLM: our estimator against lmplz's ARPA, our queries against the kenlm Python module.
/// Fixtures are made by bench/parity/make_lm_fixtures.sh.
@Suite struct KenLMParityTests {
    struct Golden: Decodable {
        var sentence: String
        var log10: Double
        var tokens: Int
        var oov: Int
    }

    static func goldens() throws -> [Golden] {
        try Fixtures.text("kenlm-scores.jsonl").split(separator: "\n").map {
            try JSONDecoder().decode(Golden.self, from: Data($0.utf8))
        }
    }

    @Test func scoresEqualKenLMsModelScore() throws {
        var model = try ARPA.read(path: Fixtures.path("lmplz-3.arpa"))
        model.options = Fixtures.whitespace
        let inMemory = NGramModel(model)
        let binaryPath = Fixtures.temporaryPath("lmplz-3.bin")
        try BinaryModel.write(model, to: binaryPath)
        let mapped = try BinaryModel.load(path: binaryPath)
        #expect(mapped.ngramCounts == inMemory.ngramCounts)

        let goldens = try Self.goldens()
        #expect(goldens.count > 40)
        #expect(goldens.contains { $0.oov > 0 })
        #expect(goldens.contains { $0.tokens == 0 })
        for golden in goldens {
            for model in [inMemory, mapped] {
                let score = SentenceScorer(model: model).score(line: golden.sentence)
                #expect(abs(score.log10Probability - golden.log10) < 1e-4, "\(golden.sentence.prefix(60)): \(score.log10Probability) vs \(golden.log10)")
                #expect(score.tokens == golden.tokens)
                #expect(score.oov == golden.oov)
            }
        }
    }

    @Test func estimatorMatchesLmplzNgramForNgram() throws {
        // lmplz -o 3 --discount_fallback on the same pre-tokenized text.
        let (ours, _) = try Fixtures.estimate(try Fixtures.text("train.txt"), order: 3)
        let theirs = try ARPA.read(path: Fixtures.path("lmplz-3.arpa"))
        let a = Fixtures.table(ours), b = Fixtures.table(theirs)
        var compared = 0
        for order in 0..<3 {
            #expect(Set(a[order].keys) == Set(b[order].keys), "order \(order + 1): \(Set(a[order].keys).symmetricDifference(b[order].keys).prefix(5))")
            for (gram, (probability, backoff)) in a[order] {
                guard let (p, w) = b[order][gram] else { continue }
                #expect(abs(probability - p) < 1e-4 && abs(backoff - w) < 1e-4, "\(gram): \(probability) \(backoff) vs \(p) \(w)")
                compared += 1
            }
        }
        #expect(compared == theirs.orders.reduce(0) { $0 + $1.count })
        #expect(compared > 30_000)
    }

    @Test func prunedFiveGramEstimateMatchesLmplz() throws {
        // lmplz -o 5 --discount_fallback --prune 0 0 1 on the first 120 lines.
        let (ours, _) = try Fixtures.estimate(try Fixtures.text("train-120.txt"), order: 5) { $0.pruneSingletons = true }
        let theirs = try ARPA.read(path: Fixtures.path("lmplz-5-pruned.arpa"))
        let a = Fixtures.table(ours), b = Fixtures.table(theirs)
        #expect(ours.orders.map(\.count) == theirs.orders.map(\.count))
        for order in 0..<5 {
            #expect(Set(a[order].keys) == Set(b[order].keys))
            for (gram, (probability, backoff)) in a[order] {
                guard let (p, w) = b[order][gram] else { continue }
                #expect(abs(probability - p) < 1e-4 && abs(backoff - w) < 1e-4, "\(gram)")
            }
        }
    }

    @Test func arpaWrittenByUsReadsBackTheSame() throws {
        let (model, _) = try Fixtures.estimate(try Fixtures.text("train.txt"), order: 3)
        let path = Fixtures.temporaryPath("ours.arpa")
        try ARPA.write(model, to: path)
        let again = try ARPA.read(path: path)
        #expect(again.options == model.options)
        let a = Fixtures.table(model), b = Fixtures.table(again)
        for order in 0..<3 {
            #expect(a[order].count == b[order].count)
            for (gram, value) in a[order] { #expect(b[order][gram]! == value) }
        }
    }
}
