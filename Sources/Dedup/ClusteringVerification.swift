import Core
import Store
import Text

/// Verification of `Clustering`'s candidate pairs on their texts: the exact Jaccard of the two shingle
/// sets replaces the estimate for every pair near the threshold (one store's texts, or the partitions').
extension Clustering {
    /// How far below the threshold an estimate may lie and still be verified: 4 standard deviations of
    /// the estimate at Jaccard 0.8 with 112 permutations (σ = √(0.8 · 0.2 / 112) ≈ 0.038).
    static let verificationMargin = 0.15

    /// The stored pairs that verification compares exactly: not yet verified, estimated near the threshold or above.
    var verificationCondition: String {
        "exact IS NULL AND jaccard >= \(options.parameters.threshold - Self.verificationMargin)"
    }

    /// A document's stored text, as `documents` holds it.
    typealias StoredDocument = (id: Int64, codec: Int, stored: [UInt8], hash: [UInt8])
    /// Opens, on the thread that reads, what fetches a document's stored text by seq (nil when absent).
    typealias TextSource = @Sendable () throws -> (Int64) throws -> StoredDocument?

    struct VerifyBatch: Sendable {
        var pairs: [(Int64, Int64)]
        var texts: [Int64: StoredDocument]
    }

    /// The store's own `documents` table as a text source.
    static func storedTexts(_ path: String) -> TextSource {
        {
            let reader = try SQLiteConnection(path: path)
            let text = try reader.prepare("SELECT id, codec, text, content_hash FROM documents WHERE seq = ?")
            return { seq in
                text.bind(1, seq)
                defer { text.reset() }
                _ = reader // kept open while the statement is used
                guard try text.step() else { return nil }
                return (text.int64(0), text.int(1), Array(text.blobBytes(2)), Array(text.blobBytes(3)))
            }
        }
    }

    /// Replaces the estimate by the exact Jaccard of the two shingle sets, for every stored pair whose
    /// estimate is within `verificationMargin` of the threshold or above (NeMo Curator's "false positive
    /// check"): the 112-value estimate has a standard deviation near 0.04, so a pair at 0.83 is otherwise
    /// rejected about one time in five. Costs one re-tokenisation per document in such a pair; both cores.
    /// `texts` says where the texts are read (by default, this store's documents).
    func verifyCandidates(_ summary: inout DedupSummary, console: Console, texts: TextSource? = nil) throws {
        let connection = store.connection
        let condition = verificationCondition
        let total = try connection.scalarInt("SELECT count(*) FROM dedup_pairs WHERE \(condition)") ?? 0
        guard total > 0 else { return }
        let path = store.path
        let texts = texts ?? Self.storedTexts(path)
        let shingleWords = options.parameters.shingleWords
        let update = try connection.prepare("UPDATE dedup_pairs SET exact = ? WHERE seq_a = ? AND seq_b = ?")
        let transaction = GroupedTransaction(store: store, interval: options.commitInterval)
        defer { transaction.rollback() }
        var progress = ProgressMeter(stage: "dedup verify", total: total, measure: .documents)
        var verified: Int64 = 0

        try OrderedPipeline.run(
            workers: max(1, options.threads), capacity: max(1, options.threads) * 2 + 2,
            produce: { emit in
                let reader = try SQLiteConnection(path: path)
                try Self.orderByComponent(reader, condition: condition)
                let pairs = try reader.prepare(
                    "SELECT rowid, seq_a, seq_b FROM temp.verify_order WHERE rowid > ? ORDER BY rowid LIMIT \(Self.verifyBatch)")
                let fetch = try texts()
                var after: Int64 = 0
                while true {
                    pairs.bind(1, after)
                    var batch = VerifyBatch(pairs: [], texts: [:])
                    while try pairs.step() {
                        after = pairs.int64(0)
                        batch.pairs.append((pairs.int64(1), pairs.int64(2)))
                    }
                    pairs.reset()
                    guard !batch.pairs.isEmpty else { return }
                    for seq in batch.pairs.flatMap({ [$0.0, $0.1] }) where batch.texts[seq] == nil {
                        if let stored = try fetch(seq) { batch.texts[seq] = stored }
                    }
                    guard emit(batch) else { return }
                }
            },
            makeWorker: {
                let analyzer = TextAnalyzer()
                let decompressor = ZstdDecompressor()
                return { (batch: VerifyBatch) throws -> [(Int64, Int64, Double)] in
                    var shingles: [Int64: [UInt64]] = [:]
                    for seq in batch.texts.keys.sorted() {
                        let stored = batch.texts[seq]!
                        let text = try StoredText.decode(stored.stored, codec: stored.codec, hash: stored.hash, document: stored.id, with: decompressor).get()
                        shingles[seq] = text.withUnsafeBytes { Shingles.of(text: $0, analyzer: analyzer, n: shingleWords).shingles }
                    }
                    return batch.pairs.map { a, b in (a, b, Shingles.jaccard(shingles[a] ?? [], shingles[b] ?? [])) }
                }
            },
            consume: { results in
                try transaction.write {
                    for (a, b, jaccard) in results {
                        update.bind(1, jaccard)
                        update.bind(2, a)
                        update.bind(3, b)
                        try update.run()
                    }
                }
                verified += Int64(results.count)
                summary.verifiedPairs += results.count
                progress.update(done: verified, documents: verified, bytes: 0)
                if progress.due { console.progress(progress.line) }
            })
        try transaction.commit()
        console.clearProgress()
    }

    /// Pairs verified together: a worker shingles each document of a batch once.
    static let verifyBatch = 1024

    /// Writes `temp.verify_order` on `connection`: the pairs to verify, grouped by the candidate component
    /// they belong to (union-find over those pairs), so that a batch holds most of a component and a
    /// document is shingled about once rather than once for every batch it is in. On 1 GB of real text
    /// (bench/partitioned.sh's corpus, 829,500 pairs among 149,664 documents) batches of 128 pairs in
    /// key order shingled 963,722 documents; batches of 1,024 by component, 166,670.
    static func orderByComponent(_ connection: SQLiteConnection, condition: String) throws {
        var sets = UnionFind()
        let members = try connection.prepare(
            "SELECT seq_a FROM dedup_pairs WHERE \(condition) UNION SELECT seq_b FROM dedup_pairs WHERE \(condition) ORDER BY 1")
        while try members.step() {
            sets.add(members.int64(0))
            try UnionFind.checkBudget(members: sets.count) { Int64(sets.count) }
        }
        members.reset()
        let pairs = try connection.prepare("SELECT seq_a, seq_b FROM dedup_pairs WHERE \(condition)")
        while try pairs.step() { sets.union(pairs.int64(0), pairs.int64(1)) }
        pairs.reset()
        try connection.execute("""
            DROP TABLE IF EXISTS temp.verify_roots; DROP TABLE IF EXISTS temp.verify_order;
            CREATE TEMP TABLE verify_roots (seq INTEGER PRIMARY KEY, root INTEGER NOT NULL);
            """)
        let insert = try connection.prepare("INSERT INTO temp.verify_roots (seq, root) VALUES (?, ?)")
        try connection.transaction {
            for group in sets.groups() {
                for seq in group {
                    insert.bind(1, seq)
                    insert.bind(2, group[0])
                    try insert.run()
                    insert.reset()
                }
            }
        }
        try connection.execute("""
            CREATE TEMP TABLE verify_order AS
            SELECT p.seq_a, p.seq_b FROM dedup_pairs p JOIN temp.verify_roots r ON r.seq = p.seq_a
            WHERE \(condition) ORDER BY r.root, p.seq_a, p.seq_b
            """)
    }
}
