import Core
import Foundation
import Store

/// cc_net's per-language cut-offs over the perplexities of several partition stores, equal to what
/// `PerplexityScorer.cutoffs` gives on one store holding them all, without gathering or merging the
/// scores. A rank statistic needs only the values: each partition's values are read in order from the
/// covering index `perplexity_language` (8 bytes a document, no table lookups, no sort), counted into
/// bins of their bit pattern (`Bins`); the bins summed over the partitions say which bin holds each
/// wanted rank, and only that bin's values are fetched again (an index range) to read the exact value.
/// Memory is one count per non-empty bin; a merged stream of every score cost 8.3 µs a document here.
public enum PartitionedCutoffs {
    public static func compute(partitions: [String], modelID: Int64) throws -> [PerplexityCutoff] {
        let connections = try partitions.map { try SQLiteConnection(path: $0, readOnly: true) }
        // 1. Each language's documents and bits per byte summed, from every partition.
        var totals: [String: (documents: Int, bits: Int64)] = [:]
        for connection in connections {
            let statement = try connection.prepare("""
                SELECT language, count(*), sum(CAST(round(bits_per_byte * \(PerplexityScorer.bitsScale)) AS INTEGER))
                FROM perplexity WHERE +model_id = ? GROUP BY language
                """) // `+`: a scan of the table, not a lookup from the index for every row (5 times slower)
            statement.bind(1, modelID)
            while try statement.step() {
                let language = statement.text(0) ?? "other"
                totals[language, default: (0, 0)].documents += statement.int(1)
                totals[language, default: (0, 0)].bits += statement.int64(2)
            }
        }
        let ordered = try connections.map { connection -> SQLiteStatement in
            try connection.prepare("SELECT perplexity FROM perplexity WHERE model_id = ? AND language = ? ORDER BY perplexity")
        }
        let ranged = try connections.map { connection -> SQLiteStatement in
            try connection.prepare("SELECT perplexity FROM perplexity WHERE model_id = ? AND language = ? AND perplexity BETWEEN ? AND ?")
        }
        var result: [PerplexityCutoff] = []
        for language in totals.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let (n, bits) = totals[language]!
            // 2. The language's histogram over every partition (each stream sorted: bins arrive in runs).
            var counts: [UInt64: Int] = [:]
            for statement in ordered {
                statement.bind(1, modelID)
                statement.bind(2, language)
                var run: (bin: UInt64, count: Int)?
                while try statement.step() {
                    let bin = Bins.bin(statement.double(0))
                    if run?.bin == bin { run!.count += 1; continue }
                    if let run { counts[run.bin, default: 0] += run.count }
                    run = (bin, 1)
                }
                if let run { counts[run.bin, default: 0] += run.count }
                statement.reset()
            }
            let bins = counts.keys.sorted()
            var before: [UInt64: Int] = [:] // documents in lower bins
            var running = 0
            for bin in bins {
                before[bin] = running
                running += counts[bin]!
            }
            // 3. The bin of each wanted rank (1-based), then its values, sorted, from every partition.
            var values: [UInt64: [Double]] = [:]
            func valueAt(rank: Int) throws -> (value: Double, bin: UInt64) {
                let bin = bins.first { before[$0]! + counts[$0]! >= rank }!
                if values[bin] == nil {
                    var inBin: [Double] = []
                    let (low, high) = Bins.range(bin)
                    for statement in ranged {
                        statement.bind(1, modelID)
                        statement.bind(2, language)
                        statement.bind(3, low)
                        statement.bind(4, high)
                        while try statement.step() { inBin.append(statement.double(0)) }
                        statement.reset()
                    }
                    values[bin] = inBin.sorted()
                }
                return (values[bin]![rank - before[bin]! - 1], bin)
            }
            /// Documents with a value at most `value`, which lies in `bin`.
            func atMost(_ value: Double, bin: UInt64) -> Int { before[bin]! + values[bin]!.prefix { $0 <= value }.count }
            // The rank (1-based) of the nearest-rank percentile p among n values, as `nearestRankPercentile`.
            func rank(_ p: Double) -> Int { max(0, min(n - 1, Int((p * Double(n)).rounded(.up)) - 1)) + 1 }
            let p30 = try valueAt(rank: rank(0.3)), p60 = try valueAt(rank: rank(0.6))
            var cutoff = PerplexityCutoff(language: language, documents: n, p30: p30.value, p60: p60.value)
            cutoff.medianPerplexity = try valueAt(rank: n / 2 + 1).value
            cutoff.meanBitsPerByte = PerplexityScorer.meanBits(sum: bits, documents: n)
            cutoff.head = atMost(p30.value, bin: p30.bin)
            cutoff.middle = atMost(p60.value, bin: p60.bin) - cutoff.head
            cutoff.tail = n - cutoff.head - cutoff.middle
            result.append(cutoff)
        }
        return result
    }

    /// Bins of doubles by the top 24 bits of an order-preserving form of their bit pattern (sign,
    /// exponent and 12 bits of mantissa): a bin spans a value range 1/4096 wide relative to its values,
    /// so about 4,096 bins an octave, and whatever the spread of the scores a bin holds a small share.
    enum Bins {
        static let shift: UInt64 = 40

        /// The bit pattern as an unsigned integer that sorts as the doubles do.
        static func key(_ value: Double) -> UInt64 {
            let bits = value.bitPattern
            return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
        }

        static func value(_ key: UInt64) -> Double {
            Double(bitPattern: key >> 63 == 1 ? key & ~(1 << 63) : ~key)
        }

        static func bin(_ value: Double) -> UInt64 { key(value) >> shift }

        /// The smallest and largest double of a bin.
        static func range(_ bin: UInt64) -> (Double, Double) {
            (value(bin << shift), value((bin << shift) | ((1 << shift) - 1)))
        }
    }
}
