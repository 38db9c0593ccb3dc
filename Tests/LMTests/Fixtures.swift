import Foundation
import LM

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lm").path

    static func path(_ name: String) -> String { directory + "/" + name }

    static func text(_ name: String) throws -> String {
        try String(contentsOfFile: path(name), encoding: .utf8)
    }

    /// KenLM's own tokenization: split on white space, nothing folded.
    static let whitespace = TokenizerOptions(kind: .whitespace, lowercase: false, foldDigits: false)

    static func temporaryPath(_ name: String) -> String {
        let directory = NSTemporaryDirectory() + "/curate-lm-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory + "/" + name
    }

    /// n-grams of an ARPA model as "w1 w2 …" -> (log10 prob, log10 backoff), per order.
    static func table(_ model: ModelData) -> [[String: (Float, Float)]] {
        model.orders.map { order in
            var table: [String: (Float, Float)] = [:]
            for index in 0..<order.count {
                let words = order.gram(index).map { String(decoding: model.vocabulary[Int($0)], as: UTF8.self) }.joined(separator: " ")
                table[words] = (order.logProb[index], order.logBackoff[index])
            }
            return table
        }
    }

    static func estimate(_ text: String, order: Int, options: TokenizerOptions = whitespace,
                         configure: (inout EstimatorOptions) -> Void = { _ in }) throws -> (ModelData, KneserNeyEstimator) {
        var estimatorOptions = EstimatorOptions()
        estimatorOptions.order = order
        configure(&estimatorOptions)
        let estimator = try KneserNeyEstimator(options: estimatorOptions, tokenizer: options)
        estimator.add(text: text)
        return (try estimator.estimate(), estimator)
    }
}
