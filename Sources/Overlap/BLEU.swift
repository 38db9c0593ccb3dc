import Foundation

/// BLEU (Papineni et al. 2002) as sacrebleu computes it: modified n-gram precisions for n = 1…4 with
/// counts clipped by the references, their geometric mean, a brevity penalty exp(1 - r/c) when the
/// hypothesis is shorter than the closest reference, and, by default, "exp" smoothing of zero
/// precisions (mteval's NIST method). Corpus BLEU sums the counts over all segments first.
public struct BLEU: Sendable {
    public var tokenizer: BLEUTokenizer
    public var lowercase = false
    public var maxOrder = 4

    public init(tokenizer: BLEUTokenizer = .thirteenA, lowercase: Bool = false) {
        self.tokenizer = tokenizer
        self.lowercase = lowercase
    }

    /// The sufficient statistics of one segment: lengths and per-order matches and totals.
    public struct Statistics: Sendable, Equatable {
        public var hypothesisLength = 0
        public var referenceLength = 0
        public var correct: [Int]
        public var total: [Int]

        init(order: Int) {
            correct = [Int](repeating: 0, count: order)
            total = [Int](repeating: 0, count: order)
        }

        mutating func add(_ other: Statistics) {
            hypothesisLength += other.hypothesisLength
            referenceLength += other.referenceLength
            for n in correct.indices {
                correct[n] += other.correct[n]
                total[n] += other.total[n]
            }
        }
    }

    public struct Score: Sendable, Equatable {
        /// 0…100.
        public var score: Double
        public var precisions: [Double]
        public var brevityPenalty: Double
    }

    /// The tokens BLEU compares (after optional lower-casing and the tokenizer).
    public func tokens(_ text: String) -> [String] {
        tokenizer.tokenize(Self.rstrip(lowercase ? text.lowercased() : text))
    }

    private static func rstrip(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        while let last = scalars.last, isPythonSpace(last) { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Statistics of a hypothesis against one or more references.
    public func statistics(hypothesis: String, references: [String]) -> Statistics {
        statistics(hypothesisTokens: tokens(hypothesis), referenceTokens: references.map(tokens))
    }

    public func statistics(hypothesisTokens: [String], referenceTokens: [[String]]) -> Statistics {
        var stats = Statistics(order: maxOrder)
        var referenceCounts: [NGramKey: Int] = [:]
        var closest = (difference: Int.max, length: 0)
        for reference in referenceTokens {
            for (gram, count) in Self.ngrams(reference, maxOrder) where count > referenceCounts[gram, default: 0] {
                referenceCounts[gram] = count
            }
            let difference = abs(hypothesisTokens.count - reference.count)
            if difference < closest.difference || (difference == closest.difference && reference.count < closest.length) {
                closest = (difference, reference.count)
            }
        }
        stats.hypothesisLength = hypothesisTokens.count
        stats.referenceLength = closest.length
        for (gram, count) in Self.ngrams(hypothesisTokens, maxOrder) {
            stats.total[gram.order - 1] += count
            if let available = referenceCounts[gram] { stats.correct[gram.order - 1] += min(count, available) }
        }
        return stats
    }

    /// BLEU of summed statistics.
    public func score(_ stats: Statistics, effectiveOrder: Bool = false) -> Score {
        var bp = 1.0
        if stats.hypothesisLength < stats.referenceLength {
            bp = stats.hypothesisLength > 0 ? exp(1 - Double(stats.referenceLength) / Double(stats.hypothesisLength)) : 0
        }
        var precisions = [Double](repeating: 0, count: maxOrder)
        guard stats.correct.contains(where: { $0 > 0 }) else { return Score(score: 0, precisions: precisions, brevityPenalty: bp) }
        var smooth = 1.0
        var order = maxOrder
        for n in 0..<maxOrder {
            if stats.total[n] == 0 { break }
            if effectiveOrder { order = n + 1 }
            if stats.correct[n] == 0 {
                smooth *= 2
                precisions[n] = 100 / (smooth * Double(stats.total[n]))
            } else {
                precisions[n] = 100 * Double(stats.correct[n]) / Double(stats.total[n])
            }
        }
        let logSum = precisions.prefix(order).reduce(0.0) { $0 + ($1 > 0 ? log($1) : -9_999_999_999) }
        return Score(score: bp * exp(logSum / Double(order)), precisions: precisions, brevityPenalty: bp)
    }

    /// Corpus BLEU: hypotheses each with their references.
    public func corpusScore(hypotheses: [String], references: [[String]]) -> Score {
        var total = Statistics(order: maxOrder)
        for (hypothesis, refs) in zip(hypotheses, references) { total.add(statistics(hypothesis: hypothesis, references: refs)) }
        return score(total)
    }

    /// Sentence BLEU (effective order, as sacrebleu recommends for single segments).
    public func sentenceScore(hypothesis: String, references: [String]) -> Score {
        score(statistics(hypothesis: hypothesis, references: references), effectiveOrder: true)
    }

    struct NGramKey: Hashable {
        var order: Int
        var hash: Int
        var words: ArraySlice<String>

        static func == (a: NGramKey, b: NGramKey) -> Bool { a.order == b.order && a.words == b.words }
        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    static func ngrams(_ tokens: [String], _ maxOrder: Int) -> [NGramKey: Int] {
        var counts: [NGramKey: Int] = [:]
        for n in 1...maxOrder where tokens.count >= n {
            for start in 0...(tokens.count - n) {
                let words = tokens[start..<start + n]
                var hasher = Hasher()
                for word in words { hasher.combine(word) }
                counts[NGramKey(order: n, hash: hasher.finalize(), words: words), default: 0] += 1
            }
        }
        return counts
    }
}
