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
///
/// Like lmplz, it streams: after counting, the n-grams pass through sorts (by context for the sums,
/// back to suffix order for the interpolation) that hold at most the memory budget and spill sorted runs
/// to scratch files beyond it, so a model of any size is estimated in bounded memory and can be written
/// to an ARPA file as it is made (`estimate(arpa:)`). Every sum is taken in the same order whatever the
/// budget, so the model does not depend on it.
public final class KneserNeyEstimator {
    public let options: EstimatorOptions
    public let tokenizerOptions: TokenizerOptions
    private var vocabulary = Vocabulary()
    private let scratch: ScratchDirectory
    private let counter: NGramCounter
    private let tokenizer: LMTokenizer
    /// The last `order` word ids (a buffer of its own: written for every token, it costs no exclusivity
    /// check or uniqueness test as an array property would).
    private let window: UnsafeMutablePointer<UInt32>
    public private(set) var tokens = 0
    public private(set) var sentences = 0

    public init(options: EstimatorOptions, tokenizer: TokenizerOptions) throws {
        guard (1...6).contains(options.order) else { throw EstimatorError(description: "order must be 1 to 6, got \(options.order)") }
        self.options = options
        tokenizerOptions = tokenizer
        scratch = ScratchDirectory(in: options.scratchDirectory)
        counter = NGramCounter(order: options.order, memoryBudget: options.memoryBudget, scratch: scratch)
        self.tokenizer = LMTokenizer(options: tokenizer)
        window = UnsafeMutablePointer<UInt32>.allocate(capacity: options.order)
        window.initialize(repeating: Vocabulary.begin, count: options.order)
    }

    deinit { window.deallocate() }

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
        counter.add(UnsafeBufferPointer(start: window, count: order))
    }

    /// Runs the estimation and returns the model, in memory.
    public func estimate() throws -> ModelData {
        let sink = ModelDataSink(options: tokenizerOptions, vocabulary: vocabulary.words)
        try estimate(into: sink)
        return sink.model
    }

    /// Runs the estimation and writes the model to an ARPA file as it is made; returns the number of
    /// n-grams of each order. Memory stays within the budget, whatever the model's size.
    @discardableResult
    public func estimate(arpa path: String) throws -> [Int] {
        let sink = try ARPAWriter(path: path, options: tokenizerOptions, vocabulary: vocabulary.words)
        do {
            try estimate(into: sink)
        } catch {
            sink.abandon()
            throw error
        }
        return sink.counts
    }

    /// Number of sorted runs the counter wrote to disk (0 when everything fit in the budget).
    public var spilledRuns: Int { counter.spilledRuns }

    /// The discounts (D1, D2, D3+) used for each order, after `estimate()`.
    public private(set) var discounts: [[Double]] = []
    /// Count-of-counts n1…n4 per order, after `estimate()`.
    public private(set) var countOfCounts: [[Int]] = []

    private func estimate(into sink: ModelSink) throws {
        let order = options.order
        // Memory: the adjusted counts' sorters share a quarter of the budget, a context pass's output sorter
        // takes a quarter, and what waits in memory between passes an eighth for each kind of stream.
        var sorters: [RecordSorter?] = try adjustCounts(try counter.finish())
        discounts = try computeDiscounts()
        let unigrams = sorters[0]!.count
        var interpolation: [RecordSource] = []
        var backoffs: [RecordSource] = []
        for n in 1...order {
            let adjusted = try sorters[n - 1]!.finish()
            sorters[n - 1] = nil
            let (probabilities, contexts) = try contextPass(n, adjusted)
            interpolation.append(probabilities)
            if n > 1 { backoffs.append(contexts) }
        }
        let counts = try interpolate(interpolation, uniform: 1.0 / Double(unigrams - 1))
        try sink.begin(counts: counts.map(\.count))
        for n in 1...order {
            try write(order: n, probabilities: try counts[n - 1].finish(), backoffs: n < order ? backoffs[n - 1] : nil, to: sink)
        }
        try sink.finish()
    }

    // MARK: Adjusted counts

    /// The record of an adjusted n-gram: ids, adjusted count, raw ("actual") count, which pruning
    /// compares with its thresholds.
    private func adjustedRecord(_ n: Int) -> NGramRecord { NGramRecord(order: n, fields: 2) }

    /// Streams the counted N-grams (in suffix order) into the adjusted counts of every order, each into a
    /// sorter by context (the next pass's order), and counts the count-of-counts n1…n4 per order.
    private func adjustCounts(_ windows: RecordSource) throws -> [RecordSorter] {
        let order = options.order
        let directory = try scratch.path()
        let sorters = (1...order).map { n in
            RecordSorter(recordBytes: adjustedRecord(n).bytes, budget: options.memoryBudget / (4 * order), directory: directory,
                         name: "adjusted-\(n)", compare: adjustedRecord(n).contextOrder)
        }
        countOfCounts = [[Int]](repeating: [0, 0, 0, 0], count: order)
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: order * 4 + 16, alignment: 8)
        defer { bytes.deallocate() }
        /// `counted` is the count the count-of-counts take (the adjusted count but for lmplz's quirk below).
        func emit(_ gram: UnsafeBufferPointer<UInt32>, count: UInt64, actual: UInt64, counted: UInt64? = nil) throws {
            let n = gram.count
            for i in 0..<n { bytes.storeBytes(of: gram[i], toByteOffset: i * 4, as: UInt32.self) }
            bytes.storeBytes(of: count, toByteOffset: n * 4, as: UInt64.self)
            bytes.storeBytes(of: actual, toByteOffset: n * 4 + 8, as: UInt64.self)
            let statistic = counted ?? count
            if statistic >= 1 && statistic <= 4 { countOfCounts[n - 1][Int(statistic) - 1] += 1 }
            try sorters[n - 1].append(bytes)
        }
        // <unk> and <s> are unigrams with count 0 (ids 0 and 1 come first); <s> is never pruned.
        for (id, actual) in [(Vocabulary.unknown, UInt64(0)), (Vocabulary.begin, UInt64.max)] {
            try [id].withUnsafeBufferPointer { try emit($0, count: 0, actual: actual) }
        }
        let record = counter.record
        // The n-gram being accumulated for each lower order n (index n - 1).
        var open = [Bool](repeating: false, count: order)
        var isBOS = [Bool](repeating: false, count: order)
        var pending = [UInt64](repeating: 0, count: order)
        var pendingActual = [UInt64](repeating: 0, count: order)
        var pendingGram = [UInt32](repeating: 0, count: order) // the window whose suffixes are open
        var previous = [UInt32](repeating: 0, count: order)
        var first = true

        func close(_ n: Int, atEnd: Bool = false) throws {
            guard open[n - 1] else { return }
            try pendingGram.withUnsafeBufferPointer { gram in
                try emit(UnsafeBufferPointer(rebasing: gram[(order - n)...]), count: pending[n - 1], actual: pendingActual[n - 1],
                         counted: atEnd ? pendingActual[n - 1] : nil)
            }
            open[n - 1] = false
        }

        while let current = windows.current {
            let gram = record.ids(current)
            let count = record.count(current)
            if order == 1 {
                // Only unigrams: their counts are the raw counts of the words.
                if gram[0] > Vocabulary.begin { try emit(gram, count: count, actual: count) }
                try windows.advance()
                continue
            }
            var same = 0
            if !first {
                while same < order && gram[order - 1 - same] == previous[order - 1 - same] { same += 1 }
            }
            // Position of the rightmost <s> in the window (-1: none).
            var bos = -1
            for i in stride(from: order - 1, through: 0, by: -1) where gram[i] == Vocabulary.begin {
                bos = i
                break
            }
            // The orders whose n-gram changes close first: they share `pendingGram` with those that open.
            for n in 1..<order where n > same { try close(n) }
            for n in 1..<order {
                let start = order - n
                if start < bos { continue } // contains <s> after its first word: not an n-gram of the model
                if !open[n - 1] {
                    open[n - 1] = true
                    isBOS[n - 1] = start == bos
                    pending[n - 1] = 0
                    pendingActual[n - 1] = 0
                    for i in start..<order { pendingGram[i] = gram[i] }
                }
                pendingActual[n - 1] += count
                if isBOS[n - 1] {
                    pending[n - 1] += count // n-grams starting with <s> keep raw counts
                } else if same < n + 1 {
                    pending[n - 1] += 1 // a new distinct left extension
                }
            }
            if bos <= 0 { try emit(gram, count: count, actual: count) }
            for i in 0..<order { previous[i] = gram[i] }
            first = false
            try windows.advance()
        }
        // lmplz puts the n-grams of the lower orders still open when the stream ends (the last of each
        // order in suffix order) into its count-of-counts at their raw count, not their adjusted one
        // (the loop after the stream in KenLM's adjust_counts.cc); their stored counts stay adjusted. Done
        // the same here, the discounts agree (found on the Rust book, where a word whose only left
        // extension occurs twice came last: lmplz's unigram D1 0.738814 against 0.739032).
        for n in 1..<max(order, 1) { try close(n, atEnd: true) }
        return sorters
    }

    // MARK: Discounts

    private func computeDiscounts() throws -> [[Double]] {
        var result: [[Double]] = []
        for (index, counts) in countOfCounts.enumerated() {
            let n = [0] + counts
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
        return result
    }

    // MARK: Probabilities

    /// lmplz's --prune 0 0 1: n-grams of order 3 and up whose raw count is 1 leave the model; their
    /// mass goes to their context's back-off.
    private func isPruned(order n: Int, actual: UInt64) -> Bool {
        options.pruneSingletons && n >= 3 && actual <= 1
    }

    /// One order's n-grams by context: per context, the sum of the counts and the discounted mass give
    /// γ(context); each n-gram that stays gets its uninterpolated probability and γ (records in suffix
    /// order, sorted back), and each context that an n-gram stays in gets its γ as the back-off weight of
    /// the (n-1)-gram it is (records in the suffix order of the contexts, as they come).
    private func contextPass(_ n: Int, _ source: RecordSource) throws -> (probabilities: RecordSource, backoffs: RecordSource) {
        let order = options.order
        let directory = try scratch.path()
        let input = adjustedRecord(n)
        let output = NGramRecord(order: n, fields: 2) // uninterpolated probability, γ
        let sorter = RecordSorter(recordBytes: output.bytes, budget: options.memoryBudget / 4, directory: directory,
                                  name: "probabilities-\(n)", compare: output.suffixOrder)
        let backoff = NGramRecord(order: max(1, n - 1), fields: 1)
        let backoffs = RecordSpool(recordBytes: backoff.bytes, memoryLimit: options.memoryBudget / (8 * order),
                                   path: directory + "/backoffs-\(n - 1)")
        let discount = discounts[n - 1]
        func d(_ count: UInt64) -> Double { count == 0 ? 0 : discount[Int(min(count, 3)) - 1] }
        let group = RecordBuffer(recordBytes: input.bytes)
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: output.bytes, alignment: 8)
        defer { bytes.deallocate() }

        func flush() throws {
            guard group.count > 0 else { return }
            var denominator = 0.0, mass = 0.0
            var kept = false
            for index in 0..<group.count {
                let member = group.record(index)
                let count = input.count(member)
                denominator += Double(count)
                if isPruned(order: n, actual: input.count(member, 1)) {
                    mass += Double(count) // pruned: its whole count goes to the back-off
                } else {
                    mass += d(count)
                    kept = true
                }
            }
            let gamma = mass / denominator
            for index in 0..<group.count {
                let member = group.record(index)
                let count = input.count(member)
                guard !isPruned(order: n, actual: input.count(member, 1)) else { continue }
                var uninterpolated = (Double(count) - d(count)) / denominator
                var weight = gamma
                if n == 1 && input.id(member, 0) == Vocabulary.unknown { uninterpolated = 0 }
                if n == 1 && input.id(member, 0) == Vocabulary.begin {
                    uninterpolated = 1
                    weight = 0
                }
                bytes.copyMemory(from: member, byteCount: n * 4)
                bytes.storeBytes(of: uninterpolated, toByteOffset: n * 4, as: Double.self)
                bytes.storeBytes(of: weight, toByteOffset: n * 4 + 8, as: Double.self)
                try sorter.append(bytes)
            }
            if n > 1 && kept {
                let first = group.record(0)
                bytes.copyMemory(from: first, byteCount: (n - 1) * 4)
                bytes.storeBytes(of: gamma, toByteOffset: (n - 1) * 4, as: Double.self)
                try backoffs.append(bytes)
            }
            group.removeAll()
        }

        while let current = source.current {
            if group.count > 0 && memcmp(group.record(0), current, (n - 1) * 4) != 0 { try flush() }
            group.append(current)
            try source.advance()
        }
        try flush()
        return (try sorter.finish(persist: options.memoryBudget / (8 * order)), try backoffs.finish())
    }

    /// The interpolated probabilities, p(w|h) = u(w|h) + γ(h)·p(w|h'), of every order: all orders merged in
    /// suffix order (an n-gram right after its suffix and the other n-grams ending in it), so the
    /// probability of an n-gram's suffix is the last one seen of the order below. Returns, per order,
    /// the n-grams with their log10 probability, in suffix order.
    private func interpolate(_ sources: [RecordSource], uniform: Double) throws -> [RecordSpool] {
        let order = sources.count
        let directory = try scratch.path()
        let spools = (1...order).map { n in
            RecordSpool(recordBytes: NGramRecord(order: n, fields: 1).bytes, memoryLimit: options.memoryBudget / (4 * order),
                        path: directory + "/probabilities-\(n)")
        }
        // The last n-gram seen of each order (order n at row n - 1 of `last`), and its probability.
        let last = UnsafeMutablePointer<UInt32>.allocate(capacity: order * order)
        defer { last.deallocate() }
        var seen = [Bool](repeating: false, count: order)
        var lastProbability = [Double](repeating: 0, count: order)
        var heads = sources.map(\.current) // each order's current record, so the loop asks no source for it
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: order * 4 + 8, alignment: 8)
        defer { bytes.deallocate() }

        /// Merged suffix order of records of orders a and b: from the last word back; a suffix first.
        func precedes(_ a: UnsafeRawPointer, _ i: Int, _ b: UnsafeRawPointer, _ j: Int) -> Bool {
            for k in 0..<min(i, j) {
                let x = a.loadUnaligned(fromByteOffset: (i - 1 - k) * 4, as: UInt32.self)
                let y = b.loadUnaligned(fromByteOffset: (j - 1 - k) * 4, as: UInt32.self)
                if x != y { return x < y }
            }
            return i < j
        }

        while true {
            var next = -1
            for index in 0..<order {
                guard let current = heads[index] else { continue }
                if next < 0 || precedes(current, index + 1, heads[next].unsafelyUnwrapped, next + 1) { next = index }
            }
            guard next >= 0 else { break }
            let n = next + 1
            let record = NGramRecord(order: n, fields: 2)
            let current = heads[next].unsafelyUnwrapped
            var lower = uniform
            if n > 1 && seen[n - 2] && memcmp(last + (n - 2) * order, current + 4, (n - 1) * 4) == 0 { lower = lastProbability[n - 2] }
            let probability = record.value(current, 0) + record.value(current, 1) * lower
            UnsafeMutableRawPointer(last + (n - 1) * order).copyMemory(from: current, byteCount: n * 4)
            seen[n - 1] = true
            lastProbability[n - 1] = probability
            bytes.copyMemory(from: current, byteCount: n * 4)
            bytes.storeBytes(of: Double(min(0, Float(log10(probability)))), toByteOffset: n * 4, as: Double.self)
            try spools[n - 1].append(bytes)
            try sources[next].advance()
            heads[next] = sources[next].current
        }
        return spools
    }

    /// One order's n-grams to the sink, each with its back-off weight: γ of it as a context (1 when it is
    /// no context of a kept n-gram, and for n-grams ending in <unk> or </s>).
    private func write(order n: Int, probabilities: RecordSource, backoffs: RecordSource?, to sink: ModelSink) throws {
        let record = NGramRecord(order: n, fields: 1)
        let compare = record.suffixOrder
        try sink.beginOrder(n)
        while let current = probabilities.current {
            var weight = 1.0
            if let backoffs {
                while let context = backoffs.current, compare(context, current) < 0 { try backoffs.advance() }
                let last = record.id(current, n - 1)
                if let context = backoffs.current, compare(context, current) == 0, last != Vocabulary.unknown, last != Vocabulary.end {
                    weight = record.value(context, 0)
                }
            }
            try sink.add(record.ids(current), logProb: Float(record.value(current, 0)), logBackoff: backoffs == nil ? nil : Float(log10(weight)))
            try probabilities.advance()
        }
    }
}
