import Core
import Dispatch
import Foundation
import ScorePass
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

    public init(store: Store, options: HeuristicScoreOptions, console: Console) {
        self.store = store
        self.options = options
        self.console = console
    }

    public func run() throws -> HeuristicScoreSummary {
        let measure = try HeuristicMeasure(store: store, filterNames: options.filterNames, selection: options.selection, rescore: options.rescore)
        let seconds = try MeasurePass.run(measure, store: store, threads: options.threads, commitInterval: options.commitInterval,
                                          console: console).seconds
        var summary = measure.summary
        summary.seconds = seconds
        return summary
    }
}

/// The heuristic filters' statistics as a measure of the scoring pass: each document's detected
/// language and profile (`document_language`) and every filter's statistics (`stats_<filter>`).
public final class HeuristicMeasure: DocumentMeasure, @unchecked Sendable { // statements are used on the writing thread only
    public let name = "heuristics"
    public let conditions: [String]
    private let filters: [any HeuristicFilter.Type]
    private let selection: ProfileSelection
    private let inserts: Inserts
    /// What the pass measured so far (documents, bytes, languages, profiles).
    public private(set) var summary = HeuristicScoreSummary()

    /// One document measured.
    struct Measured: Sendable {
        var language: LanguageGuess
        var profile: String
        var values: [[Double]]
    }

    /// With `rescore`, the filters' stored statistics are dropped first.
    public init(store: Store, filterNames: [String], selection: ProfileSelection, rescore: Bool) throws {
        let filters = heuristicFilters.filter { filterNames.contains($0.name) }
        self.filters = filters
        self.selection = selection
        if rescore {
            try store.connection.transaction {
                for filter in filters { try store.connection.execute("DELETE FROM stats_\(filter.name)") }
            }
        }
        conditions = [filters.map { "NOT EXISTS (SELECT 1 FROM stats_\($0.name) s WHERE s.seq = d.seq)" }.joined(separator: " OR ")]
        inserts = try Self.prepareInserts(store: store, filters: filters)
    }

    public func makeWorker() -> MeasureWorker {
        let filterSet = FilterSet(filters)
        let selection = self.selection
        return { inputs in
            inputs.map { input in
                let measured = filterSet.measure(AnalyzedDocument(analysis: input.analysis), selection: selection, analyzer: input.analysis.analyzer)
                return Measured(language: measured.language, profile: measured.profile, values: measured.values)
            }
        }
    }

    public func write(_ documents: [PassDocument], _ results: [any Sendable]) throws {
        for (document, result) in zip(documents, results) {
            let measured = result as! Measured
            try write(document, measured)
            summary.documents += 1
            summary.bytes += Int64(document.bytes)
            summary.languages[measured.language.language, default: 0] += 1
            summary.profiles[measured.profile, default: 0] += 1
        }
    }

    private struct Inserts {
        var language: SQLiteStatement
        var statistics: [SQLiteStatement]
    }

    private static func prepareInserts(store: Store, filters: [any HeuristicFilter.Type]) throws -> Inserts {
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

    private func write(_ document: PassDocument, _ measured: Measured) throws {
        let language = inserts.language
        language.bind(1, document.seq)
        language.bind(2, document.id)
        language.bind(3, measured.language.language)
        language.bind(4, measured.language.script)
        language.bind(5, measured.language.confidence)
        language.bind(6, measured.profile)
        try language.run()
        for (index, filter) in filters.enumerated() {
            let statement = inserts.statistics[index]
            statement.bind(1, document.seq)
            statement.bind(2, document.id)
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

    /// Every filter's statistics for one document, under the profile of its detected language.
    func measure(_ document: AnalyzedDocument, selection: ProfileSelection,
                 analyzer: TextAnalyzer) -> (language: LanguageGuess, profile: String, values: [[Double]]) {
        let profile = selection.profile(forLanguage: document.language.language)
        return (document.language, profile.name, filters.map { $0.measure(document, parameters: profile.statistics, analyzer: analyzer) })
    }
}

extension HeuristicScorer {
    /// The statistics of every filter for one text, as `score --metric heuristics` stores them (under the
    /// profile of the text's detected language), for texts that are not in a store.
    public static func measure(_ text: [UInt8], selection: ProfileSelection, analyzer: TextAnalyzer,
                               identifier: any LanguageIdentifier) -> (language: LanguageGuess, values: [String: [Double]]) {
        let document = AnalyzedDocument(text: text, analyzer: analyzer, identifier: identifier)
        let measured = FilterSet(heuristicFilters).measure(document, selection: selection, analyzer: analyzer)
        var values: [String: [Double]] = [:]
        for (filter, filterValues) in zip(heuristicFilters, measured.values) { values[filter.name] = filterValues }
        return (measured.language, values)
    }
}
