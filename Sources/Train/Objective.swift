import Foundation

/// What the model learns to predict (REFERENCE §8): the next token (GPT), masked tokens (BERT), or
/// corrupted spans (T5). All three train the same network; they differ in the examples built from the
/// token stream, in which positions attention may see, and in which positions carry a loss.
public enum Objective: String, Sendable, Codable, CaseIterable {
    /// Next-token prediction, causal attention, a loss at every position.
    case causal
    /// BERT's masked language modelling: 15% of the positions chosen; of those 80% replaced by the mask
    /// token, 10% by a random token, 10% left; attention sees the whole window; the loss is on the
    /// chosen positions only.
    case masked
    /// T5's span corruption as a prefix LM (docs/train.md, "Objectives"): spans of mean length 3 covering
    /// 15% of the source, each replaced by its own sentinel; the corrupted source is the prefix, seen
    /// bidirectionally; then each sentinel followed by the span it replaced, predicted left to right.
    case span

    /// BERT's and T5's share of corrupted tokens (Devlin et al. 2019; Raffel et al. 2020, §3.3.4).
    public static let corruptionRate = 0.15
    /// T5's mean span length.
    public static let meanSpanLength = 3.0
}

/// The examples of one objective, built from windows of the token stream. Special tokens follow the
/// separator: for `masked` the mask token, for `span` one sentinel per span.
public struct ObjectiveExamples: Sendable {
    public let objective: Objective
    public let context: Int
    /// The tokenizer's vocabulary: ids below it are text; it is the separator.
    public let separator: Int32
    /// Tokens of the stream each row reads (and the stream advances by, except causal, which reads one
    /// more than it advances: the last target).
    public let sourceLength: Int
    /// Positions at the start of a row that attend to each other in both directions (0: causal).
    public let prefix: Int
    /// span: noise tokens and spans per row (fixed by the context, so every row has the same layout).
    let noiseTokens: Int, spans: Int

    public init(objective: Objective, context: Int, separator: Int32) {
        self.objective = objective
        self.context = context
        self.separator = separator
        switch objective {
        case .causal:
            sourceLength = context
            prefix = 0
            noiseTokens = 0
            spans = 0
        case .masked:
            sourceLength = context
            prefix = context
            noiseTokens = 0
            spans = 0
        case .span:
            // The longest source whose corrupted form (source − noise + one sentinel per span) followed by
            // the targets (one sentinel per span + noise) fills context + 1 tokens: source + 2·spans.
            var source = context + 1
            var layout = Self.spanLayout(source)
            while source > 2 && source + 2 * layout.spans > context + 1 {
                source -= 1
                layout = Self.spanLayout(source)
            }
            sourceLength = source
            noiseTokens = layout.noise
            spans = layout.spans
            prefix = source - layout.noise + layout.spans
        }
    }

    /// T5's counts: round(15% of the source) noise tokens in round(noise / 3) spans, at least one of each.
    static func spanLayout(_ source: Int) -> (noise: Int, spans: Int) {
        let noise = min(max(1, Int((Double(source) * Objective.corruptionRate).rounded())), source - 1)
        return (noise, max(1, min(noise, Int((Double(noise) / Objective.meanSpanLength).rounded()))))
    }

    /// Special tokens after the separator.
    public var specialTokens: Int {
        switch objective {
        case .causal: 0
        case .masked: 1
        case .span: spans
        }
    }

    /// The model's vocabulary: text tokens, the separator, the special tokens.
    public var vocabulary: Int { Int(separator) + 1 + specialTokens }

    public var maskToken: Int32 { separator + 1 }
    func sentinel(_ index: Int) -> Int32 { separator + 1 + Int32(index) }

    /// Tokens of the stream a row needs from its start.
    public var rowSpan: Int { objective == .causal ? context + 1 : sourceLength }

    /// One row's inputs and targets (`context` each; target −1: no loss there) from `source`
    /// (`rowSpan` tokens of the stream).
    public func row(_ source: ArraySlice<Int32>, random: inout SplitMix, inputs: inout [Int32], targets: inout [Int32]) {
        precondition(source.count == rowSpan)
        switch objective {
        case .causal:
            inputs += source.dropLast()
            targets += source.dropFirst()
        case .masked:
            let row = maskedRow(source, random: &random)
            inputs += row.inputs
            targets += row.targets
        case .span:
            var sequence: [Int32] = []
            sequence.reserveCapacity(context + 1)
            let noise = spanMask(random: &random)
            var spanIndex = 0
            var answers: [Int32] = []
            for (position, token) in zip(0..., source) {
                if noise[position] {
                    if position == 0 || !noise[position - 1] {
                        sequence.append(sentinel(spanIndex))
                        answers.append(sentinel(spanIndex))
                        spanIndex += 1
                    }
                    answers.append(token)
                } else {
                    sequence.append(token)
                }
            }
            sequence += answers
            // Rows shorter than context + 1 (when no source length fills it exactly) end in padding without loss.
            let filled = sequence.count
            while sequence.count < context + 1 { sequence.append(separator) }
            inputs += sequence.dropLast()
            for position in 0..<context {
                targets.append(position >= prefix - 1 && position + 1 < filled ? sequence[position + 1] : -1)
            }
        }
    }

    /// BERT's corruption of a window of any length: round(15%) of its positions chosen (at least one); of
    /// those 80% become the mask token, 10% a random text token, 10% stay. Targets: the chosen positions'
    /// tokens, −1 elsewhere.
    public func maskedRow(_ source: ArraySlice<Int32>, random: inout SplitMix) -> (inputs: [Int32], targets: [Int32]) {
        var inputs = Array(source)
        var targets = [Int32](repeating: -1, count: inputs.count)
        let count = max(1, Int((Double(inputs.count) * Objective.corruptionRate).rounded()))
        for position in Self.choose(min(count, inputs.count), of: inputs.count, random: &random) {
            targets[position] = inputs[position]
            let draw = random.unit()
            if draw < 0.8 {
                inputs[position] = maskToken
            } else if draw < 0.9 {
                inputs[position] = Int32(random.next() % UInt64(separator))
            }
        }
        return (inputs, targets)
    }

    /// `count` distinct positions of `0..<length` (a partial Fisher–Yates shuffle).
    static func choose(_ count: Int, of length: Int, random: inout SplitMix) -> [Int] {
        var positions = Array(0..<length)
        for index in 0..<count {
            positions.swapAt(index, index + Int(random.next() % UInt64(length - index)))
        }
        return Array(positions[0..<count])
    }

    /// T5's random_spans_noise_mask: the noise tokens cut into `spans` runs and the rest into as many, of
    /// random positive lengths, interleaved starting with a run of kept tokens.
    func spanMask(random: inout SplitMix) -> [Bool] {
        func segments(_ total: Int) -> [Int] {
            // spans − 1 distinct cut points in 1..<total.
            let cuts = Self.choose(spans - 1, of: total - 1, random: &random).map { $0 + 1 }.sorted()
            var lengths: [Int] = []
            var previous = 0
            for cut in cuts + [total] {
                lengths.append(cut - previous)
                previous = cut
            }
            return lengths
        }
        let kept = segments(sourceLength - noiseTokens), noisy = segments(noiseTokens)
        var mask: [Bool] = []
        mask.reserveCapacity(sourceLength)
        for index in 0..<spans {
            mask += repeatElement(false, count: kept[index])
            mask += repeatElement(true, count: noisy[index])
        }
        return mask
    }

    /// A batch of `rows` consecutive rows read from `stream` at `start`. When the batch would run past
    /// the stream's end it starts again at 0 (`wrapped`: a new epoch); with `eachRow`, a row that would
    /// run past the end starts at 0 instead (validation's fixed batches). Returns where the next batch starts.
    public func batch(_ stream: [Int32], start: Int, rows: Int, eachRow: Bool = false,
                      random: inout SplitMix) -> (inputs: [Int32], targets: [Int32], next: Int, wrapped: Bool) {
        var inputs: [Int32] = [], targets: [Int32] = []
        inputs.reserveCapacity(rows * context)
        targets.reserveCapacity(rows * context)
        var position = start, wrapped = false
        if !eachRow && position + (rows - 1) * sourceLength + rowSpan > stream.count {
            position = 0
            wrapped = true
        }
        for _ in 0..<rows {
            if position + rowSpan > stream.count { position = 0 }
            row(stream[position..<(position + rowSpan)], random: &random, inputs: &inputs, targets: &targets)
            position += sourceLength
        }
        return (inputs, targets, position, wrapped)
    }

    /// The attention prefix of each row of a batch.
    public func prefixes(rows: Int) -> [Int] { prefix == 0 ? [] : [Int](repeating: prefix, count: rows) }
}
