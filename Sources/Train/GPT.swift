import Foundation

/// The shape of the model (REFERENCE §5: nanoGPT's baby config is 4 layers, 4 heads, width 128).
public struct GPTConfig: Sendable, Equatable, Codable {
    public var vocabulary: Int
    public var context: Int
    public var layers: Int
    public var heads: Int
    public var width: Int

    public init(vocabulary: Int, context: Int, layers: Int, heads: Int, width: Int) {
        self.vocabulary = vocabulary
        self.context = context
        self.layers = layers
        self.heads = heads
        self.width = width
    }
}

/// Where each parameter tensor lives in the one flat buffer (and the same offsets in the gradients and
/// in AdamW's moments).
public struct ParameterLayout: Sendable {
    public struct Layer: Sendable {
        public var ln1w, ln1b, qkvw, qkvb, projw, projb, ln2w, ln2b, fcw, fcb, fcprojw, fcprojb: Int
    }
    public let wte: Int, wpe: Int, lnfw: Int, lnfb: Int
    public let layers: [Layer]
    public let count: Int
    /// (offset, count) of the matrices, which get weight decay (REFERENCE §5: matrices only).
    public let matrices: [(Int, Int)]

    public init(_ config: GPTConfig) {
        let v = config.vocabulary, t = config.context, c = config.width
        var offset = 0
        func take(_ size: Int) -> Int {
            defer { offset += size }
            return offset
        }
        var matrices: [(Int, Int)] = []
        wte = take(v * c)
        matrices.append((wte, v * c))
        wpe = take(t * c)
        matrices.append((wpe, t * c))
        var layers: [Layer] = []
        for _ in 0..<config.layers {
            let ln1w = take(c), ln1b = take(c)
            let qkvw = take(3 * c * c); matrices.append((qkvw, 3 * c * c))
            let qkvb = take(3 * c)
            let projw = take(c * c); matrices.append((projw, c * c))
            let projb = take(c)
            let ln2w = take(c), ln2b = take(c)
            let fcw = take(4 * c * c); matrices.append((fcw, 4 * c * c))
            let fcb = take(4 * c)
            let fcprojw = take(4 * c * c); matrices.append((fcprojw, 4 * c * c))
            let fcprojb = take(c)
            layers.append(Layer(ln1w: ln1w, ln1b: ln1b, qkvw: qkvw, qkvb: qkvb, projw: projw, projb: projb, ln2w: ln2w, ln2b: ln2b,
                                fcw: fcw, fcb: fcb, fcprojw: fcprojw, fcprojb: fcprojb))
        }
        lnfw = take(c)
        lnfb = take(c)
        self.layers = layers
        self.matrices = matrices
        count = offset
    }
}

/// A decoder-only GPT (token and position embeddings, pre-LayerNorm blocks of self-attention (causal, or
/// with a bidirectional prefix: `attentionPrefixes`) and
/// a 4× GELU MLP, a final LayerNorm, the output head tied to the token embedding), with its parameters
/// and gradients each in one flat buffer and the activations of one batch kept for backward.
public final class GPT<T: TrainFloat> {
    public let config: GPTConfig
    public let layout: ParameterLayout
    public let parameters: Buffer<T>
    public let gradients: Buffer<T>
    /// Residual and embedding dropout probability (0 switches it off).
    public var dropout: T = 0
    /// Per batch row, how many leading positions attend to each other in both directions (the rest
    /// causally); empty: causal everywhere. Read by `forward`, and kept for its `backward`.
    public var attentionPrefixes: [Int] = []
    private var prefixes: [Int] = []

    private var batch = 0, time = 0
    private var activations: Activations?

    /// False for a replica, which reads another model's parameters.
    private let ownsParameters: Bool

    public init(config: GPTConfig) {
        self.config = config
        layout = ParameterLayout(config)
        parameters = .allocate(capacity: layout.count)
        parameters.initialize(repeating: 0, count: layout.count)
        gradients = .allocate(capacity: layout.count)
        gradients.initialize(repeating: 0, count: layout.count)
        ownsParameters = true
    }

    /// A replica for another thread: it reads `model`'s parameters (the owner updates them, between
    /// passes) and has its own gradients and activations.
    public init(sharing model: GPT<T>) {
        config = model.config
        layout = model.layout
        parameters = model.parameters
        gradients = .allocate(capacity: layout.count)
        gradients.initialize(repeating: 0, count: layout.count)
        ownsParameters = false
        dropout = model.dropout
    }

    deinit {
        if ownsParameters { parameters.deallocate() }
        gradients.deallocate()
    }

    /// GPT-2's initialisation: normal(0, 0.02) for matrices, the residual projections scaled by
    /// 1/√(2 · layers); biases 0, LayerNorm weights 1.
    public func initialize(random: inout SplitMix) {
        let c = config.width
        for (offset, count) in layout.matrices {
            let residual = layout.layers.contains { $0.projw == offset || $0.fcprojw == offset }
            let std = 0.02 / (residual ? (2 * Double(config.layers)).squareRoot() : 1)
            for index in 0..<count { parameters[offset + index] = T(random.normal() * std) }
        }
        for layer in layout.layers {
            for index in 0..<c {
                parameters[layer.ln1w + index] = 1
                parameters[layer.ln2w + index] = 1
            }
        }
        for index in 0..<c { parameters[layout.lnfw + index] = 1 }
    }

    /// The activations of one forward pass, allocated for the largest batch seen.
    final class Activations {
        let b: Int, t: Int
        let storage: Buffer<T>
        let count: Int
        // Offsets into storage.
        let encoded: Int, ln1: [Int], ln1Mean: [Int], ln1Rstd: [Int], qkv: [Int], atty: [Int], att: [Int], attproj: [Int]
        let residual2: [Int], ln2: [Int], ln2Mean: [Int], ln2Rstd: [Int], fch: [Int], fchGelu: [Int], fcproj: [Int], residual3: [Int]
        let attMask: [Int], fcMask: [Int], encodedMask: Int
        let lnf: Int, lnfMean: Int, lnfRstd: Int, logits: Int, probs: Int
        /// One layer's attention weights, [B, H, T, T]; the layers' follow each other.
        let attentionSize: Int

        init(config: GPTConfig, batch: Int, time: Int) {
            b = batch
            t = time
            let n = batch * time, c = config.width, l = config.layers, h = config.heads, v = config.vocabulary
            attentionSize = batch * h * time * time
            var offset = 0
            func take(_ size: Int) -> Int {
                defer { offset += size }
                return offset
            }
            func each(_ size: Int) -> [Int] { (0..<l).map { _ in take(size) } }
            encoded = take(n * c)
            encodedMask = take(n * c)
            ln1 = each(n * c); ln1Mean = each(n); ln1Rstd = each(n)
            qkv = each(n * 3 * c); atty = each(n * c); att = each(batch * h * time * time)
            attproj = each(n * c); attMask = each(n * c); residual2 = each(n * c)
            ln2 = each(n * c); ln2Mean = each(n); ln2Rstd = each(n)
            fch = each(n * 4 * c); fchGelu = each(n * 4 * c); fcproj = each(n * c); fcMask = each(n * c); residual3 = each(n * c)
            lnf = take(n * c); lnfMean = take(n); lnfRstd = take(n)
            logits = take(n * v)
            probs = take(n * v)
            count = offset
            storage = .allocate(capacity: count)
            storage.initialize(repeating: 0, count: count)
        }

        deinit { storage.deallocate() }

        subscript(_ offset: Int) -> Buffer<T> { storage + offset }

        /// As gradients: zeroes what backward adds into, and not what it writes over or never reads (the
        /// attention weights, the logits and the probabilities: half of the buffer at the default shape).
        func zeroAccumulated() {
            guard let first = att.first else { return storage.update(repeating: 0, count: logits) }
            storage.update(repeating: 0, count: first)
            let end = first + att.count * attentionSize
            (storage + end).update(repeating: 0, count: logits - end)
        }
    }

    private var lastTokens: [Int32] = []
    private var lastTargets: [Int32] = []
    private var gradientScratch: Activations?

    /// Runs the model on tokens [batch, time]; with targets, returns the mean cross-entropy. Without the
    /// language-model head (`head: false`), stops at the final hidden state (`finalHidden`), for the
    /// classifier of fine-tuning.
    @discardableResult
    public func forward(tokens: [Int32], targets: [Int32]?, batch: Int, time: Int, training: Bool = false,
                        head: Bool = true, random: inout SplitMix) -> T? {
        precondition(time <= config.context && tokens.count == batch * time)
        if activations == nil || activations!.b != batch || activations!.t != time {
            activations = Activations(config: config, batch: batch, time: time)
            gradientScratch = Activations(config: config, batch: batch, time: time)
        }
        self.batch = batch
        self.time = time
        lastTokens = tokens
        precondition(attentionPrefixes.isEmpty || attentionPrefixes.count == batch)
        prefixes = attentionPrefixes
        let a = activations!, p = parameters
        let n = batch * time, c = config.width, h = config.heads, v = config.vocabulary
        let drop = training && dropout > 0
        typealias K = Kernels<T>
        tokens.withUnsafeBufferPointer { tokens in
            K.encoderForward(a[a.encoded], tokens.baseAddress!, p + layout.wte, p + layout.wpe, batch: batch, time: time, channels: c)
        }
        if drop { K.dropoutForward(a[a.encoded], a[a.encodedMask], count: n * c, probability: dropout, random: &random) }
        var residual = a[a.encoded]
        for (index, layer) in layout.layers.enumerated() {
            K.layerNormForward(a[a.ln1[index]], a[a.ln1Mean[index]], a[a.ln1Rstd[index]], residual, p + layer.ln1w, p + layer.ln1b,
                               rows: n, channels: c)
            K.matmulForward(a[a.qkv[index]], a[a.ln1[index]], p + layer.qkvw, p + layer.qkvb, rows: n, channels: c, outChannels: 3 * c)
            K.attentionForward(a[a.atty[index]], a[a.att[index]], a[a.qkv[index]], batch: batch, time: time, channels: c, heads: h,
                               prefixes: prefixes)
            K.matmulForward(a[a.attproj[index]], a[a.atty[index]], p + layer.projw, p + layer.projb, rows: n, channels: c, outChannels: c)
            if drop { K.dropoutForward(a[a.attproj[index]], a[a.attMask[index]], count: n * c, probability: dropout, random: &random) }
            K.residualForward(a[a.residual2[index]], residual, a[a.attproj[index]], count: n * c)
            K.layerNormForward(a[a.ln2[index]], a[a.ln2Mean[index]], a[a.ln2Rstd[index]], a[a.residual2[index]], p + layer.ln2w,
                               p + layer.ln2b, rows: n, channels: c)
            K.matmulForward(a[a.fch[index]], a[a.ln2[index]], p + layer.fcw, p + layer.fcb, rows: n, channels: c, outChannels: 4 * c)
            K.geluForward(a[a.fchGelu[index]], a[a.fch[index]], count: n * 4 * c)
            K.matmulForward(a[a.fcproj[index]], a[a.fchGelu[index]], p + layer.fcprojw, p + layer.fcprojb, rows: n, channels: 4 * c,
                            outChannels: c)
            if drop { K.dropoutForward(a[a.fcproj[index]], a[a.fcMask[index]], count: n * c, probability: dropout, random: &random) }
            K.residualForward(a[a.residual3[index]], a[a.residual2[index]], a[a.fcproj[index]], count: n * c)
            residual = a[a.residual3[index]]
        }
        K.layerNormForward(a[a.lnf], a[a.lnfMean], a[a.lnfRstd], residual, p + layout.lnfw, p + layout.lnfb, rows: n, channels: c)
        trainingPass = drop
        guard head else { return nil }
        // Tied head: logits = lnf · wteᵀ
        K.matmulForward(a[a.logits], a[a.lnf], p + layout.wte, nil, rows: n, channels: c, outChannels: v)
        guard let targets else { return nil }
        lastTargets = targets
        return targets.withUnsafeBufferPointer { targets in
            K.crossEntropyForward(a[a.probs], a[a.logits], targets.baseAddress!, rows: n, vocabulary: v)
        }
    }

    private var trainingPass = false

    /// The logits of the next token after each position of the last forward pass: [batch·time, vocabulary].
    public var logits: UnsafePointer<T>? { activations.map { UnsafePointer($0[$0.logits]) } }

    /// The final hidden state (after the last LayerNorm) of the last forward pass: [batch·time, width].
    public var finalHidden: UnsafePointer<T>? { activations.map { UnsafePointer($0[$0.lnf]) } }

    /// Zeroes the gradients.
    public func zeroGradients() {
        gradients.update(repeating: 0, count: layout.count)
    }

    /// Adds the gradients of the last forward pass's mean loss (forward must have had targets).
    public func backward() {
        guard let a = activations, let d = gradientScratch else { return }
        d.zeroAccumulated()
        let n = batch * time, c = config.width, v = config.vocabulary
        typealias K = Kernels<T>
        lastTargets.withUnsafeBufferPointer { targets in
            K.crossEntropyBackward(d[d.logits], a[a.probs], targets.baseAddress!, rows: n, vocabulary: v)
        }
        K.matmulBackward(d[d.lnf], gradients + layout.wte, nil, d[d.logits], a[a.lnf], parameters + layout.wte, rows: n, channels: c,
                         outChannels: v)
        backwardTrunk()
    }

    /// Adds the gradients of a loss whose gradient with respect to the final hidden state is `dHidden`
    /// ([batch·time, width], from a head of the caller's: fine-tuning's classifier).
    public func backward(finalHidden dHidden: UnsafePointer<T>) {
        guard let d = gradientScratch else { return }
        d.zeroAccumulated()
        d[d.lnf].update(from: dHidden, count: batch * time * config.width)
        backwardTrunk()
    }

    /// Backward from d.lnf (already filled) down to the embeddings.
    private func backwardTrunk() {
        guard let a = activations, let d = gradientScratch else { return }
        let p = parameters, g = gradients
        let n = batch * time, c = config.width, h = config.heads
        typealias K = Kernels<T>
        let last = layout.layers.count - 1
        let finalResidual = last >= 0 ? a[a.residual3[last]] : a[a.encoded]
        let dFinalResidual = last >= 0 ? d[d.residual3[last]] : d[d.encoded]
        K.layerNormBackward(dFinalResidual, g + layout.lnfw, g + layout.lnfb, d[d.lnf], finalResidual, p + layout.lnfw,
                            a[a.lnfMean], a[a.lnfRstd], rows: n, channels: c)
        let scratch = Buffer<T>.allocate(capacity: time * time)
        defer { scratch.deallocate() }
        for index in stride(from: last, through: 0, by: -1) {
            let layer = layout.layers[index]
            let residual = index == 0 ? a[a.encoded] : a[a.residual3[index - 1]]
            let dresidual = index == 0 ? d[d.encoded] : d[d.residual3[index - 1]]
            // residual3 = residual2 + fcproj
            K.residualBackward(d[d.residual2[index]], d[d.fcproj[index]], d[d.residual3[index]], count: n * c)
            if trainingPass { K.dropoutBackward(d[d.fcproj[index]], a[a.fcMask[index]], count: n * c) }
            K.matmulBackward(d[d.fchGelu[index]], g + layer.fcprojw, g + layer.fcprojb, d[d.fcproj[index]], a[a.fchGelu[index]],
                             p + layer.fcprojw, rows: n, channels: 4 * c, outChannels: c)
            K.geluBackward(d[d.fch[index]], a[a.fch[index]], d[d.fchGelu[index]], count: n * 4 * c)
            K.matmulBackward(d[d.ln2[index]], g + layer.fcw, g + layer.fcb, d[d.fch[index]], a[a.ln2[index]], p + layer.fcw,
                             rows: n, channels: c, outChannels: 4 * c)
            K.layerNormBackward(d[d.residual2[index]], g + layer.ln2w, g + layer.ln2b, d[d.ln2[index]], a[a.residual2[index]],
                                p + layer.ln2w, a[a.ln2Mean[index]], a[a.ln2Rstd[index]], rows: n, channels: c)
            // residual2 = residual + attproj
            K.residualBackward(dresidual, d[d.attproj[index]], d[d.residual2[index]], count: n * c)
            if trainingPass { K.dropoutBackward(d[d.attproj[index]], a[a.attMask[index]], count: n * c) }
            K.matmulBackward(d[d.atty[index]], g + layer.projw, g + layer.projb, d[d.attproj[index]], a[a.atty[index]], p + layer.projw,
                             rows: n, channels: c, outChannels: c)
            K.attentionBackward(d[d.qkv[index]], scratch, d[d.atty[index]], a[a.qkv[index]], a[a.att[index]], batch: batch, time: time,
                                channels: c, heads: h, prefixes: prefixes)
            K.matmulBackward(d[d.ln1[index]], g + layer.qkvw, g + layer.qkvb, d[d.qkv[index]], a[a.ln1[index]], p + layer.qkvw,
                             rows: n, channels: c, outChannels: 3 * c)
            K.layerNormBackward(dresidual, g + layer.ln1w, g + layer.ln1b, d[d.ln1[index]], residual, p + layer.ln1w,
                                a[a.ln1Mean[index]], a[a.ln1Rstd[index]], rows: n, channels: c)
        }
        if trainingPass { K.dropoutBackward(d[d.encoded], a[a.encodedMask], count: n * c) }
        lastTokens.withUnsafeBufferPointer { tokens in
            K.encoderBackward(g + layout.wte, g + layout.wpe, d[d.encoded], tokens.baseAddress!, batch: batch, time: time, channels: c)
        }
    }
}
