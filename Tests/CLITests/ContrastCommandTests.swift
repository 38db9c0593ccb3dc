import Foundation
import LM
import Store
import Testing

/// `curate score --metric perplexity --contrast`: the Moore–Lewis contrast model, through the binary.
@Suite(.serialized) struct ContrastCommandTests {
    static let words = ["the", "river", "valley", "of", "light", "and", "stone", "moves", "slowly", "under", "old",
                        "bridges", "where", "people", "walk", "in", "town", "market", "opens", "early"]

    /// A word of letters for a number ("noncebh"): the LM tokenizer folds digits, so "nonce17" would not do.
    static func nonce(_ index: Int) -> String {
        var letters = "", n = index
        repeat { letters.append(Character(UnicodeScalar(UInt8(97 + n % 26)))); n /= 26 } while n > 0
        return "nonce" + letters
    }

    /// 600 documents (three scoring batches), each holding a word no other document has (`nonce`),
    /// and a reference text larger than the store, so that the contrast sample takes every document.
    static func makeInputs(in scratch: Scratch) {
        var seed: UInt64 = 99
        func next() -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33)
        }
        func sentence(_ count: Int) -> String { (0..<count).map { _ in words[next() % words.count] }.joined(separator: " ") }
        var corpus = ""
        for index in 0..<600 {
            corpus += Corpus.jsonl(id: "d\(index)", text: "\(sentence(12)) \(nonce(index)) \(sentence(8)).\n\(sentence(10)).")
        }
        scratch.write("corpus.jsonl", corpus)
        scratch.write("reference.txt", (0..<2000).map { _ in sentence(14) + " ." }.joined(separator: "\n") + "\n")
    }

    static func differences(_ path: String) throws -> [String] {
        try QualityCommandTests.textRows(path, "SELECT document_id || '|' || language || '|' || quote(difference) FROM moore_lewis ORDER BY document_id")
    }

    static func score(_ runner: CommandRunner, db: String, contrast: Bool = true) throws -> CommandRunner.Result {
        try runner.run(["score", "--metric", "perplexity", "--reference", "reference.txt", "--lm-order", "3", "--db", db, "--json"]
                       + (contrast ? ["--contrast"] : []))
    }

    @Test func contrastIsCrossFittedDeterministicAndResumable() throws {
        let scratch = Scratch()
        Self.makeInputs(in: scratch)
        let runner = scratch.runner
        for db in ["clean.db", "again.db", "killed.db"] {
            #expect(try runner.run(["ingest", "corpus.jsonl", "--db", db, "--quiet"]).status == 0)
        }
        let clean = try Self.score(runner, db: "clean.db")
        #expect(clean.status == 0, "\(clean.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(clean.stdout.utf8)) as? [String: Any])
        let contrast = try #require(report["contrast"] as? [String: Any])
        #expect((contrast["differences"] as? [String: Any])?["documents"] as? Int == 600)
        #expect((contrast["trainedOn"] as? String)?.contains("a uniform sample of 600 store documents") == true)

        // Cross-fitting: each contrast model learned its own half's nonce words and never the other
        // half's, and every document was scored by the model that did not see it (its nonce is unknown).
        let store = try Store(path: scratch.path + "/clean.db", create: false)
        let models = try [0, 1].map { half in
            SentenceScorer(model: try NGramModel.load(path: scratch.path + "/clean.db.reference-contrast-\(half == 0 ? "even" : "odd").bin"))
        }
        let seqs = try store.connection.prepare("SELECT seq FROM documents ORDER BY seq")
        var checked = 0
        while try seqs.step() {
            let (id, bytes) = try #require(try store.document(seq: seqs.int64(0)))
            let text = String(decoding: bytes, as: UTF8.self)
            let nonce = try #require(text.split(separator: " ").first { $0.hasPrefix("nonce") })
            let half = Int(id & 1)
            #expect(models[half].score(line: String(nonce)).oov == 0, "the contrast model of half \(half) did not learn \(nonce)")
            #expect(models[1 - half].score(line: String(nonce)).oov == 1, "the other half's contrast model saw \(nonce)")
            checked += 1
        }
        #expect(checked == 600)
        let contrastID = try #require(try store.connection.scalarInt("SELECT id FROM lm_models WHERE contrast_for IS NOT NULL"))
        #expect(try store.connection.scalarInt("SELECT count(*) FROM perplexity WHERE model_id = \(contrastID) AND oov >= 1") == 600)
        #expect(try store.latestReferenceModelID(scored: true) != contrastID)

        // Determinism: the same inputs give the same contrast models, byte for byte, and the same rows.
        #expect(try Self.score(runner, db: "again.db").status == 0)
        for half in ["even", "odd"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/clean.db.reference-contrast-\(half).bin"))
            let b = try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/again.db.reference-contrast-\(half).bin"))
            #expect(a == b)
        }
        let expected = try Self.differences(scratch.path + "/clean.db")
        #expect(expected.count == 600)
        #expect(try Self.differences(scratch.path + "/again.db") == expected)

        // Resume: the reference scored first, then the contrast run killed after its first batch; the
        // next run scores the rest and stores the same differences.
        #expect(try Self.score(runner, db: "killed.db", contrast: false).status == 0)
        var killer = runner
        killer.environment["CURATE_CRASH_AT"] = "batch-commit:1"
        let process = try killer.start(["score", "--metric", "perplexity", "--reference", "reference.txt", "--lm-order", "3",
                                        "--db", "killed.db", "--contrast", "--quiet"])
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
        let killed = try Store(path: scratch.path + "/killed.db", create: false)
        let partial = try killed.connection.scalarInt(
            "SELECT count(*) FROM perplexity p JOIN lm_models m ON m.id = p.model_id WHERE m.contrast_for IS NOT NULL") ?? -1
        #expect(partial > 0 && partial < 600)
        let resumed = try Self.score(runner, db: "killed.db")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Self.differences(scratch.path + "/killed.db") == expected)

        // rank-eval knows the signal.
        let labels = (0..<600).map { "{\"id\": \"d\($0)\", \"label\": \($0 % 2)}" }.joined(separator: "\n")
        scratch.write("labels.jsonl", labels + "\n")
        let evaluation = try runner.run(["rank-eval", "--labels", "labels.jsonl", "--db", "clean.db"])
        #expect(evaluation.status == 0, "\(evaluation.stderr)")
        #expect(evaluation.stdout.contains("moore_lewis"))
    }
}
