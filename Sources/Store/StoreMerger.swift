import Core
import Foundation

/// What `curate merge` did.
public struct MergeSummary: Codable, Sendable {
    public var stores = 0
    public var sources = 0
    public var documents = 0
    public var duplicates = 0
    public var rejects = 0
    /// Tables with rows in a partition that merge does not carry over (recomputed on the merged store).
    public var notMerged: [String] = []
    public var seconds = 0.0
}

/// `curate merge`: combines partition stores (one per input partition, `curate ingest --partition K/N`)
/// into one, as if a single store had ingested every input.
///
/// Documents keep their ids (derived from source and content, never from a counter) and are numbered
/// in the order one `curate ingest` over the same root would have read them: sources by their
/// root-relative key compared name by name (the order of the directory walk), records by position.
/// Exact duplicates are marked again across partitions (the first copy in that order is the original;
/// statistics of documents that turn out to be copies are dropped, as a single store never measures
/// them). Per-document statistics, languages, filter verdicts and MinHash signatures are copied, band
/// hashes become pending, so that dedup on the merged store searches candidates across partitions
/// without signing again. Candidate pairs, clusters, line counts, the perplexity reference and export
/// depend on the whole corpus: they are made on the merged store.
public enum StoreMerger {
    /// Per-document tables copied with their `seq` renumbered.
    static let perDocument = ["document_language", "stats_gopher_quality", "stats_gopher_repetition", "stats_c4", "stats_fineweb",
                              "filter_verdicts"]
    /// Tables of corpus-wide stages, recomputed on the merged store.
    static let recomputed = ["dedup_pairs", "dedup_clusters", "repeated_lines", "perplexity", "overlap_scores", "export_ranking"]

    public static func merge(_ inputs: [String], into output: String, console: Console) throws -> MergeSummary {
        let started = DispatchTime.now()
        guard !inputs.isEmpty else { throw StoreError("no stores to merge") }
        for input in inputs where !FileManager.default.fileExists(atPath: input) {
            throw StoreError("no store at \(input)")
        }
        if FileManager.default.fileExists(atPath: output) {
            throw StoreError("\(output) already exists", hint: "merge writes a new store: remove it or choose another --out")
        }
        var summary = MergeSummary()
        // Open each input once, so that older stores are migrated before they are attached.
        for input in inputs { _ = try Store(path: input, create: false) }
        let store = try Store(path: output)
        let connection = store.connection
        do {
            // 1. The order of every document: (input, old seq) sorted as one ingest would have read them.
            struct Entry { var input: Int32; var seq: Int64; var root: Int; var key: [Substring]; var position: Int64 }
            var entries: [Entry] = []
            var roots: [String: Int] = [:]
            for (index, input) in inputs.enumerated() {
                try connection.execute("ATTACH DATABASE '\(input.replacingOccurrences(of: "'", with: "''"))' AS part")
                defer { try? connection.execute("DETACH DATABASE part") }
                let rows = try connection.prepare("""
                    SELECT d.seq, s.key, s.path, d.position FROM part.documents d JOIN part.sources s ON s.id = d.source_id
                    """)
                while try rows.step() {
                    let key = rows.text(1) ?? "", path = rows.text(2) ?? ""
                    // The root the key is relative to: the path without the key's components below the root's name.
                    let root = String(path.dropLast(max(0, key.count - (key.firstIndex(of: "/").map { key.distance(from: key.startIndex, to: $0) } ?? key.count))))
                    let rootIndex = roots[root] ?? {
                        roots[root] = roots.count
                        return roots.count - 1
                    }()
                    entries.append(Entry(input: Int32(index), seq: rows.int64(0), root: rootIndex, key: key.split(separator: "/", omittingEmptySubsequences: false),
                                         position: rows.int64(3)))
                }
                for table in recomputed where try connection.scalarInt("SELECT EXISTS (SELECT 1 FROM part.\(table))") == 1 {
                    if !summary.notMerged.contains(table) { summary.notMerged.append(table) }
                }
            }
            // Roots in path order (one root, the usual case, needs none); keys name by name, bytewise.
            let rootOrder = roots.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map(\.value)
            let rootRank = Dictionary(uniqueKeysWithValues: rootOrder.enumerated().map { ($1, $0) })
            entries.sort { a, b in
                if a.root != b.root { return rootRank[a.root]! < rootRank[b.root]! }
                for (x, y) in zip(a.key, b.key) where x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
                if a.key.count != b.key.count { return a.key.count < b.key.count }
                return a.position < b.position
            }
            try connection.execute("CREATE TEMP TABLE merge_map (input INTEGER NOT NULL, old INTEGER NOT NULL, new INTEGER NOT NULL, PRIMARY KEY (input, old)) WITHOUT ROWID")
            try connection.transaction {
                let insert = try connection.prepare("INSERT INTO merge_map (input, old, new) VALUES (?, ?, ?)")
                for (rank, entry) in entries.enumerated() {
                    insert.bind(1, Int64(entry.input))
                    insert.bind(2, entry.seq)
                    insert.bind(3, Int64(rank + 1))
                    try insert.run()
                }
            }
            entries = []
            // 2. Copy each input's rows, documents renumbered.
            for (index, input) in inputs.enumerated() {
                try connection.execute("ATTACH DATABASE '\(input.replacingOccurrences(of: "'", with: "''"))' AS part")
                defer { try? connection.execute("DETACH DATABASE part") }
                try connection.transaction {
                    try connection.execute("INSERT OR IGNORE INTO sources SELECT * FROM part.sources")
                    try connection.execute("""
                        INSERT OR IGNORE INTO rejects (run_id, source_id, path, record, reason, message, raw, created_at)
                        SELECT NULL, source_id, path, record, reason, message, raw, created_at FROM part.rejects
                        """)
                    try copy(table: "documents", input: index, connection: connection)
                    for table in perDocument + ["dedup_signatures"] { try copy(table: table, input: index, connection: connection) }
                    // MinHash band hashes, searched for candidates or not, become pending in the merged store:
                    // the candidate search there finds the pairs that span partitions.
                    for table in ["minhash_bands", "minhash_bands_pending"] {
                        try connection.execute("""
                            INSERT INTO minhash_bands_pending (seq, band, hash)
                            SELECT m.new, t.band, t.hash FROM part.\(table) t JOIN temp.merge_map m ON m.input = \(index) AND m.old = t.seq
                            ORDER BY m.new, t.band
                            """)
                    }
                    // Signatures are comparable only when made with the same shingles, bands, rows and seed.
                    if let theirs = try connection.scalarText("SELECT value FROM part.dedup_settings WHERE key = 'minhash'") {
                        if let ours = try connection.scalarText("SELECT value FROM main.dedup_settings WHERE key = 'minhash'"), ours != theirs {
                            throw StoreError("\(input): its MinHash signatures were made with \(theirs), another partition's with \(ours)",
                                             hint: "sign every partition with the same dedup settings")
                        }
                        try connection.execute("INSERT OR IGNORE INTO main.dedup_settings (key, value) VALUES ('minhash', '\(theirs)')")
                    }
                }
                summary.stores += 1
            }
            // 3. Exact duplicates across partitions: the first copy in the merged order is the original.
            try connection.transaction {
                try connection.execute("""
                    UPDATE documents SET duplicate_of = (SELECT f.id FROM documents f WHERE f.content_hash = documents.content_hash ORDER BY f.seq LIMIT 1)
                    WHERE EXISTS (SELECT 1 FROM documents e WHERE e.content_hash = documents.content_hash AND e.seq < documents.seq);
                    """)
                for table in perDocument + ["dedup_signatures", "minhash_bands_pending"] {
                    try connection.execute("DELETE FROM \(table) WHERE seq IN (SELECT seq FROM documents WHERE duplicate_of IS NOT NULL)")
                }
                try connection.execute("""
                    UPDATE sources SET duplicates = (SELECT count(*) FROM documents d WHERE d.source_id = sources.id AND d.duplicate_of IS NOT NULL)
                    """)
            }
            summary.sources = Int(try connection.scalarInt("SELECT count(*) FROM sources") ?? 0)
            summary.documents = Int(try connection.scalarInt("SELECT count(*) FROM documents") ?? 0)
            summary.duplicates = Int(try connection.scalarInt("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL") ?? 0)
            summary.rejects = Int(try connection.scalarInt("SELECT count(*) FROM rejects") ?? 0)
        } catch {
            // A half-merged store must not look like a finished one.
            try? FileManager.default.removeItem(atPath: output)
            try? FileManager.default.removeItem(atPath: output + "-wal")
            try? FileManager.default.removeItem(atPath: output + "-shm")
            throw error
        }
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return summary
    }

    /// INSERT INTO main.table SELECT … FROM part.table with `seq` mapped to the merged numbering.
    static func copy(table: String, input: Int, connection: SQLiteConnection) throws {
        let info = try connection.prepare("PRAGMA main.table_info(\(table))")
        var columns: [String] = []
        while try info.step() { columns.append(info.text(1)!) }
        let selected = columns.map { $0 == "seq" ? "m.new" : "t.\($0)" }
        try connection.execute("""
            INSERT INTO main.\(table) (\(columns.joined(separator: ", ")))
            SELECT \(selected.joined(separator: ", ")) FROM part.\(table) t JOIN temp.merge_map m ON m.input = \(input) AND m.old = t.seq
            ORDER BY m.new
            """)
    }
}
