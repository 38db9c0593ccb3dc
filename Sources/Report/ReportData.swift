import Core
import Foundation
import Store

/// Everything `curate report` shows, gathered from the store (and the export and run directories it is
/// pointed to); `--json` prints it as is.
public struct ReportData: Codable, Sendable {
    public struct Count: Codable, Sendable, Equatable {
        public var name: String
        public var documents: Int
        public var bytes: Int64
    }

    public struct LanguageFunnel: Codable, Sendable, Equatable {
        public var language: String
        public var unique = 0
        public var filtered = 0
        public var nearDuplicates = 0
        public var ranked = 0
        public var exported: Int?
    }

    public struct Bin: Codable, Sendable, Equatable {
        public var low: Double
        public var high: Double
        public var count: Int
    }

    /// A histogram of one value per document of a language, with the lines to draw on it.
    public struct Distribution: Codable, Sendable {
        public var title: String
        public var language: String
        public var logScale: Bool
        public var bins: [Bin]
        /// Name and value of each marked line (cut-offs, thresholds).
        public var marks: [Mark]
        public var documents: Int
    }

    public struct Mark: Codable, Sendable, Equatable {
        public var label: String
        public var value: Double

        public init(label: String, value: Double) {
            self.label = label
            self.value = value
        }
    }

    public struct Example: Codable, Sendable {
        public var id: Int64
        public var language: String
        public var score: String
        public var excerpt: String
    }

    public struct ExampleGroup: Codable, Sendable {
        public var title: String
        public var examples: [Example]
    }

    public struct RepeatedLine: Codable, Sendable, Equatable {
        public var line: String
        public var documents: Int
    }

    public struct NearDuplicatePair: Codable, Sendable {
        public var keptID: Int64
        public var duplicateID: Int64
        public var similarity: Double
        public var kept: String
        public var duplicate: String
    }

    public struct Dedup: Codable, Sendable {
        /// Cluster size → number of clusters.
        public var clusterSizes: [Int: Int] = [:]
        public var byMethod: [String: Int] = [:]
        public var repeatedLines = 0
        public var lineThreshold: Int?
        public var topLines: [RepeatedLine] = []
        public var pair: NearDuplicatePair?
    }

    public struct Shard: Codable, Sendable {
        public var file: String
        public var documents: Int
        public var bytes: Int64
        public var firstScore: Double?
        public var lastScore: Double?
    }

    public struct Export: Codable, Sendable {
        public var directory: String
        public var written: Int
        public var textBytes: Int64
        public var shards: [Shard]
        public var options: String
    }

    public struct Training: Codable, Sendable {
        public var directory: String
        /// (tokens, train loss, validation loss) per metrics.csv row.
        public var rows: [[Double?]]
        public var bestValidation: Double?
    }

    public struct ExperimentArm: Codable, Sendable {
        public var arm: String
        public var documents: Int
        public var tokens: Int64
        public var bestValidationLoss: Double
        public var cleanBitsPerByte: Double
        public var finetuneTestAccuracy: Double?
        public var curve: [[Double]]
    }

    /// How one signal ranks labelled documents (`curate report --labels`).
    public struct RankRow: Codable, Sendable {
        public var name: String
        public var better: String
        public var documents: Int
        public var auc: Double?
        public var aucByLanguage: [String: Double]
        public var top10: Double?
        public var top30: Double?
        public var top50: Double?
        /// ROC curve points (false-positive rate, true-positive rate).
        public var curve: [[Double]]

        public init(name: String, better: String, documents: Int, auc: Double?, aucByLanguage: [String: Double], top10: Double?,
                    top30: Double?, top50: Double?, curve: [[Double]]) {
            self.name = name
            self.better = better
            self.documents = documents
            self.auc = auc
            self.aucByLanguage = aucByLanguage
            self.top10 = top10
            self.top30 = top30
            self.top50 = top50
            self.curve = curve
        }
    }

    public struct Ranking: Codable, Sendable {
        public var labels: String
        public var matched: Int
        public var good: Int
        public var bad: Int
        public var graded: Bool
        /// Languages by number of labelled documents.
        public var languages: [String]
        public var rows: [RankRow]

        public init(labels: String, matched: Int, good: Int, bad: Int, graded: Bool, languages: [String], rows: [RankRow]) {
            self.labels = labels
            self.matched = matched
            self.good = good
            self.bad = bad
            self.graded = graded
            self.languages = languages
            self.rows = rows
        }
    }

    public struct Run: Codable, Sendable {
        public var id: Int64
        public var command: String
        public var arguments: String
        public var startedAt: String
        public var finishedAt: String?
        public var seconds: Double?
        public var status: String
        public var counts: String?
    }

    public var store: String
    public var curate: String
    public var funnel: [Count] = []
    public var rejects: [Count] = []
    public var filterRules: [Count] = []
    public var languages: [LanguageFunnel] = []
    public var perplexity: [Distribution] = []
    /// The learned quality score per language (newest quality model).
    public var quality: [Distribution] = []
    /// The signals measured against labelled documents, when `--labels` was given.
    public var ranking: Ranking?
    public var statistics: [Distribution] = []
    public var examples: [ExampleGroup] = []
    public var dedup = Dedup()
    public var export: Export?
    public var training: [Training] = []
    public var experiment: [ExperimentArm] = []
    public var runs: [Run] = []
}
