import Text

/// ROUGE-1, ROUGE-2 and ROUGE-L (Lin 2004) as the rouge-score package computes them: n-gram overlap
/// (clipped counts) and longest common subsequence, each as precision, recall and F1.
public struct ROUGE: Sendable {
    /// How texts become tokens.
    public enum Tokenizer: String, Sendable {
        /// rouge-score's default: lower-case, anything not [a-z0-9] separates, tokens are [a-z0-9]+.
        case standard
        /// For Chinese (and other unsegmented scripts): each letter outside ASCII is a token of its own,
        /// ASCII letters and digits form lower-cased words, the rest separates.
        case characters
    }

    public struct Score: Sendable, Equatable {
        public var precision: Double
        public var recall: Double
        public var fmeasure: Double

        init(overlap: Int, predicted: Int, target: Int) {
            precision = Double(overlap) / Double(max(predicted, 1))
            recall = Double(overlap) / Double(max(target, 1))
            fmeasure = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        }
    }

    public var tokenizer: Tokenizer

    public init(tokenizer: Tokenizer = .standard) {
        self.tokenizer = tokenizer
    }

    public func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        func flush() {
            if !current.isEmpty { tokens.append(current); current = "" }
        }
        for scalar in text.lowercased().unicodeScalars {
            let v = scalar.value
            if (0x61...0x7A).contains(v) || (0x30...0x39).contains(v) {
                current.unicodeScalars.append(scalar)
            } else if tokenizer == .characters && v >= 0x80 && (scalar.properties.isAlphabetic || scalar.properties.numericType != nil) {
                flush()
                tokens.append(String(scalar))
            } else {
                flush()
            }
        }
        flush()
        return tokens
    }

    /// ROUGE-N of a prediction against a target.
    public func rougeN<T: Hashable>(_ n: Int, target: [T], prediction: [T]) -> Score {
        func counts(_ tokens: [T]) -> [ArraySlice<T>: Int] {
            var result: [ArraySlice<T>: Int] = [:]
            if tokens.count >= n { for start in 0...(tokens.count - n) { result[tokens[start..<start + n], default: 0] += 1 } }
            return result
        }
        let t = counts(target), p = counts(prediction)
        let overlap = t.reduce(0) { $0 + min($1.value, p[$1.key] ?? 0) }
        return Score(overlap: overlap, predicted: p.values.reduce(0, +), target: t.values.reduce(0, +))
    }

    /// ROUGE-L (summary-level LCS is not used: texts are compared as one sequence, as rouge-score's
    /// `rougeL` does).
    public func rougeL<T: Equatable>(target: [T], prediction: [T]) -> Score {
        guard !target.isEmpty && !prediction.isEmpty else { return Score(overlap: 0, predicted: 1, target: 1) }
        return Score(overlap: Self.lcsLength(target, prediction), predicted: prediction.count, target: target.count)
    }

    /// Length of the longest common subsequence, in O(n·m) time and O(m) memory.
    static func lcsLength<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
        var previous = [Int](repeating: 0, count: b.count + 1)
        var current = previous
        for i in 1...a.count {
            for j in 1...b.count {
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : max(previous[j], current[j - 1])
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// Tokens as 64-bit ids (for repeated comparisons: the LCS table compares integers, not strings).
    public func tokenIDs(_ text: String) -> [UInt64] {
        tokens(text).map { token in Array(token.utf8).withUnsafeBytes { WordHash.exact($0) } }
    }

    /// All three scores of texts.
    public func score(target: String, prediction: String) -> (rouge1: Score, rouge2: Score, rougeL: Score) {
        let t = tokens(target), p = tokens(prediction)
        return (rougeN(1, target: t, prediction: p), rougeN(2, target: t, prediction: p), rougeL(target: t, prediction: p))
    }
}
