import Core
import Foundation
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

    struct Scored: Sendable {
        var seq: Int64
        var id: Int64
        var bytes: Int
        var language: String
        var fold: Int
        var score: Double
    }

    public func run() throws -> QualityScoreSummary {
        let started = DispatchTime.now()
        var summary = QualityScoreSummary()
        summary.modelID = modelID
        summary.folds = model.header.folds
        let total = try store.countUnscored(table: "quality_scores", modelID: modelID)
        if total > 0 { try score(total: total, summary: &summary) }
        try assignPercentiles()
        summary.languages = try Self.languages(store: store, modelID: modelID)
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return summary
    }

    private func score(total: Int64, summary: inout QualityScoreSummary) throws {
        let path = store.path
        let insert = try store.connection.prepare("""
            INSERT OR REPLACE INTO quality_scores (model_id, seq, document_id, language, fold, score, percentile)
            VALUES (?, ?, ?, ?, ?, ?, NULL)
            """)
        let transaction = GroupedTransaction(store: store, interval: commitInterval)
        defer { transaction.rollback() }
        var progress = ProgressMeter(stage: "score", total: total, measure: .documents)
        let scorer = QualityScorer(model: model)
        let settings = model.header.features
        let modelID = self.modelID

        try OrderedPipeline.run(
            workers: max(1, threads),
            capacity: max(1, threads) * 2 + 2,
            produce: { emit in try Store.readUnscored(path: path, table: "quality_scores", modelID: modelID, emit: emit) },
            makeWorker: {
                let extractor = FeatureExtractor(settings: settings)
                let decompressor = ZstdDecompressor()
                return { (batch: [PendingDocument]) throws -> [Scored] in
                    try batch.map { pending in
                        let text = try pending.text(with: decompressor)
                        return text.withUnsafeBytes { bytes in
                            let fold = scorer.model.fold(of: pending.foldID)
                            // Without a stored language (heuristics not scored), it is told from the same segmentation.
                            let (vector, language) = pending.language.map { (extractor.vector(bytes), $0) }
                                ?? { let analysed = extractor.analyze(bytes); return (analysed.vector, analysed.language.language) }()
                            return Scored(seq: pending.seq, id: pending.id, bytes: text.count, language: language, fold: fold,
                                          score: scorer.score(vector, fold: fold))
                        }
                    }
                }
            },
            consume: { batch in
                try transaction.write {
                    for scored in batch {
                        insert.bind(1, modelID)
                        insert.bind(2, scored.seq)
                        insert.bind(3, scored.id)
                        insert.bind(4, scored.language)
                        insert.bind(5, scored.fold)
                        insert.bind(6, scored.score)
                        try insert.run()
                    }
                }
                for scored in batch {
                    summary.documents += 1
                    summary.bytes += Int64(scored.bytes)
                }
                progress.update(done: Int64(summary.documents), documents: Int64(summary.documents), bytes: summary.bytes)
                if progress.due { console.progress(progress.line) }
            })
        try transaction.commit()
        console.clearProgress()
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
