import ArgumentParser
import Core
import Foundation
import Ingest
import LM
import Store

/// Which stored documents a reference model is trained on.
enum DocumentSelection: String, ExpressibleByArgument, Sendable {
    case all
    case heuristicsPass = "heuristics-pass"
}

/// Training a reference model from files or from the store, for `lm train` and `score --metric perplexity`.
enum ReferenceTraining {
    struct Result {
        /// The number of n-grams of each order in the model written.
        var ngrams: [Int]
        var sentences: Int
        var tokens: Int
        var discounts: [[Double]]
        var spilledRuns: Int
        var documents: Int
        /// UTF-8 bytes of the training text.
        var bytes: Int64 = 0
        /// Lines or records of the --from files that were skipped (bad bytes, too large), by reason.
        var rejects: [String: Int] = [:]
    }

    /// Trains a model and writes it to `out`: ARPA when the name ends in .arpa (written as it is estimated,
    /// so memory stays within the estimator's budget), else curate's binary format (built in memory).
    static func train(options: EstimatorOptions, tokenizer: TokenizerOptions, paths: [String], store: Store?,
                      selection: DocumentSelection, out: String, console: Console, include: (Int64) -> Bool = { _ in true }) throws -> Result {
        let estimator = try KneserNeyEstimator(options: options, tokenizer: tokenizer)
        var documents = 0
        var bytes: Int64 = 0
        var rejects: [String: Int] = [:]
        if !paths.isEmpty {
            // Text files a line at a time, as lmplz reads them: no size limit per file, and a bad line
            // (NUL byte, invalid UTF-8, over --max-doc-bytes) is skipped alone.
            var reading = IngestOptions()
            reading.textSplit = .line
            let summary = try TextFiles(paths: paths, options: reading).forEach { text in
                estimator.add(text: text)
                documents += 1
                bytes += Int64(text.count)
            }
            rejects = summary.rejectsByReason
            for problem in summary.problems { console.warning(problem + " (skipped)", kind: "lm_input") }
            for reject in summary.firstRejects { console.warning(reject + " (skipped)", kind: "lm_input") }
            if summary.rejects > summary.firstRejects.count {
                let reasons = summary.rejectsByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: " · ")
                console.warning("\(summary.rejects) bad lines or records skipped in all (\(reasons))", kind: "lm_input")
            }
        }
        if let store {
            if selection == .heuristicsPass {
                let verdicts = try store.connection.scalarInt("SELECT count(*) FROM filter_verdicts") ?? 0
                guard verdicts > 0 else {
                    throw StoreError("no heuristic verdicts in \(store.path) to select documents with",
                                     hint: "run `curate score --metric heuristics` first, or use --where all")
                }
            }
            try store.forEachDocumentText(keptByFilters: selection == .heuristicsPass) { _, id, text in
                guard include(id) else { return }
                estimator.add(text: text)
                documents += 1
                bytes += Int64(text.count)
            }
        }
        guard estimator.tokens > 0 else {
            throw StoreError("no text to train on", hint: "check the --from paths, or score the store's documents first")
        }
        let ngrams: [Int]
        if out.hasSuffix(".arpa") {
            ngrams = try estimator.estimate(arpa: out)
        } else {
            let model = try estimator.estimate()
            try BinaryModel.write(model, to: out)
            ngrams = model.orders.map(\.count)
        }
        return Result(ngrams: ngrams, sentences: estimator.sentences, tokens: estimator.tokens, discounts: estimator.discounts,
                      spilledRuns: estimator.spilledRuns, documents: documents, bytes: bytes, rejects: rejects)
    }
}
