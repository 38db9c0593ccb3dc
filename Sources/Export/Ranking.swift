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

    /// Which documents may be exported, and the counts of the others.
    func eligibility() -> String {
        options.includeFailed ? "1" : """
            d.duplicate_of IS NULL
            AND NOT EXISTS (SELECT 1 FROM dedup_clusters c WHERE c.seq = d.seq AND c.duplicate_of IS NOT NULL)
            AND NOT EXISTS (SELECT 1 FROM filter_verdicts v WHERE v.seq = d.seq AND v.kept = 0)
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
        let values = """
            SELECT seq, id, \(aliases) FROM (
                SELECT d.seq AS seq, d.id AS id, \(metrics.indices.map { "\(metrics[$0].0.sql) AS m\($0)" }.joined(separator: ", "))
                FROM documents d WHERE \(eligibility())
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

        let insert = try connection.prepare(
            "INSERT INTO export_ranking (seq, document_id, score, sort_key, shuffle) VALUES (?, ?, ?, ?, ?)")
        try connection.transaction {
            try connection.execute("DELETE FROM export_ranking")
            while try read.step() {
                let seq = read.int64(0), id = read.int64(1)
                let raw = metrics.indices.map { read.double(Int32(2 + $0)) }
                let score: Double, key: Double
                if normalise {
                    // Quality: Σ weight · (z-score, signed so that better is larger).
                    var quality = 0.0
                    for (index, (metric, weight)) in metrics.enumerated() {
                        let z = (metric.transformed(raw[index]) - mean[index]) / deviation[index]
                        quality += weight * (metric.lowerIsBetter ? -z : z)
                    }
                    score = metrics.count == 1 ? raw[0] : quality
                    if let temperature = options.sampleTemperature {
                        // Gumbel-top-k: the k largest quality/T + Gumbel noise are a sample without
                        // replacement with probabilities ∝ exp(quality / T).
                        key = -(quality / temperature + Self.gumbel(seed: options.seed, id: id))
                    } else {
                        key = -quality
                    }
                } else {
                    score = raw[0]
                    key = metrics[0].0.lowerIsBetter == (metrics[0].1 > 0) ? raw[0] : -raw[0]
                }
                insert.bind(1, seq)
                insert.bind(2, id)
                insert.bind(3, score)
                insert.bind(4, key)
                insert.bind(5, Int64(bitPattern: Self.mix(options.seed ^ 0x5EED, UInt64(bitPattern: id))))
                try insert.run()
            }
            read.reset()
        }
        counts.ranked = Int(try connection.scalarInt("SELECT count(*) FROM export_ranking") ?? 0)
        let eligible = Int(try connection.scalarInt("SELECT count(*) FROM documents d WHERE \(eligibility())") ?? 0)
        counts.unscored = eligible - counts.ranked
        return counts
    }

    /// splitmix64 of a seed and a document id: a fixed pseudo-random value per document.
    static func mix(_ seed: UInt64, _ value: UInt64) -> UInt64 {
        var z = seed &+ value &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard Gumbel variate, fixed per seed and document.
    static func gumbel(seed: UInt64, id: Int64) -> Double {
        let u = (Double(mix(seed, UInt64(bitPattern: id)) >> 11) + 0.5) / Double(1 << 53) // in (0, 1)
        return -log(-log(u))
    }
}
