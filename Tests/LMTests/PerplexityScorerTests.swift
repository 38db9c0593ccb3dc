import Core
import Foundation
import LM
import Store
import Testing

@Suite struct PerplexityScorerTests {
    /// A store with clean English lines and junk.
    static func makeStore() throws -> Store {
        let store = try Store(path: Fixtures.temporaryPath("curate.db"))
        let writer = try DocumentWriter(store: store, runID: 1)
        let train = try Fixtures.text("heldout.txt").split(separator: "\n").filter { !$0.isEmpty }.prefix(40)
        var texts = train.map(String.init)
        texts += ["zqx vbn wrt plk zqx vbn wrt plk mnb", "%%% ### @@@ !!! ~~~", "buy cheap buy cheap buy cheap now"]
        try store.connection.transaction {
            for (index, text) in texts.enumerated() {
                let bytes = Array(text.utf8)
                _ = try writer.insert(NewDocument(sourceID: 1, sourceKey: "k", position: Int64(index + 1), externalID: "doc-\(index + 1)",
                                                  stored: bytes, codec: .plain, byteLength: bytes.count, contentHash: Hash128(of: bytes),
                                                  metadata: nil))
            }
        }
        return store
    }

    static func model() throws -> NGramModel {
        let (data, _) = try Fixtures.estimate(try Fixtures.text("train.txt"), order: 3)
        let path = Fixtures.temporaryPath("model.bin")
        try BinaryModel.write(data, to: path)
        return try BinaryModel.load(path: path)
    }

    @Test func documentPerplexityFollowsCCNet() throws {
        let model = try Self.model()
        let scorer = SentenceScorer(model: model)
        let text = "the river runs to the sea .\n\nit is cold ."
        let result = Array(text.utf8).withUnsafeBytes { DocumentPerplexity.measure($0, scorer: scorer) }
        let first = scorer.score(line: "the river runs to the sea ."), second = scorer.score(line: "it is cold .")
        #expect(result.lines == 2)
        #expect(result.tokens == 11)
        let total = first.log10Probability + second.log10Probability
        #expect(abs(result.log10Probability - total) < 1e-9)
        // 10^(-Σ log10 p / Σ (tokens + 1)), and bits per byte over the UTF-8 bytes.
        #expect(abs(result.perplexity - pow(10, -total / 13)) < 1e-9)
        #expect(abs(result.bitsPerByte - (-total * log2(10) / Double(text.utf8.count))) < 1e-12)
        #expect(result.maxLinePerplexity >= result.medianLinePerplexity)
    }

    @Test func scoresOnceResumesAndBucketsByLanguage() throws {
        let store = try Self.makeStore()
        let model = try Self.model()
        let id = try PerplexityScorer.register(model: model, paths: [try modelPath()], trainedOn: "test", runID: 1, store: store)
        let scorer = PerplexityScorer(store: store, reference: ReferenceModels([model]), modelID: id, threads: 2, console: Console(quiet: true))
        let first = try scorer.run()
        #expect(first.documents == 43)
        #expect(try scorer.run().documents == 0)
        try store.connection.execute("DELETE FROM perplexity WHERE seq > 30")
        #expect(try scorer.run().documents == 13)

        // Buckets: 30% head, 30% middle, the rest tail (nearest rank), per language.
        let cutoff = try #require(first.cutoffs.first { $0.language == "en" })
        #expect(cutoff.head + cutoff.middle + cutoff.tail == cutoff.documents)
        #expect(cutoff.head == Int((0.3 * Double(cutoff.documents)).rounded(.up)))
        #expect(try store.connection.scalarInt("SELECT count(*) FROM perplexity WHERE bucket IS NULL") == 0)
        // The junk scores worse than every clean line, and over ten times the clean median.
        let junk = try store.connection.scalarText("SELECT min(perplexity) FROM perplexity p JOIN documents d ON d.seq = p.seq WHERE d.external_id IN ('doc-41', 'doc-43')")
        let clean = try store.connection.scalarText("SELECT max(perplexity) FROM perplexity WHERE seq <= 40")
        let median = try store.connection.scalarText("SELECT perplexity FROM perplexity WHERE seq <= 40 ORDER BY perplexity LIMIT 1 OFFSET 20")
        #expect(Double(junk!)! > Double(clean!)!)
        #expect(Double(junk!)! > 10 * Double(median!)!)
    }

    private func modelPath() throws -> String {
        let (data, _) = try Fixtures.estimate(try Fixtures.text("train.txt"), order: 3)
        let path = Fixtures.temporaryPath("registered.bin")
        try BinaryModel.write(data, to: path)
        return path
    }

    @Test func crossFittingScoresEachDocumentWithTheModelThatDidNotSeeIt() {
        let even: Int64 = 10, odd: Int64 = 11
        #expect(ReferenceModels.trains(0, documentID: even))
        #expect(ReferenceModels.trains(1, documentID: odd))
        #expect(!ReferenceModels.trains(0, documentID: odd))
        // A model trained on the even documents scores the odd ones, and the other way round.
        #expect(ReferenceModels([NGramModel.tiny, NGramModel.tiny]).index(for: odd) == 0)
        #expect(ReferenceModels([NGramModel.tiny, NGramModel.tiny]).index(for: even) == 1)
        #expect(ReferenceModels([NGramModel.tiny]).index(for: even) == 0)
    }
}

extension NGramModel {
    static let tiny: NGramModel = {
        let estimator = try! KneserNeyEstimator(options: EstimatorOptions(), tokenizer: Fixtures.whitespace)
        estimator.add(text: "a b c\nb c d\n")
        return NGramModel(try! estimator.estimate())
    }()
}
