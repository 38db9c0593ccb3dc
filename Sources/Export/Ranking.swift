import Core
import Foundation
import Store

/// Why documents are not in the ranking.
public struct ExclusionCounts: Codable, Sendable, Equatable {
    public var documents = 0
    /// Byte-identical copies (ingest).
    public var ingestDuplicates = 0
    /// Near and normalised duplicates (dedup).
    public var dedupDuplicates = 0
    /// Dropped by the heuristic filters.
    public var filtered = 0
    /// Without the metric(s) of the score.
    public var unscored = 0
    /// What is left, ranked.
    public var ranked = 0
}

/// Builds `export_ranking`: the documents that may be exported, each with its score and the key that
/// orders them best first. One SQL pass streams the metric values; a second one writes the keys.
struct Ranking {
    let store: Store
    let options: ExportOptions

    /// The newest reference model (perplexity metrics are read under it).
    func modelID() throws -> Int64? {
        try store.connection.scalarInt("SELECT id FROM lm_models ORDER BY created_at DESC, id DESC LIMIT 1")
    }

    /// Which of the scored documents `x` may be exported: not a dedup duplicate, not dropped by the
    /// filters (ingest's duplicates have no scores).
    func eligibility() -> String {
        options.includeFailed ? "1" : """
            NOT EXISTS (SELECT 1 FROM dedup_clusters c WHERE c.seq = x.seq AND c.duplicate_of IS NOT NULL)
            AND NOT EXISTS (SELECT 1 FROM filter_verdicts v WHERE v.seq = x.seq AND v.kept = 0)
            """
    }

    func build() throws -> ExclusionCounts {
        let connection = store.connection
        let metrics = try options.metrics()
        let model = try modelID() ?? -1
        var counts = ExclusionCounts()
        counts.documents = Int(try connection.scalarInt("SELECT count(*) FROM documents") ?? 0)
        if !options.includeFailed {
            counts.ingestDuplicates = Int(try connection.scalarInt("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL") ?? 0)
            counts.dedupDuplicates = Int(try connection.scalarInt(
                "SELECT count(*) FROM dedup_clusters c JOIN documents d ON d.seq = c.seq WHERE c.duplicate_of IS NOT NULL AND d.duplicate_of IS NULL") ?? 0)
            counts.filtered = Int(try connection.scalarInt("""
                SELECT count(*) FROM filter_verdicts v JOIN documents d ON d.seq = v.seq
                WHERE v.kept = 0 AND d.duplicate_of IS NULL
                  AND NOT EXISTS (SELECT 1 FROM dedup_clusters c WHERE c.seq = d.seq AND c.duplicate_of IS NOT NULL)
                """) ?? 0)
        }

        // The values of each metric, for the eligible documents that have all of them.
        let present = metrics.indices.map { "m\($0) IS NOT NULL" }.joined(separator: " AND ")
        let aliases = metrics.indices.map { "m\($0)" }.joined(separator: ", ")
        // Starting from the first metric's table keeps the scan off the documents table (its pages hold
        // the texts); the other metrics, the language and the perplexity are lookups by key.
        let languageSQL = "coalesce(x.language, (SELECT l.language FROM document_language l WHERE l.seq = x.seq))"
        let values = """
            SELECT seq, document_id, \(aliases), language, pp FROM (
                SELECT x.seq AS seq, x.document_id AS document_id, \(metrics.indices.map { "\(metrics[$0].0.sql) AS m\($0)" }.joined(separator: ", ")),
                       \(languageSQL) AS language, \(QualityMetric.perplexity.sql) AS pp
                FROM (\(metrics[0].0.documents)) x WHERE \(eligibility())
            ) WHERE \(present)
            """

        // Mean and standard deviation of each (transformed) metric, for combined or sampled scores.
        let normalise = metrics.count > 1 || options.sampleTemperature != nil
        var mean = [Double](repeating: 0, count: metrics.count), deviation = [Double](repeating: 1, count: metrics.count)
        let read = try connection.prepare(values)
        read.bind(1, model)
        if normalise {
            var sum = [Double](repeating: 0, count: metrics.count), squares = sum
            var n = 0.0
            while try read.step() {
                n += 1
                for index in metrics.indices {
                    let value = metrics[index].0.transformed(read.double(Int32(2 + index)))
                    sum[index] += value
                    squares[index] += value * value
                }
            }
            read.reset()
            read.bind(1, model) // reset clears the bindings
            if n > 0 {
                for index in metrics.indices {
                    mean[index] = sum[index] / n
                    let variance = max(0, squares[index] / n - mean[index] * mean[index])
                    deviation[index] = variance > 0 ? variance.squareRoot() : 1
                }
            }
        }

        try connection.transaction {
            // The index is built after the rows are in: one sort instead of a random insert per row.
            try connection.execute("DROP INDEX IF EXISTS export_ranking_order; DELETE FROM export_ranking")
            if !normalise {
                // One metric in its own direction: SQLite copies the values across in one statement.
                read.reset()
                let key = metrics[0].0.lowerIsBetter == (metrics[0].1 > 0) ? "m0" : "-m0"
                let copy = try connection.prepare(
                    "INSERT INTO export_ranking (seq, document_id, score, sort_key, language, perplexity) SELECT seq, document_id, m0, \(key), language, pp FROM (\(values))")
                copy.bind(1, model)
                try copy.run()
            } else {
                let insert = try connection.prepare(
                    "INSERT INTO export_ranking (seq, document_id, score, sort_key, language, perplexity) VALUES (?, ?, ?, ?, ?, ?)")
                while try read.step() {
                    let seq = read.int64(0), id = read.int64(1)
                    let raw = metrics.indices.map { read.double(Int32(2 + $0)) }
                    // Quality: Σ weight · (z-score, signed so that better is larger).
                    var quality = 0.0
                    for (index, (metric, weight)) in metrics.enumerated() {
                        let z = (metric.transformed(raw[index]) - mean[index]) / deviation[index]
                        quality += weight * (metric.lowerIsBetter ? -z : z)
                    }
                    let key: Double
                    if let temperature = options.sampleTemperature {
                        // Gumbel-top-k: the k largest quality/T + Gumbel noise are a sample without
                        // replacement with probabilities ∝ exp(quality / T).
                        key = -(quality / temperature + Self.gumbel(seed: options.seed, id: id))
                    } else {
                        key = -quality
                    }
                    insert.bind(1, seq)
                    insert.bind(2, id)
                    insert.bind(3, metrics.count == 1 ? raw[0] : quality)
                    insert.bind(4, key)
                    let language = 2 + Int32(metrics.count)
                    insert.bind(5, read.text(language))
                    if read.isNull(language + 1) { insert.bindNull(6) } else { insert.bind(6, read.double(language + 1)) }
                    try insert.run()
                }
                read.reset()
            }
            if options.perLanguage && options.sampleTemperature == nil {
                // The key becomes the document's percentile within its language: 0 for each language's best.
                try connection.execute("""
                    UPDATE export_ranking SET sort_key = r.percentile
                    FROM (SELECT seq, percent_rank() OVER (PARTITION BY coalesce(language, '') ORDER BY sort_key, document_id) AS percentile
                          FROM export_ranking) r
                    WHERE r.seq = export_ranking.seq
                    """)
            }
            try connection.execute("CREATE INDEX export_ranking_order ON export_ranking(sort_key, document_id)")
            if options.order == .random {
                try connection.defineMixFunction()
                try connection.execute("UPDATE export_ranking SET shuffle = curate_mix(\(Int64(bitPattern: options.seed ^ 0x5EED)), document_id)")
            }
        }
        counts.ranked = Int(try connection.scalarInt("SELECT count(*) FROM export_ranking") ?? 0)
        // The reasons are disjoint (each count excludes the ones before it): the rest had no score.
        counts.unscored = counts.documents - counts.ingestDuplicates - counts.dedupDuplicates - counts.filtered - counts.ranked
        return counts
    }

    /// A standard Gumbel variate, fixed per seed and document.
    static func gumbel(seed: UInt64, id: Int64) -> Double {
        let u = (Double(splitMix(seed, UInt64(bitPattern: id)) >> 11) + 0.5) / Double(1 << 53) // in (0, 1)
        return -log(-log(u))
    }
}
