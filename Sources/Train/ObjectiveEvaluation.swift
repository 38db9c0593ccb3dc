import Foundation

/// What `curate eval` measures for a model of the masked or span objective (a causal model's measure is
/// per-token perplexity, `Evaluator`). The texts become one token stream, as in training (each text
/// followed by the separator), read in windows of the model's context.
public struct ObjectiveMeasures: Sendable, Codable, Equatable {
    public var objective: Objective
    public var windows = 0
    public var bytes = 0
    /// masked: the chosen positions (BERT's corruption, a fixed seed) and how many the model's most likely
    /// token got right.
    public var maskedTokens: Int?
    public var maskedCorrect: Int?
    /// masked: −Σ ln p(token | every other token, it masked) over every token (Salazar et al. 2020).
    public var pseudoNats: Double?
    public var pseudoTokens: Int?
    /// span: −Σ ln p over the target side (sentinels and the spans they replaced).
    public var spanNats: Double?
    public var spanTokens: Int?

    public var maskedAccuracy: Double? { maskedTokens.flatMap { $0 > 0 ? Double(maskedCorrect ?? 0) / Double($0) : nil } }
    /// exp of the mean pseudo-log-likelihood loss per token.
    public var pseudoPerplexity: Double? { pseudoNats.flatMap { nats in pseudoTokens.map { exp(nats / Double(max($0, 1))) } } }
    /// Mean loss per target token, nats.
    public var spanLoss: Double? { spanNats.flatMap { nats in spanTokens.map { nats / Double(max($0, 1)) } } }

    init(objective: Objective) { self.objective = objective }

    /// The objective's loss in nats per predicted token, and its exponential (the figure `eval` and
    /// `experiment` report as perplexity for these models).
    public var nats: Double { (objective == .masked ? pseudoNats : spanNats) ?? 0 }
    public var predictedTokens: Int { (objective == .masked ? pseudoTokens : spanTokens) ?? 0 }
    public var perplexity: Double { exp(nats / Double(max(predictedTokens, 1))) }
    public var bitsPerByte: Double { bytes > 0 ? nats / M_LN2 / Double(bytes) : 0 }
}

public enum ObjectiveEvaluation {
    /// Measures `texts` with a masked or span model.
    public static func measure(_ texts: [[UInt8]], file: ModelFile, progress: (Int, Int) -> Void = { _, _ in }) -> ObjectiveMeasures {
        precondition(file.objective != .causal, "a causal model is measured by Evaluator")
        let evaluator = Evaluator(file: file)
        let examples = file.examples
        var stream: [Int32] = [examples.separator]
        var measures = ObjectiveMeasures(objective: file.objective)
        for text in texts {
            stream += text.withUnsafeBytes { evaluator.tokens($0) }.dropFirst()
            measures.bytes += text.count
        }
        let model = evaluator.model, t = file.config.context, v = file.config.vocabulary
        var unused = SplitMix(seed: 0), corruption = SplitMix(seed: 0x7A1)
        var scratch = [Float](repeating: 0, count: v)
        func logProbability(_ logits: UnsafePointer<Float>, _ target: Int32) -> Double {
            log(max(Double(Evaluator.probability(of: target, logits, vocabulary: v, scratch: &scratch)), Double(Float.leastNormalMagnitude)))
        }
        switch file.objective {
        case .causal:
            break
        case .masked:
            measures.maskedTokens = 0
            measures.maskedCorrect = 0
            measures.pseudoNats = 0
            measures.pseudoTokens = 0
            let starts = Array(stride(from: 0, to: stream.count, by: t))
            func window(_ start: Int) -> [Int32] { Array(stream[start..<min(start + t, stream.count)]) }
            func padded(_ tokens: [Int32]) -> [Int32] { tokens + [Int32](repeating: examples.separator, count: t - tokens.count) }
            // Accuracy: BERT's corruption of each window, the chosen positions predicted (one row per pass).
            for start in starts {
                let window = window(start)
                let (inputs, targets) = examples.maskedRow(window[...], random: &corruption)
                model.attentionPrefixes = [window.count]
                model.forward(tokens: padded(inputs), targets: nil, batch: 1, time: t, random: &unused)
                for (position, target) in targets.enumerated() where target >= 0 {
                    measures.maskedTokens! += 1
                    if Evaluator.mostLikely(model.logits! + position * v, vocabulary: v) == Int(target) { measures.maskedCorrect! += 1 }
                }
            }
            // Pseudo-log-likelihood: each position of a window masked in turn, one row per position (every
            // pass has `context` rows, so the model's buffers are allocated once).
            for (done, start) in starts.enumerated() {
                let window = window(start), length = window.count
                var rows: [Int32] = []
                rows.reserveCapacity(t * t)
                for position in 0..<t {
                    var row = window
                    if position < length { row[position] = examples.maskToken }
                    rows += padded(row)
                }
                model.attentionPrefixes = [Int](repeating: length, count: t)
                model.forward(tokens: rows, targets: nil, batch: t, time: t, random: &unused)
                for position in 0..<length {
                    measures.pseudoNats! -= logProbability(model.logits! + (position * t + position) * v, window[position])
                }
                measures.pseudoTokens! += length
                measures.windows += 1
                progress(done + 1, starts.count)
            }
        case .span:
            measures.spanNats = 0
            measures.spanTokens = 0
            let total = max(0, (stream.count - examples.rowSpan) / examples.sourceLength + 1)
            var start = 0
            model.attentionPrefixes = examples.prefixes(rows: 1)
            while start + examples.rowSpan <= stream.count {
                var inputs: [Int32] = [], targets: [Int32] = []
                examples.row(stream[start..<(start + examples.rowSpan)], random: &corruption, inputs: &inputs, targets: &targets)
                model.forward(tokens: inputs, targets: nil, batch: 1, time: t, random: &unused)
                for (position, target) in targets.enumerated() where target >= 0 {
                    measures.spanNats! -= logProbability(model.logits! + position * v, target)
                    measures.spanTokens! += 1
                }
                start += examples.sourceLength
                measures.windows += 1
                progress(measures.windows, total)
            }
        }
        return measures
    }
}
