import Core
import Foundation
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
        let p = options.parameters
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
            for table in ["dedup_signatures", "minhash_bands", "minhash_bands_pending", "dedup_pairs", "dedup_clusters", "repeated_lines",
                          "repeated_lines_documents", "dedup_settings"] {
                try store.connection.execute("DELETE FROM \(table)")
            }
        }
    }

    // MARK: Signing

    struct Pending: Sendable {
        var seq: Int64
        var id: Int64
        var codec: Int
        var stored: [UInt8]
        var hash: [UInt8]
        /// Signed by an earlier run that did not count lines: only its lines are wanted now.
        var hasSignature: Bool
    }

    struct Signed: Sendable {
        var seq: Int64
        var id: Int64
        var bytes: Int
        var normalizedHash: Hash128
        var shingles: Int
        var signature: [UInt32]?
        var bands: [Int64]
        var hasSignature: Bool
        /// Normalised line hashes (distinct within the document) with an example of each.
        var lines: [(UInt64, String)]
    }

    private func sign(_ summary: inout DedupSummary) throws {
        // Documents without a signature, or (counting lines) whose lines were not counted by an earlier run.
        var condition = "NOT EXISTS (SELECT 1 FROM dedup_signatures s WHERE s.seq = d.seq)"
        if options.lines && !options.signOnly { condition += " OR NOT EXISTS (SELECT 1 FROM repeated_lines_documents r WHERE r.seq = d.seq)" }
        condition = "d.duplicate_of IS NULL AND (\(condition))"
        let total = try store.connection.scalarInt("SELECT count(*) FROM documents d WHERE \(condition)") ?? 0
        guard total > 0 else { return }
        let path = store.path
        let hasher = self.hasher
        let countLines = options.lines && !options.signOnly
        let shingleWords = options.parameters.shingleWords
        let query = """
            SELECT d.seq, d.id, d.codec, d.text, EXISTS (SELECT 1 FROM dedup_signatures s WHERE s.seq = d.seq), d.content_hash
            FROM documents d WHERE d.seq > ? AND \(condition) ORDER BY d.seq LIMIT 256
            """
        let insertSignature = try store.connection.prepare(
            "INSERT OR REPLACE INTO dedup_signatures (seq, document_id, normalized_hash, shingles, signature) VALUES (?, ?, ?, ?, ?)")
        // Band hashes go to an append-only table first; candidate search sorts them into the index
        // (random-key inserts into a large B-tree would make signing slower as the store grows).
        let insertBand = try store.connection.prepare("INSERT INTO minhash_bands_pending (seq, band, hash) VALUES (?, ?, ?)")
        let countLine = try store.connection.prepare("""
            INSERT INTO repeated_lines (hash, documents, example) VALUES (?1, ?2, CASE WHEN ?2 > 1 THEN ?3 END)
            ON CONFLICT(hash) DO UPDATE SET documents = documents + excluded.documents, example = coalesce(example, ?3)
            """)
        let markLines = try store.connection.prepare("INSERT OR IGNORE INTO repeated_lines_documents (seq) VALUES (?)")
        let transaction = GroupedTransaction(store: store, interval: options.commitInterval)
        defer { transaction.rollback() }
        var progress = ProgressMeter(stage: "dedup", total: total, measure: .documents)

        try OrderedPipeline.run(
            workers: max(1, options.threads), capacity: max(1, options.threads) * 2 + 2,
            produce: { emit in
                try Store.readBatches(path: path, query: query, row: { statement in
                    Pending(seq: statement.int64(0), id: statement.int64(1), codec: statement.int(2),
                            stored: Array(statement.blobBytes(3)), hash: Array(statement.blobBytes(5)), hasSignature: statement.int(4) != 0)
                }, emit: emit)
            },
            makeWorker: {
                let analyzer = TextAnalyzer()
                let decompressor = ZstdDecompressor()
                return { (batch: [Pending]) throws -> (signed: [Signed], cpuSeconds: Double) in
                    let started = threadCPUSeconds()
                    let signed = try batch.map { pending in
                        let text = try StoredText.decode(pending.stored, codec: pending.codec, hash: pending.hash, document: pending.id, with: decompressor).get()
                        return Self.sign(pending, text: text, analyzer: analyzer, hasher: hasher, shingleWords: shingleWords, countLines: countLines)
                    }
                    return (signed, threadCPUSeconds() - started)
                }
            },
            consume: { (batch: [Signed], cpuSeconds: Double) in
                summary.signingCPUSeconds += cpuSeconds
                try transaction.write {
                    var lineCounts = HashIndex(expected: 256)
                    var lineHashes: [UInt64] = [], lineDocuments: [Int] = [], lineExamples: [String] = []
                    for signed in batch where !signed.hasSignature {
                        insertSignature.bind(1, signed.seq)
                        insertSignature.bind(2, signed.id)
                        insertSignature.bind(3, blob: signed.normalizedHash.bytes)
                        insertSignature.bind(4, signed.shingles)
                        if let signature = signed.signature {
                            signature.withUnsafeBytes { insertSignature.bind(5, blob: $0) }
                        } else {
                            insertSignature.bindNull(5)
                        }
                        try insertSignature.run()
                        for (band, hash) in signed.bands.enumerated() {
                            insertBand.bind(1, signed.seq)
                            insertBand.bind(2, band)
                            insertBand.bind(3, hash)
                            try insertBand.run()
                        }
                    }
                    for signed in batch {
                        if countLines {
                            for (hash, example) in signed.lines {
                                let (index, inserted) = lineCounts.insert(hash)
                                if inserted {
                                    lineHashes.append(hash)
                                    lineDocuments.append(0)
                                    lineExamples.append(example)
                                }
                                lineDocuments[index] += 1
                            }
                            markLines.bind(1, signed.seq)
                            try markLines.run()
                        }
                    }
                    for index in lineHashes.indices {
                        countLine.bind(1, Int64(bitPattern: lineHashes[index]))
                        countLine.bind(2, lineDocuments[index])
                        countLine.bind(3, lineExamples[index])
                        try countLine.run()
                    }
                }
                for signed in batch {
                    summary.signed += 1
                    summary.bytes += Int64(signed.bytes)
                }
                progress.update(done: Int64(summary.signed), documents: Int64(summary.signed), bytes: summary.bytes)
                if progress.due { console.progress(progress.line) }
            })
        try transaction.commit()
        console.clearProgress()
    }

    /// Everything dedup stores about one document.
    static func sign(_ pending: Pending, text: [UInt8], analyzer: TextAnalyzer, hasher: MinHasher, shingleWords: Int,
                     countLines: Bool) -> Signed {
        text.withUnsafeBytes { raw in
            // Signed earlier (by a run that did not count lines, or in a partition before a merge): only the
            // lines are wanted, and the shingles (ICU word segmentation, most of the cost) are not made again.
            let (shingles, normalizedHash) = pending.hasSignature ? ([], Hash128(high: 0, low: 0))
                : Shingles.of(text: raw, analyzer: analyzer, n: shingleWords)
            let signature = pending.hasSignature ? nil : hasher.signature(of: shingles)
            var lines: [(UInt64, String)] = []
            if countLines {
                var seen = HashIndex(expected: 32)
                for line in Lines.split(raw) {
                    let bytes = UnsafeRawBufferPointer(rebasing: raw[line.start..<line.end])
                    guard let hash = LineHash.of(bytes, analyzer: analyzer), seen.insert(hash).inserted else { continue }
                    lines.append((hash, String(decoding: bytes.prefix(200), as: UTF8.self)))
                }
            }
            return Signed(seq: pending.seq, id: pending.id, bytes: text.count, normalizedHash: normalizedHash,
                          shingles: shingles.count, signature: signature, bands: signature.map(hasher.bandHashes) ?? [],
                          hasSignature: pending.hasSignature, lines: lines)
        }
    }
}
