import Core
import Dispatch
import Foundation
import Store
import Text

/// Options of `curate score --metric heuristics`.
public struct HeuristicScoreOptions: Sendable {
    /// The filters whose statistics to measure.
    public var filterNames: [String] = heuristicFilters.map { $0.name }
    public var selection: ProfileSelection
    /// Measure again documents that already have statistics (after changing statistic parameters).
    public var rescore = false
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    public var commitInterval = 1.0

    public init(selection: ProfileSelection) {
        self.selection = selection
    }
}

/// What one scoring run did.
public struct HeuristicScoreSummary: Codable, Sendable {
    public var documents = 0
    public var bytes: Int64 = 0
    public var seconds = 0.0
    /// Documents scored per detected language and per profile.
    public var languages: [String: Int] = [:]
    public var profiles: [String: Int] = [:]
}

/// `curate score --metric heuristics`: measures the filters' statistics for every document that lacks
/// them (exact duplicates excluded: they share their first copy's), on all cores, and stores them.
/// A killed run resumes where it stopped; the results do not depend on the thread count.
public final class HeuristicScorer {
    private let store: Store
    private let options: HeuristicScoreOptions
    private let console: Console
    private let filters: [any HeuristicFilter.Type]

    public init(store: Store, options: HeuristicScoreOptions, console: Console) {
        self.store = store
        self.options = options
        self.console = console
        filters = heuristicFilters.filter { options.filterNames.contains($0.name) }
    }

    /// One document read from the store.
    struct Pending: Sendable {
        var seq: Int64
        var id: Int64
        var codec: Int
        var stored: [UInt8]
        var hash: [UInt8]
    }

    /// One document measured.
    struct Measured: Sendable {
        var seq: Int64
        var id: Int64
        var bytes: Int
        var language: LanguageGuess
        var profile: String
        var values: [[Double]]
    }

    public func run() throws -> HeuristicScoreSummary {
        let started = DispatchTime.now()
        if options.rescore {
            try store.connection.transaction {
                for filter in filters { try store.connection.execute("DELETE FROM stats_\(filter.name)") }
            }
        }
        let pendingSQL = pendingQuery()
        let total = try store.connection.scalarInt(
            "SELECT count(*) FROM documents d WHERE d.duplicate_of IS NULL AND (\(missingCondition))") ?? 0
        var summary = HeuristicScoreSummary()
        guard total > 0 else { return summary }

        let path = store.path
        let filterSet = FilterSet(filters)
        let selection = options.selection
        let inserts = try prepareInserts()
        let transaction = GroupedTransaction(store: store, interval: options.commitInterval)
        defer { transaction.rollback() }
        var progress = ProgressMeter(stage: "score", total: total, measure: .documents)

        try OrderedPipeline.run(
            workers: max(1, options.threads),
            capacity: max(1, options.threads) * 2 + 2,
            produce: { emit in
                try Store.readBatches(path: path, query: pendingSQL, row: { statement in
                    Pending(seq: statement.int64(0), id: statement.int64(1), codec: statement.int(2),
                            stored: Array(statement.blobBytes(3)), hash: Array(statement.blobBytes(4)))
                }, emit: emit)
            },
            makeWorker: {
                let analyzer = TextAnalyzer()
                let identifier = ScriptStopWordIdentifier()
                let decompressor = ZstdDecompressor()
                return { (batch: [Pending]) throws -> [Measured] in
                    try batch.map { pending in
                        let text = try StoredText.decode(pending.stored, codec: pending.codec, hash: pending.hash, document: pending.id, with: decompressor).get()
                        let measured = filterSet.measure(text, selection: selection, analyzer: analyzer, identifier: identifier)
                        return Measured(seq: pending.seq, id: pending.id, bytes: text.count, language: measured.language,
                                        profile: measured.profile, values: measured.values)
                    }
                }
            },
            consume: { batch in
                try transaction.write {
                    for measured in batch { try write(measured, inserts: inserts) }
                }
                for measured in batch {
                    summary.documents += 1
                    summary.bytes += Int64(measured.bytes)
                    summary.languages[measured.language.language, default: 0] += 1
                    summary.profiles[measured.profile, default: 0] += 1
                }
                progress.update(done: Int64(summary.documents), documents: Int64(summary.documents), bytes: summary.bytes)
                if progress.due { console.progress(progress.line) }
            })
        try transaction.commit()
        console.clearProgress()
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return summary
    }

    // MARK: SQL

    private var missingCondition: String {
        filters.map { "NOT EXISTS (SELECT 1 FROM stats_\($0.name) s WHERE s.seq = d.seq)" }.joined(separator: " OR ")
    }

    private func pendingQuery() -> String {
        """
        SELECT d.seq, d.id, d.codec, d.text, d.content_hash FROM documents d
        WHERE d.duplicate_of IS NULL AND d.seq > ? AND (\(missingCondition))
        ORDER BY d.seq LIMIT 256
        """
    }

    private struct Inserts {
        var language: SQLiteStatement
        var statistics: [SQLiteStatement]
    }

    private func prepareInserts() throws -> Inserts {
        let language = try store.connection.prepare("""
            INSERT OR REPLACE INTO document_language (seq, document_id, language, script, confidence, profile)
            VALUES (?, ?, ?, ?, ?, ?)
            """)
        let statistics = try filters.map { filter in
            let columns = filter.columns.map(\.name)
            return try store.connection.prepare("""
                INSERT OR REPLACE INTO stats_\(filter.name) (seq, document_id, \(columns.joined(separator: ", ")))
                VALUES (?, ?\(String(repeating: ", ?", count: columns.count)))
                """)
        }
        return Inserts(language: language, statistics: statistics)
    }

    private func write(_ measured: Measured, inserts: Inserts) throws {
        let language = inserts.language
        language.bind(1, measured.seq)
        language.bind(2, measured.id)
        language.bind(3, measured.language.language)
        language.bind(4, measured.language.script)
        language.bind(5, measured.language.confidence)
        language.bind(6, measured.profile)
        try language.run()
        for (index, filter) in filters.enumerated() {
            let statement = inserts.statistics[index]
            statement.bind(1, measured.seq)
            statement.bind(2, measured.id)
            let values = measured.values[index]
            for column in filter.columns.indices {
                let parameter = Int32(column + 3)
                if filter.columns[column].isInteger {
                    statement.bind(parameter, Int64(values[column]))
                } else {
                    statement.bind(parameter, values[column])
                }
            }
            try statement.run()
        }
    }
}

/// The filters a run measures, handed to worker threads (metatypes of stateless enums).
struct FilterSet: @unchecked Sendable {
    let filters: [any HeuristicFilter.Type]

    init(_ filters: [any HeuristicFilter.Type]) {
        self.filters = filters
    }

    /// Every filter's statistics for one text, under the profile of its detected language.
    func measure(_ text: [UInt8], selection: ProfileSelection, analyzer: TextAnalyzer,
                 identifier: any LanguageIdentifier) -> (language: LanguageGuess, profile: String, values: [[Double]]) {
        let document = AnalyzedDocument(text: text, analyzer: analyzer, identifier: identifier)
        let profile = selection.profile(forLanguage: document.language.language)
        return (document.language, profile.name, filters.map { $0.measure(document, parameters: profile.statistics, analyzer: analyzer) })
    }
}

extension HeuristicScorer {
    /// The statistics of every filter for one text, as `score --metric heuristics` stores them (under the
    /// profile of the text's detected language), for texts that are not in a store.
    public static func measure(_ text: [UInt8], selection: ProfileSelection, analyzer: TextAnalyzer,
                               identifier: any LanguageIdentifier) -> (language: LanguageGuess, values: [String: [Double]]) {
        let measured = FilterSet(heuristicFilters).measure(text, selection: selection, analyzer: analyzer, identifier: identifier)
        var values: [String: [Double]] = [:]
        for (filter, filterValues) in zip(heuristicFilters, measured.values) { values[filter.name] = filterValues }
        return (measured.language, values)
    }
}
