import Config
import Foundation

/// Every knob of `curate train` (pipelines/train-tiny.yaml documents each with its default).
public struct TrainConfig: Sendable, Equatable, Codable {
    // Model (REFERENCE §5: nanoGPT's baby config).
    public var layers = 4
    public var heads = 4
    public var width = 128
    public var context = 128
    /// What the model learns to predict: causal (next token), masked (BERT) or span (T5's span corruption).
    public var objective = Objective.causal
    // Data.
    public var batch = 8
    /// Vocabulary of the tokenizer trained when none is given.
    public var vocabulary = 4096
    /// Every n-th document is held out for validation when no --val is given.
    public var holdOutEvery = 20
    // Optimisation (REFERENCE §5).
    public var steps = 1000
    public var learningRate = 1e-3
    public var warmup = 100
    public var minLearningRate = 0.1
    public var weightDecay = 0.1
    public var beta1 = 0.9
    public var beta2 = 0.95
    public var dropout = 0.0
    public var clip = 1.0
    // Validation, early stopping, checkpoints.
    public var evalInterval = 50
    public var evalBatches = 8
    public var patience = 5
    public var seed: UInt64 = 1337
    public var threads = 2

    public init() {}

    public func check() throws {
        guard width % heads == 0 else { throw TrainError("width \(width) is not a multiple of heads \(heads)") }
        guard warmup < steps else { throw TrainError("warmup (\(warmup)) must be shorter than steps (\(steps))") }
    }

    public mutating func apply(yaml: String, source: String) throws {
        let reader = YAMLReader(source: source, hint: "see pipelines/train-tiny.yaml for every key and its default")
        let keys = try reader.keys(try reader.root(yaml), path: nil, allowed: [
            "layers", "heads", "width", "context", "batch", "vocabulary", "hold_out_every", "steps", "learning_rate", "warmup",
            "min_learning_rate", "weight_decay", "beta1", "beta2", "dropout", "clip", "eval_interval", "eval_batches", "patience",
            "seed", "threads", "objective",
        ])
        func integer(_ key: String, _ range: ClosedRange<Int>) throws -> Int? { try keys[key].map { try reader.integer($0, key, range: range) } }
        func number(_ key: String, _ range: ClosedRange<Double>) throws -> Double? {
            guard let node = keys[key] else { return nil }
            guard let value = try reader.number(node, key, range: range) else {
                throw ConfigError(source: source, key: key, message: "expected a number", hint: reader.hint)
            }
            return value
        }
        if let value = try integer("layers", 1...64) { layers = value }
        if let value = try integer("heads", 1...64) { heads = value }
        if let value = try integer("width", 8...4096) { width = value }
        if let value = try integer("context", 2...8192) { context = value }
        if let value = try integer("batch", 1...4096) { batch = value }
        if let value = try integer("vocabulary", 257...1_000_000) { vocabulary = value }
        if let value = try integer("hold_out_every", 2...1_000_000) { holdOutEvery = value }
        if let value = try integer("steps", 1...100_000_000) { steps = value }
        if let value = try number("learning_rate", 1e-7...1) { learningRate = value }
        if let value = try integer("warmup", 0...100_000_000) { warmup = value }
        if let value = try number("min_learning_rate", 0...1) { minLearningRate = value }
        if let value = try number("weight_decay", 0...10) { weightDecay = value }
        if let value = try number("beta1", 0...0.999999) { beta1 = value }
        if let value = try number("beta2", 0...0.999999) { beta2 = value }
        if let value = try number("dropout", 0...0.9) { dropout = value }
        if let value = try number("clip", 0...1e6) { clip = value }
        if let value = try integer("eval_interval", 1...100_000_000) { evalInterval = value }
        if let value = try integer("eval_batches", 1...100_000) { evalBatches = value }
        if let value = try integer("patience", 1...100_000) { patience = value }
        if let value = try integer("seed", 0...Int.max) { seed = UInt64(value) }
        if let value = try integer("threads", 1...256) { threads = value }
        if let node = keys["objective"] {
            let name = try reader.string(node, "objective")
            guard let value = Objective(rawValue: name) else {
                throw ConfigError(source: source, key: "objective", message: "unknown objective '\(name)'",
                                  hint: "one of " + Objective.allCases.map(\.rawValue).joined(separator: ", "))
            }
            objective = value
        }
        do {
            try check()
        } catch let error as TrainError {
            throw ConfigError(source: source, key: nil, message: error.description, hint: reader.hint)
        }
    }

    public mutating func apply(file path: String) throws {
        guard let yaml = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError(source: path, key: nil, message: "cannot read the file")
        }
        try apply(yaml: yaml, source: path)
    }
}
