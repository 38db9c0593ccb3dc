import Core
import Foundation
import Testing
@testable import Train

/// The training loop: it learns, it resumes bit-identically, and its settings file states its defaults.
@Suite(.serialized) struct TrainerTests {
    /// A small corpus with structure to learn: sentences from a little grammar.
    static func corpus(documents: Int = 120) -> String {
        var random = SplitMix(seed: 42)
        let subjects = ["the cat", "a dog", "my friend", "the old man", "our teacher", "这只猫", "我的朋友"]
        let verbs = ["sees", "likes", "follows", "finds", "喜欢", "看见"]
        let objects = ["the river", "a small house", "the bright moon", "some bread", "一本书", "小河"]
        var lines: [String] = []
        for index in 0..<documents {
            var sentences: [String] = []
            for _ in 0..<(3 + Int(random.next() % 4)) {
                let s = subjects[Int(random.next() % UInt64(subjects.count))], v = verbs[Int(random.next() % UInt64(verbs.count))]
                let o = objects[Int(random.next() % UInt64(objects.count))]
                sentences.append("\(s) \(v) \(o).")
            }
            let data = try! JSONSerialization.data(withJSONObject: ["id": "d\(index)", "text": sentences.joined(separator: " ")])
            lines.append(String(decoding: data, as: UTF8.self))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func setup() throws -> (directory: String, corpus: TokenCorpus, tokenizer: BPETokenizer, config: TrainConfig) {
        let directory = NSTemporaryDirectory() + "curate-train-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try corpus().write(toFile: directory + "/docs.jsonl", atomically: true, encoding: .utf8)
        let tokenizer = try BPETokenizer.train(shards: directory + "/docs.jsonl", vocabularySize: 300, sampleBytes: 1 << 20)
        var config = TrainConfig()
        config.layers = 2
        config.heads = 2
        config.width = 32
        config.context = 32
        config.batch = 4
        config.steps = 60
        config.warmup = 5
        config.learningRate = 3e-3
        config.evalInterval = 10
        config.evalBatches = 2
        config.dropout = 0.1
        config.patience = 100
        config.holdOutEvery = 10
        config.threads = 1
        let corpus = try TokenCorpus.load(shards: directory + "/docs.jsonl", validation: nil, tokenizer: tokenizer,
                                          holdOutEvery: config.holdOutEvery, order: .asExported, seed: config.seed)
        return (directory, corpus, tokenizer, config)
    }

    @Test func validationLossFallsAndFilesAreWritten() throws {
        let (directory, corpus, tokenizer, config) = try Self.setup()
        #expect(corpus.validationDocuments == 12 && corpus.trainDocuments == 108)
        let trainer = try Trainer(config: config, corpus: corpus, tokenizer: tokenizer, directory: directory + "/run",
                                  console: Console(quiet: true), resume: false)
        let summary = try trainer.run()
        #expect(summary.steps == 60)
        let first = try #require(summary.firstValidationLoss), best = try #require(summary.bestValidationLoss)
        #expect(abs(first - log(Double(tokenizer.vocabularySize + 1))) < 0.3, "initial validation loss \(first)")
        #expect(best < first - 1, "validation loss \(first) → \(best)")
        let rows = MetricsRow.read(directory + "/run/metrics.csv")
        #expect(rows.count == 61 && rows.filter { $0.validationLoss != nil }.count == 7)
        let svg = try String(contentsOfFile: directory + "/run/loss.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("<polyline"))
        #expect(FileManager.default.fileExists(atPath: directory + "/run/best.ckpt"))
    }

    @Test(arguments: [Objective.causal, .masked, .span]) func aResumedRunContinuesBitIdentically(_ objective: Objective) throws {
        var (directory, corpus, tokenizer, config) = try Self.setup()
        config.objective = objective
        let straight = try Trainer(config: config, corpus: corpus, tokenizer: tokenizer, directory: directory + "/a",
                                   console: Console(quiet: true), resume: false)
        try straight.run()
        let first = try Trainer(config: config, corpus: corpus, tokenizer: tokenizer, directory: directory + "/b",
                                console: Console(quiet: true), resume: false)
        try first.run(until: 27) // stops between two validations: the checkpoint is written on the way out
        let resumed = try Trainer(config: config, corpus: corpus, tokenizer: tokenizer, directory: directory + "/b",
                                  console: Console(quiet: true), resume: true)
        try resumed.run()
        #expect(resumed.parameterValues == straight.parameterValues, "weights differ after resuming")
        #expect(resumed.optimizer.m == straight.optimizer.m && resumed.optimizer.v == straight.optimizer.v)
        #expect(resumed.state == straight.state)
        let a = try String(contentsOfFile: directory + "/a/metrics.csv", encoding: .utf8)
        let b = try String(contentsOfFile: directory + "/b/metrics.csv", encoding: .utf8)
        #expect(a == b)
        // Resuming with another model shape is refused.
        var other = config
        other.width = 48
        #expect(throws: TrainError.self) {
            _ = try Trainer(config: other, corpus: corpus, tokenizer: tokenizer, directory: directory + "/b", console: Console(quiet: true),
                            resume: true)
        }
    }

    /// Two threads split each batch's rows between two replicas of the model: the same training up to
    /// float32 summation order, and bit-identical from run to run and across a resume.
    @Test func twoThreadsSplitTheRowsAndResumeBitIdentically() throws {
        var (directory, corpus, tokenizer, config) = try Self.setup()
        config.dropout = 0
        var one = config
        one.threads = 1
        config.threads = 2
        let single = try Trainer(config: one, corpus: corpus, tokenizer: tokenizer, directory: directory + "/one", console: Console(quiet: true),
                                 resume: false)
        try single.run()
        let straight = try Trainer(config: config, corpus: corpus, tokenizer: tokenizer, directory: directory + "/a",
                                   console: Console(quiet: true), resume: false)
        #expect(straight.replicas.count == 2)
        let summary = try straight.run()
        #expect(try #require(summary.bestValidationLoss) < summary.firstValidationLoss! - 1)
        let a = single.parameterValues, b = straight.parameterValues
        let difference = zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
        let norm = a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(difference / norm < 1e-5 && difference > 0, "relative difference \(difference / norm)")
        let first = try Trainer(config: config, corpus: corpus, tokenizer: tokenizer, directory: directory + "/b",
                                console: Console(quiet: true), resume: false)
        try first.run(until: 27)
        let resumed = try Trainer(config: config, corpus: corpus, tokenizer: tokenizer, directory: directory + "/b",
                                  console: Console(quiet: true), resume: true)
        try resumed.run()
        #expect(resumed.parameterValues == straight.parameterValues)
        // A batch that does not split evenly over the threads gives them to OpenBLAS instead.
        config.batch = 5
        let odd = try Trainer(config: config, corpus: corpus, tokenizer: tokenizer, directory: directory + "/c",
                              console: Console(quiet: true), resume: false)
        #expect(odd.replicas.count == 1)
    }

    @Test func dataOrdersAndTheSettingsFile() throws {
        let (directory, _, tokenizer, config) = try Self.setup()
        let shards = directory + "/docs.jsonl"
        let exported = try TokenCorpus.load(shards: shards, validation: nil, tokenizer: tokenizer, holdOutEvery: 10, order: .asExported, seed: 1)
        let reversed = try TokenCorpus.load(shards: shards, validation: nil, tokenizer: tokenizer, holdOutEvery: 10, order: .reverse, seed: 1)
        let shuffled = try TokenCorpus.load(shards: shards, validation: nil, tokenizer: tokenizer, holdOutEvery: 10, order: .random, seed: 1)
        #expect(exported.train.count == reversed.train.count && exported.train != reversed.train && exported.train != shuffled.train)
        #expect(exported.validation == reversed.validation, "the held-out documents do not depend on the order")
        #expect(exported.train.sorted() == shuffled.train.sorted())
        _ = config

        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("pipelines/train-tiny.yaml").path
        var settings = TrainConfig()
        try settings.apply(file: path)
        #expect(settings == TrainConfig())
        #expect(throws: (any Error).self) { try settings.apply(yaml: "layerz: 3\n", source: "t.yaml") }
        #expect(throws: (any Error).self) { try settings.apply(yaml: "width: 30\nheads: 4\n", source: "t.yaml") }
        #expect(throws: (any Error).self) { try settings.apply(yaml: "objective: bert\n", source: "t.yaml") }
        var span = TrainConfig()
        try span.apply(yaml: "objective: span\n", source: "t.yaml")
        #expect(span.objective == .span)
    }
}
