import Foundation

/// The combined ranking: a small linear model over a document's stored signals (the text classifier's
/// logit, reference perplexity, bits per byte, the Moore–Lewis difference, each heuristic statistic, the
/// language), fitted on the same examples as the classifier. Stacking (Wolpert 1992): the classifier's
/// input is its out-of-fold logit, so the combination learns how far to trust it on documents it did
/// not see; weights are learned, not guessed (equal z-score weights scored worse than the classifier
/// alone on the documentation corpus, REFERENCE §7 and issue 23).
///
/// Each signal is compressed as sign(x)·log(1 + |x|) (counts and perplexities span orders of magnitude)
/// and standardised with the training examples' mean and deviation; a missing value is 0 (the mean)
/// with an indicator feature per signal group. Languages become indicators.
public struct StackedModel: Codable, Sendable, Equatable {
    /// The signals, in vector order (`quality`, `perplexity`, `bits_per_byte`, `moore_lewis`,
    /// `<filter>.<statistic>`…, then `<group> missing` indicators, then `language=<code>` indicators).
    public var names: [String]
    /// Per feature: mean and standard deviation of the compressed value over the training examples.
    public var means: [Double]
    public var scales: [Double]
    /// One fit per cross-fitting fold of the classifier: weights in `names` order, and the intercept.
    public var folds: [StackedWeights]
    /// λ of the ridge penalty (intercept not penalised).
    public var l2: Double
    /// The reference and contrast language models (`lm_models` ids, fingerprints of their files) whose
    /// scores it reads.
    public var reference: Int64?
    public var contrast: Int64?

    public init(names: [String], means: [Double], scales: [Double], folds: [StackedWeights], l2: Double) {
        self.names = names
        self.means = means
        self.scales = scales
        self.folds = folds
        self.l2 = l2
    }

    /// The combined score of raw signal values (nil = missing, in `names` order; indicators as 0/1).
    public func score(_ raw: [Double?], fold: Int) -> Double {
        let weights = folds[min(fold, folds.count - 1)]
        var z = weights.intercept
        for (k, value) in standardized(raw).enumerated() { z += weights.weights[k] * value }
        return z
    }

    /// Compressed and standardised values; a missing value is 0 (its group's indicator says so).
    public func standardized(_ raw: [Double?]) -> [Double] {
        raw.indices.map { k in
            guard let value = raw[k], value.isFinite else { return 0 }
            return (Self.compress(value, indicator: Self.isIndicator(names[k])) - means[k]) / scales[k]
        }
    }

    static func isIndicator(_ name: String) -> Bool { name.hasPrefix("language=") || name.hasSuffix(" missing") }

    /// sign(x)·log(1 + |x|) for signals; indicators stay 0/1.
    static func compress(_ value: Double, indicator: Bool) -> Double {
        indicator ? value : (value < 0 ? -log1p(-value) : log1p(value))
    }
}

public struct StackedWeights: Codable, Sendable, Equatable {
    public var weights: [Double]
    public var intercept: Double
}

/// Fits `StackedModel`s: ridge-penalised logistic regression (Bradley–Terry on pairs; least squares on
/// grades) by Newton's method. The model has tens of features, so each Newton step solves a small dense
/// system exactly (Cholesky) — the same answer on every machine, in a handful of steps. Written here:
/// the system is at most a few hundred wide, and no library on this machine fits a weighted,
/// penalised logistic model in Swift.
public enum StackerFit {
    /// One training row: raw values in `names` order, target (0/1, a grade, or 1 for "first ≻ second"
    /// when `pairOf` is set), and weight.
    public struct Row: Sendable {
        public var values: [Double?]
        public var target: Double
        public var weight: Double
        /// For preferences: the index of the rejected document's row (this row is the chosen one).
        public var pairOf: Int?
        /// Cross-fitting folds this row may not train (the store documents among it: their fold).
        public var excludedFold: Int?

        public init(values: [Double?], target: Double, weight: Double = 1, pairOf: Int? = nil, excludedFold: Int? = nil) {
            self.values = values
            self.target = target
            self.weight = weight
            self.pairOf = pairOf
            self.excludedFold = excludedFold
        }
    }

    /// Fits one model per fold, each without the rows excluded from it. `l2`: λ, with the data term a
    /// weighted mean (so λ does not depend on the number of rows).
    public static func fit(names: [String], rows: [Row], loss: LinearLoss, folds: Int, l2: Double = 1e-3) -> StackedModel {
        // Standardisation from every row that holds the value.
        var means = [Double](repeating: 0, count: names.count), scales = [Double](repeating: 1, count: names.count)
        for k in names.indices {
            let indicator = StackedModel.isIndicator(names[k])
            let values = rows.compactMap { $0.values[k] }.filter(\.isFinite).map { StackedModel.compress($0, indicator: indicator) }
            guard !values.isEmpty else { continue }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
            means[k] = mean
            scales[k] = variance > 1e-12 ? variance.squareRoot() : 1
        }
        var model = StackedModel(names: names, means: means, scales: scales, folds: [], l2: l2)
        let x = rows.map { model.standardized($0.values) }
        for fold in 0..<max(1, folds) {
            var design: [[Double]] = [], targets: [Double] = [], weights: [Double] = []
            for (i, row) in rows.enumerated() where row.excludedFold != fold || folds <= 1 {
                if loss == .bradleyTerry {
                    guard let other = row.pairOf, rows[other].excludedFold != fold || folds <= 1 else { continue }
                    let difference = zip(x[i], x[other]).map { $0 - $1 }
                    // Both orientations: the fit is symmetric in the pair's order and needs no intercept.
                    design.append(difference); targets.append(1); weights.append(row.weight)
                    design.append(difference.map { -$0 }); targets.append(0); weights.append(row.weight)
                } else if row.pairOf == nil {
                    design.append(x[i]); targets.append(row.target); weights.append(row.weight)
                }
            }
            model.folds.append(newton(design, targets, weights, loss: loss, l2: l2, intercept: loss != .bradleyTerry))
        }
        return model
    }

    /// Minimises mean_w loss(β·x + b) + λ/2 ‖β‖² by Newton steps (least squares: one step is exact).
    static func newton(_ x: [[Double]], _ y: [Double], _ w: [Double], loss: LinearLoss, l2: Double, intercept: Bool) -> StackedWeights {
        let d = x.first?.count ?? 0
        let p = d + (intercept ? 1 : 0)
        var beta = [Double](repeating: 0, count: p)
        let totalWeight = max(w.reduce(0, +), 1e-12)
        for _ in 0..<(loss == .squared ? 1 : 50) {
            var gradient = [Double](repeating: 0, count: p)
            var hessian = [Double](repeating: 0, count: p * p)
            for i in x.indices {
                let row = intercept ? x[i] + [1] : x[i]
                var z = 0.0
                for k in 0..<p { z += beta[k] * row[k] }
                let residual: Double, curvature: Double
                if loss == .squared {
                    residual = z - y[i]
                    curvature = 1
                } else {
                    let probability = 1 / (1 + exp(-z))
                    residual = probability - y[i]
                    curvature = max(probability * (1 - probability), 1e-10)
                }
                let weight = w[i] / totalWeight
                for a in 0..<p {
                    gradient[a] += weight * residual * row[a]
                    let scaled = weight * curvature * row[a]
                    for b in 0...a { hessian[a * p + b] += scaled * row[b] }
                }
            }
            for a in 0..<d {
                gradient[a] += l2 * beta[a]
                hessian[a * p + a] += l2
            }
            if intercept { hessian[(p - 1) * p + (p - 1)] += 1e-9 }
            for a in 0..<p { for b in 0..<a { hessian[b * p + a] = hessian[a * p + b] } }
            guard let step = choleskySolve(hessian, gradient, p) else { break }
            var largest = 0.0
            for k in 0..<p {
                beta[k] -= step[k]
                largest = max(largest, abs(step[k]))
            }
            if largest < 1e-10 { break }
        }
        return StackedWeights(weights: Array(beta.prefix(d)), intercept: intercept ? beta[d] : 0)
    }

    /// Solves A·s = g for a symmetric positive definite A (row-major n × n); nil if A is not.
    static func choleskySolve(_ a: [Double], _ g: [Double], _ n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 0 else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = g[i]
            for k in 0..<i { sum -= l[i * n + k] * y[k] }
            y[i] = sum / l[i * n + i]
        }
        var s = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= l[k * n + i] * s[k] }
            s[i] = sum / l[i * n + i]
        }
        return s
    }
}
