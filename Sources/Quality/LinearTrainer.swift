import Foundation

/// The loss a linear quality model is fitted with.
public enum LinearLoss: String, Codable, Sendable {
    /// Binary good/bad: logistic regression; the score is the logit of "good".
    case logistic
    /// Graded labels (FineWeb-Edu's 0–5): least squares; the score is the predicted grade.
    case squared
    /// Pairwise preferences: Bradley–Terry, P(A ≻ B) = σ(s(A) − s(B)) with s(x) = w·φ(x), which is
    /// logistic regression on φ(A) − φ(B) without an intercept (QuRating; REFERENCE §7).
    case bradleyTerry = "bradley_terry"
}

/// One training example: a feature vector, its target (0/1 for logistic, the grade for squared, 1 for
/// a preference pair) and its weight (class weights).
public struct TrainingExample: Sendable {
    public var features: SparseVector
    public var target: Double
    public var weight: Double

    public init(features: SparseVector, target: Double, weight: Double = 1) {
        self.features = features
        self.target = target
        self.weight = weight
    }
}

/// A fitted linear model over hash buckets.
public struct LinearWeights: Sendable, Equatable {
    /// Bucket indices ascending, and their weights (buckets never seen in training have weight 0 and
    /// are left out).
    public var indices: [UInt32]
    public var weights: [Float]
    public var bias: Double

    public init(indices: [UInt32], weights: [Float], bias: Double) {
        self.indices = indices
        self.weights = weights
        self.bias = bias
    }
}

/// What training found, for the model file and `quality inspect`.
public struct TrainingFigures: Codable, Sendable, Equatable {
    public var examples = 0
    public var iterations = 0
    /// The regularised objective at the end, and the mean loss without the penalty.
    public var objective = 0.0
    public var meanLoss = 0.0
    /// The gradient's norm at the end, relative to its norm at the start.
    public var relativeGradient = 0.0
    /// Training-set ROC AUC (logistic, Bradley–Terry: fraction of pairs ordered right).
    public var trainingAUC: Double?

    public init() {}
}

/// Fits L2-regularised linear models by L-BFGS (Nocedal & Wright, algorithm 7.5, with memory 10 and a
/// backtracking Armijo line search) on the full batch:
///
///     minimise (1 / Σ c_i) Σ c_i · loss(w·x_i + b, y_i) + (λ / 2) ‖w‖²
///
/// The objective is strictly convex, so the optimum is unique and does not depend on the order of the
/// examples; the arithmetic is done in a fixed order (the gradient is summed over a fixed number of
/// chunks, in order, whatever the thread count), so the same examples give the same weights bit for bit.
///
/// Written here, not taken from a library: the weights live in a space of 2^20 hash buckets with sparse
/// rows, which OpenBLAS's dense routines do not serve, and L-BFGS is forty lines.
public struct LinearTrainer {
    public var loss: LinearLoss
    /// λ. Default: 1 / n, the per-example form of scikit-learn's default C = 1 for LogisticRegression.
    public var l2: Double?
    public var maxIterations = 300
    /// Stop when ‖∇‖ falls below this fraction of its starting value.
    public var tolerance = 1e-5
    public var threads = 1
    /// The gradient is summed over this many chunks in order (fixed, so that results do not depend on threads).
    static let chunks = 8

    public init(loss: LinearLoss) {
        self.loss = loss
    }

    public func fit(_ examples: [TrainingExample], buckets: Int) -> (LinearWeights, TrainingFigures) {
        // Compact the buckets the examples use into 0..<active (the rest keep weight 0).
        var map = [Int32](repeating: -1, count: buckets)
        for example in examples { for index in example.features.indices { map[Int(index)] = 0 } }
        var active: [UInt32] = []
        for bucket in 0..<buckets where map[bucket] == 0 {
            map[bucket] = Int32(active.count)
            active.append(UInt32(bucket))
        }
        let rows: [(indices: [Int32], values: [Float])] = examples.map { example in
            (example.features.indices.map { map[Int($0)] }, example.features.values)
        }
        map = []
        let dimension = active.count
        let useBias = loss != .bradleyTerry
        let totalWeight = examples.reduce(0) { $0 + $1.weight }
        let lambda = l2 ?? 1 / Double(max(1, examples.count))
        let loss = self.loss
        let threads = self.threads

        // f(x) and ∇f(x); x holds the weights, then the bias.
        func evaluate(_ x: [Double], _ gradient: inout [Double]) -> (objective: Double, meanLoss: Double) {
            let chunkSize = (rows.count + Self.chunks - 1) / Self.chunks
            // Each chunk writes only its own slots; the slots are summed in chunk order below.
            let partialLoss = SendableBuffer(UnsafeMutableBufferPointer<Double>.allocate(capacity: Self.chunks))
            let partialGradient = SendableBuffer(UnsafeMutableBufferPointer<[Double]>.allocate(capacity: Self.chunks))
            partialGradient.buffer.initialize(repeating: [])
            defer {
                partialLoss.buffer.deallocate()
                _ = partialGradient.buffer.deinitialize()
                partialGradient.buffer.deallocate()
            }
            let x = x
            @Sendable func run(_ chunk: Int) {
                var g = [Double](repeating: 0, count: dimension + 1)
                var total = 0.0
                let lower = chunk * chunkSize, upper = min(rows.count, lower + chunkSize)
                if lower < upper {
                    for r in lower..<upper {
                        let row = rows[r]
                        var z = useBias ? x[dimension] : 0
                        for k in row.indices.indices { z += x[Int(row.indices[k])] * Double(row.values[k]) }
                        let c = examples[r].weight, y = examples[r].target
                        let derivative: Double
                        switch loss {
                        case .logistic, .bradleyTerry:
                            // log(1 + e^z) − y z, computed without overflow.
                            total += c * ((z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - y * z)
                            derivative = c * (1 / (1 + exp(-z)) - y)
                        case .squared:
                            total += c * 0.5 * (z - y) * (z - y)
                            derivative = c * (z - y)
                        }
                        for k in row.indices.indices { g[Int(row.indices[k])] += derivative * Double(row.values[k]) }
                        if useBias { g[dimension] += derivative }
                    }
                }
                partialLoss.buffer[chunk] = total
                partialGradient.buffer[chunk] = g
            }
            let workers = min(threads, Self.chunks)
            if workers > 1 {
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    for chunk in stride(from: worker, to: Self.chunks, by: workers) { run(chunk) }
                }
            } else {
                for chunk in 0..<Self.chunks { run(chunk) }
            }
            var lossSum = 0.0
            for k in 0...dimension { gradient[k] = 0 }
            for chunk in 0..<Self.chunks {
                lossSum += partialLoss.buffer[chunk]
                let g = partialGradient.buffer[chunk]
                for k in 0...dimension { gradient[k] += g[k] }
            }
            var penalty = 0.0
            for k in 0..<dimension {
                gradient[k] = gradient[k] / totalWeight + lambda * x[k]
                penalty += x[k] * x[k]
            }
            gradient[dimension] = useBias ? gradient[dimension] / totalWeight : 0
            let meanLoss = lossSum / totalWeight
            return (meanLoss + lambda / 2 * penalty, meanLoss)
        }

        var x = [Double](repeating: 0, count: dimension + 1)
        var gradient = x
        var (value, meanLoss) = evaluate(x, &gradient)
        let initialNorm = Self.norm(gradient)
        var history: [(s: [Double], y: [Double], rho: Double)] = []
        var figures = TrainingFigures()
        figures.examples = examples.count
        var trial = x, trialGradient = x
        var iteration = 0
        while iteration < maxIterations && initialNorm > 0 && Self.norm(gradient) > tolerance * initialNorm {
            iteration += 1
            // Two-loop recursion: direction = −H ∇f.
            var q = gradient
            var alphas = [Double](repeating: 0, count: history.count)
            for (i, pair) in history.enumerated().reversed() {
                alphas[i] = pair.rho * Self.dot(pair.s, q)
                for k in q.indices { q[k] -= alphas[i] * pair.y[k] }
            }
            if let last = history.last {
                let gamma = Self.dot(last.s, last.y) / Self.dot(last.y, last.y)
                for k in q.indices { q[k] *= gamma }
            } else {
                let scale = 1 / Self.norm(gradient)
                for k in q.indices { q[k] *= scale }
            }
            for (i, pair) in history.enumerated() {
                let beta = pair.rho * Self.dot(pair.y, q)
                for k in q.indices { q[k] += (alphas[i] - beta) * pair.s[k] }
            }
            for k in q.indices { q[k] = -q[k] }
            var slope = Self.dot(gradient, q)
            if slope >= 0 { // not a descent direction (numerical trouble): restart along −∇f
                history.removeAll()
                let scale = 1 / Self.norm(gradient)
                for k in q.indices { q[k] = -gradient[k] * scale }
                slope = Self.dot(gradient, q)
            }
            var step = 1.0
            var accepted = false
            var trialValue = (objective: 0.0, meanLoss: 0.0)
            for _ in 0..<40 {
                for k in x.indices { trial[k] = x[k] + step * q[k] }
                trialValue = evaluate(trial, &trialGradient)
                if trialValue.objective <= value + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            guard accepted else { break }
            var s = trial, y = trialGradient
            for k in s.indices { s[k] -= x[k]; y[k] -= gradient[k] }
            let sy = Self.dot(s, y)
            if sy > 1e-12 {
                history.append((s, y, 1 / sy))
                if history.count > 10 { history.removeFirst() }
            }
            let improvement = value - trialValue.objective
            swap(&x, &trial)
            swap(&gradient, &trialGradient)
            value = trialValue.objective
            meanLoss = trialValue.meanLoss
            if improvement <= 1e-12 * max(1, abs(value)) { break }
        }
        figures.iterations = iteration
        figures.objective = value
        figures.meanLoss = meanLoss
        figures.relativeGradient = initialNorm > 0 ? Self.norm(gradient) / initialNorm : 0
        var indices: [UInt32] = [], weights: [Float] = []
        for k in 0..<dimension where Float(x[k]) != 0 {
            indices.append(active[k])
            weights.append(Float(x[k]))
        }
        return (LinearWeights(indices: indices, weights: weights, bias: useBias ? x[dimension] : 0), figures)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for k in a.indices { sum += a[k] * b[k] }
        return sum
    }

    static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }
}
