import Core
import Store
import Text

/// The second half of `curate dedup`: candidate pairs from the stored band hashes, confirmed by the
/// estimated Jaccard of their signatures, then clusters by union-find and one kept document per cluster.
struct Clustering {
    let store: Store
    let hasher: MinHasher
    let options: DedupOptions

    // MARK: Candidate pairs

    /// Finds the candidate pairs that involve a document signed since the last run and stores each with
    /// its estimated Jaccard (`dedup_pairs`, whether or not it reaches the threshold, so a new threshold
    /// needs no new comparisons); then moves the new band hashes into the index.
    ///
    /// The new documents' band hashes (`minhash_bands_pending`) are read sorted by (band, hash, seq) —
    /// SQLite's external sort, spilling to temporary files, so memory stays bounded — and merged with the
    /// index `minhash_bands`, whose primary key is the same order: for each new bucket one lookup fetches
    /// its stored members. Within a bucket each new document is compared with the `bucketWindow` members
    /// just before it (datatrove compares only neighbours), so a bucket of thousands of near copies costs
    /// linear work and union-find still joins them all. Old pairs are never recomputed: new documents
    /// always have larger seqs than indexed ones, and a pair (i, j), i < j, is compared in the run that
    /// signed j. The new rows then enter the index in key order, which SQLite appends cheaply.
    func confirmCandidates(_ summary: inout DedupSummary) throws {
        let connection = store.connection
        guard (try connection.scalarInt("SELECT EXISTS (SELECT 1 FROM minhash_bands_pending)") ?? 0) != 0 else { return }

        // A second connection reads while the first writes (and commits) pairs; its sorts spill to disk.
        let reader = try SQLiteConnection(path: store.path)
        try reader.execute("PRAGMA temp_store = FILE")
        let scan = try reader.prepare("SELECT band, hash, seq FROM minhash_bands_pending ORDER BY band, hash, seq")
        let stored = try reader.prepare("SELECT seq FROM minhash_bands WHERE band = ? AND hash = ? ORDER BY seq DESC LIMIT ?")
        let loadSignature = try reader.prepare("SELECT signature FROM dedup_signatures WHERE seq = ?")
        let insertPair = try connection.prepare("INSERT OR IGNORE INTO dedup_pairs (seq_a, seq_b, jaccard) VALUES (?, ?, ?)")
        let transaction = GroupedTransaction(store: store, interval: options.commitInterval)
        defer { transaction.rollback() }

        var signatures: [Int64: [UInt32]] = [:] // bounded cache: cleared when it grows past `cacheLimit`
        let cacheLimit = 65_536
        func signature(_ seq: Int64) throws -> [UInt32] {
            if let cached = signatures[seq] { return cached }
            loadSignature.bind(1, seq)
            defer { loadSignature.reset() }
            guard try loadSignature.step(), !loadSignature.isNull(0) else { return [] }
            let value = Array(loadSignature.blobBytes(0).bindMemory(to: UInt32.self)).map { UInt32(littleEndian: $0) }
            if signatures.count >= cacheLimit { signatures.removeAll(keepingCapacity: true) }
            signatures[seq] = value
            return value
        }

        var bucket: (band: Int64, hash: Int64)?
        var window: [Int64] = []
        while try scan.step() {
            let band = scan.int64(0), hash = scan.int64(1), seq = scan.int64(2)
            if bucket?.band != band || bucket?.hash != hash {
                bucket = (band, hash)
                window.removeAll(keepingCapacity: true)
                stored.bind(1, band)
                stored.bind(2, hash)
                stored.bind(3, options.bucketWindow)
                while try stored.step() { window.append(stored.int64(0)) }
                stored.reset()
                window.reverse()
            }
            if !window.isEmpty {
                let mine = try signature(seq)
                for earlier in window {
                    let jaccard = MinHasher.similarity(try signature(earlier), mine)
                    summary.candidatePairs += 1
                    let inserted = try transaction.write {
                        insertPair.bind(1, earlier)
                        insertPair.bind(2, seq)
                        insertPair.bind(3, jaccard)
                        try insertPair.run()
                        return connection.changes > 0
                    }
                    if inserted { summary.comparedPairs += 1 }
                }
            }
            window.append(seq)
            if window.count > options.bucketWindow { window.removeFirst() }
        }
        scan.reset()
        try transaction.commit()
        // Killed before this commits, the next run compares the same pending rows again: same pairs.
        try connection.execute("PRAGMA temp_store = FILE") // the sort may not fit in memory (not inside a transaction)
        defer { try? connection.execute("PRAGMA temp_store = \(Store.tempStore)") }
        try connection.transaction {
            try connection.execute("""
                INSERT OR IGNORE INTO minhash_bands (band, hash, seq)
                SELECT band, hash, seq FROM minhash_bands_pending ORDER BY band, hash, seq;
                DELETE FROM minhash_bands_pending;
                """)
        }
    }

    /// The similarity clustering uses: the exact Jaccard when verifying, else the estimate.
    var similarityColumn: String { options.verifyExactly ? "exact" : "jaccard" }

    /// Jaccard estimates are k / permutations; compare with a little slack so that a threshold written
    /// in decimal (0.75) is met by the k that equals it.
    static let epsilon = 1e-9

    // MARK: Clusters

    /// The number of pairs at or above the threshold.
    func confirmedPairs() throws -> Int {
        Int(try store.connection.scalarInt("SELECT count(*) FROM dedup_pairs WHERE \(similarityColumn) >= ?",
                                           [.real(options.parameters.threshold - Self.epsilon)]) ?? 0)
    }

    /// Rebuilds `dedup_clusters` from the normalised-text groups and the confirmed pairs: union-find over
    /// the documents that have a duplicate (memory grows with the duplicates, not the corpus), then one
    /// kept document per cluster.
    func cluster(_ summary: inout DedupSummary, console: Console) throws {
        let groups = try self.groups()
        if options.minhash { try closePairs(in: groups, &summary, console: console) }
        try write(groups, &summary)
    }

    /// Clusters of at most this many documents have every pair of members compared (see `closePairs`).
    static let closureLimit = 16

    /// Within each small cluster, compares (and verifies, like any candidate) the member pairs that LSH
    /// did not propose: a pair that shares no band but is joined through other members may well be a near
    /// duplicate too (at Jaccard 0.8 no band is shared 7.6% of the time). Clusters do not change; the
    /// stored pairs become complete, and each member's similarity to the kept document is measured.
    func closePairs(in groups: DocumentGroups, _ summary: inout DedupSummary, console: Console, texts: TextSource? = nil) throws {
        let connection = store.connection
        let loadSignature = try connection.prepare("SELECT signature FROM dedup_signatures WHERE seq = ?")
        let insertPair = try connection.prepare("INSERT OR IGNORE INTO dedup_pairs (seq_a, seq_b, jaccard) VALUES (?, ?, ?)")
        try connection.transaction {
            for group in groups where group.count <= Self.closureLimit {
                let signatures = try group.map { seq -> [UInt32] in
                    loadSignature.bind(1, seq)
                    defer { loadSignature.reset() }
                    guard try loadSignature.step(), !loadSignature.isNull(0) else { return [] }
                    return Array(loadSignature.blobBytes(0).bindMemory(to: UInt32.self)).map { UInt32(littleEndian: $0) }
                }
                for i in group.indices {
                    for j in group.indices where j > i {
                        insertPair.bind(1, group[i])
                        insertPair.bind(2, group[j])
                        insertPair.bind(3, MinHasher.similarity(signatures[i], signatures[j]))
                        try insertPair.run()
                        summary.closurePairs += connection.changes
                    }
                }
            }
        }
        if options.verifyExactly { try verifyCandidates(&summary, console: console, texts: texts) }
    }

    /// The sets of documents joined by equal normalised text or by a confirmed pair. Union-find runs over
    /// the documents that take part (read sorted from SQLite, whose sort spills to disk), at 24 bytes
    /// each at the peak: under --max-memory, a store whose duplicates would not fit in the budget's
    /// share is refused with the figures rather than exceeding it.
    func groups() throws -> DocumentGroups {
        let connection = store.connection
        var parts: [String] = []
        var arguments: [SQLiteValue] = []
        if options.exact {
            parts.append("""
                SELECT seq FROM dedup_signatures
                WHERE normalized_hash IN (SELECT normalized_hash FROM dedup_signatures GROUP BY normalized_hash HAVING count(*) > 1)
                """)
        }
        if options.minhash {
            let threshold = options.parameters.threshold - Self.epsilon
            parts.append("SELECT seq_a FROM dedup_pairs WHERE \(similarityColumn) >= ?")
            parts.append("SELECT seq_b FROM dedup_pairs WHERE \(similarityColumn) >= ?")
            arguments += [.real(threshold), .real(threshold)]
        }
        guard !parts.isEmpty else { return DocumentGroups(members: [], offsets: [0]) }
        var sets = UnionFind()
        let nodes = try connection.prepare("SELECT seq FROM (\(parts.joined(separator: " UNION "))) ORDER BY seq")
        try nodes.bind(arguments)
        while try nodes.step() {
            sets.add(nodes.int64(0))
            try UnionFind.checkBudget(members: sets.count) {
                try connection.scalarInt("SELECT count(*) FROM (\(parts.joined(separator: " UNION ")))", arguments) ?? Int64(sets.count)
            }
        }
        if options.exact {
            let groups = try connection.prepare("""
                SELECT normalized_hash, seq FROM dedup_signatures
                WHERE normalized_hash IN (SELECT normalized_hash FROM dedup_signatures GROUP BY normalized_hash HAVING count(*) > 1)
                ORDER BY normalized_hash, seq
                """)
            var previous: (hash: [UInt8], seq: Int64)?
            while try groups.step() {
                let hash = Array(groups.blobBytes(0)), seq = groups.int64(1)
                if let previous, previous.hash == hash { sets.union(previous.seq, seq) }
                previous = (hash, seq)
            }
        }
        if options.minhash {
            let pairs = try connection.prepare("SELECT seq_a, seq_b FROM dedup_pairs WHERE \(similarityColumn) >= ? ORDER BY seq_a, seq_b")
            pairs.bind(1, options.parameters.threshold - Self.epsilon)
            while try pairs.step() { sets.union(pairs.int64(0), pairs.int64(1)) }
        }
        return sets.groups()
    }

    /// Rewrites `dedup_clusters`: one kept document per group, chosen by `Member.compare`, with the rule
    /// that chose it.
    /// `memberLines`, when given, gives each member's line hashes and characters (computed where the
    /// document lies, for a store that holds the members without their texts); else they come from the
    /// stored texts.
    func write(_ groups: DocumentGroups, _ summary: inout DedupSummary,
               memberLines: ((Int64) throws -> [(hash: UInt64, characters: Int)])? = nil) throws {
        let connection = store.connection
        let modelID = try store.latestReferenceModelID()
        let lookup = try connection.prepare("""
            SELECT d.id, d.byte_length, s.normalized_hash, s.signature,
                   (SELECT kept FROM filter_verdicts f WHERE f.seq = s.seq),
                   (SELECT perplexity FROM perplexity p WHERE p.model_id = ?1 AND p.seq = s.seq),
                   d.codec, d.text, d.content_hash
            FROM dedup_signatures s JOIN documents d ON d.seq = s.seq WHERE s.seq = ?2
            """)
        let lineDocuments = try connection.prepare("SELECT documents FROM repeated_lines WHERE hash = ?")
        let analyzer = TextAnalyzer(), decompressor = ZstdDecompressor()
        func member(_ seq: Int64) throws -> (Member, [(hash: UInt64, characters: Int)]) {
            lookup.bind(1, modelID ?? -1)
            lookup.bind(2, seq)
            defer { lookup.reset() }
            guard try lookup.step() else { throw StoreError("document seq \(seq) has a dedup signature but no row in documents") }
            let signature = lookup.isNull(3) ? [] : Array(lookup.blobBytes(3).bindMemory(to: UInt32.self)).map { UInt32(littleEndian: $0) }
            let member = Member(seq: seq, id: lookup.int64(0), bytes: lookup.int64(1), normalizedHash: Array(lookup.blobBytes(2)),
                                signature: signature, passedFilters: lookup.isNull(4) ? nil : lookup.int(4) == 1,
                                perplexity: lookup.isNull(5) ? nil : lookup.double(5))
            guard options.lines else { return (member, []) }
            if let memberLines { return (member, try memberLines(seq)) }
            let text = try StoredText.decode(lookup.blobBytes(7), codec: lookup.int(6), hash: lookup.blobBytes(8),
                                             document: member.id, with: decompressor)
            return (member, text.withUnsafeBytes { LineHash.lines(of: $0, analyzer: analyzer) })
        }
        /// Each member's characters in lines that other documents repeat: lines in more than the line
        /// threshold of documents, the cluster counted as one (a line the copies share is their content,
        /// not boilerplate; a menu line that other pages carry too is).
        func countRepeatedLines(_ members: inout [Member], _ lines: [[(hash: UInt64, characters: Int)]]) throws {
            var inCluster: [UInt64: Int] = [:]
            for memberLines in lines {
                for hash in Set(memberLines.map(\.hash)) { inCluster[hash, default: 0] += 1 }
            }
            var repeated: [UInt64: Bool] = [:]
            for (hash, copies) in inCluster {
                lineDocuments.bind(1, Int64(bitPattern: hash))
                defer { lineDocuments.reset() }
                let documents = try lineDocuments.step() ? Int(lineDocuments.int64(0)) : copies
                repeated[hash] = documents - copies + 1 > options.lineThreshold
            }
            for index in members.indices {
                members[index].repeatedLineCharacters = lines[index].reduce(0) { $0 + (repeated[$1.hash] == true ? $1.characters : 0) }
            }
        }

        let pairSimilarity = try connection.prepare("SELECT \(similarityColumn) FROM dedup_pairs WHERE seq_a = ? AND seq_b = ?")
        func similarity(_ member: Member, _ kept: Member) throws -> Double {
            pairSimilarity.bind(1, min(member.seq, kept.seq))
            pairSimilarity.bind(2, max(member.seq, kept.seq))
            defer { pairSimilarity.reset() }
            if try pairSimilarity.step(), !pairSimilarity.isNull(0) { return pairSimilarity.double(0) }
            return MinHasher.similarity(member.signature, kept.signature)
        }

        let insert = try connection.prepare(
            "INSERT INTO dedup_clusters (seq, document_id, cluster, duplicate_of, method, similarity, kept_by) VALUES (?, ?, ?, ?, ?, ?, ?)")
        try connection.transaction {
            try connection.execute("DELETE FROM dedup_clusters")
            for group in groups {
                let loaded = try group.map(member)
                var members = loaded.map(\.0)
                if options.lines { try countRepeatedLines(&members, loaded.map(\.1)) }
                let ranked = members.sorted { $0.compare($1).better }
                let kept = ranked[0], rule = kept.compare(ranked[1]).rule
                summary.clusters += 1
                summary.keptBy[rule.rawValue, default: 0] += 1
                for member in members {
                    insert.bind(1, member.seq)
                    insert.bind(2, member.id)
                    insert.bind(3, kept.seq)
                    insert.bindNull(7)
                    if member.seq == kept.seq {
                        insert.bindNull(4)
                        insert.bind(5, "kept")
                        insert.bindNull(6)
                        insert.bind(7, rule.rawValue)
                    } else if options.exact && member.normalizedHash == kept.normalizedHash {
                        insert.bind(4, kept.id)
                        insert.bind(5, "normalized")
                        insert.bind(6, 1.0)
                        summary.removedNormalized += 1
                    } else {
                        insert.bind(4, kept.id)
                        insert.bind(5, "minhash")
                        insert.bind(6, try similarity(member, kept))
                        summary.removedMinhash += 1
                    }
                    try insert.run()
                }
            }
        }
        summary.removedByIngest = Int(try connection.scalarInt("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL") ?? 0)
    }
}

/// The rules that choose a cluster's kept document, in the order they apply (stored in
/// `dedup_clusters.kept_by`: the first rule on which the kept document beat the runner-up).
public enum KeepRule: String, CaseIterable, Sendable {
    /// Fewest characters in lines that other documents repeat (navigation, cookie banners, footers).
    case repeatedLines = "repeated_lines"
    /// Kept by the heuristic filters (before unscored, before dropped).
    case filters
    /// Lower perplexity under the newest reference model (scored before unscored).
    case perplexity
    /// More bytes of text.
    case longest
    /// Ingested first.
    case first
}

/// What choosing the kept document of a cluster looks at.
struct Member {
    var seq: Int64
    var id: Int64
    var bytes: Int64
    var normalizedHash: [UInt8]
    var signature: [UInt32]
    /// The heuristic filters' verdict (`filter_verdicts.kept`), nil when not scored.
    var passedFilters: Bool?
    /// Perplexity under the newest reference model, nil when not scored.
    var perplexity: Double?
    /// Characters in lines that documents outside the cluster repeat (0 without line counts).
    var repeatedLineCharacters = 0

    /// Which of the two is better, and the rule that says so: the cleanest copy first (fewest characters in
    /// repeated lines), then the best scored (kept by the heuristic filters, before an unscored one, before
    /// one they drop; then the lowest perplexity, scored before unscored), then the longest, then the first
    /// ingested.
    func compare(_ other: Member) -> (rule: KeepRule, better: Bool) {
        if repeatedLineCharacters != other.repeatedLineCharacters {
            return (.repeatedLines, repeatedLineCharacters < other.repeatedLineCharacters)
        }
        func filterRank(_ passed: Bool?) -> Int { passed == true ? 0 : passed == nil ? 1 : 2 }
        if filterRank(passedFilters) != filterRank(other.passedFilters) { return (.filters, filterRank(passedFilters) < filterRank(other.passedFilters)) }
        switch (perplexity, other.perplexity) {
        case let (mine?, theirs?) where mine != theirs: return (.perplexity, mine < theirs)
        case (.some, nil): return (.perplexity, true)
        case (nil, .some): return (.perplexity, false)
        default: break
        }
        if bytes != other.bytes { return (.longest, bytes > other.bytes) }
        return (.first, seq < other.seq)
    }
}
