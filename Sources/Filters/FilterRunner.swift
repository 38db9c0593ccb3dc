import Core
import Foundation
import Store

/// How many documents one rule drops.
public struct FunnelRule: Codable, Sendable, Equatable {
    public var rule: String
    /// Documents this rule fails (whatever else fails).
    public var dropped: Int
    /// Documents for which this is the first failing rule (filters in order, rules in order).
    public var firstFailing: Int
}

/// The effect of the thresholds on the scored documents: `curate filter`'s answer.
public struct Funnel: Codable, Sendable {
    public struct LanguageCount: Codable, Sendable, Equatable {
        public var language: String
        public var documents: Int
        public var kept: Int
    }

    public var documents = 0
    public var kept = 0
    public var rules: [FunnelRule] = []
    public var languages: [LanguageCount] = []
    /// Profile used, per language.
    public var profiles: [String: String] = [:]
    public var seconds = 0.0
    public var written = false
}

/// Applies a profile's thresholds to the stored statistics (no text is read), counts what each rule
/// drops, and (unless it is a dry run) records each document's verdicts in `filter_verdicts`.
public final class FilterRunner {
    private let store: Store
    private let selection: ProfileSelection

    public init(store: Store, selection: ProfileSelection) {
        self.store = store
        self.selection = selection
    }

    /// - Parameters:
    ///   - write: store the verdicts (false: only report).
    ///   - language: only documents of this language.
    ///   - observe: called with each document's seq, language and failing rules (in order; empty: kept).
    public func run(write: Bool, language: String? = nil, observe: ((_ seq: Int64, _ language: String, _ failures: [String]) -> Void)? = nil) throws -> Funnel {
        let started = DispatchTime.now()
        let filters = heuristicFilters
        // One row per scored document: its language, then each filter's columns (NULL when not scored).
        var select = "SELECT l.seq, l.document_id, l.language"
        var joins = ""
        for filter in filters {
            let alias = "t_" + filter.name
            select += ", " + filter.columns.map { "\(alias).\($0.name)" }.joined(separator: ", ")
            joins += " LEFT JOIN stats_\(filter.name) \(alias) ON \(alias).seq = l.seq"
        }
        var sql = select + " FROM document_language l" + joins
        if language != nil { sql += " WHERE l.language = ?" }
        sql += " ORDER BY l.seq"
        let statement = try store.connection.prepare(sql)
        if let language { statement.bind(1, language) }

        var funnel = Funnel()
        var dropped: [String: Int] = [:], first: [String: Int] = [:]
        var perLanguage: [String: (documents: Int, kept: Int)] = [:]
        var verdicts: [(seq: Int64, id: Int64, profile: String, columns: [String?], failures: [String])] = []

        while try statement.step() {
            let seq = statement.int64(0), id = statement.int64(1)
            let documentLanguage = statement.text(2) ?? "other"
            let profile = selection.profile(forLanguage: documentLanguage)
            funnel.profiles[documentLanguage] = profile.name
            var column: Int32 = 3
            var failures: [String] = []
            var perFilter: [String?] = []
            for filter in filters {
                let count = Int32(filter.columns.count)
                if statement.isNull(column) {
                    perFilter.append(nil)
                } else {
                    let values = (0..<count).map { statement.double(column + $0) }
                    let failed = filter.failures(values, profile: profile)
                    perFilter.append(failed.first ?? "keep")
                    failures += failed
                }
                column += count
            }
            funnel.documents += 1
            perLanguage[documentLanguage, default: (0, 0)].documents += 1
            if failures.isEmpty {
                funnel.kept += 1
                perLanguage[documentLanguage, default: (0, 0)].kept += 1
            } else {
                for rule in failures { dropped[rule, default: 0] += 1 }
                first[failures[0], default: 0] += 1
            }
            observe?(seq, documentLanguage, failures)
            if write { verdicts.append((seq, id, profile.name, perFilter, failures)) }
        }

        // Rules in the order the filters apply them.
        let ruleOrder = filters.flatMap { filter in filter.ruleNames.map { filter.name + "." + $0 } }
        funnel.rules = ruleOrder.compactMap { rule in
            dropped[rule].map { FunnelRule(rule: rule, dropped: $0, firstFailing: first[rule] ?? 0) }
        }
        funnel.languages = perLanguage.keys.sorted().map { Funnel.LanguageCount(language: $0, documents: perLanguage[$0]!.documents, kept: perLanguage[$0]!.kept) }

        if write {
            try store.connection.transaction {
                if let language {
                    try store.connection.execute("DELETE FROM filter_verdicts WHERE seq IN (SELECT seq FROM document_language WHERE language = '\(language.replacingOccurrences(of: "'", with: "''"))')")
                } else {
                    try store.connection.execute("DELETE FROM filter_verdicts")
                }
                let insert = try store.connection.prepare("""
                    INSERT INTO filter_verdicts (seq, document_id, profile, gopher_quality, gopher_repetition, c4, fineweb, failures, kept)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for verdict in verdicts {
                    insert.bind(1, verdict.seq)
                    insert.bind(2, verdict.id)
                    insert.bind(3, verdict.profile)
                    for (index, value) in verdict.columns.enumerated() { insert.bind(Int32(4 + index), value) }
                    insert.bind(8, verdict.failures.joined(separator: " "))
                    insert.bind(9, verdict.failures.isEmpty ? 1 : 0)
                    try insert.run()
                }
            }
            funnel.written = true
        }
        funnel.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return funnel
    }
}
