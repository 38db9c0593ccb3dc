import Core
import Foundation

/// How to estimate.
public struct EstimatorOptions: Sendable {
    /// N: the longest n-grams (KenLM's default maximum is 6).
    public var order = 5
    /// Bytes the n-gram counting table may use before it spills sorted runs to disk: 1 GiB, or the
    /// --max-memory budget's share.
    public var memoryBudget = MemoryBudget.current?.countingBytes ?? 1 << 30
    public var scratchDirectory = NSTemporaryDirectory()
    /// Discounts to use for an order whose closed-form estimate fails (too little data to have
    /// singletons, doubletons and tripletons), as lmplz's --discount_fallback; nil makes it an error.
    public var discountFallback: [Double]? = [0.5, 1.0, 1.5]
    /// Drop n-grams of order 3 and up seen only once (lmplz --prune 0 0 1).
    public var pruneSingletons = false

    public init() {}
}

/// The estimator's failures.
public struct EstimatorError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Interpolated modified Kneser-Ney (Chen & Goodman 1998), estimated the way KenLM's lmplz does it, so
/// that the ARPA it writes matches lmplz's on the same tokens:
///
/// - sentences are padded with N-1 `<s>` and end with `</s>`; N-grams are counted (memory-bounded,
///   `NGramCounter`);
/// - the highest order keeps raw counts; a lower-order n-gram's count is its number of distinct left
///   extensions (continuation count), except n-grams starting with `<s>`, which keep raw counts;
/// - per order, discounts from the count-of-counts n1…n4: Y = n1/(n1+2·n2), D1 = 1-2Y·n2/n1,
///   D2 = 2-3Y·n3/n2, D3+ = 3-4Y·n4/n3 (Chen & Goodman eq. 26);
/// - p(w|h) = (c(hw) - D(c(hw)))/Σc(h·) + γ(h)·p(w|h'), γ(h) = (D1·N1(h·)+D2·N2(h·)+D3+·N3+(h·))/Σc(h·),
///   unigrams interpolated with the uniform distribution over the vocabulary without `<s>`; `<unk>`
///   gets only that interpolated mass; `<s>` has probability 1 (it is never predicted);
/// - an n-gram's back-off weight is γ of it as a context.
public final class KneserNeyEstimator {
    public let options: EstimatorOptions
    public let tokenizerOptions: TokenizerOptions
    private var vocabulary = Vocabulary()
    private let counter: NGramCounter
    private let tokenizer: LMTokenizer
    private var window: [UInt32]
    public private(set) var tokens = 0
    public private(set) var sentences = 0

    public init(options: EstimatorOptions, tokenizer: TokenizerOptions) throws {
        guard (1...6).contains(options.order) else { throw EstimatorError(description: "order must be 1 to 6, got \(options.order)") }
        self.options = options
        tokenizerOptions = tokenizer
        counter = NGramCounter(order: options.order, memoryBudget: options.memoryBudget, scratchDirectory: options.scratchDirectory)
        self.tokenizer = LMTokenizer(options: tokenizer)
        window = [UInt32](repeating: Vocabulary.begin, count: options.order)
    }

    /// Adds a document: each non-blank line is a sentence.
    public func add(text: UnsafeRawBufferPointer) {
        let order = options.order
        tokenizer.forEachSentence(in: text) { forEachToken in
            for i in 0..<order { window[i] = Vocabulary.begin }
            var length = 0
            forEachToken { token in
                let id = vocabulary.id(for: token)
                // The special symbols in the text are read as white space (lmplz does the same).
                if id <= Vocabulary.end { return }
                push(id)
                length += 1
            }
            push(Vocabulary.end)
            tokens += length
            sentences += 1
        }
    }

    public func add(text: String) {
        Array(text.utf8).withUnsafeBytes { add(text: $0) }
    }

    private func push(_ id: UInt32) {
        let order = options.order
        for i in 0..<order - 1 { window[i] = window[i + 1] }
        window[order - 1] = id
        window.withUnsafeBufferPointer { counter.add($0) }
    }

    /// Runs the estimation and returns the model.
    public func estimate() throws -> ModelData {
        let order = options.order
        let windows = try counter.finish()
        var adjusted = adjustCounts(windows)
        let discounts = try computeDiscounts(adjusted)
        if options.pruneSingletons { prune(&adjusted) }
        return interpolate(adjusted, discounts: discounts, order: order)
    }

    /// Number of sorted runs the counter wrote to disk (0 when everything fit in the budget).
    public var spilledRuns: Int { counter.spilledRuns }

    /// The discounts (D1, D2, D3+) used for each order, after `estimate()`.
    public private(set) var discounts: [[Double]] = []
    /// Count-of-counts n1…n4 per order, after `estimate()`.
    public private(set) var countOfCounts: [[Int]] = []

    // MARK: Adjusted counts

    /// Adjusted counts of every order, each in suffix order. Also the raw ("actual") counts, which
    /// pruning compares with its thresholds.
    struct Adjusted {
        var counts: [NGramCounts]
        var actual: [[UInt64]]
    }

    private func adjustCounts(_ windows: NGramCounts) -> Adjusted {
        let order = windows.order
        var counts = (1...order).map { NGramCounts(order: $0) }
        var actual = [[UInt64]](repeating: [], count: order)
        // The n-gram being accumulated for each lower order n (index n - 1).
        var open = [Bool](repeating: false, count: order)
        var isBOS = [Bool](repeating: false, count: order)
        var pending = [UInt64](repeating: 0, count: order)
        var pendingActual = [UInt64](repeating: 0, count: order)
        var pendingStart = [Int](repeating: 0, count: order) // window index whose suffix it is

        func close(_ n: Int) {
            guard open[n - 1] else { return }
            counts[n - 1].ids.append(contentsOf: windows.gram(pendingStart[n - 1]).suffix(n))
            counts[n - 1].counts.append(pending[n - 1])
            actual[n - 1].append(pendingActual[n - 1])
            open[n - 1] = false
        }

        for index in 0..<windows.count {
            let gram = windows.gram(index)
            let count = windows.counts[index]
            var same = 0
            if index > 0 {
                let previous = windows.gram(index - 1)
                while same < order && gram[gram.startIndex + order - 1 - same] == previous[previous.startIndex + order - 1 - same] { same += 1 }
            }
            // Position of the rightmost <s> in the window (-1: none).
            var bos = -1
            for i in stride(from: order - 1, through: 0, by: -1) where gram[gram.startIndex + i] == Vocabulary.begin {
                bos = i
                break
            }
            for n in 1..<max(order, 1) {
                let start = order - n
                if n > same { close(n) }
                if start < bos { continue } // contains <s> after its first word: not an n-gram of the model
                if !open[n - 1] {
                    open[n - 1] = true
                    isBOS[n - 1] = start == bos
                    pending[n - 1] = 0
                    pendingActual[n - 1] = 0
                    pendingStart[n - 1] = index
                }
                pendingActual[n - 1] += count
                if isBOS[n - 1] {
                    pending[n - 1] += count // n-grams starting with <s> keep raw counts
                } else if same < n + 1 {
                    pending[n - 1] += 1 // a new distinct left extension
                }
            }
            if bos <= 0 {
                counts[order - 1].ids.append(contentsOf: gram)
                counts[order - 1].counts.append(count)
                actual[order - 1].append(count)
            }
        }
        for n in 1..<max(order, 1) { close(n) }

        // <unk> and <s> are unigrams with count 0 (ids 0 and 1 sort first in suffix order).
        var unigrams = NGramCounts(order: 1)
        unigrams.ids = [Vocabulary.unknown, Vocabulary.begin]
        unigrams.counts = [0, 0]
        var unigramActual: [UInt64] = [0, UInt64.max] // <s> is never pruned
        if order == 1 {
            // Only unigrams: their counts are the raw counts of the words.
            for index in 0..<windows.count where windows.ids[index] > Vocabulary.begin {
                unigrams.ids.append(windows.ids[index])
                unigrams.counts.append(windows.counts[index])
                unigramActual.append(windows.counts[index])
            }
        } else {
            unigrams.ids += counts[0].ids
            unigrams.counts += counts[0].counts
            unigramActual += actual[0]
        }
        counts[0] = unigrams
        actual[0] = unigramActual
        return Adjusted(counts: counts, actual: actual)
    }

    // MARK: Discounts

    private func computeDiscounts(_ adjusted: Adjusted) throws -> [[Double]] {
        var result: [[Double]] = []
        countOfCounts = []
        for (index, counts) in adjusted.counts.enumerated() {
            var n = [0, 0, 0, 0, 0]
            for count in counts.counts where count < 5 { n[Int(count)] += 1 }
            countOfCounts.append(Array(n[1...4]))
            var discount: [Double]? = nil
            if n[1] > 0 && n[2] > 0 && n[3] > 0 {
                let y = Double(n[1]) / (Double(n[1]) + 2 * Double(n[2]))
                let d = (1...3).map { j in Double(j) - Double(j + 1) * y * Double(n[j + 1]) / Double(n[j]) }
                if zip(d, [1.0, 2, 3]).allSatisfy({ $0 >= 0 && $0 <= $1 }) { discount = d }
            }
            if discount == nil {
                guard let fallback = options.discountFallback else {
                    throw EstimatorError(description: "cannot estimate Kneser-Ney discounts for \(index + 1)-grams from count-of-counts n1…n4 = \(n[1...4].map(String.init).joined(separator: ", ")) (too little or artificial data); deduplicate the input or allow fallback discounts")
                }
                discount = fallback
            }
            result.append(discount!)
        }
        discounts = result
        return result
    }

    // MARK: Pruning

    /// lmplz's --prune 0 0 1: n-grams of order 3 and up whose raw count is 1 leave the model; their
    /// mass goes to their context's back-off (see `interpolate`).
    private func prune(_ adjusted: inout Adjusted) {
        for n in 3...max(3, adjusted.counts.count) where n <= adjusted.counts.count {
            for index in 0..<adjusted.counts[n - 1].count where adjusted.actual[n - 1][index] <= 1 {
                adjusted.actual[n - 1][index] = 0 // marked: 0 = pruned
            }
        }
        prunedOrdersFrom = 3
    }

    private var prunedOrdersFrom = Int.max

    // MARK: Probabilities

    private func interpolate(_ adjusted: Adjusted, discounts: [[Double]], order: Int) -> ModelData {
        let vocabularySize = vocabulary.count // unigrams: every word, <unk>, <s>, </s>
        let uniform = 1.0 / Double(adjusted.counts[0].count - 1) // <s> excluded, <unk> included
        var data = ModelData(options: tokenizerOptions, vocabulary: vocabulary.words, orders: [])
        _ = vocabularySize
        var lowerIndex = HashIndex()      // order n-1 n-gram hash -> its index in the output
        var lowerProb: [Double] = []      // interpolated probability of each order n-1 n-gram
        var contextGammaForLower: [Double] = [] // γ of each order n-1 n-gram as a context (1 = none)

        for n in 1...order {
            let counts = adjusted.counts[n - 1]
            let isPruned = { (index: Int) -> Bool in n >= self.prunedOrdersFrom && adjusted.actual[n - 1][index] == 0 }
            let discount = discounts[n - 1]
            func d(_ count: UInt64) -> Double { count == 0 ? 0 : discount[Int(min(count, 3)) - 1] }

            // Sums per context (the first n - 1 words).
            var contexts = HashIndex(expected: counts.count / 2 + 1)
            var contextOf = [Int](repeating: 0, count: counts.count)
            var denominator: [Double] = [], mass: [Double] = []
            for index in 0..<counts.count {
                let gram = counts.gram(index)
                let key = gram.dropLast().withUnsafeBufferPointer { NGramHash.of($0) }
                let (context, inserted) = contexts.insert(key)
                if inserted {
                    denominator.append(0)
                    mass.append(0)
                }
                contextOf[index] = context
                let count = counts.counts[index]
                denominator[context] += Double(count)
                if isPruned(index) {
                    mass[context] += Double(count) // pruned: its whole count goes to the back-off
                } else {
                    mass[context] += d(count)
                }
            }
            let gamma = zip(mass, denominator).map { $0 / $1 }

            // γ of each order n-1 n-gram used as a context here: its back-off weight.
            if n > 1 {
                contextGammaForLower = [Double](repeating: 1, count: lowerProb.count)
                for index in 0..<counts.count where !isPruned(index) {
                    let key = counts.gram(index).dropLast().withUnsafeBufferPointer { NGramHash.of($0) }
                    if let lower = lowerIndex.index(of: key) { contextGammaForLower[lower] = gamma[contextOf[index]] }
                }
                // Write the back-offs of order n-1 (not for n-grams ending in <unk> or </s>).
                var previous = data.orders[n - 2]
                for index in 0..<previous.count {
                    let last = previous.ids[index * (n - 1) + n - 2]
                    let weight = last == Vocabulary.unknown || last == Vocabulary.end ? 1 : contextGammaForLower[index]
                    previous.logBackoff[index] = Float(log10(weight))
                }
                data.orders[n - 2] = previous
            }

            var output = ModelData.Order(order: n)
            var probabilities: [Double] = []
            var index = HashIndex(expected: counts.count)
            for i in 0..<counts.count where !isPruned(i) {
                let gram = counts.gram(i)
                let count = counts.counts[i]
                let context = contextOf[i]
                var uninterpolated = (Double(count) - d(count)) / denominator[context]
                var interpolationWeight = gamma[context]
                if n == 1 && gram.first == Vocabulary.unknown { uninterpolated = 0 }
                if n == 1 && gram.first == Vocabulary.begin {
                    uninterpolated = 1
                    interpolationWeight = 0
                }
                let lower: Double
                if n == 1 {
                    lower = uniform
                } else {
                    let suffixKey = gram.dropFirst().withUnsafeBufferPointer { NGramHash.of($0) }
                    lower = lowerIndex.index(of: suffixKey).map { lowerProb[$0] } ?? uniform
                }
                let probability = uninterpolated + interpolationWeight * lower
                probabilities.append(probability)
                output.ids.append(contentsOf: gram)
                output.logProb.append(min(0, Float(log10(probability))))
                output.logBackoff.append(0)
                _ = index.insert(gram.withUnsafeBufferPointer { NGramHash.of($0) })
            }
            data.orders.append(output)
            lowerIndex = index
            lowerProb = probabilities
        }
        return data
    }
}
