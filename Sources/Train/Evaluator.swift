import Core
import Foundation

/// A text's loss under the GPT: every token predicted from the ones before it (in windows of the
/// model's context), the document's end (the separator) included.
public struct TextLoss: Sendable, Equatable {
    public var tokens = 0
    public var bytes = 0
    /// −Σ ln p over the predicted tokens.
    public var nats = 0.0
    /// Per window: the perplexity of its tokens.
    public var windowPerplexities: [Double] = []

    public init() {}

    /// Per-token perplexity, exp(nats / tokens).
    public var perplexity: Double { tokens > 0 ? exp(nats / Double(tokens)) : 0 }
    /// Bits per UTF-8 byte, which compares across tokenizers (and with the n-gram reference).
    public var bitsPerByte: Double { bytes > 0 ? nats / M_LN2 / Double(bytes) : 0 }

    public mutating func add(_ other: TextLoss) {
        tokens += other.tokens
        bytes += other.bytes
        nats += other.nats
    }
}

/// Measures texts and continues prompts with a trained GPT. The text is cut into windows of the model's
/// context that do not overlap (the first token of a window sees no earlier text: the figures are a
/// little pessimistic for texts longer than one context, and cost one forward pass per window). Each
/// forward pass holds `rows` windows; with the default of one, a window's figures depend on nothing but
/// its own tokens (OpenBLAS rounds a row differently by where it sits in the matrix), so scores do not
/// change with batching, thread count or a resumed run — and one 128-token row per pass measured as fast
/// as eight, having no padding to waste. Not thread-safe: use one per thread.
public final class Evaluator {
    public let file: ModelFile
    public let model: GPT<Float>
    public let rows: Int
    var cache: [ArraySlice<UInt8>: [Int32]] = [:]
    var separator: Int32 { Int32(file.tokenizer.vocabularySize) }

    public init(file: ModelFile, rows: Int = 1) {
        self.file = file
        self.rows = rows
        model = file.makeGPT()
    }

    /// The tokens of a text, between separators (as the trainer saw documents).
    public func tokens(_ text: UnsafeRawBufferPointer) -> [Int32] {
        var tokens: [Int32] = [separator]
        file.tokenizer.encode(text, into: &tokens, cache: &cache)
        tokens.append(separator)
        return tokens
    }

    /// The loss of each text.
    public func measure(_ texts: [[UInt8]]) -> [TextLoss] {
        var results = texts.map { text -> TextLoss in
            var loss = TextLoss()
            loss.bytes = text.count
            return loss
        }
        // (text, inputs, targets) per window.
        var windows: [(Int, ArraySlice<Int32>, ArraySlice<Int32>)] = []
        let t = model.config.context
        for (index, text) in texts.enumerated() {
            let stream = text.withUnsafeBytes { tokens($0) }
            var start = 0
            while start < stream.count - 1 {
                let end = min(start + t, stream.count - 1)
                windows.append((index, stream[start..<end], stream[(start + 1)...end]))
                start = end
            }
        }
        for first in stride(from: 0, to: windows.count, by: rows) {
            let group = windows[first..<min(first + rows, windows.count)]
            let logits = forward(group.map(\.1))
            let v = model.config.vocabulary
            var scratch = [Float](repeating: 0, count: v)
            for (row, window) in group.enumerated() {
                var nats = 0.0
                for (position, target) in window.2.enumerated() {
                    let p = Self.probability(of: target, logits + (row * t + position) * v, vocabulary: v, scratch: &scratch)
                    nats -= log(max(Double(p), Double(Float.leastNormalMagnitude)))
                }
                results[window.0].tokens += window.2.count
                results[window.0].nats += nats
                results[window.0].windowPerplexities.append(exp(nats / Double(window.2.count)))
            }
        }
        return results
    }

    /// Greedy continuations of each prompt, up to `count` tokens or the end of the document.
    public func generate(_ prompts: [[Int32]], count: Int) -> [[Int32]] {
        var outputs = [[Int32]](repeating: [], count: prompts.count)
        let t = model.config.context, v = model.config.vocabulary
        for first in stride(from: 0, to: prompts.count, by: rows) {
            let members = Array(first..<min(first + rows, prompts.count))
            var done = Set<Int>()
            for _ in 0..<count where done.count < members.count {
                let contexts = members.map { index in ArraySlice((prompts[index] + outputs[index]).suffix(t)) }
                let logits = forward(contexts)
                for (row, index) in members.enumerated() where !done.contains(index) {
                    let best = Self.mostLikely(logits + (row * t + contexts[row].count - 1) * v, vocabulary: v)
                    if Int32(best) == separator { done.insert(index) } else { outputs[index].append(Int32(best)) }
                }
            }
        }
        return outputs
    }

    /// Runs the model on up to `rows` token windows, padded with the separator to [rows, context] (the
    /// mask is causal, so padding after a window cannot change it); returns the logits.
    private func forward(_ windows: [ArraySlice<Int32>]) -> UnsafePointer<Float> {
        let t = model.config.context
        var inputs = [Int32](repeating: separator, count: rows * t)
        for (row, window) in windows.enumerated() {
            for (offset, token) in window.enumerated() { inputs[row * t + offset] = token }
        }
        var unused = SplitMix(seed: 0)
        model.forward(tokens: inputs, targets: nil, batch: rows, time: t, random: &unused)
        return model.logits!
    }

    /// The token with the largest logit (the first of equals).
    static func mostLikely(_ logits: UnsafePointer<Float>, vocabulary: Int) -> Int {
        var best = 0
        for token in 1..<vocabulary where logits[token] > logits[best] { best = token }
        return best
    }

    /// The softmax probability of `target` under one position's logits (`scratch` holds `vocabulary` values).
    static func probability(of target: Int32, _ logits: UnsafePointer<Float>, vocabulary: Int, scratch: inout [Float]) -> Float {
        scratch.withUnsafeMutableBufferPointer { row in
            row.baseAddress!.update(from: logits, count: vocabulary)
            Float.softmax(row.baseAddress!, count: vocabulary)
            return row[Int(target)]
        }
    }
}

extension Evaluator {
    /// The loss of each text, on `threads` threads (one evaluator each, OpenBLAS on one thread apiece:
    /// the model's products are small enough that two independent workers beat one two-thread sgemm).
    /// The figures do not depend on the thread count.
    public static func measure(_ texts: [[UInt8]], file: ModelFile, threads: Int, chunk: Int = 32,
                               progress: (Int) -> Void = { _ in }) throws -> [TextLoss] {
        setBLASThreads(1)
        defer { setBLASThreads(threads) }
        var results: [TextLoss] = []
        results.reserveCapacity(texts.count)
        try OrderedPipeline.run(
            workers: max(1, threads), capacity: max(1, threads) * 2,
            produce: { emit in
                for start in stride(from: 0, to: texts.count, by: chunk) where !emit(Array(texts[start..<min(start + chunk, texts.count)])) {
                    return
                }
            },
            makeWorker: {
                let evaluator = Evaluator(file: file)
                return { evaluator.measure($0) }
            },
            consume: { losses in
                results += losses
                progress(results.count)
            })
        return results
    }
}
