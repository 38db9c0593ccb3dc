import Core
import Foundation
import Store

/// cc_net's per-language cut-offs over the perplexities of several partition stores, as
/// `PerplexityScorer.cutoffs` computes them on one store, without gathering the scores: each partition
/// gives its per-language counts, then its scores in sorted order, and the streams are merged (memory:
/// one row per partition), the percentiles taken at their ranks as they pass.
public enum PartitionedCutoffs {
    public static func compute(partitions: [String], modelID: Int64) throws -> [PerplexityCutoff] {
        // 1. How many documents each language has in all.
        var counts: [String: Int] = [:]
        for path in partitions {
            let connection = try SQLiteConnection(path: path, readOnly: true)
            let statement = try connection.prepare("SELECT language, count(*) FROM perplexity WHERE model_id = ? GROUP BY language")
            statement.bind(1, modelID)
            while try statement.step() { counts[statement.text(0) ?? "other", default: 0] += statement.int(1) }
        }
        // 2. Every partition's scores, by language then perplexity (ties by document id, so that the sum of
        // bits per byte is taken in one order whatever the partitioning), merged.
        let connections = try partitions.map { try SQLiteConnection(path: $0, readOnly: true) }
        let cursors = try connections.map { connection -> SQLiteStatement in
            let statement = try connection.prepare("""
                SELECT language, perplexity, bits_per_byte, document_id FROM perplexity WHERE model_id = ?
                ORDER BY language, perplexity, document_id
                """)
            statement.bind(1, modelID)
            return statement
        }
        struct Head { var language: String; var perplexity: Double; var bits: Double; var id: Int64 }
        func read(_ index: Int) throws -> Head? {
            let statement = cursors[index]
            guard try statement.step() else { return nil }
            return Head(language: statement.text(0) ?? "other", perplexity: statement.double(1), bits: statement.double(2), id: statement.int64(3))
        }
        func precedes(_ a: Head, _ b: Head) -> Bool {
            if a.language != b.language { return a.language.utf8.lexicographicallyPrecedes(b.language.utf8) }
            if a.perplexity != b.perplexity { return a.perplexity < b.perplexity }
            return a.id < b.id
        }
        var merge = KWayMerge(heads: try cursors.indices.map(read), by: precedes)
        var result: [PerplexityCutoff] = []
        var current: (cutoff: PerplexityCutoff, rank: Int, bits: Double)?
        func close() {
            guard var (cutoff, _, bits) = current else { return }
            cutoff.meanBitsPerByte = bits / Double(cutoff.documents)
            cutoff.tail = cutoff.documents - cutoff.head - cutoff.middle
            result.append(cutoff)
            current = nil
        }
        // The rank (1-based) of the nearest-rank percentile p among n values, as `nearestRankPercentile`.
        func rank(_ p: Double, _ n: Int) -> Int { max(0, min(n - 1, Int((p * Double(n)).rounded(.up)) - 1)) + 1 }
        while let (index, head) = merge.first {
            merge.advance(try read(index))
            if current?.cutoff.language != head.language {
                close()
                current = (PerplexityCutoff(language: head.language, documents: counts[head.language] ?? 0, p30: 0, p60: 0), 0, 0)
            }
            current!.rank += 1
            current!.bits += head.bits
            let n = current!.cutoff.documents, r = current!.rank
            if r == rank(0.3, n) { current!.cutoff.p30 = head.perplexity }
            if r == rank(0.6, n) { current!.cutoff.p60 = head.perplexity }
            if r == n / 2 + 1 { current!.cutoff.medianPerplexity = head.perplexity }
            // Sorted: a value is at most p30 when its rank is at most p30's or it equals it.
            if r <= rank(0.3, n) || head.perplexity <= current!.cutoff.p30 {
                current!.cutoff.head += 1
            } else if r <= rank(0.6, n) || head.perplexity <= current!.cutoff.p60 {
                current!.cutoff.middle += 1
            }
        }
        close()
        return result
    }
}
