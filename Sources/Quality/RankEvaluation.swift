import Core
import Foundation
import Store

/// How well one signal ranks the labelled documents.
public struct SignalEvaluation: Codable, Sendable {
    public var name: String
    /// "higher" or "lower": which values the signal calls better (statistics: higher, as stored).
    public var better: String
    /// Labelled documents that have a value (the rest rank last, tied).
    public var documents: Int
    /// ROC AUC (concordance for graded labels) over every labelled document, and per language.
    public var auc: Double?
    public var aucByLanguage: [String: Double] = [:]
    /// The good share (mean grade) of the best 10, 30 and 50% of the labelled documents.
    public var top10: Double?
    public var top30: Double?
    public var top50: Double?
    public var top30ByLanguage: [String: Double] = [:]
    /// The ROC curve, at most 101 points (false-positive rate, true-positive rate), for the report.
    public var curve: [[Double]] = []
}

/// What `curate rank-eval` measured.
public struct RankEvaluationReport: Codable, Sendable {
    public var labels: String
    public var records: Int
    public var matched: Int
    public var unmatched: Int
    /// Label rows naming a document another row already named.
    public var repeated: Int
    public var graded: Bool
    public var good: Int
    public var bad: Int
    /// Labelled documents per language, and the good ones among them.
    public var languages: [String: [Int]] = [:]
    public var signals: [SignalEvaluation] = []
    /// The first few label rows that matched no document ("file:line: id").
    public var firstUnmatched: [String] = []

    /// The languages, most labelled documents first (then by name).
    public var languagesByCount: [String] {
        languages.keys.sorted { (languages[$0]?[0] ?? 0, $1) > (languages[$1]?[0] ?? 0, $0) }
    }
}

/// Matches labelled documents to the store and measures every stored signal on them: the learned
/// quality score, reference perplexity and bits per byte, the Moore–Lewis difference, the filters' verdict, each heuristic
/// statistic on its own, and optionally an export's order.
public final class RankEvaluator {
    private let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// - Parameters:
    ///   - only: signal names (or prefixes such as `c4` or `stats`) to measure; nil = all.
    ///   - exportOrder: curate ids in an export's order, measured as the signal `export`.
    public func evaluate(labels records: [LabelRecord], path: String, only: [String]?, exportOrder: [Int64]?) throws -> RankEvaluationReport {
        let lookup = try DocumentLookup(store: store)
        var report = RankEvaluationReport(labels: path, records: records.count, matched: 0, unmatched: 0, repeated: 0, graded: false, good: 0, bad: 0)
        var labelled: [(seq: Int64, id: Int64, label: Double)] = []
        var seen = Set<Int64>()
        for record in records {
            guard let match = lookup.find(record.document) else {
                report.unmatched += 1
                if report.firstUnmatched.count < 5 {
                    if case .id(let id) = record.document { report.firstUnmatched.append("\(path):\(record.line): \(id)") }
                    else { report.firstUnmatched.append("\(path):\(record.line): (text)") }
                }
                continue
            }
            guard seen.insert(match.seq).inserted else { report.repeated += 1; continue }
            labelled.append((match.seq, match.id, record.label))
        }
        report.matched = labelled.count
        report.graded = LabelFiles.isGraded(records)
        report.good = labelled.filter { $0.label == 1 }.count
        report.bad = labelled.filter { $0.label == 0 }.count
        guard !labelled.isEmpty else { return report }

        let languages = try languagesOf(labelled.map(\.seq))
        for item in labelled {
            let language = languages[item.seq] ?? "other"
            var counts = report.languages[language] ?? [0, 0]
            counts[0] += 1
            if item.label == 1 { counts[1] += 1 }
            report.languages[language] = counts
        }
        var signals = try storedSignals()
        if let exportOrder {
            var position: [Int64: Double] = [:]
            for (rank, id) in exportOrder.enumerated() where position[id] == nil { position[id] = -Double(rank) }
            var values: [Int64: Double] = [:]
            for item in labelled { if let value = position[item.id] { values[item.seq] = value } }
            signals.insert(("export", "higher", { _ in values }), at: 0)
        }
        let wanted = only.map { names in signals.filter { signal in names.contains { signal.name == $0 || signal.name.hasPrefix($0 + ".") || ($0 == "stats" && signal.name.contains(".")) } } }
        let seqs = Set(labelled.map(\.seq))
        for (name, better, read) in wanted ?? signals {
            let values = try read(seqs)
            report.signals.append(Self.measure(name: name, better: better, labelled: labelled, values: values, languages: languages, graded: report.graded))
        }
        return report
    }

    /// A signal: its name, which values are better, and a reader of its values for a set of seqs.
    typealias Signal = (name: String, better: String, read: (Set<Int64>) throws -> [Int64: Double])

    private func storedSignals() throws -> [Signal] {
        let connection = store.connection
        var signals: [Signal] = []
        // The value columns of one query (seq first), read once, on first use, for the seqs asked for.
        final class Columns {
            var values: [[Int64: Double]]?
        }
        func columns(_ sql: String, count: Int) -> [(Set<Int64>) throws -> [Int64: Double]] {
            let read = Columns()
            return (0..<count).map { index in
                { seqs in
                    if read.values == nil {
                        var values = [[Int64: Double]](repeating: [:], count: count)
                        let statement = try connection.prepare(sql)
                        while try statement.step() {
                            let seq = statement.int64(0)
                            guard seqs.contains(seq) else { continue }
                            for k in 0..<count where !statement.isNull(Int32(1 + k)) { values[k][seq] = statement.double(Int32(1 + k)) }
                        }
                        read.values = values
                    }
                    return read.values![index]
                }
            }
        }
        func column(_ sql: String) -> (Set<Int64>) throws -> [Int64: Double] { columns(sql, count: 1)[0] }
        if let quality = try QualityStoreScorer.latestModel(store: store) {
            if try connection.scalarInt("SELECT EXISTS (SELECT 1 FROM combined_scores WHERE model_id = \(quality.id))") == 1 {
                signals.append(("combined", "higher", column("SELECT seq, score FROM combined_scores WHERE model_id = \(quality.id)")))
            }
            signals.append(("quality", "higher", column("SELECT seq, score FROM quality_scores WHERE model_id = \(quality.id)")))
        }
        if let lm = try store.latestReferenceModelID(scored: true) {
            signals.append(("perplexity", "lower", column("SELECT seq, perplexity FROM perplexity WHERE model_id = \(lm)")))
            signals.append(("bits_per_byte", "lower", column("SELECT seq, bits_per_byte FROM perplexity WHERE model_id = \(lm)")))
            if let contrast = try store.latestContrastModelID(for: lm) {
                signals.append(("moore_lewis", "higher",
                                column("SELECT seq, difference FROM moore_lewis WHERE reference_id = \(lm) AND contrast_id = \(contrast)")))
            }
        }
        if try connection.scalarInt("SELECT EXISTS (SELECT 1 FROM filter_verdicts)") == 1 {
            signals.append(("filters.kept", "higher", column("SELECT seq, kept FROM filter_verdicts")))
        }
        let tables = try connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'stats\\_%' ESCAPE '\\' ORDER BY name")
        var names: [String] = []
        while try tables.step() { if let name = tables.text(0) { names.append(name) } }
        for table in names {
            guard try connection.scalarInt("SELECT EXISTS (SELECT 1 FROM \(table))") == 1 else { continue }
            let info = try connection.prepare("PRAGMA table_info(\(table))")
            var statistics: [String] = []
            while try info.step() {
                guard let columnName = info.text(1), columnName != "seq", columnName != "document_id" else { continue }
                statistics.append(columnName)
            }
            // One scan of the table serves all of its statistics.
            let readers = columns("SELECT seq, \(statistics.joined(separator: ", ")) FROM \(table)", count: statistics.count)
            for (columnName, reader) in zip(statistics, readers) {
                signals.append(("\(table.dropFirst("stats_".count)).\(columnName)", "higher", reader))
            }
        }
        return signals
    }

    /// The language of each document: its detected language, else the one a scorer recorded.
    private func languagesOf(_ seqs: [Int64]) throws -> [Int64: String] {
        let wanted = Set(seqs)
        var languages: [Int64: String] = [:]
        for sql in ["SELECT seq, language FROM document_language", "SELECT seq, language FROM quality_scores", "SELECT seq, language FROM perplexity"] {
            let statement = try store.connection.prepare(sql)
            while try statement.step() {
                let seq = statement.int64(0)
                if wanted.contains(seq), languages[seq] == nil, let language = statement.text(1) { languages[seq] = language }
            }
            if languages.count == wanted.count { break }
        }
        return languages
    }

    static func measure(name: String, better: String, labelled: [(seq: Int64, id: Int64, label: Double)], values: [Int64: Double],
                        languages: [Int64: String], graded: Bool) -> SignalEvaluation {
        // Oriented so that larger is better; documents without a value rank last.
        let sign = better == "lower" ? -1.0 : 1.0
        let scored = labelled.map { item in (score: values[item.seq].map { sign * $0 } ?? -.infinity, label: item.label, tieBreak: item.id, seq: item.seq) }
        func auc(_ items: [(score: Double, label: Double, tieBreak: Int64, seq: Int64)]) -> Double? {
            graded ? RankMetrics.concordance(items.map { ($0.score, $0.label) }) : RankMetrics.auc(items.map { ($0.score, $0.label == 1) })
        }
        var evaluation = SignalEvaluation(name: name, better: better, documents: values.count)
        evaluation.auc = auc(scored)
        let triples = scored.map { (score: $0.score, label: $0.label, tieBreak: $0.tieBreak) }
        evaluation.top10 = RankMetrics.topShare(triples, fraction: 0.1)
        evaluation.top30 = RankMetrics.topShare(triples, fraction: 0.3)
        evaluation.top50 = RankMetrics.topShare(triples, fraction: 0.5)
        let byLanguage = Dictionary(grouping: scored) { languages[$0.seq] ?? "other" }
        for (language, items) in byLanguage {
            if let value = auc(items) { evaluation.aucByLanguage[language] = value }
            if let share = RankMetrics.topShare(items.map { (score: $0.score, label: $0.label, tieBreak: $0.tieBreak) }, fraction: 0.3) {
                evaluation.top30ByLanguage[language] = share
            }
        }
        if !graded {
            let curve = RankMetrics.rocCurve(scored.map { ($0.score, $0.label == 1) })
            let step = max(1, curve.count / 100)
            evaluation.curve = stride(from: 0, to: curve.count, by: step).map { [curve[$0].0, curve[$0].1] }
            if let last = curve.last, evaluation.curve.last != [last.0, last.1] { evaluation.curve.append([last.0, last.1]) }
        }
        return evaluation
    }
}
