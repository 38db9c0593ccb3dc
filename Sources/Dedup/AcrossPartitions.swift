import Core
import Foundation
import ScorePass
import Store
import Text

/// `curate dedup` across partition stores, without merging them: what a merged store's dedup decides,
/// reached by tasks that each read a slice of hash space from every partition, or one partition, and
/// pass on small records (hashes, keys, pairs), never the corpus.
///
/// Documents are known across partitions by their global key, `(input_rank + 1) · 2^32 + position`
/// (sql/015): it sorts like the seq one ingest of every input would have given them, so every rule that
/// looks at seq order (the first copy is the original, the bucket window, "ingested first") decides the
/// same whatever the number of partitions. The steps, in order (the work directory holds their outputs;
/// each output is written under a temporary name and renamed when complete, so a task killed at any
/// point runs again from the start and a finished one is skipped):
///
/// 1. `exact` (B tasks, each a range of content-hash space): documents with the same text in several
///    partitions; the first in global order is the original. Writes `exact-K.db`.
/// 2. `prepare` (per partition): marks those duplicates as a merged store would (their measures
///    dropped), folds the partition's line hashes into its own counts and indexes its band hashes.
/// 3. `near` (B tasks, each a range of band-, normalised- and line-hash space): LSH buckets merged across
///    partitions, each member compared with the window before it by its signature; normalised-text
///    groups; line counts summed across partitions. Writes `near-K.db`, a curate store holding just
///    those rows, by global key.
/// 4. `verify` (B tasks, each a share of the pairs by a hash of the pair): each candidate pair once,
///    however many near tasks found it; the pairs estimated near the threshold or above verified on their
///    texts, read where they lie. Writes `verify-K.db`.
/// 5. `groups` (one task): union-find over the confirmed pairs and the normalised groups (16 bytes a
///    pair read, 24 a member held). Writes `groups.db`: each clustered document, its cluster's root and
///    where it lies.
/// 6. `lines` (per partition): the line hashes of this partition's documents in clusters, for the
///    kept-copy rule. Writes `lines-P.db`.
/// 7. `cluster` (B tasks, each the clusters whose root falls in its share): the closure of small clusters
///    and the kept copy, run by the same code as on one store (`Clustering`) over a store that holds only
///    its clusters' documents, without their texts. Writes `cluster-K.db` (one set per reference model:
///    dedup runs again once the documents are scored).
/// 8. `apply` (per partition): the partition's rows of `dedup_clusters` and its lines' corpus-wide counts.
public struct PartitionedDedup {
    public enum Step: String, CaseIterable, Sendable {
        case exact, prepare, near, verify, groups, lines, cluster, apply
    }

    /// The partition stores, in partition order.
    public let partitions: [String]
    /// Where the tasks write their outputs.
    public let work: String
    public let options: DedupOptions
    /// How many tasks share hash space in the `exact` and `near` steps.
    public let buckets: Int

    public init(partitions: [String], work: String, options: DedupOptions, buckets: Int) {
        self.partitions = partitions
        self.work = work
        self.options = options
        self.buckets = max(1, buckets)
    }

    /// A document's global key in a partition store (`d` documents, `s` its source).
    static let globalKey = "(((s.input_rank + 1) << 32) | d.position)"

    /// How many tasks a step has.
    public func tasks(_ step: Step) -> Int {
        switch step {
        case .exact, .near, .verify, .cluster: buckets
        case .prepare, .lines, .apply: partitions.count
        case .groups: 1
        }
    }

    /// Runs every step here, one task after another, from the start: the work directory's earlier
    /// outputs are removed first (they describe the partitions as they were then; the partitions'
    /// own state makes `prepare` and `apply` idempotent). A caller running the steps one by one
    /// (`curate run`, Slurm) owns that directory.
    public func runAll(console: Console) throws -> PartitionedDedupSummary {
        try? FileManager.default.removeItem(atPath: work)
        var summary = PartitionedDedupSummary()
        for step in Step.allCases {
            for task in 0..<tasks(step) { summary.add(try run(step, task: task, console: console)) }
        }
        return summary
    }

    /// Runs one task of one step.
    public func run(_ step: Step, task: Int, console: Console) throws -> PartitionedDedupSummary {
        guard (0..<tasks(step)).contains(task) else {
            throw DedupError(description: "\(step.rawValue) has \(tasks(step)) task\(tasks(step) == 1 ? "" : "s"); there is no task \(task)", hint: nil)
        }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        switch step {
        case .exact: return try exact(bucket: task)
        case .prepare: return try prepare(partition: task)
        case .near: return try near(bucket: task)
        case .verify: return try verify(bucket: task)
        case .groups: return try groups()
        case .lines: return try lines(partition: task)
        case .cluster: return try cluster(task: task, console: console)
        case .apply: return try apply(partition: task)
        }
    }

    // MARK: Outputs

    func output(_ name: String) -> String { (work as NSString).appendingPathComponent(name) }
    func exactPath(_ bucket: Int) -> String { output(String(format: "exact-%05d.db", bucket)) }
    func nearPath(_ bucket: Int) -> String { output(String(format: "near-%05d.db", bucket)) }
    func verifyPath(_ bucket: Int) -> String { output(String(format: "verify-%05d.db", bucket)) }
    var groupsPath: String { output("groups.db") }
    func linesPath(_ partition: Int) -> String { output(String(format: "lines-%05d.db", partition)) }
    /// The cluster step's outputs: one set per reference model the partitions were scored with (none at
    /// first), since the kept copy of a cluster depends on the perplexities (dedup runs again once the
    /// documents are scored; the pairs and groups stay).
    func clusterPath(_ task: Int) throws -> String {
        let store = try SQLiteConnection(path: partitions[0], readOnly: true)
        guard let model = try store.scalarInt("""
            SELECT m.id FROM lm_models m WHERE m.contrast_for IS NULL ORDER BY m.created_at DESC, m.id DESC LIMIT 1
            """) else { return output(String(format: "cluster-%05d.db", task)) }
        return output(String(format: "cluster-%016llx-%05d.db", UInt64(bitPattern: model), task))
    }

    /// The task (of `buckets`) that owns a pair of global keys, or a cluster by its root: a fixed mix of
    /// the keys, the same in every task and run (SQL, so that an index can hold it).
    func pairTask(_ a: String, _ b: String) -> String { "(((\(a) % 1000003) + (\(b) % 1000003)) % \(buckets))" }
    func rootTask(_ root: String) -> String { "((\(root) % 1000003) % \(buckets))" }

    func produce(_ path: String, _ body: (String) throws -> Void) throws -> Bool { try StepOutput.produce(path, body) }

    func required(_ paths: [String], step: Step) throws -> [String] { try StepOutput.required(paths, step: step.rawValue) }

    // MARK: Hash ranges

    /// Bucket `bucket`'s share of 64-bit hash space, as the signed values SQLite stores: [low, high].
    func signedRange(_ bucket: Int) -> (low: Int64, high: Int64) {
        let (low, high) = unsignedRange(bucket)
        let flip: UInt64 = 1 << 63 // unsigned order to signed order
        return (Int64(bitPattern: low ^ flip), Int64(bitPattern: high ^ flip))
    }

    /// The hashes h with ⌊h · B / 2^64⌋ = bucket: from ⌈bucket · 2^64 / B⌉ to the next bucket's start − 1.
    func unsignedRange(_ bucket: Int) -> (low: UInt64, high: UInt64) {
        func start(_ bucket: Int) -> UInt128 { ((UInt128(bucket) << 64) + UInt128(buckets) - 1) / UInt128(buckets) }
        let high = bucket == buckets - 1 ? UInt64.max : UInt64(start(bucket + 1) - 1)
        return (UInt64(start(bucket)), high)
    }

    /// Bucket `bucket`'s share of 16-byte hash space (content and normalised-text hashes, compared as
    /// blobs): the SQL condition on `column`, and its arguments (8-byte big-endian bounds).
    func blobRange(_ bucket: Int, column: String) -> (String, [SQLiteValue]) {
        let (low, high) = unsignedRange(bucket)
        func bytes(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) } }
        if bucket == buckets - 1 { return ("\(column) >= ?", [.blob(bytes(low))]) }
        return ("\(column) >= ? AND \(column) < ?", [.blob(bytes(low)), .blob(bytes(high &+ 1))])
    }

    /// Runs `body` in a transaction of its own with the store at `path` attached read-only as `alias`
    /// (SQLite attaches and detaches only outside a transaction; read-only, so that tasks running at once
    /// can all read the same partition or bucket output).
    func attached<T>(_ path: String, as alias: String, on connection: SQLiteConnection, _ body: () throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError("\(path) is missing") }
        let uri = SQLiteConnection.readOnlyURI(path)
        try connection.execute("ATTACH DATABASE '\(uri.replacingOccurrences(of: "'", with: "''"))' AS \(alias)")
        defer { try? connection.execute("DETACH DATABASE \(alias)") }
        return try connection.transaction(body)
    }

    /// Runs `body` in a transaction with partition `index` attached as `p`.
    func withPartition<T>(_ index: Int, on connection: SQLiteConnection, _ body: () throws -> T) throws -> T {
        try attached(partitions[index], as: "p", on: connection) {
            if try connection.scalarInt("SELECT EXISTS (SELECT 1 FROM p.sources WHERE input_rank IS NULL)") == 1 {
                throw Self.notPartitioned(partitions[index])
            }
            return try body()
        }
    }

    static func notPartitioned(_ path: String) -> DedupError {
        DedupError(description: "\(path) was not ingested as a partition (its sources have no input rank)",
                   hint: "ingest each partition with `curate ingest … --partition K/N` (curate run --partitions does)")
    }

    // MARK: 1. Exact copies across partitions

    func exact(bucket: Int) throws -> PartitionedDedupSummary {
        var summary = PartitionedDedupSummary()
        summary.tasks = try produce(exactPath(bucket)) { path in
            let connection = try SQLiteConnection(path: path)
            try connection.execute("""
                PRAGMA journal_mode = OFF; PRAGMA temp_store = FILE;
                CREATE TABLE copies (hash BLOB NOT NULL, key INTEGER NOT NULL, id INTEGER NOT NULL, duplicate_of INTEGER,
                                     partition INTEGER NOT NULL, PRIMARY KEY (hash, key)) WITHOUT ROWID;
                CREATE TABLE duplicates (partition INTEGER NOT NULL, key INTEGER NOT NULL, duplicate_of INTEGER NOT NULL,
                                         PRIMARY KEY (partition, key)) WITHOUT ROWID;
                """)
            let (condition, arguments) = blobRange(bucket, column: "d.content_hash")
            for index in partitions.indices {
                try withPartition(index, on: connection) {
                    let copy = try connection.prepare("""
                        INSERT INTO copies (hash, key, id, duplicate_of, partition)
                        SELECT d.content_hash, \(Self.globalKey), d.id, d.duplicate_of, \(index)
                        FROM p.documents d JOIN p.sources s ON s.id = d.source_id WHERE \(condition)
                        """)
                    try copy.bind(arguments)
                    try copy.run()
                }
            }
            // In each group of equal texts found in more than one partition, every copy after the first
            // (in global order) is a duplicate of the first; within one partition ingest marked them.
            try connection.transaction { try connection.execute("""
                INSERT INTO duplicates (partition, key, duplicate_of)
                SELECT c.partition, c.key, f.id
                FROM copies c JOIN copies f ON f.hash = c.hash
                     AND f.key = (SELECT min(key) FROM copies WHERE hash = c.hash)
                WHERE c.key != f.key AND c.duplicate_of IS NOT f.id
                  AND (SELECT count(DISTINCT partition) FROM copies WHERE hash = c.hash) > 1;
                DROP TABLE copies;
                """) }
            summary.exactDuplicates = Int(try connection.scalarInt("SELECT count(*) FROM duplicates") ?? 0)
        } ? 1 : 0
        return summary
    }

    // MARK: 2. Each partition: the copies marked, its lines counted, its bands indexed

    /// Per-document rows a merged store does not hold for a document that turns out to be a copy.
    static let measuredTables = ["document_language", "stats_gopher_quality", "stats_gopher_repetition", "stats_c4", "stats_fineweb",
                                 "filter_verdicts", "dedup_signatures", "minhash_bands_pending", "minhash_bands",
                                 "repeated_lines_pending", "repeated_lines_documents", "perplexity"]

    func prepare(partition index: Int) throws -> PartitionedDedupSummary {
        let exacts = try required((0..<buckets).map(exactPath), step: .exact)
        var summary = PartitionedDedupSummary()
        let store = try Store(path: partitions[index], create: false)
        let connection = store.connection
        if try connection.scalarInt("SELECT EXISTS (SELECT 1 FROM sources WHERE input_rank IS NULL)") == 1 {
            throw Self.notPartitioned(partitions[index])
        }
        try Deduplicator.checkSettings(store: store, parameters: options.parameters)
        // This partition's copies of documents in other partitions, gathered first (attaching is not
        // possible inside a transaction); then marked in one transaction.
        try connection.execute("CREATE TEMP TABLE IF NOT EXISTS copies (seq INTEGER PRIMARY KEY, duplicate_of INTEGER NOT NULL)")
        try connection.execute("DELETE FROM temp.copies")
        for path in exacts {
            try attached(path, as: "e", on: connection) {
                try connection.execute("""
                    INSERT OR REPLACE INTO temp.copies (seq, duplicate_of)
                    SELECT d.seq, x.duplicate_of FROM e.duplicates x
                    JOIN sources s ON s.input_rank = (x.key >> 32) - 1
                    JOIN documents d ON d.source_id = s.id AND d.position = (x.key & 4294967295)
                    WHERE x.partition = \(index)
                    """)
            }
        }
        try connection.transaction {
            try connection.execute("""
                UPDATE documents SET duplicate_of = (SELECT c.duplicate_of FROM temp.copies c WHERE c.seq = documents.seq)
                WHERE seq IN (SELECT seq FROM temp.copies)
                """)
            for table in Self.measuredTables {
                try connection.execute("DELETE FROM \(table) WHERE seq IN (SELECT seq FROM temp.copies)")
            }
            try connection.execute("""
                UPDATE sources SET duplicates = (SELECT count(*) FROM documents d WHERE d.source_id = sources.id AND d.duplicate_of IS NOT NULL)
                """)
        }
        // Signatures and line hashes of the documents that still lack them (a partition signed with
        // --sign-only has no line hashes; the copies just marked are not measured).
        var measuring = options
        measuring.signOnly = false
        let measure = try MinHashMeasure(store: store, options: measuring)
        try MeasurePass.run(measure, store: store, threads: options.threads, commitInterval: options.commitInterval,
                            console: Console(quiet: true), stage: "dedup")
        summary.signed = measure.signed
        if options.lines {
            try LineCounts.fold(store: store)
            // The partition's own counts, once: after `apply`, repeated_lines holds the corpus-wide ones.
            try connection.execute("""
                INSERT INTO repeated_lines_local (hash, documents) SELECT hash, documents FROM repeated_lines
                WHERE NOT EXISTS (SELECT 1 FROM repeated_lines_local)
                """)
        }
        try connection.transaction {
            try connection.execute("""
                INSERT OR IGNORE INTO partition_keys (seq, key)
                SELECT d.seq, \(Self.globalKey) FROM documents d JOIN sources s ON s.id = d.source_id ORDER BY d.seq;
                INSERT OR IGNORE INTO minhash_bands (band, hash, seq)
                SELECT band, hash, seq FROM minhash_bands_pending ORDER BY band, hash, seq;
                DELETE FROM minhash_bands_pending;
                """)
        }
        summary.tasks = 1
        return summary
    }

    // MARK: 3. Buckets across partitions

    /// The scratch table of a near or cluster store that says where each global key lives.
    static let membersTable = """
        CREATE TABLE IF NOT EXISTS partition_members (seq INTEGER PRIMARY KEY, partition INTEGER NOT NULL, local INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS partition_members_local ON partition_members(partition, local);
        """

    func near(bucket: Int) throws -> PartitionedDedupSummary {
        var summary = PartitionedDedupSummary()
        summary.tasks = try produce(nearPath(bucket)) { path in
            let store = try Store(path: path)
            let connection = store.connection
            try connection.execute(Self.membersTable)
            try Deduplicator.checkSettings(store: store, parameters: options.parameters)
            let (low, high) = signedRange(bucket)
            let (normalized, normalizedArguments) = blobRange(bucket, column: "g.normalized_hash")
            try connection.execute("""
                CREATE TEMP TABLE normalized (hash BLOB NOT NULL, seq INTEGER NOT NULL);
                CREATE TEMP TABLE lines (hash INTEGER NOT NULL, documents INTEGER NOT NULL, example TEXT, partition INTEGER NOT NULL,
                                         PRIMARY KEY (hash, partition)) WITHOUT ROWID;
                CREATE TEMP TABLE band_rows (seq INTEGER, band INTEGER, hash INTEGER, local INTEGER);
                """)
            for index in partitions.indices {
                try withPartition(index, on: connection) {
                    if options.minhash {
                        // Band rows with their partition seq, then the rows and where their documents live.
                        let bands = try connection.prepare("""
                            INSERT INTO temp.band_rows (seq, band, hash, local)
                            SELECT k.key, m.band, m.hash, m.seq
                            FROM p.minhash_bands m JOIN p.partition_keys k ON k.seq = m.seq
                            WHERE m.band = ? AND m.hash BETWEEN ? AND ?
                            """)
                        for band in 0..<options.parameters.bands {
                            bands.bind(1, band)
                            bands.bind(2, low)
                            bands.bind(3, high)
                            try bands.run()
                            bands.reset()
                        }
                        try connection.execute("""
                            INSERT INTO minhash_bands_pending (seq, band, hash) SELECT seq, band, hash FROM temp.band_rows;
                            INSERT OR IGNORE INTO partition_members (seq, partition, local) SELECT seq, \(index), local FROM temp.band_rows;
                            DELETE FROM temp.band_rows;
                            """)
                    }
                    if options.exact {
                        let groups = try connection.prepare("""
                            INSERT INTO temp.normalized (hash, seq)
                            SELECT g.normalized_hash, k.key
                            FROM p.dedup_signatures g JOIN p.partition_keys k ON k.seq = g.seq
                            WHERE \(normalized)
                            """)
                        try groups.bind(normalizedArguments)
                        try groups.run()
                        let members = try connection.prepare("""
                            INSERT OR IGNORE INTO partition_members (seq, partition, local)
                            SELECT k.key, \(index), g.seq FROM p.dedup_signatures g JOIN p.partition_keys k ON k.seq = g.seq
                            WHERE \(normalized)
                            """)
                        try members.bind(normalizedArguments)
                        try members.run()
                    }
                    if options.lines {
                        try connection.execute("""
                            INSERT INTO temp.lines (hash, documents, example, partition)
                            SELECT l.hash, l.documents, r.example, \(index)
                            FROM p.repeated_lines_local l LEFT JOIN p.repeated_lines r ON r.hash = l.hash
                            WHERE l.hash BETWEEN \(low) AND \(high)
                            """)
                    }
                }
            }
            // The documents whose signatures comparisons need: members of a band bucket or a normalised
            // group of more than one.
            try connection.transaction { try connection.execute("""
                CREATE TEMP TABLE wanted (seq INTEGER PRIMARY KEY);
                INSERT OR IGNORE INTO temp.wanted
                SELECT seq FROM (SELECT seq, count(*) OVER (PARTITION BY band, hash) AS members FROM minhash_bands_pending)
                WHERE members > 1;
                INSERT OR IGNORE INTO temp.wanted
                SELECT n.seq FROM temp.normalized n WHERE n.hash IN (SELECT hash FROM temp.normalized GROUP BY hash HAVING count(*) > 1);
                """) }
            try copy(table: "dedup_signatures", of: "temp.wanted", into: connection)
            // Line counts: the lines found in more than one partition, their counts summed (a line in one
            // partition has its corpus-wide count there already).
            try connection.transaction { try connection.execute("""
                INSERT INTO repeated_lines (hash, documents, example)
                SELECT hash, sum(documents),
                       (SELECT example FROM temp.lines e WHERE e.hash = l.hash AND e.example IS NOT NULL ORDER BY e.partition LIMIT 1)
                FROM temp.lines l GROUP BY hash HAVING count(*) > 1
                """) }
            guard options.minhash else { return }
            var dedup = DedupSummary()
            let clustering = Clustering(store: store, hasher: MinHasher(parameters: options.parameters), options: options)
            try clustering.confirmCandidates(&dedup)
            // Each verify task reads its share of the pairs by this index.
            try connection.execute("CREATE INDEX dedup_pairs_task ON dedup_pairs(\(pairTask("seq_a", "seq_b")))")
            summary.candidatePairs = dedup.candidatePairs
        } ? 1 : 0
        return summary
    }

    // MARK: 4. Each pair once, verified

    func verify(bucket: Int) throws -> PartitionedDedupSummary {
        let nears = try required((0..<buckets).map(nearPath), step: .near)
        var summary = PartitionedDedupSummary()
        summary.tasks = try produce(verifyPath(bucket)) { path in
            let store = try Store(path: path)
            let connection = store.connection
            try connection.execute(Self.membersTable)
            try Deduplicator.checkSettings(store: store, parameters: options.parameters)
            try connection.execute("CREATE TEMP TABLE paired (seq INTEGER PRIMARY KEY)")
            for near in nears {
                try attached(near, as: "n", on: connection) {
                    try connection.execute("""
                        INSERT OR IGNORE INTO dedup_pairs (seq_a, seq_b, jaccard)
                        SELECT seq_a, seq_b, jaccard FROM n.dedup_pairs WHERE \(pairTask("seq_a", "seq_b")) = \(bucket);
                        """)
                }
            }
            try connection.execute("""
                INSERT OR IGNORE INTO temp.paired SELECT seq_a FROM dedup_pairs;
                INSERT OR IGNORE INTO temp.paired SELECT seq_b FROM dedup_pairs;
                """)
            for near in nears {
                try attached(near, as: "n", on: connection) {
                    try connection.execute("""
                        INSERT OR IGNORE INTO partition_members SELECT * FROM n.partition_members WHERE seq IN (SELECT seq FROM temp.paired)
                        """)
                }
            }
            guard options.verifyExactly else { return }
            var dedup = DedupSummary()
            let clustering = Clustering(store: store, hasher: MinHasher(parameters: options.parameters), options: options)
            try clustering.verifyCandidates(&dedup, console: Console(quiet: true), texts: partitionTexts(path))
            summary.verifiedPairs = dedup.verifiedPairs
        } ? 1 : 0
        return summary
    }

    /// Texts read where they lie: a global key's partition and local seq from `partition_members` of the
    /// store at `path`, the text from that partition (read-only), without copying any.
    func partitionTexts(_ path: String) -> Clustering.TextSource {
        let partitions = self.partitions
        return {
            let members = try SQLiteConnection(path: path)
            let locate = try members.prepare("SELECT partition, local FROM partition_members WHERE seq = ?")
            let stores = try partitions.map { try SQLiteConnection(path: $0, readOnly: true) }
            let texts = try stores.map { try $0.prepare("SELECT id, codec, text, content_hash FROM documents WHERE seq = ?") }
            return { seq in
                _ = (members, stores) // kept open while their statements are used
                locate.bind(1, seq)
                defer { locate.reset() }
                guard try locate.step() else { return nil }
                let text = texts[locate.int(0)]
                text.bind(1, locate.int64(1))
                defer { text.reset() }
                guard try text.step() else { return nil }
                return (text.int64(0), text.int(1), Array(text.blobBytes(2)), Array(text.blobBytes(3)))
            }
        }
    }

    /// Copies `table`'s rows of the documents listed in `list` (global keys) from every partition into
    /// the store on `connection`, seq replaced by the global key. `documents` takes the partition's input
    /// rank as its source (an id that is unique across partitions, as (source, position) must be).
    func copy(table: String, of list: String, into connection: SQLiteConnection, withoutText: Bool = false) throws {
        // A table keyed by (model, seq) is read by its key: every model, then the document.
        let byModel = table == "perplexity" ? " AND t.model_id IN (SELECT id FROM p.lm_models)" : ""
        let info = try connection.prepare("PRAGMA main.table_info(\(table))")
        var columns: [String] = []
        while try info.step() { columns.append(info.text(1)!) }
        let selected = columns.map { column -> String in
            switch (table, column) {
            case (_, "seq"): "m.seq"
            case ("documents", "source_id"): "(SELECT s.input_rank + 1 FROM p.sources s WHERE s.id = t.source_id)"
            case ("documents", "text") where withoutText: "X''"
            case ("documents", "codec") where withoutText: "0"
            default: "t.\(column)"
            }
        }
        for index in partitions.indices {
            try withPartition(index, on: connection) {
                try connection.execute("""
                    INSERT OR IGNORE INTO main.\(table) (\(columns.joined(separator: ", ")))
                    SELECT \(selected.joined(separator: ", "))
                    FROM main.partition_members m JOIN p.\(table) t ON t.seq = m.local
                    WHERE m.partition = \(index) AND m.seq IN (SELECT seq FROM \(list))\(byModel)
                    ORDER BY m.seq
                    """)
            }
        }
    }
}
