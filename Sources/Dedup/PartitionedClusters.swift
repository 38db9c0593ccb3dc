import Core
import Foundation
import Store
import Text

/// The steps of `PartitionedDedup` that turn the verified pairs into clusters and give each partition its
/// share: union-find (one task), the clustered documents' lines (per partition), the kept copies (a task
/// per share of the clusters) and apply (per partition). The steps before them, which order, bucket and
/// verify the documents, are in AcrossPartitions.swift.
extension PartitionedDedup {
    // MARK: 5. Groups: union-find over every confirmed pair

    /// The documents union-find joins (members of confirmed pairs and of normalised groups), each with
    /// its set's root (the smallest global key) and where it lies. Reads 16 bytes a pair and holds 24 a
    /// member (`UnionFind`), so the one serial step of clustering moves no rows but keys.
    func groups() throws -> PartitionedDedupSummary {
        let nears = try required((0..<buckets).map(nearPath), step: .near)
        let verifies = try required((0..<buckets).map(verifyPath), step: .verify)
        var summary = PartitionedDedupSummary()
        summary.tasks = try produce(groupsPath) { path in
            let connection = try SQLiteConnection(path: path)
            try connection.execute("""
                PRAGMA journal_mode = OFF; PRAGMA temp_store = FILE;
                CREATE TABLE members (seq INTEGER PRIMARY KEY, root INTEGER NOT NULL, partition INTEGER NOT NULL, local INTEGER NOT NULL,
                                      task INTEGER NOT NULL);
                CREATE TEMP TABLE nodes (seq INTEGER PRIMARY KEY, partition INTEGER NOT NULL, local INTEGER NOT NULL);
                """)
            let threshold = options.parameters.threshold - Clustering.epsilon
            let similarity = options.verifyExactly ? "exact" : "jaccard"
            let normalizedGroups = """
                SELECT normalized_hash, seq FROM n.dedup_signatures
                WHERE normalized_hash IN (SELECT normalized_hash FROM n.dedup_signatures GROUP BY normalized_hash HAVING count(*) > 1)
                """
            if options.minhash {
                // Every document of a candidate pair: those of no confirmed pair stay sets of one, which
                // `groups()` leaves out. (Keeping only the confirmed pairs' documents here, by two IN
                // lookups a row, was two thirds of this step.)
                for verify in verifies {
                    try attached(verify, as: "v", on: connection) {
                        try connection.execute("INSERT OR IGNORE INTO temp.nodes SELECT seq, partition, local FROM v.partition_members")
                    }
                }
            }
            if options.exact {
                for near in nears {
                    try attached(near, as: "n", on: connection) {
                        try connection.execute("""
                            INSERT OR IGNORE INTO temp.nodes SELECT m.seq, m.partition, m.local FROM n.partition_members m
                            WHERE m.seq IN (SELECT seq FROM (\(normalizedGroups)))
                            """)
                    }
                }
            }
            var sets = UnionFind()
            let nodes = try connection.prepare("SELECT seq FROM temp.nodes ORDER BY seq")
            while try nodes.step() {
                sets.add(nodes.int64(0))
                try UnionFind.checkBudget(members: sets.count) { try connection.scalarInt("SELECT count(*) FROM temp.nodes") ?? 0 }
            }
            nodes.reset()
            if options.exact {
                for near in nears {
                    try attached(near, as: "n", on: connection) {
                        let members = try connection.prepare("\(normalizedGroups) ORDER BY normalized_hash, seq")
                        var previous: (hash: [UInt8], seq: Int64)?
                        while try members.step() {
                            let hash = Array(members.blobBytes(0)), seq = members.int64(1)
                            if let previous, previous.hash == hash { sets.union(previous.seq, seq) }
                            previous = (hash, seq)
                        }
                    }
                }
            }
            if options.minhash {
                for verify in verifies {
                    try attached(verify, as: "v", on: connection) {
                        let pairs = try connection.prepare("SELECT seq_a, seq_b FROM v.dedup_pairs WHERE \(similarity) >= \(threshold)")
                        while try pairs.step() { sets.union(pairs.int64(0), pairs.int64(1)) }
                    }
                }
            }
            let groups = sets.groups()
            // In key order: the table's rows and the lookups in temp.nodes both go forward.
            var roots: [(seq: Int64, root: Int64)] = []
            for group in groups { for seq in group { roots.append((seq, group[0])) } }
            roots.sort { $0.seq < $1.seq }
            let insert = try connection.prepare("""
                INSERT INTO members (seq, root, partition, local, task)
                SELECT seq, ?1, partition, local, \(rootTask("?1")) FROM temp.nodes WHERE seq = ?2
                """)
            try connection.transaction {
                for (seq, root) in roots {
                    insert.bind(1, root)
                    insert.bind(2, seq)
                    try insert.run()
                    insert.reset()
                }
            }
            try connection.execute("""
                CREATE INDEX members_partition ON members(partition, local);
                CREATE INDEX members_task ON members(task, seq);
                """)
            summary.clusters = groups.count
        } ? 1 : 0
        return summary
    }

    // MARK: 6. The clustered documents' lines, where they lie

    /// The line hashes and characters of the partition's documents that are in clusters. Reading texts
    /// stays with the partitions; the cluster tasks read these records.
    func lines(partition index: Int) throws -> PartitionedDedupSummary {
        let groups = try required([groupsPath], step: .groups)[0]
        var summary = PartitionedDedupSummary()
        summary.tasks = try produce(linesPath(index)) { path in
            let connection = try SQLiteConnection(path: path)
            try connection.execute("""
                PRAGMA journal_mode = OFF;
                CREATE TABLE member_lines (seq INTEGER PRIMARY KEY, lines BLOB NOT NULL);
                CREATE TEMP TABLE members (seq INTEGER PRIMARY KEY, local INTEGER NOT NULL);
                """)
            guard options.lines else { return }
            try attached(groups, as: "g", on: connection) {
                try connection.execute("INSERT INTO temp.members (seq, local) SELECT seq, local FROM g.members WHERE partition = \(index)")
            }
            let analyzer = TextAnalyzer(), decompressor = ZstdDecompressor()
            let store = try SQLiteConnection(path: partitions[index], readOnly: true)
            let text = try store.prepare("SELECT id, codec, text, content_hash FROM documents WHERE seq = ?")
            let members = try connection.prepare("SELECT seq, local FROM temp.members ORDER BY local")
            let insert = try connection.prepare("INSERT INTO member_lines (seq, lines) VALUES (?, ?)")
            try connection.transaction {
                while try members.step() {
                    text.bind(1, members.int64(1))
                    defer { text.reset() }
                    guard try text.step() else { continue }
                    let decoded = try StoredText.decode(text.blobBytes(2), codec: text.int(1), hash: text.blobBytes(3), document: text.int64(0),
                                                        with: decompressor)
                    let lines = decoded.withUnsafeBytes { LineHash.lines(of: $0, analyzer: analyzer) }
                    insert.bind(1, members.int64(0))
                    insert.bind(2, blob: Self.pack(lines))
                    try insert.run()
                    insert.reset()
                }
                members.reset()
            }
        } ? 1 : 0
        return summary
    }

    /// Lines as 12 bytes each: the hash (UInt64) and the characters (UInt32), little-endian.
    static func pack(_ lines: [(hash: UInt64, characters: Int)]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.count * 12)
        for line in lines {
            withUnsafeBytes(of: line.hash.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt32(clamping: line.characters).littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    static func unpack(_ bytes: UnsafeRawBufferPointer) -> [(hash: UInt64, characters: Int)] {
        stride(from: 0, to: bytes.count - 11, by: 12).map { offset in
            (UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
             Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self))))
        }
    }

    // MARK: 7. Clusters, a share of them per task

    func cluster(task: Int, console: Console) throws -> PartitionedDedupSummary {
        let groupsFile = try required([groupsPath], step: .groups)[0]
        let nears = try required((0..<buckets).map(nearPath), step: .near)
        let verifies = try required((0..<buckets).map(verifyPath), step: .verify)
        let lineFiles = try required(partitions.indices.map(linesPath), step: .lines)
        var summary = PartitionedDedupSummary()
        summary.tasks = try produce(try clusterPath(task)) { path in
            let store = try Store(path: path)
            let connection = store.connection
            try connection.execute(Self.membersTable)
            try Deduplicator.checkSettings(store: store, parameters: options.parameters)
            // This task's clusters, whole (a cluster's members share its root): where they lie, their
            // pairs and their signatures.
            try connection.execute("CREATE TEMP TABLE clustered (seq INTEGER PRIMARY KEY)")
            try attached(groupsFile, as: "g", on: connection) {
                try connection.execute("""
                    INSERT INTO partition_members (seq, partition, local) SELECT seq, partition, local FROM g.members WHERE task = \(task);
                    INSERT INTO temp.clustered (seq) SELECT seq FROM g.members WHERE task = \(task);
                    """)
            }
            for verify in verifies {
                try attached(verify, as: "v", on: connection) {
                    // The unary + keeps SQLite from the plan it picks otherwise (temp.clustered has no
                    // statistics): a primary-key probe of the pairs for every couple of clustered documents,
                    // 25,000² probes on 1 GB (65 s a task); scanning the pairs once took 0.08 s.
                    try connection.execute("""
                        INSERT OR IGNORE INTO dedup_pairs SELECT * FROM v.dedup_pairs
                        WHERE +seq_a IN (SELECT seq FROM temp.clustered) AND +seq_b IN (SELECT seq FROM temp.clustered)
                        """)
                }
            }
            for near in nears {
                try attached(near, as: "n", on: connection) {
                    try connection.execute("""
                        INSERT OR IGNORE INTO dedup_signatures SELECT * FROM n.dedup_signatures WHERE seq IN (SELECT seq FROM temp.clustered)
                        """)
                }
            }
            let clustering = Clustering(store: store, hasher: MinHasher(parameters: options.parameters), options: options)
            let groups = try clustering.groups()
            // Everything choosing the kept copy reads, for these documents only: their rows (not their
            // texts), the filters' verdicts, their perplexities, their lines and the lines' counts.
            try connection.execute("CREATE TEMP TABLE member_lines_blobs (seq INTEGER PRIMARY KEY, lines BLOB NOT NULL)")
            try copy(table: "documents", of: "temp.clustered", into: connection, withoutText: true)
            try copy(table: "filter_verdicts", of: "temp.clustered", into: connection)
            // Scored with a reference: the models and the clustered documents' perplexities.
            for index in partitions.indices {
                try withPartition(index, on: connection) {
                    try connection.execute("INSERT OR IGNORE INTO main.lm_models SELECT * FROM p.lm_models")
                }
            }
            try copy(table: "perplexity", of: "temp.clustered", into: connection)
            if options.lines { try copyLineCounts(store: store, nears: nears, lineFiles: lineFiles) }
            var dedup = DedupSummary()
            if options.minhash {
                // The closure's new pairs near the threshold are verified on their texts, read where they lie.
                try clustering.closePairs(in: groups, &dedup, console: console, texts: partitionTexts(path))
            }
            let lines = try connection.prepare("SELECT lines FROM temp.member_lines_blobs WHERE seq = ?")
            try clustering.write(groups, &dedup) { seq in
                lines.bind(1, seq)
                defer { lines.reset() }
                return try lines.step() ? Self.unpack(lines.blobBytes(0)) : []
            }
            summary.clusters = dedup.clusters
            summary.removedNormalized = dedup.removedNormalized
            summary.removedMinhash = dedup.removedMinhash
            summary.closurePairs = dedup.closurePairs
            summary.verifiedPairs = dedup.verifiedPairs
        } ? 1 : 0
        return summary
    }

    /// The clustered documents' lines (from the partitions' lines tasks), and the corpus-wide count of
    /// each: summed by a near task when the line is in several partitions, else the count of the one
    /// partition that has it.
    func copyLineCounts(store: Store, nears: [String], lineFiles: [String]) throws {
        let connection = store.connection
        try connection.execute("CREATE TEMP TABLE member_lines (hash INTEGER NOT NULL, partition INTEGER NOT NULL, PRIMARY KEY (hash, partition))")
        for (index, file) in lineFiles.enumerated() {
            try attached(file, as: "l", on: connection) {
                try connection.execute("""
                    INSERT OR IGNORE INTO temp.member_lines_blobs (seq, lines)
                    SELECT seq, lines FROM l.member_lines WHERE seq IN (SELECT seq FROM temp.clustered)
                    """)
                let blobs = try connection.prepare("SELECT lines FROM l.member_lines WHERE seq IN (SELECT seq FROM temp.clustered)")
                let add = try connection.prepare("INSERT OR IGNORE INTO temp.member_lines (hash, partition) VALUES (?, ?)")
                while try blobs.step() {
                    for line in Self.unpack(blobs.blobBytes(0)) {
                        add.bind(1, Int64(bitPattern: line.hash))
                        add.bind(2, index)
                        try add.run()
                        add.reset()
                    }
                }
                blobs.reset()
            }
        }
        for near in nears {
            try attached(near, as: "n", on: connection) {
                try connection.execute("""
                    INSERT OR IGNORE INTO repeated_lines (hash, documents, example)
                    SELECT hash, documents, example FROM n.repeated_lines WHERE hash IN (SELECT hash FROM temp.member_lines)
                    """)
            }
        }
        for index in partitions.indices {
            try withPartition(index, on: connection) {
                try connection.execute("""
                    INSERT OR IGNORE INTO repeated_lines (hash, documents, example)
                    SELECT hash, documents, example FROM p.repeated_lines
                    WHERE hash IN (SELECT hash FROM temp.member_lines WHERE partition = \(index))
                    """)
            }
        }
    }

    // MARK: 6. Each partition: its clusters and its lines' counts

    func apply(partition index: Int) throws -> PartitionedDedupSummary {
        let clusters = try required((0..<buckets).map(clusterPath), step: .cluster)
        let nears = try required((0..<buckets).map(nearPath), step: .near)
        let store = try Store(path: partitions[index], create: false)
        let connection = store.connection
        var summary = PartitionedDedupSummary()
        // Gathered from every cluster task first (attaching is not possible inside a transaction), then
        // replaced in one transaction. `cluster` holds the kept document's global key: the kept copy may
        // live in another partition.
        try connection.execute("""
            CREATE TEMP TABLE IF NOT EXISTS clusters AS SELECT * FROM dedup_clusters WHERE 0;
            DELETE FROM temp.clusters;
            """)
        for cluster in clusters {
            try attached(cluster, as: "c", on: connection) {
                try connection.execute("""
                    INSERT INTO temp.clusters (seq, document_id, cluster, duplicate_of, method, similarity, kept_by)
                    SELECT m.local, k.document_id, k.cluster, k.duplicate_of, k.method, k.similarity, k.kept_by
                    FROM c.dedup_clusters k JOIN c.partition_members m ON m.seq = k.seq WHERE m.partition = \(index)
                    """)
            }
        }
        try connection.transaction {
            try connection.execute("""
                DELETE FROM dedup_clusters;
                INSERT INTO dedup_clusters SELECT * FROM temp.clusters ORDER BY seq;
                """)
            summary.clusteredHere = connection.changes
        }
        // Each near task's corpus-wide line counts (a rerun writes the same values again).
        if options.lines {
            for near in nears {
                try attached(near, as: "n", on: connection) {
                    try connection.execute("""
                        UPDATE repeated_lines SET documents = n.documents, example = coalesce(repeated_lines.example, n.example)
                        FROM n.repeated_lines n WHERE repeated_lines.hash = n.hash
                        """)
                }
            }
            try connection.execute("INSERT OR REPLACE INTO dedup_settings (key, value) VALUES ('line_threshold', '\(options.lineThreshold)')")
        }
        summary.tasks = 1
        return summary
    }
}

/// What the tasks of a partitioned dedup did (summed over the tasks run).
public struct PartitionedDedupSummary: Codable, Sendable {
    /// Tasks that produced their output in this run (0 for a task finished earlier).
    public var tasks = 0
    public var exactDuplicates = 0
    /// Documents the prepare step signed or counted the lines of (those a partition had not).
    public var signed = 0
    public var candidatePairs = 0
    public var verifiedPairs = 0
    public var closurePairs = 0
    public var clusters = 0
    public var removedNormalized = 0
    public var removedMinhash = 0
    /// Cluster rows written into partition stores by `apply`.
    public var clusteredHere = 0

    public init() {}

    public mutating func add(_ other: PartitionedDedupSummary) {
        tasks += other.tasks
        exactDuplicates += other.exactDuplicates
        signed += other.signed
        candidatePairs += other.candidatePairs
        verifiedPairs += other.verifiedPairs
        closurePairs += other.closurePairs
        clusters += other.clusters
        removedNormalized += other.removedNormalized
        removedMinhash += other.removedMinhash
        clusteredHere += other.clusteredHere
    }
}
