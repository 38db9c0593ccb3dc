import Core
import Foundation

/// The settings of `curate finetune` (REFERENCE §5, fine-tuning: AdamW with a learning rate in
/// 2e-5…5e-4, warmup over ~10% of the steps, weight decay, dropout, early stopping on validation accuracy).
public struct FinetuneConfig: Sendable, Equatable, Codable {
    public var epochs = 20
    public var batch = 16
    /// Tokens per text (the rest is cut); at most the model's context.
    public var maxTokens = 128
    public var learningRate = 3e-4
    public var warmupFraction = 0.1
    public var minLearningRate = 0.1
    public var weightDecay = 0.1
    public var dropout = 0.1
    public var clip = 1.0
    /// Epochs without a better validation accuracy before stopping.
    public var patience = 3
    public var seed: UInt64 = 1337
    public var threads = 2

    public init() {}
}

/// What a fine-tuning run did.
public struct FinetuneSummary: Codable, Sendable {
    public var labels: [String]
    public var trainExamples: Int
    public var epochs: Int
    public var steps: Int
    public var bestEpoch: Int
    public var stoppedEarly: Bool
    public var seconds: Double
    public var validation: ClassificationReport
    public var test: ClassificationReport?
}

/// One line of the fine-tuning log (log.csv and the console).
public struct FinetuneEpoch: Sendable {
    public var epoch: Int
    public var step: Int
    public var trainLoss: Double
    public var validationLoss: Double
    public var validation: ClassificationReport
    public var learningRate: Double
    public var best: Bool
}

/// Texts as the classifier reads them: the separator then the text's tokens, cut at `maxTokens`.
struct EncodedExamples {
    var tokens: [[Int32]]
    var labels: [Int32]

    init(_ examples: [LabelledExample], tokenizer: BPETokenizer, labels: [String], maxTokens: Int) throws {
        var cache: [ArraySlice<UInt8>: [Int32]] = [:]
        let separator = Int32(tokenizer.vocabularySize)
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, Int32($0)) })
        tokens = examples.map { example in
            var tokens: [Int32] = [separator]
            var text = example.text
            text.withUTF8 { tokenizer.encode(UnsafeRawBufferPointer($0), into: &tokens, cache: &cache) }
            return Array(tokens.prefix(maxTokens))
        }
        self.labels = try examples.map { example in
            guard let label = example.label else { return -1 }
            guard let value = index[label] else {
                throw TrainError("example \(example.id): label \"\(label)\" is not among the training labels (\(labels.joined(separator: ", ")))")
            }
            return value
        }
    }

    /// One batch [rows, time] of the examples at `indices`, padded with the separator (padding rows have length 1).
    func batch(_ indices: ArraySlice<Int>, rows: Int, time: Int, separator: Int32) -> (tokens: [Int32], lengths: [Int], labels: [Int32]) {
        var batch = [Int32](repeating: separator, count: rows * time)
        var lengths = [Int](repeating: 1, count: rows), labels = [Int32](repeating: 0, count: rows)
        for (row, index) in indices.enumerated() {
            for (position, token) in tokens[index].enumerated() { batch[row * time + position] = token }
            lengths[row] = tokens[index].count
            labels[row] = max(0, self.labels[index])
        }
        return (batch, lengths, labels)
    }
}

/// `curate finetune`: the pretrained GPT plus a fresh classification head, trained with AdamW (warmup,
/// cosine decay, weight decay on matrices, dropout, clipping), evaluated on the validation set after every
/// epoch, stopped when its accuracy has not improved for `patience` epochs; the best epoch's weights
/// are kept (best.ckpt) and reported.
public final class FineTuner {
    public let config: FinetuneConfig
    public let labels: [String]
    let file: ModelFile
    let classifier: Classifier<Float>
    let train: EncodedExamples
    let validation: EncodedExamples
    let time: Int
    let directory: String

    public init(model file: ModelFile, train: [LabelledExample], validation: [LabelledExample], config: FinetuneConfig,
                directory: String) throws {
        guard file.labels == nil else { throw TrainError("the model is already a classifier: fine-tune a language model (best.ckpt of curate train)") }
        labels = Array(Set(train.compactMap(\.label))).sorted()
        guard labels.count >= 2 else { throw TrainError("the training examples have \(labels.count) label(s): a classifier needs at least 2") }
        self.config = config
        self.file = file
        self.directory = directory
        time = min(config.maxTokens, file.config.context)
        self.train = try EncodedExamples(train, tokenizer: file.tokenizer, labels: labels, maxTokens: time)
        self.validation = try EncodedExamples(validation, tokenizer: file.tokenizer, labels: labels, maxTokens: time)
        setBLASThreads(config.threads)
        let gpt = file.makeGPT()
        gpt.dropout = Float(config.dropout)
        classifier = Classifier(gpt: gpt, classes: labels.count)
        classifier.bidirectional = file.objective != .causal
        var random = SplitMix(seed: config.seed ^ 0xF17E)
        classifier.initializeHead(random: &random)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Trains; `log` sees every epoch as it ends.
    public func run(test: [LabelledExample]? = nil, log: (FinetuneEpoch) -> Void = { _ in }) throws -> FinetuneSummary {
        let started = DispatchTime.now()
        let gpt = classifier.gpt
        let stepsPerEpoch = (train.tokens.count + config.batch - 1) / config.batch
        let totalSteps = stepsPerEpoch * config.epochs
        let schedule = LearningRateSchedule(peak: config.learningRate, warmup: Int(Double(totalSteps) * config.warmupFraction),
                                            total: totalSteps, floor: config.minLearningRate)
        var trunkOptimizer = AdamW(count: gpt.layout.count), headOptimizer = AdamW(count: classifier.headCount)
        let separator = Int32(file.tokenizer.vocabularySize)
        var order = Array(0..<train.tokens.count)
        var random = SplitMix(seed: config.seed), dropoutRandom = SplitMix(seed: config.seed ^ 0xD209)
        var best: (accuracy: Double, epoch: Int)?
        var bestWeights: ([Float], [Float]) = ([], [])
        var sinceBest = 0, step = 0, epoch = 0, stopped = false
        var rows = ["epoch,step,train_loss,val_loss,val_accuracy,val_macro_f1,learning_rate,best"]
        while epoch < config.epochs && !stopped {
            epoch += 1
            for index in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(index, Int(random.next() % UInt64(index + 1))) }
            // The last batch is filled up from the start of the epoch's order: every batch has `batch` rows.
            let padded = order + order.prefix((config.batch - order.count % config.batch) % config.batch)
            var lossSum = 0.0
            for first in stride(from: 0, to: padded.count, by: config.batch) {
                let (tokens, lengths, labels) = train.batch(padded[first..<(first + config.batch)], rows: config.batch, time: time,
                                                            separator: separator)
                let rate = Float(schedule.rate(at: step))
                classifier.zeroGradients()
                let loss = classifier.forward(tokens: tokens, lengths: lengths, labels: labels, batch: config.batch, time: time,
                                              training: true, random: &dropoutRandom)!
                classifier.backward()
                clip(limit: Float(config.clip))
                trunkOptimizer.step(parameters: gpt.parameters, gradients: gpt.gradients, learningRate: rate,
                                    weightDecay: Float(config.weightDecay), decayed: gpt.layout.matrices)
                headOptimizer.step(parameters: classifier.head, gradients: classifier.headGradients, learningRate: rate,
                                   weightDecay: Float(config.weightDecay), decayed: [(0, self.labels.count * gpt.config.width)])
                lossSum += Double(loss)
                step += 1
            }
            let (report, validationLoss) = evaluate(validation)
            // Early stopping on validation accuracy alone (REFERENCE §5): a tie keeps the earlier epoch.
            let improved = best.map { report.accuracy > $0.accuracy } ?? true
            if improved {
                best = (report.accuracy, epoch)
                sinceBest = 0
                bestWeights = (Array(UnsafeBufferPointer(start: gpt.parameters, count: gpt.layout.count)),
                               Array(UnsafeBufferPointer(start: classifier.head, count: classifier.headCount)))
                try ModelFile(model: gpt, tokenizer: file.tokenizer, labels: self.labels, head: bestWeights.1, objective: file.objective)
                    .write(to: directory + "/best.ckpt")
            } else {
                sinceBest += 1
                if sinceBest >= config.patience { stopped = true }
            }
            let record = FinetuneEpoch(epoch: epoch, step: step, trainLoss: lossSum / Double(stepsPerEpoch),
                                       validationLoss: validationLoss, validation: report, learningRate: schedule.rate(at: step - 1),
                                       best: improved)
            func decimal(_ value: Double) -> String { String(format: "%.6f", value) }
            rows.append(["\(epoch)", "\(step)", decimal(record.trainLoss), decimal(validationLoss), decimal(report.accuracy),
                         decimal(report.macroF1), String(format: "%.8g", record.learningRate), improved ? "1" : "0"].joined(separator: ","))
            try (rows.joined(separator: "\n") + "\n").write(toFile: directory + "/log.csv", atomically: true, encoding: .utf8)
            log(record)
        }
        // Report with the best epoch's weights.
        bestWeights.0.withUnsafeBufferPointer { gpt.parameters.update(from: $0.baseAddress!, count: $0.count) }
        bestWeights.1.withUnsafeBufferPointer { classifier.head.update(from: $0.baseAddress!, count: $0.count) }
        let finalValidation = evaluate(validation).0
        var testReport: ClassificationReport?
        if let test { testReport = evaluate(try EncodedExamples(test, tokenizer: file.tokenizer, labels: labels, maxTokens: time)).0 }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return FinetuneSummary(labels: labels, trainExamples: train.tokens.count, epochs: epoch, steps: step, bestEpoch: best?.epoch ?? 0,
                               stoppedEarly: stopped, seconds: seconds, validation: finalValidation, test: testReport)
    }

    /// Scales all gradients (trunk and head) so their global L2 norm is at most `limit`.
    func clip(limit: Float) {
        let gpt = classifier.gpt
        var sum = 0.0
        for index in 0..<gpt.layout.count { sum += Double(gpt.gradients[index]) * Double(gpt.gradients[index]) }
        for index in 0..<classifier.headCount { sum += Double(classifier.headGradients[index]) * Double(classifier.headGradients[index]) }
        let norm = Float(sum.squareRoot())
        guard limit > 0, norm > limit else { return }
        let scale = limit / norm
        for index in 0..<gpt.layout.count { gpt.gradients[index] *= scale }
        for index in 0..<classifier.headCount { classifier.headGradients[index] *= scale }
    }

    /// Accuracy etc. and the mean loss on labelled examples.
    func evaluate(_ examples: EncodedExamples) -> (ClassificationReport, Double) {
        let (predicted, probabilities) = Predictor.classify(classifier, examples, rows: config.batch, time: time,
                                                            separator: Int32(file.tokenizer.vocabularySize))
        var loss = 0.0
        for (index, label) in examples.labels.enumerated() {
            loss -= log(max(Double(probabilities[index][Int(label)]), 1e-30))
        }
        let report = ClassificationReport(labels: labels, truth: examples.labels.map { Int($0) }, predicted: predicted)
        return (report, loss / Double(max(1, examples.labels.count)))
    }
}

/// `curate predict`: a fine-tuned model's labels for new text.
public final class Predictor {
    public let file: ModelFile
    public let labels: [String]
    let classifier: Classifier<Float>
    public var rows = 16

    public init(model file: ModelFile) throws {
        guard let labels = file.labels, let head = file.head else {
            throw TrainError("the model has no classification head: predict needs best.ckpt of curate finetune")
        }
        self.file = file
        self.labels = labels
        classifier = Classifier(gpt: file.makeGPT(), classes: labels.count)
        classifier.bidirectional = file.objective != .causal
        head.withUnsafeBufferPointer { classifier.head.update(from: $0.baseAddress!, count: $0.count) }
    }

    /// Per example: the predicted label's index and the probability of every label.
    public func classify(_ examples: [LabelledExample], maxTokens: Int = 128) throws -> [(Int, [Float])] {
        let time = min(maxTokens, file.config.context)
        let encoded = try EncodedExamples(examples.map { LabelledExample(id: $0.id, text: $0.text, label: nil) }, tokenizer: file.tokenizer,
                                          labels: labels, maxTokens: time)
        let (predicted, probabilities) = Self.classify(classifier, encoded, rows: rows, time: time, separator: Int32(file.tokenizer.vocabularySize))
        return Array(zip(predicted, probabilities))
    }

    static func classify(_ classifier: Classifier<Float>, _ examples: EncodedExamples, rows: Int, time: Int,
                         separator: Int32) -> ([Int], [[Float]]) {
        var predicted: [Int] = [], probabilities: [[Float]] = []
        var unused = SplitMix(seed: 0)
        let k = classifier.classes
        let indices = Array(0..<examples.tokens.count)
        for first in stride(from: 0, to: indices.count, by: rows) {
            let group = indices[first..<min(first + rows, indices.count)]
            let (tokens, lengths, _) = examples.batch(group, rows: rows, time: time, separator: separator)
            classifier.forward(tokens: tokens, lengths: lengths, labels: nil, batch: rows, time: time, training: false, random: &unused)
            for row in 0..<group.count {
                let p = Array(classifier.probabilities[(row * k)..<((row + 1) * k)])
                probabilities.append(p)
                predicted.append(p.indices.max { p[$0] < p[$1] || (p[$0] == p[$1] && $0 > $1) }!)
            }
        }
        return (predicted, probabilities)
    }
}
