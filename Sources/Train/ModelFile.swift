import Foundation

/// A trained model with everything needed to use it: best.ckpt of `curate train` (a language model)
/// and of `curate finetune` (a language model with a classification head and its labels).
///
/// Format: one JSON header line (format, shape, the tokenizer's merges, the labels), then the GPT's
/// parameters and the head's, little-endian Float32.
public struct ModelFile: Sendable {
    public var config: GPTConfig
    public var tokenizer: BPETokenizer
    public var parameters: [Float]
    /// The classifier's labels and head ([labels × width] weights, then [labels] biases), when fine-tuned.
    public var labels: [String]?
    public var head: [Float]?
    /// What the language model was trained to predict (files from before objectives existed: causal).
    public var objective: Objective

    public static let format = "curate-model/1"

    struct Header: Codable {
        var format: String
        var config: GPTConfig
        var merges: [[Int32]]
        var labels: [String]?
        var objective: Objective?
    }

    public init(config: GPTConfig, tokenizer: BPETokenizer, parameters: [Float], labels: [String]? = nil, head: [Float]? = nil,
                objective: Objective = .causal) {
        self.objective = objective
        self.config = config
        self.tokenizer = tokenizer
        self.parameters = parameters
        self.labels = labels
        self.head = head
    }

    public init(model: GPT<Float>, tokenizer: BPETokenizer, labels: [String]? = nil, head: [Float]? = nil, objective: Objective = .causal) {
        self.init(config: model.config, tokenizer: tokenizer,
                  parameters: Array(UnsafeBufferPointer(start: model.parameters, count: model.layout.count)), labels: labels, head: head,
                  objective: objective)
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(Header(format: Self.format, config: config, merges: tokenizer.merges.map { [$0.0, $0.1] },
                                             labels: labels, objective: objective == .causal ? nil : objective))
        data.append(0x0A)
        parameters.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
        head?.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The model file a path names: the path, or best.ckpt in a run directory.
    public static func resolve(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return path + "/best.ckpt" }
        return path
    }

    /// Whether a path holds a curate model (rather than, say, an n-gram model).
    public static func recognizes(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: resolve(path)) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 256)) ?? Data()
        return String(decoding: head, as: UTF8.self).contains("\"format\":\"curate-model")
    }

    /// Reads a model; `path` may be the file or a run directory holding best.ckpt.
    public static func read(from path: String) throws -> ModelFile {
        let file = resolve(path)
        guard let data = FileManager.default.contents(atPath: file) else {
            throw TrainError("\(file): cannot read the model (train one with curate train)")
        }
        guard let newline = data.firstIndex(of: 0x0A),
              let header = try? JSONDecoder().decode(Header.self, from: data[data.startIndex..<newline]), header.format == format else {
            throw TrainError("\(file): not a curate model (expected a \(format) header line; checkpoint.bin is for --resume, best.ckpt is the model)")
        }
        let tokenizer = try BPETokenizer(merges: header.merges.map { pair in
            guard pair.count == 2 else { throw TrainError("\(file): a tokenizer merge is not a pair") }
            return (pair[0], pair[1])
        })
        let objective = header.objective ?? .causal
        let examples = ObjectiveExamples(objective: objective, context: header.config.context, separator: Int32(tokenizer.vocabularySize))
        guard examples.vocabulary == header.config.vocabulary else {
            throw TrainError("\(file): the tokenizer has \(tokenizer.vocabularySize) tokens and the \(objective.rawValue) objective "
                             + "\(examples.specialTokens + 1) more, the model \(header.config.vocabulary)")
        }
        let count = ParameterLayout(header.config).count
        let headCount = header.labels.map { $0.count * (header.config.width + 1) } ?? 0
        let floats = data[(newline + 1)...]
        guard floats.count == (count + headCount) * 4 else {
            throw TrainError("\(file): \(floats.count) bytes of weights, expected \((count + headCount) * 4) for this model's shape (a truncated or damaged file)")
        }
        let values = floats.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return ModelFile(config: header.config, tokenizer: tokenizer, parameters: Array(values[..<count]), labels: header.labels,
                         head: header.labels == nil ? nil : Array(values[count...]), objective: objective)
    }

    /// How examples of this model's objective are built.
    public var examples: ObjectiveExamples {
        ObjectiveExamples(objective: objective, context: config.context, separator: Int32(tokenizer.vocabularySize))
    }

    /// A GPT holding these weights.
    public func makeGPT() -> GPT<Float> {
        let model = GPT<Float>(config: config)
        parameters.withUnsafeBufferPointer { model.parameters.update(from: $0.baseAddress!, count: parameters.count) }
        return model
    }
}
