import Foundation

/// Fine-tuning's model: the GPT with a classification head on the pooled final hidden state (the mean
/// over the text's positions), REFERENCE §5. The head's weights are [classes × width] then [classes]
/// biases, in their own buffer beside the GPT's.
public final class Classifier<T: TrainFloat> {
    public let gpt: GPT<T>
    public let classes: Int
    public let head: Buffer<T>
    public let headGradients: Buffer<T>
    public var headCount: Int { classes * (gpt.config.width + 1) }
    /// Whether each text's positions attend to each other in both directions (a model pretrained with the
    /// masked or span objective) rather than causally; padding is never seen either way.
    public var bidirectional = false
    /// [batch × classes] probabilities of the last forward pass.
    public private(set) var probabilities: [T] = []

    private var pooled: [T] = []
    private var lengths: [Int] = []
    private var labels: [Int32] = []
    private var batch = 0, time = 0

    public init(gpt: GPT<T>, classes: Int) {
        self.gpt = gpt
        self.classes = classes
        let count = classes * (gpt.config.width + 1)
        head = .allocate(capacity: count)
        head.initialize(repeating: 0, count: count)
        headGradients = .allocate(capacity: count)
        headGradients.initialize(repeating: 0, count: count)
    }

    deinit {
        head.deallocate()
        headGradients.deallocate()
    }

    /// GPT-2's normal(0, 0.02) for the head's weights, zero biases.
    public func initializeHead(random: inout SplitMix) {
        for index in 0..<(classes * gpt.config.width) { head[index] = T(random.normal() * 0.02) }
    }

    public func zeroGradients() {
        gpt.zeroGradients()
        headGradients.update(repeating: 0, count: headCount)
    }

    /// Classifies `batch` texts of tokens [batch, time], each `lengths[b]` long (the rest padding);
    /// with labels, returns the mean cross-entropy.
    @discardableResult
    public func forward(tokens: [Int32], lengths: [Int], labels: [Int32]?, batch: Int, time: Int, training: Bool,
                        random: inout SplitMix) -> T? {
        let c = gpt.config.width, k = classes
        gpt.attentionPrefixes = bidirectional ? lengths.map { max(1, min($0, time)) } : []
        gpt.forward(tokens: tokens, targets: nil, batch: batch, time: time, training: training, head: false, random: &random)
        let hidden = gpt.finalHidden!
        self.batch = batch
        self.time = time
        self.lengths = lengths
        pooled = [T](repeating: 0, count: batch * c)
        probabilities = [T](repeating: 0, count: batch * k)
        for b in 0..<batch {
            let length = max(1, min(lengths[b], time))
            for position in 0..<length {
                let row = hidden + (b * time + position) * c
                for channel in 0..<c { pooled[b * c + channel] += row[channel] }
            }
            let scale = 1 / T(length)
            for channel in 0..<c { pooled[b * c + channel] *= scale }
            for label in 0..<k {
                var sum = head[k * c + label]
                for channel in 0..<c { sum += pooled[b * c + channel] * head[label * c + channel] }
                probabilities[b * k + label] = sum
            }
            probabilities.withUnsafeMutableBufferPointer { T.softmaxScalar($0.baseAddress! + b * k, count: k) }
        }
        guard let labels else { return nil }
        self.labels = labels
        var loss: T = 0
        for b in 0..<batch { loss -= T.logarithm(max(probabilities[b * k + Int(labels[b])], T.leastNormalMagnitude)) }
        return loss / T(batch)
    }

    /// Adds the gradients of the last forward pass's mean loss (which must have had labels).
    public func backward() {
        let c = gpt.config.width, k = classes
        var dHidden = [T](repeating: 0, count: batch * time * c)
        var dPooled = [T](repeating: 0, count: c)
        for b in 0..<batch {
            for channel in 0..<c { dPooled[channel] = 0 }
            for label in 0..<k {
                let dLogit = (probabilities[b * k + label] - (Int32(label) == labels[b] ? 1 : 0)) / T(batch)
                headGradients[k * c + label] += dLogit
                for channel in 0..<c {
                    headGradients[label * c + channel] += dLogit * pooled[b * c + channel]
                    dPooled[channel] += dLogit * head[label * c + channel]
                }
            }
            let length = max(1, min(lengths[b], time))
            let scale = 1 / T(length)
            for position in 0..<length {
                for channel in 0..<c { dHidden[(b * time + position) * c + channel] = dPooled[channel] * scale }
            }
        }
        dHidden.withUnsafeBufferPointer { gpt.backward(finalHidden: $0.baseAddress!) }
    }
}
