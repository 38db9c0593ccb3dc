import Core
import Foundation
import ScorePass
import Store
import Text

/// What `curate dedup` does.
public struct DedupOptions: Sendable, Equatable {
    /// Exact duplicates after normalisation (NFKC, lower case, white space collapsed).
    public var exact = true
    /// Near duplicates by MinHash LSH.
    public var minhash = true
    /// Count repeated lines (cc_net).
    public var lines = true
    public var parameters = MinHashParameters()
    /// A line is "repeated" when more than this many documents contain it.
    public var lineThreshold = 1
    /// In an LSH bucket, each document is compared with at most this many members before it.
    public var bucketWindow = 50
    /// Confirm candidate pairs by the exact Jaccard of their shingle sets (re-tokenising both texts)
    /// rather than by the signature estimate alone.
    public var verifyExactly = true
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    public var commitInterval = 1.0
    /// Only sign (signatures, normalised hashes, band hashes; no line counts, candidates or clusters):
    /// what a partition does before `curate merge`, the rest running on the merged store.
    public var signOnly = false

    public init() {}
}

/// What one run did, and what the store now holds.
public struct DedupSummary: Codable, Sendable {
    public var signed = 0
    public var bytes: Int64 = 0
    public var signatureSeconds = 0.0
    /// CPU seconds the workers spent signing (decompression, normalisation, segmentation, shingling,
    /// MinHash, line hashes): the signature throughput without the store's reads and writes.
    public var signingCPUSeconds = 0.0
    public var candidatePairs = 0
    public var comparedPairs = 0
    public var verifiedPairs = 0
    /// Pairs of members of small clusters that LSH had not proposed, compared afterwards.
    public var closurePairs = 0
    public var confirmedPairs = 0
    public var clusters = 0
    public var removedByIngest = 0
    public var removedNormalized = 0
    public var removedMinhash = 0
    /// Clusters by the rule that chose their kept document (`KeepRule`: repeated_lines, filters,
    /// perplexity, longest, first).
    public var keptBy: [String: Int] = [:]
    public var repeatedLines = 0
    public var seconds = 0.0
}

/// The error for a store whose signatures were made with other parameters.
public struct DedupError: HintedError, Sendable {
    public let description: String
    public let hint: String?
}

/// `curate dedup`: signs every document that has no signature yet (normalised-text hash, MinHash
/// signature and band hashes, line counts), on all cores; then finds candidate pairs with a join on
/// the band hashes, confirms them by estimated Jaccard, and clusters by union-find. Nothing is deleted:
/// `dedup_clusters` says which documents export leaves out and why.
public final class Deduplicator {
    private let store: Store
    private let options: DedupOptions
    private let console: Console
    private let hasher: MinHasher

    public init(store: Store, options: DedupOptions, console: Console) {
        self.store = store
        self.options = options
        self.console = console
        hasher = MinHasher(parameters: options.parameters)
    }

    public func run() throws -> DedupSummary {
        let started = DispatchTime.now()
        try checkSettings()
        var summary = DedupSummary()
        try sign(&summary)
        summary.signatureSeconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        if options.signOnly {
            summary.seconds = summary.signatureSeconds
            return summary
        }
        // The line hashes the pass appended become corpus-wide counts (which clustering's keep rule reads).
        if options.lines { try LineCounts.fold(store: store) }
        let clustering = Clustering(store: store, hasher: hasher, options: options)
        if options.minhash {
            try clustering.confirmCandidates(&summary)
            if options.verifyExactly { try clustering.verifyCandidates(&summary, console: console) }
        }
        try clustering.cluster(&summary, console: console)
        if options.minhash { summary.confirmedPairs = try clustering.confirmedPairs() }
        if options.lines {
            // Export drops the lines in more than this many documents: the threshold of the last run.
            try store.connection.execute(
                "INSERT OR REPLACE INTO dedup_settings (key, value) VALUES ('line_threshold', '\(options.lineThreshold)')")
            summary.repeatedLines = Int(try store.connection.scalarInt("SELECT count(*) FROM repeated_lines WHERE documents > ?",
                                                                       [.integer(Int64(options.lineThreshold))]) ?? 0)
        }
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return summary
    }

    /// The stored signatures must have been made with the same shingles, bands, rows and seed.
    private func checkSettings() throws {
        try Self.checkSettings(store: store, parameters: options.parameters)
    }

    /// Records the MinHash settings in a store that has none; throws when its signatures were made with others.
    public static func checkSettings(store: Store, parameters p: MinHashParameters) throws {
        let wanted = "shingle_words=\(p.shingleWords) bands=\(p.bands) rows=\(p.rows) seed=\(p.seed)"
        if let stored = try store.connection.scalarText("SELECT value FROM dedup_settings WHERE key = 'minhash'") {
            guard stored == wanted else {
                throw DedupError(description: "the store's signatures were made with \(stored), not \(wanted)",
                                 hint: "use the same settings, or `curate dedup --reset` to drop the signatures and start over")
            }
        } else {
            try store.connection.execute("INSERT INTO dedup_settings (key, value) VALUES ('minhash', '\(wanted)')")
        }
    }

    /// Drops every signature, band, pair, cluster and line count.
    public static func reset(store: Store) throws {
        try store.connection.transaction {
            for table in ["dedup_signatures", "minhash_bands", "minhash_bands_pending", "dedup_pairs", "dedup_clusters", "repeated_lines", "repeated_lines_local",
                          "repeated_lines_pending", "repeated_lines_documents", "dedup_settings"] {
                try store.connection.execute("DELETE FROM \(table)")
            }
        }
    }

    // MARK: Signing

    private func sign(_ summary: inout DedupSummary) throws {
        let measure = try MinHashMeasure(store: store, options: options)
        try MeasurePass.run(measure, store: store, threads: options.threads, commitInterval: options.commitInterval, console: console,
                            stage: "dedup")
        summary.signed = measure.signed
        summary.bytes = measure.bytes
        summary.signingCPUSeconds = measure.cpuSeconds
    }
}
