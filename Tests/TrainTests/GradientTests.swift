import Foundation
import Testing
@testable import Train

/// Every layer's backward against central finite differences, in Float64 (REFERENCE §5: relative error
/// below 1e-4), then the whole model.
@Suite struct GradientTests {
    typealias K = Kernels<Double>

    /// |a − n| / max(|a|, |n|, floor), the worst over all entries.
    static func worstRelativeError(_ analytic: [Double], _ numeric: [Double], floor: Double = 1e-8) -> Double {
        zip(analytic, numeric).map { abs($0 - $1) / max(abs($0), abs($1), floor) }.max() ?? 0
    }

    /// Checks d(Σ out·g)/d(input) for an op out = f(input) given its backward.
    static func check(inputs: inout [Double], outputCount: Int, random: inout SplitMix,
                      forward: ([Double]) -> [Double], backward: ([Double], [Double]) -> [Double]) -> Double {
        let g = (0..<outputCount).map { _ in random.normal() }
        let analytic = backward(inputs, g)
        let h = 1e-6
        var numeric = [Double](repeating: 0, count: inputs.count)
        for index in inputs.indices {
            let saved = inputs[index]
            inputs[index] = saved + h
            let plus = zip(forward(inputs), g).reduce(0) { $0 + $1.0 * $1.1 }
            inputs[index] = saved - h
            let minus = zip(forward(inputs), g).reduce(0) { $0 + $1.0 * $1.1 }
            inputs[index] = saved
            numeric[index] = (plus - minus) / (2 * h)
        }
        return worstRelativeError(analytic, numeric)
    }

    /// Central finite differences of `loss` with respect to each of `count` parameters in place.
    static func numericGradient(_ parameters: UnsafeMutablePointer<Double>, count: Int, h: Double = 1e-6, loss: () -> Double) -> [Double] {
        (0..<count).map { index in
            let saved = parameters[index]
            parameters[index] = saved + h
            let plus = loss()
            parameters[index] = saved - h
            let minus = loss()
            parameters[index] = saved
            return (plus - minus) / (2 * h)
        }
    }

    @Test func layerNorm() {
        var random = SplitMix(seed: 1)
        let rows = 3, c = 5
        // inputs: x (rows·c), weight (c), bias (c)
        var inputs = (0..<(rows * c + 2 * c)).map { _ in random.normal() }
        func forward(_ v: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: rows * c), mean = [Double](repeating: 0, count: rows), rstd = mean
            K.layerNormForward(&out, &mean, &rstd, v, Array(v[(rows * c)...]), Array(v[(rows * c + c)...]), rows: rows, channels: c)
            return out
        }
        let error = Self.check(inputs: &inputs, outputCount: rows * c, random: &random, forward: forward) { v, g in
            var out = [Double](repeating: 0, count: rows * c), mean = [Double](repeating: 0, count: rows), rstd = mean
            let w = Array(v[(rows * c)..<(rows * c + c)]), b = Array(v[(rows * c + c)...])
            K.layerNormForward(&out, &mean, &rstd, v, w, b, rows: rows, channels: c)
            var dx = [Double](repeating: 0, count: rows * c), dw = [Double](repeating: 0, count: c), db = dw
            K.layerNormBackward(&dx, &dw, &db, g, v, w, mean, rstd, rows: rows, channels: c)
            return dx + dw + db
        }
        #expect(error < 1e-4, "layer norm: \(error)")
    }

    @Test func matmul() {
        var random = SplitMix(seed: 2)
        let rows = 4, c = 3, oc = 5
        var inputs = (0..<(rows * c + oc * c + oc)).map { _ in random.normal() }
        func split(_ v: [Double]) -> ([Double], [Double], [Double]) {
            (Array(v[0..<(rows * c)]), Array(v[(rows * c)..<(rows * c + oc * c)]), Array(v[(rows * c + oc * c)...]))
        }
        let error = Self.check(inputs: &inputs, outputCount: rows * oc, random: &random, forward: { v in
            let (x, w, b) = split(v)
            var out = [Double](repeating: 0, count: rows * oc)
            K.matmulForward(&out, x, w, b, rows: rows, channels: c, outChannels: oc)
            return out
        }) { v, g in
            let (x, w, _) = split(v)
            var dx = [Double](repeating: 0, count: rows * c), dw = [Double](repeating: 0, count: oc * c), db = [Double](repeating: 0, count: oc)
            K.matmulBackward(&dx, &dw, &db, g, x, w, rows: rows, channels: c, outChannels: oc)
            return dx + dw + db
        }
        #expect(error < 1e-4, "matmul: \(error)")
    }

    @Test func attention() {
        var random = SplitMix(seed: 3)
        let b = 2, t = 4, c = 6, h = 2
        var inputs = (0..<(b * t * 3 * c)).map { _ in random.normal() }
        let error = Self.check(inputs: &inputs, outputCount: b * t * c, random: &random, forward: { v in
            var out = [Double](repeating: 0, count: b * t * c), att = [Double](repeating: 0, count: b * h * t * t)
            K.attentionForward(&out, &att, v, batch: b, time: t, channels: c, heads: h)
            return out
        }) { v, g in
            var out = [Double](repeating: 0, count: b * t * c), att = [Double](repeating: 0, count: b * h * t * t)
            K.attentionForward(&out, &att, v, batch: b, time: t, channels: c, heads: h)
            var dv = [Double](repeating: 0, count: v.count), scratch = [Double](repeating: 0, count: t * t)
            K.attentionBackward(&dv, &scratch, g, v, att, batch: b, time: t, channels: c, heads: h)
            return dv
        }
        #expect(error < 1e-4, "attention: \(error)")
    }

    @Test func geluAndEncoderAndCrossEntropy() {
        var random = SplitMix(seed: 4)
        var x = (0..<20).map { _ in random.normal() * 2 }
        let gelu = Self.check(inputs: &x, outputCount: 20, random: &random, forward: { v in
            var out = [Double](repeating: 0, count: 20)
            K.geluForward(&out, v, count: 20)
            return out
        }) { v, g in
            var d = [Double](repeating: 0, count: 20)
            K.geluBackward(&d, v, g, count: 20)
            return d
        }
        #expect(gelu < 1e-4, "gelu: \(gelu)")

        let tokens: [Int32] = [2, 0, 2, 1], vocabulary = 3, c = 4, time = 2
        var tables = (0..<(vocabulary * c + time * c)).map { _ in random.normal() }
        let encoder = Self.check(inputs: &tables, outputCount: 4 * c, random: &random, forward: { v in
            var out = [Double](repeating: 0, count: 4 * c)
            K.encoderForward(&out, tokens, v, Array(v[(vocabulary * c)...]), batch: 2, time: time, channels: c)
            return out
        }) { _, g in
            var dwte = [Double](repeating: 0, count: vocabulary * c), dwpe = [Double](repeating: 0, count: time * c)
            K.encoderBackward(&dwte, &dwpe, g, tokens, batch: 2, time: time, channels: c)
            return dwte + dwpe
        }
        #expect(encoder < 1e-4, "encoder: \(encoder)")

        var logits = (0..<9).map { _ in random.normal() }
        let crossEntropy = Self.crossEntropyError(targets: [1, 0, 2], logits: &logits, random: &random)
        #expect(crossEntropy < 1e-4, "cross-entropy: \(crossEntropy)")
    }

    /// The mean cross-entropy over rows of 3 logits against `targets`: a scalar, checked with g = [1].
    static func crossEntropyError(targets: [Int32], logits: inout [Double], random: inout SplitMix) -> Double {
        let rows = targets.count, count = rows * 3
        return check(inputs: &logits, outputCount: 1, random: &random, forward: { v in
            var probs = [Double](repeating: 0, count: count)
            return [K.crossEntropyForward(&probs, v, targets, rows: rows, vocabulary: 3)]
        }) { v, g in
            var probs = [Double](repeating: 0, count: count)
            _ = K.crossEntropyForward(&probs, v, targets, rows: rows, vocabulary: 3)
            var d = [Double](repeating: 1, count: count)
            K.crossEntropyBackward(&d, probs, targets, rows: rows, vocabulary: 3)
            return d.map { $0 * g[0] }
        }
    }

    /// A model with larger weights than GPT-2's 0.02, so that every path carries a gradient worth checking.
    static func perturbedModel(_ config: GPTConfig, random: inout SplitMix) -> GPT<Double> {
        let model = GPT<Double>(config: config)
        model.initialize(random: &random)
        for index in 0..<model.layout.count { model.parameters[index] += random.normal() * 0.3 }
        return model
    }

    /// The worst relative error of the model's gradients (after `backward`) against finite differences of
    /// `loss`, floored at 1e-4 of the largest gradient: finite differences of a loss near 2.4 carry ~1e-10
    /// of round-off, which is all a gradient of 5e-7 would show.
    static func modelError(_ model: GPT<Double>, loss: () -> Double) -> (error: Double, analytic: [Double]) {
        let analytic = Array(UnsafeBufferPointer(start: model.gradients, count: model.layout.count))
        let numeric = numericGradient(model.parameters, count: model.layout.count, loss: loss)
        return (worstRelativeError(analytic, numeric, floor: 1e-4 * analytic.map(abs).max()!), analytic)
    }

    /// The whole model: every parameter's gradient against finite differences of the loss.
    @Test func wholeModel() {
        var random = SplitMix(seed: 5)
        let model = Self.perturbedModel(GPTConfig(vocabulary: 11, context: 6, layers: 2, heads: 2, width: 8), random: &random)
        let tokens: [Int32] = (0..<12).map { _ in Int32(random.next() % 11) }
        let targets: [Int32] = (0..<12).map { _ in Int32(random.next() % 11) }
        func loss() -> Double { model.forward(tokens: tokens, targets: targets, batch: 2, time: 6, random: &random)! }
        _ = loss()
        model.zeroGradients()
        model.backward()
        let (error, analytic) = Self.modelError(model, loss: loss)
        #expect(error < 1e-4, "whole model: worst relative error \(error) over \(model.layout.count) parameters")
        #expect(analytic.filter { $0 != 0 }.count > model.layout.count / 2)
    }

    /// Fine-tuning's classifier: the head on the pooled hidden state and, through it, the whole GPT
    /// (texts of different lengths, so the padding positions must get no gradient).
    @Test func classifier() {
        var random = SplitMix(seed: 9)
        let model = Self.perturbedModel(GPTConfig(vocabulary: 11, context: 6, layers: 1, heads: 2, width: 8), random: &random)
        let classifier = Classifier<Double>(gpt: model, classes: 3)
        for index in 0..<classifier.headCount { classifier.head[index] = random.normal() * 0.5 }
        let tokens: [Int32] = (0..<18).map { _ in Int32(random.next() % 11) }
        let lengths = [6, 2, 4], labels: [Int32] = [2, 0, 1]
        func loss() -> Double {
            classifier.forward(tokens: tokens, lengths: lengths, labels: labels, batch: 3, time: 6, training: false, random: &random)!
        }
        _ = loss()
        classifier.zeroGradients()
        classifier.backward()
        let analytic = Array(UnsafeBufferPointer(start: model.gradients, count: model.layout.count))
            + Array(UnsafeBufferPointer(start: classifier.headGradients, count: classifier.headCount))
        let numeric = Self.numericGradient(model.parameters, count: model.layout.count, loss: loss)
            + Self.numericGradient(classifier.head, count: classifier.headCount, loss: loss)
        let error = Self.worstRelativeError(analytic, numeric, floor: 1e-4 * analytic.map(abs).max()!)
        #expect(error < 1e-4, "classifier: worst relative error \(error)")
        // Tokens after a text's length are padding: changing them changes nothing.
        classifier.forward(tokens: tokens, lengths: lengths, labels: nil, batch: 3, time: 6, training: false, random: &random)
        let before = classifier.probabilities
        var padded = tokens
        padded[6 + 3] = (padded[6 + 3] + 1) % 11
        classifier.forward(tokens: padded, lengths: lengths, labels: nil, batch: 3, time: 6, training: false, random: &random)
        #expect(classifier.probabilities == before)
    }

    /// The masks of the masked and span objectives: bidirectional rows, a prefix-LM row and a causal one
    /// in one batch.
    @Test func attentionWithBidirectionalAndPrefixMasks() {
        var random = SplitMix(seed: 13)
        let b = 3, t = 5, c = 4, h = 2, prefixes = [5, 3, 0]
        var inputs = (0..<(b * t * 3 * c)).map { _ in random.normal() }
        func forward(_ v: [Double]) -> ([Double], [Double]) {
            var out = [Double](repeating: 0, count: b * t * c), att = [Double](repeating: 0, count: b * h * t * t)
            K.attentionForward(&out, &att, v, batch: b, time: t, channels: c, heads: h, prefixes: prefixes)
            return (out, att)
        }
        let error = Self.check(inputs: &inputs, outputCount: b * t * c, random: &random, forward: { forward($0).0 }) { v, g in
            let att = forward(v).1
            var dv = [Double](repeating: 0, count: v.count), scratch = [Double](repeating: 0, count: t * t)
            K.attentionBackward(&dv, &scratch, g, v, att, batch: b, time: t, channels: c, heads: h, prefixes: prefixes)
            return dv
        }
        #expect(error < 1e-4, "attention with prefixes: \(error)")
        // Which positions each row sees: all of a bidirectional row, the prefix and the past after a prefix.
        let att = forward(inputs).1
        func sees(_ row: Int, _ i: Int, _ j: Int) -> Bool { att[(row * h) * t * t + i * t + j] != 0 }
        #expect(sees(0, 0, 4) && sees(0, 2, 3))
        #expect(sees(1, 0, 2) && !sees(1, 0, 3) && sees(1, 3, 3) && !sees(1, 3, 4) && sees(1, 4, 4))
        #expect(!sees(2, 0, 1) && sees(2, 1, 1))
    }

    @Test func crossEntropyIgnoresPositionsWithoutATarget() {
        var random = SplitMix(seed: 14)
        let targets: [Int32] = [1, -1, 2, -1]
        var logits = (0..<12).map { _ in random.normal() }
        let error = Self.crossEntropyError(targets: targets, logits: &logits, random: &random)
        #expect(error < 1e-4, "cross-entropy with ignored rows: \(error)")
        // The mean is over the two rows with targets alone.
        var probs = [Double](repeating: 0, count: 12)
        let loss = K.crossEntropyForward(&probs, logits, targets, rows: 4, vocabulary: 3)
        var two = [Double](repeating: 0, count: 6)
        let alone = K.crossEntropyForward(&two, Array(logits[0..<3] + logits[6..<9]), [1, 2], rows: 2, vocabulary: 3)
        #expect(abs(loss - alone) < 1e-12)
    }

    /// The whole model under each objective's examples: masks and ignored targets end to end.
    @Test(arguments: [Objective.masked, .span]) func wholeModelUnderAnObjective(_ objective: Objective) {
        let examples = ObjectiveExamples(objective: objective, context: 12, separator: 9)
        var random = SplitMix(seed: 15)
        let model = Self.perturbedModel(GPTConfig(vocabulary: examples.vocabulary, context: 12, layers: 1, heads: 2, width: 8), random: &random)
        let stream: [Int32] = (0..<40).map { _ in Int32(random.next() % 9) }
        let batch = examples.batch(stream, start: 0, rows: 2, random: &random)
        model.attentionPrefixes = examples.prefixes(rows: 2)
        func loss() -> Double { model.forward(tokens: batch.inputs, targets: batch.targets, batch: 2, time: 12, random: &random)! }
        _ = loss()
        model.zeroGradients()
        model.backward()
        let error = Self.modelError(model, loss: loss).error
        #expect(error < 1e-4, "\(objective): worst relative error \(error)")
    }

    /// A classifier over a bidirectional model: the padding after a text changes nothing, though every
    /// position of the text sees every other.
    @Test func bidirectionalClassifierIgnoresPadding() {
        var random = SplitMix(seed: 16)
        let model = Self.perturbedModel(GPTConfig(vocabulary: 11, context: 6, layers: 1, heads: 2, width: 8), random: &random)
        let classifier = Classifier<Double>(gpt: model, classes: 2)
        classifier.bidirectional = true
        for index in 0..<classifier.headCount { classifier.head[index] = random.normal() * 0.5 }
        let tokens: [Int32] = (0..<12).map { _ in Int32(random.next() % 11) }
        let lengths = [6, 3], labels: [Int32] = [1, 0]
        func loss() -> Double {
            classifier.forward(tokens: tokens, lengths: lengths, labels: labels, batch: 2, time: 6, training: false, random: &random)!
        }
        _ = loss()
        classifier.zeroGradients()
        classifier.backward()
        #expect(Self.modelError(model, loss: loss).error < 1e-4)
        classifier.forward(tokens: tokens, lengths: lengths, labels: nil, batch: 2, time: 6, training: false, random: &random)
        let before = classifier.probabilities
        var padded = tokens
        padded[6 + 4] = (padded[6 + 4] + 1) % 11
        classifier.forward(tokens: padded, lengths: lengths, labels: nil, batch: 2, time: 6, training: false, random: &random)
        #expect(classifier.probabilities == before)
        // The first token of a text sees its last one (it would not, causally), and nothing of another row.
        var changed = tokens
        changed[2] = (changed[2] + 1) % 11
        model.attentionPrefixes = [6, 3]
        model.forward(tokens: tokens, targets: nil, batch: 2, time: 6, head: false, random: &random)
        let first = Array(UnsafeBufferPointer(start: model.finalHidden! + 6 * 8, count: 8))
        model.forward(tokens: changed, targets: nil, batch: 2, time: 6, head: false, random: &random)
        let again = Array(UnsafeBufferPointer(start: model.finalHidden! + 6 * 8, count: 8))
        #expect(first == again, "row 1 does not see row 0")
        model.forward(tokens: tokens.enumerated().map { $0.offset == 8 ? ($0.element + 1) % 11 : $0.element }, targets: nil,
                      batch: 2, time: 6, head: false, random: &random)
        let seen = Array(UnsafeBufferPointer(start: model.finalHidden! + 6 * 8, count: 8))
        #expect(seen != first, "position 0 of row 1 sees position 2")
    }

    @Test func initialLossIsAboutLogVocabularyAndOneBatchCanBeLearnt() {
        let config = GPTConfig(vocabulary: 64, context: 16, layers: 2, heads: 2, width: 32)
        let model = GPT<Float>(config: config)
        var random = SplitMix(seed: 6)
        model.initialize(random: &random)
        let tokens: [Int32] = (0..<64).map { _ in Int32(random.next() % 64) }
        let targets: [Int32] = (0..<64).map { _ in Int32(random.next() % 64) }
        let initial = model.forward(tokens: tokens, targets: targets, batch: 4, time: 16, random: &random)!
        #expect(abs(Double(initial) - log(64.0)) < 0.1, "initial loss \(initial), ln 64 = \(log(64.0))")
        // Plain gradient descent with Adam-free steps is enough to memorise one batch.
        var optimizer = AdamW(count: model.layout.count)
        var loss = initial
        for _ in 0..<300 {
            model.zeroGradients()
            loss = model.forward(tokens: tokens, targets: targets, batch: 4, time: 16, random: &random)!
            model.backward()
            optimizer.step(parameters: model.parameters, gradients: model.gradients, learningRate: 3e-3, weightDecay: 0,
                           decayed: [])
        }
        #expect(loss < 0.1, "loss after 300 steps on one batch: \(loss)")
    }
}

/// The vectorised Float kernels (CTrainKernels) against the scalar Double definitions.
@Suite struct FloatKernelTests {
    @Test func softmaxAndGeluMatchTheDoubleDefinitions() {
        var random = SplitMix(seed: 8)
        for count in [1, 3, 8, 13, 64, 4097] {
            let values = (0..<count).map { _ in random.normal() * 4 }
            var float = values.map { Float($0) }, double = values
            Float.softmax(&float, count: count)
            Double.softmaxScalar(&double, count: count)
            for index in 0..<count { #expect(abs(Double(float[index]) - double[index]) <= 1e-5 * max(double[index], 1e-4), "softmax \(count)") }

            var geluFloat = [Float](repeating: 0, count: count), geluDouble = [Double](repeating: 0, count: count)
            Float.geluForward(&geluFloat, values.map { Float($0) }, count: count)
            Double.geluForwardScalar(&geluDouble, values, count: count)
            for index in 0..<count { #expect(abs(Double(geluFloat[index]) - geluDouble[index]) <= 1e-5 * max(abs(geluDouble[index]), 1)) }

            let dout = (0..<count).map { _ in random.normal() }
            var dFloat = [Float](repeating: 0.5, count: count), dDouble = [Double](repeating: 0.5, count: count)
            Float.geluBackward(&dFloat, values.map { Float($0) }, dout.map { Float($0) }, count: count)
            Double.geluBackwardScalar(&dDouble, values, dout, count: count)
            for index in 0..<count { #expect(abs(Double(dFloat[index]) - dDouble[index]) <= 1e-5 * max(abs(dDouble[index]), 1)) }
        }
    }
}
