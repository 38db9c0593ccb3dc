import Core
import Foundation
import ScorePass
import Store
import Text

/// What `curate score --metric perplexity` did.
public struct PerplexityScoreSummary: Codable, Sendable {
    public var modelID: Int64 = 0
    public var documents = 0
    public var bytes: Int64 = 0
    public var tokens: Int64 = 0
    public var seconds = 0.0
    public var cutoffs: [PerplexityCutoff] = []
}

/// The head / middle / tail cut-offs of one language.
public struct PerplexityCutoff: Codable, Sendable, Equatable {
    public var language: String
    public var documents: Int
    public var p30: Double
    public var p60: Double
    public var head = 0, middle = 0, tail = 0
    public var medianPerplexity = 0.0
    public var meanBitsPerByte = 0.0
}

/// The perplexity of one document (cc_net's definition) and per-line statistics.
public struct DocumentPerplexity: Sendable {
    public var lines = 0
    public var tokens = 0
    public var oov = 0
    public var log10Probability = 0.0
    public var perplexity = 0.0
    public var bitsPerByte = 0.0
    public var maxLinePerplexity = 0.0
    public var medianLinePerplexity = 0.0

    public init() {}

    /// Scores every non-blank line of `text` as a sentence.
    public static func measure(_ text: UnsafeRawBufferPointer, scorer: SentenceScorer) -> DocumentPerplexity {
        measure(bytes: text.count) { scorer.scoreLines(of: text, $0) }
    }

    /// The same, over a document's shared analysis.
    public static func measure(_ analysis: DocumentAnalysis, scorer: SentenceScorer) -> DocumentPerplexity {
        measure(bytes: analysis.text.count) { scorer.scoreLines(of: analysis, $0) }
    }

    private static func measure(bytes: Int, _ scoreLines: ((SentenceScore) -> Void) -> Void) -> DocumentPerplexity {
        var result = DocumentPerplexity()
        var linePerplexities: [Double] = []
        scoreLines { score in
            result.lines += 1
            result.tokens += score.tokens
            result.oov += score.oov
            result.log10Probability += score.log10Probability
            linePerplexities.append(pow(10, -score.log10Probability / Double(score.tokens + 1)))
        }
        let events = Double(result.tokens + result.lines) // each line also predicts </s>
        result.perplexity = events > 0 ? pow(10, -result.log10Probability / events) : 0
        result.bitsPerByte = bytes > 0 ? -result.log10Probability * log2(10) / Double(bytes) : 0
        linePerplexities.sort()
        result.maxLinePerplexity = linePerplexities.last ?? 0
        result.medianLinePerplexity = linePerplexities.isEmpty ? 0 : linePerplexities[linePerplexities.count / 2]
        return result
    }
}

/// The model (or models) a scoring run uses.
public struct ReferenceModels: @unchecked Sendable {
    /// One model, or two for cross-fitting: models[0] was trained on documents with even ids and scores
    /// those with odd ids, models[1] the other way round, so no document is scored by a model that saw it.
    public let models: [NGramModel]

    public init(_ models: [NGramModel]) {
        precondition(models.count == 1 || models.count == 2)
        self.models = models
    }

    /// The model that scores a document.
    public func index(for documentID: Int64) -> Int {
        models.count == 1 ? 0 : Int(1 - (documentID & 1))
    }

    /// Whether a document with this id belongs to the training half of model `index`.
    public static func trains(_ index: Int, documentID: Int64) -> Bool {
        Int(documentID & 1) == index
    }
}

/// `curate score --metric perplexity`: scores every document that has no perplexity under the model
/// yet (exact duplicates excluded), on all cores, then recomputes the per-language buckets.
public final class PerplexityScorer {
    /// Scores a batch of documents (text, cross-fitting fold); one per worker thread.
    public typealias BatchScorer = ([(analysis: DocumentAnalysis, fold: Int64)]) -> [DocumentPerplexity]

    private let store: Store
    private let makeScorer: @Sendable () -> BatchScorer
    private let modelID: Int64
    private let threads: Int
    private let console: Console
    public var commitInterval = 1.0

    /// Scores with the n-gram reference (one model, or a cross-fitted pair).
    public convenience init(store: Store, reference: ReferenceModels, modelID: Int64, threads: Int, console: Console) {
        self.init(store: store, modelID: modelID, threads: threads, console: console) {
            let scorers = reference.models.map { SentenceScorer(model: $0) }
            return { batch in
                batch.map { item in DocumentPerplexity.measure(item.analysis, scorer: scorers[reference.index(for: item.fold)]) }
            }
        }
    }

    /// Scores with any model: `makeScorer` is called once per worker thread.
    public init(store: Store, modelID: Int64, threads: Int, console: Console, makeScorer: @escaping @Sendable () -> BatchScorer) {
        self.store = store
        self.makeScorer = makeScorer
        self.modelID = modelID
        self.threads = threads
        self.console = console
    }

    /// Records a model (its file, or the two files of a cross-fitted pair) in `lm_models` and returns its id.
    public static func register(model: NGramModel, paths: [String], trainedOn: String?, runID: Int64, store: Store) throws -> Int64 {
        let options = model.options
        let tokenizer = [options.kind.rawValue, options.lowercase ? "lowercase" : nil, options.foldDigits ? "fold_digits" : nil]
            .compactMap { $0 }.joined(separator: " ")
        return try register(kind: "ngram", order: model.order, tokenizer: tokenizer, paths: paths, trainedOn: trainedOn, runID: runID, store: store)
    }

    /// Records a model of any kind ('ngram', 'gpt') in `lm_models` and returns its id.
    public static func register(kind: String, order: Int?, tokenizer: String, paths: [String], trainedOn: String?, runID: Int64,
                                store: Store) throws -> Int64 {
        let absolute = paths.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        var builder = Hash128Builder(seed: 0x6C6D) // "lm"
        for path in absolute { builder.update(try FileFingerprint.of(path: path)) }
        let fingerprint = builder.finish()
        let id = StableID.from(fingerprint)
        let statement = try store.connection.prepare("""
            INSERT INTO lm_models (id, path, path_b, fingerprint, kind, ngram_order, tokenizer, trained_on, created_at, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?)
            ON CONFLICT(id) DO UPDATE SET path = excluded.path, path_b = excluded.path_b
            """)
        statement.bind(1, id)
        statement.bind(2, absolute[0])
        statement.bind(3, absolute.count > 1 ? absolute[1] : nil)
        statement.bind(4, blob: fingerprint.bytes)
        statement.bind(5, kind)
        if let order { statement.bind(6, order) } else { statement.bindNull(6) }
        statement.bind(7, tokenizer)
        statement.bind(8, trainedOn)
        statement.bind(9, runID)
        try statement.run()
        return id
    }

    /// The measure of the scoring pass that stores this model's perplexities (run alone by `run()`, or
    /// with other measures in one `MeasurePass`, then `finish`).
    public func makeMeasure() throws -> PerplexityMeasure {
        try PerplexityMeasure(store: store, modelID: modelID, makeScorer: makeScorer)
    }

    public func run() throws -> PerplexityScoreSummary {
        let started = DispatchTime.now()
        let measure = try makeMeasure()
        try MeasurePass.run(measure, store: store, threads: threads, commitInterval: commitInterval, console: console)
        var summary = try finish(measure)
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return summary
    }

    /// After the pass: recomputes the per-language buckets; the summary of what the measure did.
    public func finish(_ measure: PerplexityMeasure) throws -> PerplexityScoreSummary {
        var summary = measure.summary
        summary.modelID = modelID
        summary.cutoffs = try assignBuckets()
        return summary
    }

    /// cc_net's buckets: per language, head up to the 30th percentile of perplexity, middle up to the
    /// 60th, tail above (nearest-rank percentiles over the scored documents).
    private func assignBuckets() throws -> [PerplexityCutoff] {
        let cutoffs = try Self.cutoffs(store: store, modelID: modelID)
        try Self.writeBuckets(cutoffs, store: store, modelID: modelID)
        return cutoffs
    }

    /// Records `cutoffs` for the model and sets each scored document's bucket by them (head ≤ p30 <
    /// middle ≤ p60 < tail), in one transaction.
    public static func writeBuckets(_ cutoffs: [PerplexityCutoff], store: Store, modelID: Int64) throws {
        let connection = store.connection
        try connection.transaction {
            try connection.execute("DELETE FROM perplexity_cutoffs WHERE model_id = \(modelID)")
            let update = try connection.prepare("""
                UPDATE perplexity SET bucket = CASE WHEN perplexity <= ? THEN 'head' WHEN perplexity <= ? THEN 'middle' ELSE 'tail' END
                WHERE model_id = ? AND language = ?
                """)
            let record = try connection.prepare("INSERT INTO perplexity_cutoffs (model_id, language, documents, p30, p60) VALUES (?, ?, ?, ?, ?)")
            for cutoff in cutoffs {
                update.bind(1, cutoff.p30)
                update.bind(2, cutoff.p60)
                update.bind(3, modelID)
                update.bind(4, cutoff.language)
                try update.run()
                record.bind(1, modelID)
                record.bind(2, cutoff.language)
                record.bind(3, cutoff.documents)
                record.bind(4, cutoff.p30)
                record.bind(5, cutoff.p60)
                try record.run()
            }
        }
    }

    /// Bits per byte are summed in millionths, as integers: the mean is then the same whatever order
    /// the documents are added in (one store, or partitions summed apart).
    static let bitsScale = 1e6

    static func meanBits(sum: Int64, documents: Int) -> Double { Double(sum) / bitsScale / Double(max(1, documents)) }

    /// Per-language cut-offs and summary of the documents scored with a model (read-only).
    public static func cutoffs(store: Store, modelID: Int64) throws -> [PerplexityCutoff] {
        let connection = store.connection
        let values = try connection.prepare("SELECT language, perplexity, bits_per_byte FROM perplexity WHERE model_id = ? ORDER BY language, perplexity")
        values.bind(1, modelID)
        var byLanguage: [(String, [Double], Int64)] = []
        while try values.step() {
            let language = values.text(0) ?? "other"
            if byLanguage.last?.0 != language { byLanguage.append((language, [], 0)) }
            byLanguage[byLanguage.count - 1].1.append(values.double(1))
            byLanguage[byLanguage.count - 1].2 += Int64((values.double(2) * bitsScale).rounded())
        }
        return byLanguage.map { language, perplexities, bits in
            func percentile(_ p: Double) -> Double { nearestRankPercentile(perplexities, p) }
            var cutoff = PerplexityCutoff(language: language, documents: perplexities.count, p30: percentile(0.3), p60: percentile(0.6))
            cutoff.medianPerplexity = perplexities[perplexities.count / 2]
            cutoff.meanBitsPerByte = meanBits(sum: bits, documents: perplexities.count)
            cutoff.head = perplexities.filter { $0 <= cutoff.p30 }.count
            cutoff.middle = perplexities.filter { $0 > cutoff.p30 && $0 <= cutoff.p60 }.count
            cutoff.tail = perplexities.count - cutoff.head - cutoff.middle
            return cutoff
        }
    }

    /// The model most recently used to score this store, if any.
    public static func latestModel(store: Store) throws -> (id: Int64, path: String, trainedOn: String?)? {
        let statement = try store.connection.prepare("""
            SELECT m.id, m.path, m.trained_on FROM lm_models m WHERE m.id = ?
            """)
        guard let id = try store.latestReferenceModelID(scored: true) else { return nil }
        statement.bind(1, id)
        guard try statement.step() else { return nil }
        return (statement.int64(0), statement.text(1) ?? "", statement.text(2))
    }
}

/// Perplexity under one model as a measure of the scoring pass (`perplexity` rows of the model).
public final class PerplexityMeasure: DocumentMeasure, @unchecked Sendable { // the statement is used on the writing thread only
    public let name = "perplexity"
    public let conditions: [String]
    public let usesTokens = true
    private let makeScorer: @Sendable () -> PerplexityScorer.BatchScorer
    private let modelID: Int64
    private let insert: SQLiteStatement
    /// What the pass measured so far.
    public private(set) var summary = PerplexityScoreSummary()

    struct Scored: Sendable {
        var language: String
        var result: DocumentPerplexity
    }

    init(store: Store, modelID: Int64, makeScorer: @escaping @Sendable () -> PerplexityScorer.BatchScorer) throws {
        self.modelID = modelID
        self.makeScorer = makeScorer
        conditions = ["NOT EXISTS (SELECT 1 FROM perplexity s WHERE s.model_id = \(modelID) AND s.seq = d.seq)"]
        insert = try store.connection.prepare("""
            INSERT OR REPLACE INTO perplexity (model_id, seq, document_id, language, lines, tokens, oov, log10_prob, perplexity,
                                               bits_per_byte, max_line_perplexity, median_line_perplexity, bucket)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
            """)
    }

    public func makeWorker() -> MeasureWorker {
        let scorer = makeScorer()
        return { inputs in
            let results = scorer(inputs.map { ($0.analysis, $0.document.foldID) })
            return zip(inputs, results).map { input, result in
                // The stored language, or the one the heuristics told in this pass; without either (heuristics
                // not scored), a guess from the first 4 KB: enough for the guess, a fraction of a
                // segmentation pass on long documents.
                let language = input.document.storedLanguage ?? input.analysis.knownLanguage?.language ?? input.analysis.text.withUnsafeBytes { bytes in
                    let head = UnsafeRawBufferPointer(rebasing: bytes[..<UTF8Bytes.prefixLength(bytes, limit: 4096)])
                    return input.analysis.identifier.identify(head, words: input.analysis.analyzer.words(head)).language
                }
                return Scored(language: language, result: result)
            }
        }
    }

    public func write(_ documents: [PassDocument], _ results: [any Sendable]) throws {
        for (document, result) in zip(documents, results) {
            let scored = result as! Scored
            let r = scored.result
            insert.bind(1, modelID)
            insert.bind(2, document.seq)
            insert.bind(3, document.id)
            insert.bind(4, scored.language)
            insert.bind(5, r.lines)
            insert.bind(6, r.tokens)
            insert.bind(7, r.oov)
            insert.bind(8, r.log10Probability)
            insert.bind(9, r.perplexity)
            insert.bind(10, r.bitsPerByte)
            insert.bind(11, r.maxLinePerplexity)
            insert.bind(12, r.medianLinePerplexity)
            try insert.run()
            summary.documents += 1
            summary.bytes += Int64(document.bytes)
            summary.tokens += Int64(r.tokens)
        }
    }
}
