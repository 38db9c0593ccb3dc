import Core
import Foundation
import Testing
@testable import Train

/// The trained model as a file, as a scorer of text, and as the start of a classifier. Part of
/// TrainerTests' serialized suite: OpenBLAS's thread count is one setting for the whole process, and a
/// test changing it while another trains would make the resume test's two runs round differently.
extension TrainerTests {
    static let task = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("samples/task").path

    /// A small model pretrained for a few steps on the trainer tests' corpus.
    static func pretrained() throws -> (directory: String, file: ModelFile) {
        var (directory, corpus, tokenizer, config) = try TrainerTests.setup()
        config.steps = 30
        config.evalInterval = 10
        let trainer = try Trainer(config: config, corpus: corpus, tokenizer: tokenizer, directory: directory + "/run", console: Console(quiet: true),
                                  resume: false)
        try trainer.run()
        return (directory, try ModelFile.read(from: directory + "/run"))
    }

    @Test func theModelFileRoundTripsAndRefusesDamage() throws {
        let (directory, file) = try Self.pretrained()
        let path = directory + "/run/best.ckpt"
        #expect(ModelFile.recognizes(path) && ModelFile.recognizes(directory + "/run"))
        #expect(!ModelFile.recognizes(directory + "/run/checkpoint.bin"))
        try file.write(to: directory + "/copy.ckpt")
        let copy = try ModelFile.read(from: directory + "/copy.ckpt")
        #expect(copy.config == file.config && copy.parameters == file.parameters && copy.tokenizer == file.tokenizer && copy.labels == nil)
        // Cut the weights short: a clear error, not a crash or a silently wrong model.
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count - 100).write(to: URL(fileURLWithPath: directory + "/cut.ckpt"))
        #expect { try ModelFile.read(from: directory + "/cut.ckpt") } throws: { "\($0)".contains("truncated") }
        #expect { try ModelFile.read(from: directory + "/run/checkpoint.bin") } throws: { "\($0)".contains("not a curate model") }
    }

    @Test func theEvaluatorMeasuresWhatTrainingMinimises() throws {
        let (_, file) = try Self.pretrained()
        let evaluator = Evaluator(file: file)
        let text = Array("the cat sees 小河.".utf8)
        let loss = evaluator.measure([text])[0]
        // The same tokens through the model's own cross-entropy: one window, mean loss × tokens.
        let tokens = text.withUnsafeBytes { evaluator.tokens($0) }
        #expect(tokens.count - 1 <= file.config.context && loss.tokens == tokens.count - 1 && loss.bytes == text.count)
        let model = file.makeGPT()
        var random = SplitMix(seed: 0)
        let mean = model.forward(tokens: Array(tokens.dropLast()), targets: Array(tokens.dropFirst()), batch: 1, time: tokens.count - 1,
                                 random: &random)!
        #expect(abs(loss.nats - Double(mean) * Double(loss.tokens)) < 1e-3 * loss.nats)
        #expect(abs(loss.bitsPerByte - loss.nats / log(2) / Double(text.count)) < 1e-12)
        // A long text spans windows; the figures do not depend on how texts are grouped or on the number of threads.
        let long = Array(String(repeating: "our teacher finds the bright moon. ", count: 40).utf8)
        let texts = [text, long, Array("x".utf8), long]
        let one = try Evaluator.measure(texts, file: file, threads: 1, chunk: 1)
        let two = try Evaluator.measure(texts, file: file, threads: 2, chunk: 3)
        #expect(one == two)
        #expect(one[1].windowPerplexities.count > 1 && one[1] == one[3])
        // Repetitive text the model has seen is more predictable than random bytes.
        let noise = Array("zq7#Kp@x!vW%3jT&uY^9bN*eR(2mL)".utf8)
        #expect(one[1].bitsPerByte < evaluator.measure([noise])[0].bitsPerByte)
        // Greedy generation is deterministic and stops at the model's length limit.
        let prompt = [Array(tokens.prefix(6))]
        let first = evaluator.generate(prompt, count: 10), second = evaluator.generate(prompt, count: 10)
        #expect(first == second && first[0].count <= 10)
    }

    @Test func fineTuningBeatsTheMajorityBaselineAndStopsEarly() throws {
        let (directory, file) = try Self.pretrained()
        let train = try LabelledData.read(Self.task + "/train.tsv", labelField: "label", requireLabels: true)
        let validation = try LabelledData.read(Self.task + "/val.tsv", labelField: "label", requireLabels: true)
        #expect(train.count == 480 && validation.count == 120)
        var config = FinetuneConfig()
        config.epochs = 15
        config.maxTokens = 24
        config.patience = 2
        config.learningRate = 1e-3
        config.threads = 1
        let tuner = try FineTuner(model: file, train: train, validation: validation, config: config, directory: directory + "/ft")
        var epochs: [FinetuneEpoch] = []
        let summary = try tuner.run { epochs.append($0) }
        #expect(summary.labels == ["junk", "prose"])
        #expect(abs(summary.validation.majorityBaseline - 0.6) < 1e-9)
        #expect(summary.validation.accuracy > summary.validation.majorityBaseline + 0.1,
                "accuracy \(summary.validation.accuracy) against the majority baseline \(summary.validation.majorityBaseline)")
        // Early stopping: it stopped `patience` epochs after the best one, and the reported accuracy is the best epoch's.
        #expect(summary.stoppedEarly && summary.epochs == summary.bestEpoch + config.patience && summary.epochs < config.epochs)
        let bestEpoch = try #require(epochs.first { $0.epoch == summary.bestEpoch })
        #expect(bestEpoch.best && epochs.allSatisfy { $0.validation.accuracy <= bestEpoch.validation.accuracy })
        #expect(summary.validation.accuracy == bestEpoch.validation.accuracy)
        let log = try String(contentsOfFile: directory + "/ft/log.csv", encoding: .utf8)
        #expect(log.split(separator: "\n").count == summary.epochs + 1)
        // best.ckpt is the best epoch's classifier: predicting with it gives the same accuracy.
        let classifierFile = try ModelFile.read(from: directory + "/ft/best.ckpt")
        #expect(classifierFile.labels == ["junk", "prose"])
        let predictor = try Predictor(model: classifierFile)
        let predictions = try predictor.classify(validation, maxTokens: config.maxTokens)
        let correct = zip(validation, predictions).filter { predictor.labels[$0.1.0] == $0.0.label }.count
        #expect(Double(correct) / Double(validation.count) == summary.validation.accuracy)
        #expect(throws: TrainError.self) { _ = try FineTuner(model: classifierFile, train: train, validation: validation, config: config,
                                                              directory: directory + "/again") }
    }

    @Test func theClassificationReport() {
        let report = ClassificationReport(labels: ["a", "b", "c"], truth: [0, 0, 0, 1, 1, 2], predicted: [0, 0, 1, 1, 2, 2])
        #expect(report.confusion == [[2, 1, 0], [0, 1, 1], [0, 0, 1]])
        #expect(abs(report.accuracy - 4.0 / 6) < 1e-12 && abs(report.majorityBaseline - 0.5) < 1e-12)
        // F1: a = 2·1·(2/3)/(1+2/3) = 0.8; b = precision 1/2, recall 1/2 → 0.5; c = precision 1/2, recall 1 → 2/3.
        #expect(abs(report.macroF1 - (0.8 + 0.5 + 2.0 / 3) / 3) < 1e-12)
    }
}
