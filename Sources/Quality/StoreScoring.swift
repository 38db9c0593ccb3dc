import Core
import Foundation
import ScorePass
import Store
import Text

/// What `curate score --metric quality` did.
public struct QualityScoreSummary: Codable, Sendable {
    public var modelID: Int64 = 0
    public var documents = 0
    public var bytes: Int64 = 0
    public var seconds = 0.0
    public var folds = 1
    public var languages: [QualityLanguageSummary] = []
}

/// The scores of one language's documents.
public struct QualityLanguageSummary: Codable, Sendable, Equatable {
    public var language: String
    public var documents: Int
    public var p10: Double
    public var median: Double
    public var p90: Double
}

/// Scores every document of a store that has no score under the model yet (ingest's exact duplicates
/// excluded: they share their first copy's), on all cores, then sets the per-language percentiles.
/// Each document is scored by the model of its cross-fitting fold; a dedup duplicate by the fold of its
/// cluster's kept document (which is the one that may have been a training negative).
public final class QualityStoreScorer {
    private let store: Store
    private let model: QualityModel
    private let modelID: Int64
    private let threads: Int
    private let console: Console
    public var commitInterval = 1.0

    public init(store: Store, model: QualityModel, modelID: Int64, threads: Int, console: Console) {
        self.store = store
        self.model = model
        self.modelID = modelID
        self.threads = threads
        self.console = console
    }

    /// Records the model in `quality_models` and returns its id (stable: from the file's fingerprint).
    public static func register(model: QualityModel, path: String, runID: Int64, store: Store) throws -> Int64 {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var builder = Hash128Builder(seed: 0x716D) // "qm"
        builder.update(try FileFingerprint.of(path: absolute))
        let fingerprint = builder.finish()
        let id = StableID.from(fingerprint)
        let statement = try store.connection.prepare("""
            INSERT INTO quality_models (id, path, fingerprint, loss, folds, trained_on, created_at, run_id)
            VALUES (?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?)
            ON CONFLICT(id) DO UPDATE SET path = excluded.path, created_at = excluded.created_at
            """)
        statement.bind(1, id)
        statement.bind(2, absolute)
        statement.bind(3, blob: fingerprint.bytes)
        statement.bind(4, model.header.loss.rawValue)
        statement.bind(5, model.header.folds)
        statement.bind(6, model.header.trainedOn)
        statement.bind(7, runID)
        try statement.run()
        return id
    }

    /// The measure of the scoring pass that stores this model's scores (run alone by `run()`, or with
    /// other measures in one `MeasurePass`, then `finish`).
    public func makeMeasure() throws -> QualityMeasure {
        try QualityMeasure(store: store, model: model, modelID: modelID)
    }

    public func run() throws -> QualityScoreSummary {
        let started = DispatchTime.now()
        let measure = try makeMeasure()
        try MeasurePass.run(measure, store: store, threads: threads, commitInterval: commitInterval, console: console)
        var summary = try finish(measure)
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return summary
    }

    /// After the pass: sets the per-language percentiles; the summary of what the measure did.
    public func finish(_ measure: QualityMeasure) throws -> QualityScoreSummary {
        var summary = QualityScoreSummary()
        summary.modelID = modelID
        summary.folds = model.header.folds
        summary.documents = measure.documents
        summary.bytes = measure.bytes
        try assignPercentiles()
        summary.languages = try Self.languages(store: store, modelID: modelID)
        return summary
    }

    /// Each document's percent rank within its language (ties broken by document id), 1 = best.
    private func assignPercentiles() throws {
        try store.connection.transaction { try store.assignPercentiles(table: "quality_scores", modelID: modelID) }
    }

    /// Per-language summary of the scores under a model (read-only).
    public static func languages(store: Store, modelID: Int64) throws -> [QualityLanguageSummary] {
        let values = try store.connection.prepare("SELECT language, score FROM quality_scores WHERE model_id = ? ORDER BY language, score")
        values.bind(1, modelID)
        var byLanguage: [(String, [Double])] = []
        while try values.step() {
            let language = values.text(0) ?? "other"
            if byLanguage.last?.0 != language { byLanguage.append((language, [])) }
            byLanguage[byLanguage.count - 1].1.append(values.double(1))
        }
        return byLanguage.map { language, scores in
            func percentile(_ p: Double) -> Double { nearestRankPercentile(scores, p) }
            return QualityLanguageSummary(language: language, documents: scores.count, p10: percentile(0.1), median: percentile(0.5),
                                          p90: percentile(0.9))
        }
    }

    /// The model most recently used to score this store, if any.
    public static func latestModel(store: Store) throws -> (id: Int64, path: String, trainedOn: String?)? {
        let statement = try store.connection.prepare("""
            SELECT m.id, m.path, m.trained_on FROM quality_models m WHERE m.id = ?
            """)
        guard let id = try store.latestQualityModelID() else { return nil }
        statement.bind(1, id)
        guard try statement.step() else { return nil }
        return (statement.int64(0), statement.text(1) ?? "", statement.text(2))
    }
}

/// A quality model's score as a measure of the scoring pass (`quality_scores` rows of the model). Each
/// document is scored by the model of its cross-fitting fold.
public final class QualityMeasure: DocumentMeasure, @unchecked Sendable { // the statement is used on the writing thread only
    public let name = "quality"
    public let conditions: [String]
    public let usesTokens = true
    private let scorer: QualityScorer
    private let modelID: Int64
    private let insert: SQLiteStatement
    /// Documents scored so far and their bytes.
    public private(set) var documents = 0
    public private(set) var bytes: Int64 = 0

    struct Scored: Sendable {
        var language: String
        var fold: Int
        var score: Double
    }

    init(store: Store, model: QualityModel, modelID: Int64) throws {
        scorer = QualityScorer(model: model)
        self.modelID = modelID
        conditions = ["NOT EXISTS (SELECT 1 FROM quality_scores s WHERE s.model_id = \(modelID) AND s.seq = d.seq)"]
        insert = try store.connection.prepare("""
            INSERT OR REPLACE INTO quality_scores (model_id, seq, document_id, language, fold, score, percentile)
            VALUES (?, ?, ?, ?, ?, ?, NULL)
            """)
    }

    public func makeWorker() -> MeasureWorker {
        let scorer = self.scorer
        let extractor = FeatureExtractor(settings: scorer.model.header.features)
        return { inputs in
            inputs.map { input in
                let fold = scorer.model.fold(of: input.document.foldID)
                // The stored language, or the heuristics' of this pass; without either (heuristics not
                // scored), it is told from the same segmentation.
                let known = input.document.storedLanguage ?? input.analysis.knownLanguage?.language
                let (vector, told) = extractor.vector(input.analysis, identifyLanguage: known == nil)
                return Scored(language: known ?? told.language, fold: fold, score: scorer.score(vector, fold: fold))
            }
        }
    }

    public func write(_ documents: [PassDocument], _ results: [any Sendable]) throws {
        for (document, result) in zip(documents, results) {
            let scored = result as! Scored
            insert.bind(1, modelID)
            insert.bind(2, document.seq)
            insert.bind(3, document.id)
            insert.bind(4, scored.language)
            insert.bind(5, scored.fold)
            insert.bind(6, scored.score)
            try insert.run()
            self.documents += 1
            bytes += Int64(document.bytes)
        }
    }
}
