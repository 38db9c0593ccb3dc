import Text

/// One stored statistic: a column of the filter's table in the store.
public struct StatisticColumn: Sendable {
    public var name: String
    public var isInteger: Bool
    /// What it counts, for `curate show` and the docs.
    public var help: String

    public init(_ name: String, integer: Bool = true, _ help: String) {
        self.name = name
        isInteger = integer
        self.help = help
    }
}

/// What a filter decided about a document.
public enum FilterVerdict: Equatable, Sendable {
    case keep
    /// `rule` is the first failing rule; `all` every failing rule, in the filter's order.
    case drop(rule: String, all: [String])

    init(failures: [String]) {
        self = failures.first.map { .drop(rule: $0, all: failures) } ?? .keep
    }

    public var failures: [String] {
        if case .drop(_, let all) = self { return all }
        return []
    }
}

/// A heuristic quality filter: it measures statistics of a document once (stored in the store), and
/// judges them against a profile's thresholds as often as a user likes without reading the text again.
public protocol HeuristicFilter {
    /// The name used in rule names, the store table (`stats_<name>`) and the command line.
    static var name: String { get }
    /// The statistics it measures, in table column order.
    static var columns: [StatisticColumn] { get }
    /// Its rules' short names, in the order it applies them.
    static var ruleNames: [String] { get }
    /// Measures the document; values in `columns` order.
    static func measure(_ document: AnalyzedDocument, parameters: StatisticParameters, analyzer: TextAnalyzer) -> [Double]
    /// The rules that fail for these statistics under the profile, in order (empty: keep).
    static func failures(_ values: [Double], profile: FilterProfile) -> [String]
}

extension HeuristicFilter {
    public static func verdict(_ values: [Double], profile: FilterProfile) -> FilterVerdict {
        FilterVerdict(failures: failures(values, profile: profile))
    }

    /// The stored values as a dictionary, for display.
    public static func named(_ values: [Double]) -> [(String, Double)] {
        Array(zip(columns.map(\.name), values))
    }

    static func rule(_ short: String) -> String { name + "." + short }
}

/// All heuristic filters, in the order they are applied.
public var heuristicFilters: [any HeuristicFilter.Type] { [
    GopherQualityFilter.self, GopherRepetitionFilter.self, C4QualityFilter.self, FineWebQualityFilter.self,
] }

/// `numerator / denominator`, with 0/0 = 0 and x/0 = ∞ (so that an empty document fails a maximum).
func ratio(_ numerator: Double, _ denominator: Double) -> Double {
    denominator == 0 ? (numerator == 0 ? 0 : .infinity) : numerator / denominator
}

/// Appends `rule` when `value` is below `minimum` (a nil threshold never fails).
func below(_ value: Double, _ minimum: Double?, _ rule: String, into failures: inout [String]) {
    if let minimum, value < minimum { failures.append(rule) }
}

/// Appends `rule` when `value` is above `maximum`.
func above(_ value: Double, _ maximum: Double?, _ rule: String, into failures: inout [String]) {
    if let maximum, value > maximum { failures.append(rule) }
}
