import Core
import Foundation
import Quality
import Store

/// What `score --metric quality` wrote for the combined ranking.
public struct CombinedScoreSummary: Codable, Sendable {
    public var modelID: Int64 = 0
    public var documents = 0
    public var signals: [String] = []
    /// Documents scored without the reference's, the contrast's or the statistics' values.
    public var missing: [String: Int] = [:]
}

/// Writes `combined_scores`: for every document with a score under the quality model, its stacked
/// model's score over the stored signals — read by one join in seq order, no text read — with the fold
/// of its quality score (the fits that did not see it), then the per-language percentiles. One
/// transaction: a killed run leaves the table as it was, and the next run writes it whole.
public enum CombinedScorer {
    public static func run(store: Store, modelID: Int64, model stacked: StackedModel) throws -> CombinedScoreSummary {
        let layout = SignalLayout(model: stacked)
        var summary = CombinedScoreSummary(modelID: modelID, signals: stacked.names)
        var columns = ["q.seq", "q.document_id", "q.language", "q.fold", "q.score"]
        var joins: [String] = []
        if let reference = layout.reference {
            columns += ["p.perplexity", "p.bits_per_byte"]
            joins.append("LEFT JOIN perplexity p ON p.model_id = \(reference) AND p.seq = q.seq")
        }
        if let reference = layout.reference, let contrast = layout.contrast {
            columns.append("l.difference")
            joins.append("LEFT JOIN moore_lewis l ON l.reference_id = \(reference) AND l.contrast_id = \(contrast) AND l.seq = q.seq")
        }
        for (index, table) in layout.statistics.enumerated() {
            columns.append("s\(index).seq")
            columns += table.columns.map { "s\(index).\($0)" }
            joins.append("LEFT JOIN stats_\(table.filter) s\(index) ON s\(index).seq = q.seq")
        }
        let read = try store.connection.prepare("""
            SELECT \(columns.joined(separator: ", ")) FROM quality_scores q \(joins.joined(separator: " "))
            WHERE q.model_id = \(modelID) ORDER BY q.seq
            """)
        // Read and written in one pass (the scan reads other tables than the one written), one row at a
        // time: memory stays flat whatever the number of documents.
        try store.connection.transaction {
            try store.connection.execute("DELETE FROM combined_scores WHERE model_id = \(modelID)")
            let insert = try store.connection.prepare("""
                INSERT INTO combined_scores (model_id, seq, document_id, language, fold, score) VALUES (?, ?, ?, ?, ?, ?)
                """)
            while try read.step() {
                var column: Int32 = 5
                func value() -> Double? {
                    defer { column += 1 }
                    return read.isNull(column) ? nil : read.double(column)
                }
                let language = read.text(2) ?? "other"
                var perplexity: (Double, Double)?
                if layout.reference != nil {
                    let pp = value(), bpb = value()
                    if let pp, let bpb { perplexity = (pp, bpb) } else { summary.missing["perplexity", default: 0] += 1 }
                }
                var mooreLewis: Double?
                if layout.contrast != nil {
                    mooreLewis = value()
                    if mooreLewis == nil { summary.missing["moore_lewis", default: 0] += 1 }
                }
                var statistics: [Double]? = []
                for table in layout.statistics {
                    let present = value() != nil
                    let values = table.columns.map { _ in value() ?? 0 }
                    if present { statistics?.append(contentsOf: values) } else { statistics = nil }
                }
                if !layout.statistics.isEmpty && statistics == nil { summary.missing["statistics", default: 0] += 1 }
                let raw = layout.assemble(quality: read.double(4), perplexity: perplexity, mooreLewis: mooreLewis,
                                          statistics: layout.statistics.isEmpty ? nil : statistics, language: language)
                let fold = Int(read.int64(3))
                insert.bind(1, modelID)
                insert.bind(2, read.int64(0))
                insert.bind(3, read.int64(1))
                insert.bind(4, language)
                insert.bind(5, Int64(fold))
                insert.bind(6, stacked.score(raw, fold: fold))
                try insert.run()
                summary.documents += 1
            }
            try store.assignPercentiles(table: "combined_scores", modelID: modelID)
        }
        return summary
    }
}
