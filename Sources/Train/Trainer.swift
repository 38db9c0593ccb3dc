import Core
import Foundation

/// What a training run did.
public struct TrainSummary: Codable, Sendable {
    public var steps: Int
    public var tokens: Int64
    public var seconds: Double
    public var tokensPerSecond: Double
    public var firstValidationLoss: Double?
    public var bestValidationLoss: Double?
    public var lastTrainLoss: Double
    public var stoppedEarly: Bool
    public var parameters: Int
    public var directory: String
    /// Tokenizing the shards before training: UTF-8 bytes of text and seconds.
    public var textBytes: Int64
    public var tokenizeSeconds: Double
}

/// Everything a run needs to continue exactly where it stopped.
struct TrainState: Codable, Equatable {
    var step = 0
    var position = 0
    var epoch = 0
    var random: SplitMix
    var dropoutRandom: SplitMix
    /// Which tokens the masked and span objectives corrupt (absent for causal runs).
    var corruptionRandom: SplitMix?
    var bestValidation: Double?
    var firstValidation: Double?
    var evaluationsSinceBest = 0
    var tokens: Int64 = 0
    var adamSteps = 0
    var stopped = false
}

/// `curate train`: AdamW with warmup and cosine decay, gradient clipping, dropout, validation every
/// `evalInterval` steps on fixed held-out batches, early stopping, and checkpoints that hold weights,
/// optimizer moments, data position and random state, so that `resume` continues bit-identically.
public final class Trainer {
    public let config: TrainConfig
    public let model: GPT<Float>
    let corpus: TokenCorpus
    let tokenizer: BPETokenizer
    let directory: String
    let console: Console
    var optimizer: AdamW
    var state: TrainState
    let schedule: LearningRateSchedule
    let examples: ObjectiveExamples
    /// The processes of a data-parallel run (one by default); each trains on `rows` of every batch.
    let collective: Collective
    let rows: Int
    /// With `threads` > 1: one model per thread, each on its share of this worker's rows, reading the
    /// same parameters (`model` first). One thread: `[model]`, OpenBLAS on `threads` threads.
    let replicas: [GPT<Float>]
    var writes: Bool { collective.rank == 0 }
    var metrics: [MetricsRow] = []

    public static let checkpointName = "checkpoint.bin"
    /// The best validation weights, with the tokenizer: what `eval`, `score --model` and `finetune` read.
    public static let bestModelName = "best.ckpt"

    public init(config: TrainConfig, corpus: TokenCorpus, tokenizer: BPETokenizer, directory: String, console: Console, resume: Bool,
                collective: Collective = SingleProcess()) throws {
        try config.check()
        guard config.batch % collective.size == 0 else {
            throw TrainError("batch \(config.batch) does not split evenly over \(collective.size) workers: make it a multiple of \(collective.size)")
        }
        self.collective = collective
        rows = config.batch / collective.size
        // The separator token ends every document; the objective's special tokens follow it.
        examples = ObjectiveExamples(objective: config.objective, context: config.context, separator: Int32(tokenizer.vocabularySize))
        let vocabulary = examples.vocabulary
        let tokensPerBatch = (config.batch - 1) * examples.sourceLength + examples.rowSpan
        guard corpus.train.count >= tokensPerBatch else {
            throw TrainError("the training text has \(corpus.train.count) tokens, fewer than one batch (\(tokensPerBatch)): lower batch or context")
        }
        guard corpus.validation.count >= examples.rowSpan else {
            throw TrainError("the validation text has \(corpus.validation.count) tokens: fewer than one context (\(config.context))")
        }
        self.config = config
        self.corpus = corpus
        self.directory = directory
        self.console = console
        self.tokenizer = tokenizer
        model = GPT<Float>(config: GPTConfig(vocabulary: vocabulary, context: config.context, layers: config.layers,
                                             heads: config.heads, width: config.width))
        model.dropout = Float(config.dropout)
        // Threads split the rows rather than each matrix product: this model's products are small (rows of
        // 128 tokens, width 128), and OpenBLAS on two threads ran a step 1.29× faster than on one, where
        // two single-threaded replicas on half the rows each run 1.83× (docs/train.md, "Threads").
        let threads = max(1, config.threads)
        if threads > 1 && rows % threads == 0 {
            setBLASThreads(1)
            let owner = model
            replicas = [owner] + (1..<threads).map { _ in GPT<Float>(sharing: owner) }
        } else {
            setBLASThreads(threads)
            replicas = [model]
        }
        optimizer = AdamW(count: model.layout.count)
        optimizer.beta1 = Float(config.beta1)
        optimizer.beta2 = Float(config.beta2)
        schedule = LearningRateSchedule(peak: config.learningRate, warmup: config.warmup, total: config.steps, floor: config.minLearningRate)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if resume {
            state = TrainState(random: SplitMix(seed: config.seed), dropoutRandom: SplitMix(seed: config.seed ^ 0xD209))
            try load(directory + "/" + Self.checkpointName)
            metrics = MetricsRow.read(directory + "/metrics.csv").filter { $0.step <= state.step }
        } else {
            var random = SplitMix(seed: config.seed)
            model.initialize(random: &random)
            state = TrainState(random: random, dropoutRandom: SplitMix(seed: config.seed ^ 0xD209))
            if config.objective != .causal { state.corruptionRandom = SplitMix(seed: config.seed ^ 0xC022) }
        }
        for replica in replicas { replica.attentionPrefixes = examples.prefixes(rows: rows / replicas.count) }
    }

    /// The next training batch: `batch` rows of consecutive windows of the stream (for causal, `context + 1`
    /// tokens advancing by `context`), starting again (a new epoch) at its end. Every worker builds the
    /// whole batch (the same corruption draws as one process) and keeps its own rows.
    func nextBatch() -> (inputs: [Int32], targets: [Int32]) {
        var random = state.corruptionRandom ?? SplitMix(seed: 0)
        let batch = examples.batch(corpus.train, start: state.position, rows: config.batch, random: &random)
        if state.corruptionRandom != nil { state.corruptionRandom = random }
        if batch.wrapped { state.epoch += 1 }
        state.position = batch.next
        return (slice(batch.inputs), slice(batch.targets))
    }

    /// This worker's rows of a batch.
    func slice(_ values: [Int32]) -> [Int32] {
        guard collective.size > 1 else { return values }
        let t = config.context
        return Array(values[(collective.rank * rows * t)..<((collective.rank + 1) * rows * t)])
    }

    /// Mean loss over the fixed validation batches (the start of the validation stream, wrapping; the
    /// same corruption every time); each worker measures its rows, and the workers' means are averaged.
    public func validationLoss() throws -> Double {
        var total = 0.0
        var position = 0
        var corruption = SplitMix(seed: config.seed ^ 0x7A1)
        for _ in 0..<config.evalBatches {
            let batch = examples.batch(corpus.validation, start: position, rows: config.batch, eachRow: true, random: &corruption)
            position = batch.next
            total += Double(pass(inputs: slice(batch.inputs), targets: slice(batch.targets), training: false, backward: false))
        }
        var mean = total / Double(config.evalBatches)
        try collective.sum(&mean, count: 1)
        return mean / Double(collective.size)
    }

    /// Forward (and backward) over this worker's rows: the mean loss, and in `model.gradients` the gradient
    /// of the mean loss. With replicas, each thread takes an equal share of the rows; their gradients are
    /// added in replica order (the same sum every run) and divided by their number.
    func pass(inputs: [Int32], targets: [Int32], training: Bool, backward: Bool) -> Float {
        let t = config.context
        guard replicas.count > 1 else {
            if backward { model.zeroGradients() }
            var random = training ? state.dropoutRandom : SplitMix(seed: 0)
            let loss = model.forward(tokens: inputs, targets: targets, batch: rows, time: t, training: training, random: &random)!
            if training { state.dropoutRandom = random }
            if backward { model.backward() }
            return loss
        }
        let parts = replicas.count, share = rows / parts
        // Each replica's dropout masks from its own stream, seeded from the run's.
        let seeds = (0..<parts).map { _ in training ? state.dropoutRandom.next() : 0 }
        let losses = SendableBuffer(UnsafeMutableBufferPointer<Float>.allocate(capacity: parts))
        defer { losses.buffer.deallocate() }
        let work = ReplicaWork(replicas: replicas, inputs: inputs, targets: targets)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let replica = work.replicas[part]
            let range = (part * share * t)..<((part + 1) * share * t)
            var random = SplitMix(seed: seeds[part])
            if backward { replica.zeroGradients() }
            losses.buffer[part] = replica.forward(tokens: Array(work.inputs[range]), targets: Array(work.targets[range]), batch: share,
                                                  time: t, training: training, random: &random)!
            if backward { replica.backward() }
        }
        if backward {
            let scale = 1 / Float(parts)
            let gradients = SendableBuffer(UnsafeMutableBufferPointer(start: model.gradients, count: model.layout.count))
            let others = replicas.dropFirst().map { SendableBuffer(UnsafeMutableBufferPointer(start: $0.gradients, count: $0.layout.count)) }
            Parallel.parts(model.layout.count, threads: parts) { _, range in
                for index in range {
                    var sum = gradients.buffer[index]
                    for other in others { sum += other.buffer[index] }
                    gradients.buffer[index] = sum * scale
                }
            }
        }
        return losses.buffer.reduce(0, +) / Float(parts)
    }

    /// Trains until `config.steps` (or `until`, for tests), early stopping, or the end of patience.
    @discardableResult
    public func run(until: Int? = nil) throws -> TrainSummary {
        let last = min(until ?? config.steps, config.steps)
        let started = DispatchTime.now()
        let tokensAtStart = state.tokens
        var progress = ProgressMeter(stage: "train", total: Int64(last), measure: .documents)
        var lastLoss = metrics.last?.trainLoss ?? .nan
        let decayed = model.layout.matrices
        if state.firstValidation == nil {
            let loss = try validationLoss()
            state.firstValidation = loss
            metrics.append(MetricsRow(step: 0, tokens: 0, trainLoss: nil, validationLoss: loss, learningRate: schedule.rate(at: 0)))
        }
        while state.step < last && !state.stopped {
            let (inputs, targets) = nextBatch()
            let rate = schedule.rate(at: state.step)
            var loss = pass(inputs: inputs, targets: targets, training: true, backward: true)
            try averageGradients(loss: &loss)
            AdamW.clip(model.gradients, count: model.layout.count, limit: Float(config.clip), threads: replicas.count)
            optimizer.step(parameters: model.parameters, gradients: model.gradients, learningRate: Float(rate),
                           weightDecay: Float(config.weightDecay), decayed: decayed, threads: replicas.count)
            state.step += 1
            state.tokens += Int64(config.batch * config.context)
            lastLoss = Double(loss)
            var row = MetricsRow(step: state.step, tokens: state.tokens, trainLoss: Double(loss), validationLoss: nil, learningRate: rate)
            if state.step % config.evalInterval == 0 || state.step == config.steps {
                let validation = try validationLoss()
                row.validationLoss = validation
                if let best = state.bestValidation, validation >= best {
                    state.evaluationsSinceBest += 1
                    if state.evaluationsSinceBest >= config.patience { state.stopped = true }
                } else {
                    state.bestValidation = validation
                    state.evaluationsSinceBest = 0
                    if writes {
                        try ModelFile(model: model, tokenizer: tokenizer, objective: config.objective).write(to: directory + "/" + Self.bestModelName)
                        CrashPoint.reached("best-model")
                    }
                }
                metrics.append(row)
                // metrics.csv before the checkpoint: a run killed between the two resumes from the older
                // checkpoint and keeps only the rows up to it (the other order lost rows; found by the
                // crash harness).
                if writes {
                    try writeMetrics()
                    try save(directory + "/" + Self.checkpointName)
                }
            } else {
                metrics.append(row)
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            progress.update(done: Int64(state.step), documents: Int64(state.step), bytes: 0)
            if progress.due {
                let rateTokens = Double(state.tokens - tokensAtStart) / max(elapsed, 1e-9)
                let remaining = Double(last - state.step) * Double(config.batch * config.context) / max(rateTokens, 1e-9)
                console.progress("train  step \(state.step)/\(last)  loss \(String(format: "%.3f", loss))  "
                                 + "val \(state.bestValidation.map { String(format: "%.3f", $0) } ?? "-")  "
                                 + "\(Formatting.count(Int(rateTokens))) tok/s  ETA \(Formatting.duration(remaining))")
            }
        }
        if writes {
            try writeMetrics()
            try save(directory + "/" + Self.checkpointName)
        }
        console.clearProgress()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return TrainSummary(steps: state.step, tokens: state.tokens, seconds: seconds,
                            tokensPerSecond: Double(state.tokens - tokensAtStart) / max(seconds, 1e-9),
                            firstValidationLoss: state.firstValidation, bestValidationLoss: state.bestValidation, lastTrainLoss: lastLoss,
                            stoppedEarly: state.stopped, parameters: model.layout.count, directory: directory,
                            textBytes: corpus.bytes, tokenizeSeconds: corpus.encodeSeconds)
    }

    /// Data parallelism (REFERENCE §8): the workers' gradients, each the gradient of its rows' mean loss,
    /// are summed and divided by their number (every worker has as many rows, and each row as many
    /// predicted tokens), before clipping and the update: every worker then applies the same update to the
    /// same weights, the update of one process with the whole batch. The logged loss is averaged too.
    func averageGradients(loss: inout Float) throws {
        guard collective.size > 1 else { return }
        try collective.sum(model.gradients, count: model.layout.count)
        let scale = 1 / Float(collective.size)
        for index in 0..<model.layout.count { model.gradients[index] *= scale }
        var mean = Double(loss)
        try collective.sum(&mean, count: 1)
        loss = Float(mean / Double(collective.size))
    }

    // MARK: Files

    /// checkpoint.bin: a JSON header line (format, config, state), then the parameters and AdamW's
    /// two moments as little-endian Float32.
    struct Header: Codable {
        var format = "curate-checkpoint/1"
        var config: TrainConfig
        var vocabulary: Int
        var parameters: Int
        var state: TrainState
    }

    func save(_ path: String) throws {
        state.adamSteps = optimizer.steps
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys] // the same run, the same bytes
        var data = try encoder.encode(Header(config: config, vocabulary: model.config.vocabulary, parameters: model.layout.count, state: state))
        data.append(0x0A)
        data.append(Data(buffer: UnsafeBufferPointer(start: model.parameters, count: model.layout.count)))
        optimizer.m.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
        optimizer.v.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        CrashPoint.reached("checkpoint")
    }

    func load(_ path: String) throws {
        guard let data = FileManager.default.contents(atPath: path), let newline = data.firstIndex(of: 0x0A) else {
            throw TrainError("\(path): no checkpoint to resume from")
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data[..<newline])
        } catch {
            throw TrainError("\(path): not a curate checkpoint (\(error))")
        }
        guard header.format == "curate-checkpoint/1", header.parameters == model.layout.count, header.vocabulary == model.config.vocabulary else {
            throw TrainError("\(path): the checkpoint is of another model (\(header.parameters) parameters)")
        }
        var modelConfig = header.config
        modelConfig.steps = config.steps
        modelConfig.threads = config.threads
        guard modelConfig == config else {
            throw TrainError("\(path): the checkpoint was made with another configuration (only steps and threads may change on resume)")
        }
        let count = model.layout.count, floats = data[(newline + 1)...]
        guard floats.count == 3 * count * 4 else { throw TrainError("\(path): truncated checkpoint") }
        let values = floats.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        for index in 0..<count { model.parameters[index] = values[index] }
        optimizer = AdamW(steps: header.state.adamSteps, m: Array(values[count..<(2 * count)]), v: Array(values[(2 * count)...]))
        optimizer.beta1 = Float(config.beta1)
        optimizer.beta2 = Float(config.beta2)
        state = header.state
    }

    func writeMetrics() throws {
        var text = "step,tokens,train_loss,val_loss,learning_rate\n"
        for row in metrics { text += row.csv + "\n" }
        try text.write(toFile: directory + "/metrics.csv", atomically: true, encoding: .utf8)
        try LossChart.svg(metrics).write(toFile: directory + "/loss.svg", atomically: true, encoding: .utf8)
        CrashPoint.reached("metrics")
    }

    /// The parameters, for tests.
    public var parameterValues: [Float] { Array(UnsafeBufferPointer(start: model.parameters, count: model.layout.count)) }
}

/// What the threads of `Trainer.pass` share: each touches only its own replica (which reads the shared
/// parameters, written by no one during the pass) and its own rows.
private struct ReplicaWork: @unchecked Sendable {
    let replicas: [GPT<Float>]
    let inputs: [Int32]
    let targets: [Int32]
}

/// One line of metrics.csv.
public struct MetricsRow: Sendable, Equatable {
    public var step: Int
    public var tokens: Int64
    public var trainLoss: Double?
    public var validationLoss: Double?
    public var learningRate: Double

    var csv: String {
        func number(_ value: Double?) -> String { value.map { String(format: "%.6f", $0) } ?? "" }
        return "\(step),\(tokens),\(number(trainLoss)),\(number(validationLoss)),\(String(format: "%.8g", learningRate))"
    }

    static func read(_ path: String) -> [MetricsRow] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 5, let step = Int(fields[0]), let tokens = Int64(fields[1]), let rate = Double(fields[4]) else { return nil }
            return MetricsRow(step: step, tokens: tokens, trainLoss: Double(fields[2]), validationLoss: Double(fields[3]), learningRate: rate)
        }
    }
}

/// The loss curve as an SVG: training loss (averaged over windows of steps) and validation loss against tokens seen.
public enum LossChart {
    public static func svg(_ rows: [MetricsRow]) -> String {
        let train = rows.compactMap { row in row.trainLoss.map { (Double(row.tokens), $0) } }
        let validation = rows.compactMap { row in row.validationLoss.map { (Double(row.tokens), $0) } }
        // Training loss is noisy: average it over ~100 windows.
        let window = max(1, train.count / 100)
        let smoothed = stride(from: 0, to: train.count, by: window).map { start -> (Double, Double) in
            let slice = train[start..<min(start + window, train.count)]
            return (slice.last!.0, slice.map(\.1).reduce(0, +) / Double(slice.count))
        }
        return LineChart.svg(title: "curate train: loss (nats per token) against tokens seen", series: [
            LineChart.Series(name: "train", color: "#1f77b4", points: smoothed, markers: false),
            LineChart.Series(name: "validation", color: "#d62728", points: validation, markers: true),
        ])
    }
}

