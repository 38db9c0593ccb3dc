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

    /// `roots`: the inputs the partitions were ingested from, in the order one ingest would have been
    /// given them (`curate run` passes its pipeline's inputs); roots not named sort after, by path.
    /// The merged store is built under `OUTPUT.merging` and renamed when complete (with its run recorded),
    /// so a merge killed at any moment leaves no store that looks finished; the next merge starts over.
    public static func merge(_ inputs: [String], into output: String, roots: [String] = [], command: [String] = [],
                             console: Console) throws -> MergeSummary {
        let started = DispatchTime.now()
        guard !inputs.isEmpty else { throw StoreError("no stores to merge") }
        for input in inputs where !FileManager.default.fileExists(atPath: input) {
            throw StoreError("no store at \(input)")
        }
        if FileManager.default.fileExists(atPath: output) {
            // The same merge, finished earlier (a re-run after a kill that came once it was done): nothing to do.
            if let earlier = try? finishedMerge(output, command: command) { return earlier }
            throw StoreError("\(output) already exists", hint: "merge writes a new store: remove it or choose another --out")
        }
        var summary = MergeSummary()
        // Open each input once, so that older stores are migrated before they are attached.
        for input in inputs { _ = try Store(path: input, create: false) }
        let building = output + ".merging"
        func removeBuilding() {
            for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: building + suffix) }
        }
        removeBuilding() // what a killed merge left
        do {
            let store = try Store(path: building)
            let connection = store.connection
            let runID = try store.beginRun(command: "merge", arguments: command)
            // 1. The order of every document, as one ingest would have read them. Each input's documents are
            // already in that order (its own ingest read its files in walk order), so the global order is a
            // k-way merge of the inputs' runs: memory holds one row per input, not one per document.
            try connection.execute("""
                DROP TABLE IF EXISTS merge_map;
                CREATE TABLE merge_map (input INTEGER NOT NULL, old INTEGER NOT NULL, new INTEGER NOT NULL, PRIMARY KEY (input, old)) WITHOUT ROWID;
                """)
            let order = DocumentOrder(roots: roots)
            var cursors: [MergeCursor] = []
            for (index, input) in inputs.enumerated() {
                let cursor = try MergeCursor(input: index, path: input, order: order)
                if cursor.current != nil { cursors.append(cursor) }
                let reader = try SQLiteConnection(path: input, readOnly: true)
                for table in recomputed where try reader.scalarInt("SELECT EXISTS (SELECT 1 FROM \(table))") == 1 {
                    if !summary.notMerged.contains(table) { summary.notMerged.append(table) }
                }
            }
            // Ties (never expected: keys are unique) go to the earlier input.
            var merge = KWayMerge(heads: cursors.map(\.current), by: DocumentOrder.precedes)
            try connection.transaction {
                let insert = try connection.prepare("INSERT INTO merge_map (input, old, new) VALUES (?, ?, ?)")
                var next: Int64 = 1
                while let (index, row) = merge.first {
                    let cursor = cursors[index]
                    insert.bind(1, Int64(cursor.input))
                    insert.bind(2, row.seq)
                    insert.bind(3, next)
                    try insert.run()
                    next += 1
                    try cursor.advance()
                    merge.advance(cursor.current)
                }
            }
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
                            SELECT m.new, t.band, t.hash FROM part.\(table) t JOIN main.merge_map m ON m.input = \(index) AND m.old = t.seq
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
            try connection.execute("DROP TABLE merge_map")
            summary.sources = Int(try connection.scalarInt("SELECT count(*) FROM sources") ?? 0)
            summary.documents = Int(try connection.scalarInt("SELECT count(*) FROM documents") ?? 0)
            summary.duplicates = Int(try connection.scalarInt("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL") ?? 0)
            summary.rejects = Int(try connection.scalarInt("SELECT count(*) FROM rejects") ?? 0)
            try store.finishRun(id: runID, status: .done, counts: ["stores": Int64(inputs.count), "documents": Int64(summary.documents),
                                                                   "duplicates": Int64(summary.duplicates)])
            try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            removeBuilding()
            throw error
        }
        // The store is closed (out of scope): its file holds everything; publish it under its name.
        guard rename(building, output) == 0 else {
            let reason = String(cString: strerror(errno))
            removeBuilding()
            throw StoreError("cannot rename \(building) to \(output): \(reason)")
        }
        CrashPoint.reached("merge-rename")
        removeBuilding()
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return summary
    }

    /// The summary of a store that a merge with the same command line finished, if `output` is one.
    static func finishedMerge(_ output: String, command: [String]) throws -> MergeSummary? {
        guard !command.isEmpty else { return nil }
        let store = try Store(path: output, create: false)
        let arguments = String(decoding: try JSONSerialization.data(withJSONObject: command), as: UTF8.self)
        guard let counts = try store.connection.scalarText(
            "SELECT counts FROM runs WHERE command = 'merge' AND status = 'done' AND arguments = ? ORDER BY id DESC LIMIT 1", [.text(arguments)])
        else { return nil }
        var summary = MergeSummary()
        let recorded = (try? JSONSerialization.jsonObject(with: Data(counts.utf8))) as? [String: Any]
        summary.stores = (recorded?["stores"] as? NSNumber)?.intValue ?? 0
        summary.sources = Int(try store.connection.scalarInt("SELECT count(*) FROM sources") ?? 0)
        summary.documents = Int(try store.connection.scalarInt("SELECT count(*) FROM documents") ?? 0)
        summary.duplicates = Int(try store.connection.scalarInt("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL") ?? 0)
        summary.rejects = Int(try store.connection.scalarInt("SELECT count(*) FROM rejects") ?? 0)
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
            SELECT \(selected.joined(separator: ", ")) FROM part.\(table) t JOIN main.merge_map m ON m.input = \(input) AND m.old = t.seq
            ORDER BY m.new
            """)
    }
}

/// The order one ingest reads documents in: inputs (roots) in the order given, files by their
/// root-relative key compared name by name (the directory walk), records by position.
struct DocumentOrder {
    var rootRank: [String: Int] = [:]

    init(roots: [String]) {
        for (index, root) in roots.enumerated() {
            let real = URL(fileURLWithPath: root).resolvingSymlinksInPath().standardizedFileURL.path
            if rootRank[real] == nil { rootRank[real] = index }
        }
    }

    /// The root a source's key is relative to: its path without the key's components below the root's name.
    static func root(path: String, key: String) -> String {
        guard let slash = key.firstIndex(of: "/") else { return path }
        return String(path.dropLast(key.distance(from: slash, to: key.endIndex)))
    }

    struct Key {
        var rootRank: Int
        var root: String
        var components: [Substring]
        var position: Int64
        var seq: Int64
    }

    func key(seq: Int64, path: String, key: String, position: Int64) -> Key {
        let root = Self.root(path: path, key: key)
        return Key(rootRank: rootRank[root] ?? Int.max, root: root, components: key.split(separator: "/", omittingEmptySubsequences: false),
                   position: position, seq: seq)
    }

    static func precedes(_ a: Key, _ b: Key) -> Bool {
        if a.rootRank != b.rootRank { return a.rootRank < b.rootRank }
        if a.root != b.root { return a.root.utf8.lexicographicallyPrecedes(b.root.utf8) }
        for (x, y) in zip(a.components, b.components) where x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
        if a.components.count != b.components.count { return a.components.count < b.components.count }
        return a.position < b.position
    }
}

/// One input's documents in its own order, one row at a time.
final class MergeCursor {
    let input: Int
    let connection: SQLiteConnection
    let statement: SQLiteStatement
    let order: DocumentOrder
    private(set) var current: DocumentOrder.Key?

    init(input: Int, path: String, order: DocumentOrder) throws {
        self.input = input
        self.order = order
        connection = try SQLiteConnection(path: path, readOnly: true)
        statement = try connection.prepare("""
            SELECT d.seq, s.key, s.path, d.position FROM documents d JOIN sources s ON s.id = d.source_id ORDER BY d.seq
            """)
        try advance()
    }

    func advance() throws {
        current = try statement.step()
            ? order.key(seq: statement.int64(0), path: statement.text(2) ?? "", key: statement.text(1) ?? "", position: statement.int64(3))
            : nil
    }
}
