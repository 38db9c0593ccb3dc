import Core
import Foundation
import Store

/// Why documents are not in the ranking.
public struct ExclusionCounts: Codable, Sendable, Equatable {
    public var documents = 0
    /// Byte-identical copies (ingest).
    public var ingestDuplicates = 0
    /// Near and normalised duplicates (dedup).
    public var dedupDuplicates = 0
    /// Dropped by the heuristic filters.
    public var filtered = 0
    /// Without the metric(s) of the score.
    public var unscored = 0
    /// What is left, ranked.
    public var ranked = 0

    /// With the ranked count; the reasons are disjoint (each count excludes the ones before it), so
    /// the rest had no score.
    func finishing(ranked: Int) -> ExclusionCounts {
        var counts = self
        counts.ranked = ranked
        counts.unscored = documents - ingestDuplicates - dedupDuplicates - filtered - ranked
        return counts
    }
}

/// Builds `export_ranking`: the documents that may be exported, each with its score and the key that
/// orders them best first. One SQL pass streams the metric values; a second one writes the keys.
struct Ranking {
    let store: Store
    let options: ExportOptions
    /// For a combined or sampled score: each metric's moments over the whole corpus (the partitions'
    /// summed, for a partitioned export); nil: this store's own.
    var moments: [Moments]?
    /// The most documents sorted in memory.
    var sortingLimit = Ranking.sortingLimit

    /// The newest reference model (perplexity metrics are read under it).
    func modelID() throws -> Int64? {
        try store.latestReferenceModelID()
    }

    /// Which of the scored documents `x` may be exported: not a dedup duplicate, not dropped by the
    /// filters (ingest's duplicates have no scores).
    func eligibility() -> String {
        // NOT IN builds each excluded set once (usually small); a correlated NOT EXISTS per document
        // would cost a lookup in each table per ranked document.
        options.includeFailed ? "1" : """
            x.seq NOT IN (SELECT seq FROM dedup_clusters WHERE duplicate_of IS NOT NULL)
            """ + (options.filtersAreSoft ? "" : " AND x.seq NOT IN (SELECT seq FROM filter_verdicts WHERE kept = 0)")
    }

    /// The documents dedup marked as duplicates or the filters dropped, as a bitmap over seq; nil
    /// when the store's seqs run past what the bitmap may take (1/8 of the sorting budget).
    func excludedDocuments() throws -> SeqBitmap? {
        let connection = store.connection
        let largest = try connection.scalarInt("SELECT max(seq) FROM documents") ?? 0
        // largest / 8 bytes: at most an eighth of the sorting budget.
        guard largest < Int64(MemoryBudget.current?.sortingBytes ?? 256 << 20) else { return nil }
        var bitmap = SeqBitmap(largest: largest)
        let filtered = options.filtersAreSoft ? [] : ["SELECT seq FROM filter_verdicts WHERE kept = 0"]
        for sql in ["SELECT seq FROM dedup_clusters WHERE duplicate_of IS NOT NULL"] + filtered {
            let statement = try connection.prepare(sql)
            while try statement.step() { bitmap.insert(statement.int64(0)) }
        }
        return bitmap
    }

    /// How many ranked documents are sorted in memory (48 bytes each); past that, SQLite sorts them.
    /// Unbudgeted: 256 MiB, about 5.6 million documents; under --max-memory, its sorting share.
    static var sortingLimit: Int {
        (MemoryBudget.current?.sortingBytes ?? 256 << 20) / MemoryLayout<RankedList.Entry>.stride
    }

    /// Each metric's moments over this store's eligible documents that have every metric (`read` bound).
    func ownMoments(_ read: SQLiteStatement, metrics: [(QualityMetric, Double)], eligible: (SQLiteStatement) -> Bool) throws -> [Moments] {
        var moments = [Moments](repeating: Moments(), count: metrics.count)
        while try read.step() {
            guard eligible(read) else { continue }
            for index in metrics.indices { moments[index].add(metrics[index].0.transformed(read.double(Int32(2 + index)))) }
        }
        return moments
    }

    /// The moments a combined or sampled score needs, over this store ([] when the ranking needs none).
    func corpusMoments() throws -> [Moments] {
        let metrics = try options.metrics()
        guard options.usesZScores else { return [] }
        let (read, eligible) = try valuesStatement(metrics: metrics, model: try modelID() ?? -1)
        return try ownMoments(read, metrics: metrics, eligible: eligible)
    }

    /// The values of each metric, for the eligible documents that have all of them. Starting from the
    /// first metric's table keeps the scan off the documents table (its pages hold the texts); the other
    /// metrics, the language and the perplexity are lookups by key.
    func valuesSQL(metrics: [(QualityMetric, Double)], eligible: String) -> String {
        let present = metrics.indices.map { "m\($0) IS NOT NULL" }.joined(separator: " AND ")
        let aliases = metrics.indices.map { "m\($0)" }.joined(separator: ", ")
        let languageSQL = "coalesce(x.language, (SELECT l.language FROM document_language l WHERE l.seq = x.seq))"
        return """
            SELECT seq, document_id, \(aliases), language, pp FROM (
                SELECT x.seq AS seq, x.document_id AS document_id, \(metrics.indices.map { "\(metrics[$0].0.sql) AS m\($0)" }.joined(separator: ", ")),
                       \(languageSQL) AS language, \(QualityMetric.perplexity.sql) AS pp
                FROM (\(metrics[0].0.documents)) x WHERE \(eligible)
            ) WHERE \(present)
            """
    }

    /// The statement reading `valuesSQL` (bound to the model), and the test of a row's eligibility: the
    /// rows read skip the excluded documents in a bitmap when it is small enough (SQL's NOT IN costs a
    /// lookup in each excluded set per row: more than the rest of the scan).
    func valuesStatement(metrics: [(QualityMetric, Double)], model: Int64) throws -> (SQLiteStatement, (SQLiteStatement) -> Bool) {
        let excluded = options.includeFailed ? nil : try excludedDocuments()
        let read = try store.connection.prepare(valuesSQL(metrics: metrics, eligible: excluded == nil ? eligibility() : "1"))
        read.bind(1, model)
        return (read, { row in excluded.map { !$0.contains(row.int64(0)) } ?? true })
    }

    func build() throws -> (ExclusionCounts, RankedList?) {
        let connection = store.connection
        let metrics = try options.metrics()
        let model = try modelID() ?? -1
        var counts = ExclusionCounts()
        counts.documents = Int(try connection.scalarInt("SELECT count(*) FROM documents") ?? 0)
        if !options.includeFailed {
            counts.ingestDuplicates = Int(try connection.scalarInt("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL") ?? 0)
            // Ingest's duplicates come from their partial index, never from the documents' own pages.
            let ingestDuplicate = "seq IN (SELECT seq FROM documents WHERE duplicate_of IS NOT NULL)"
            counts.dedupDuplicates = Int(try connection.scalarInt(
                "SELECT count(*) FROM dedup_clusters WHERE duplicate_of IS NOT NULL AND NOT \(ingestDuplicate)") ?? 0)
            counts.filtered = options.filtersAreSoft ? 0 : Int(try connection.scalarInt("""
                SELECT count(*) FROM filter_verdicts v
                WHERE v.kept = 0 AND NOT v.\(ingestDuplicate)
                  AND NOT EXISTS (SELECT 1 FROM dedup_clusters c WHERE c.seq = v.seq AND c.duplicate_of IS NOT NULL)
                """) ?? 0)
        }

        func values(eligible: String) -> String { valuesSQL(metrics: metrics, eligible: eligible) }
        let (read, eligible) = try valuesStatement(metrics: metrics, model: model)

        // Mean and standard deviation of each (transformed) metric, for combined or sampled scores.
        let normalise = options.usesZScores
        var mean = [Double](repeating: 0, count: metrics.count), deviation = [Double](repeating: 1, count: metrics.count)
        if normalise {
            let moments = try self.moments ?? ownMoments(read, metrics: metrics, eligible: eligible)
            read.reset()
            read.bind(1, model) // reset clears the bindings
            for index in metrics.indices { (mean[index], deviation[index]) = moments[index].meanAndDeviation }
        }

        // A row's score and sort key (ascending = best first).
        let languageColumn = 2 + Int32(metrics.count)
        func scored(_ row: SQLiteStatement) -> (score: Double, key: Double) {
            if !normalise {
                // One metric in its own direction.
                let value = row.double(2)
                return (value, metrics[0].0.lowerIsBetter == (metrics[0].1 > 0) ? value : -value)
            }
            let raw = metrics.indices.map { row.double(Int32(2 + $0)) }
            // Quality: Σ weight · (z-score, signed so that better is larger).
            var quality = 0.0
            for (index, (metric, weight)) in metrics.enumerated() {
                let z = (metric.transformed(raw[index]) - mean[index]) / deviation[index]
                quality += weight * (metric.lowerIsBetter ? -z : z)
            }
            let score = metrics.count == 1 ? raw[0] : quality
            if let temperature = options.sampleTemperature {
                // Gumbel-top-k: the k largest quality/T + Gumbel noise are a sample without
                // replacement with probabilities ∝ exp(quality / T).
                return (score, -(quality / temperature + Self.gumbel(seed: options.seed, id: row.int64(1))))
            }
            return (score, -quality)
        }

        // Sorted in memory when the ranking fits the sorting budget: SQLite's sorter (an index build)
        // takes several times as long. Both ways give the same order: (sort key, document id).
        var list = RankedList()
        list.entries.reserveCapacity(min(counts.documents, sortingLimit))
        var fits = true
        read.reset()
        read.bind(1, model)
        while try read.step() {
            guard eligible(read) else { continue }
            guard list.entries.count < sortingLimit else {
                fits = false
                break
            }
            let (score, key) = scored(read)
            let perplexity = read.isNull(languageColumn + 1) ? nil : read.double(languageColumn + 1)
            list.append(seq: read.int64(0), id: read.int64(1), score: score, key: key,
                        languageBytes: read.isNull(languageColumn) ? nil : read.blobBytes(languageColumn), perplexity: perplexity)
        }
        read.reset()
        if fits {
            list.sort()
            if options.ranksWithinLanguages { list.rankWithinLanguages() }
            // Recorded in the table by `record`, while the export streams.
            return (counts.finishing(ranked: list.entries.count), list)
        }

        try connection.transaction {
            try connection.execute("DROP INDEX IF EXISTS export_ranking_order; DELETE FROM export_ranking")
            let shuffleSeed = options.order == .random ? RankedList.shuffleSeed(options.seed) : nil
            // Past the sorting budget: SQLite writes the rows, then sorts them into the index once.
            if !normalise {
                let key = metrics[0].0.lowerIsBetter == (metrics[0].1 > 0) ? "m0" : "-m0"
                let copy = try connection.prepare(
                    "INSERT INTO export_ranking (seq, document_id, score, sort_key, language, perplexity) SELECT seq, document_id, m0, \(key), language, pp FROM (\(values(eligible: eligibility())))")
                copy.bind(1, model)
                try copy.run()
            } else {
                let insert = try connection.prepare(
                    "INSERT INTO export_ranking (seq, document_id, score, sort_key, language, perplexity) VALUES (?, ?, ?, ?, ?, ?)")
                read.bind(1, model)
                while try read.step() {
                    guard eligible(read) else { continue }
                    let (score, key) = scored(read)
                    insert.bind(1, read.int64(0))
                    insert.bind(2, read.int64(1))
                    insert.bind(3, score)
                    insert.bind(4, key)
                    insert.bind(5, read.text(languageColumn))
                    if read.isNull(languageColumn + 1) { insert.bindNull(6) } else { insert.bind(6, read.double(languageColumn + 1)) }
                    try insert.run()
                }
                read.reset()
            }
            if options.ranksWithinLanguages {
                // The key becomes the document's percentile within its language: 0 for each language's best.
                try connection.execute("""
                    UPDATE export_ranking SET sort_key = r.percentile
                    FROM (SELECT seq, percent_rank() OVER (PARTITION BY coalesce(language, '') ORDER BY sort_key, document_id) AS percentile
                          FROM export_ranking) r
                    WHERE r.seq = export_ranking.seq
                    """)
            }
            // Covering (sql/008): export's ranked scan reads the index alone, in order.
            try connection.execute("CREATE INDEX export_ranking_order ON export_ranking(sort_key, document_id, seq, score, language, perplexity)")
            if let shuffleSeed {
                try connection.defineMixFunction()
                try connection.execute("UPDATE export_ranking SET shuffle = curate_mix(\(shuffleSeed), document_id)")
            }
        }
        return (counts.finishing(ranked: Int(try connection.scalarInt("SELECT count(*) FROM export_ranking") ?? 0)), nil)
    }

    /// Writes a ranking sorted in memory to `export_ranking`, for `curate report` (without the index:
    /// the export reads the list itself). Runs on its own thread while the export streams.
    func record(_ list: RankedList) throws {
        let connection = store.connection
        let shuffleSeed = options.order == .random ? RankedList.shuffleSeed(options.seed) : nil
        try connection.transaction {
            try connection.execute("DROP INDEX IF EXISTS export_ranking_order; DELETE FROM export_ranking")
            let insert = try connection.prepare(
                "INSERT INTO export_ranking (seq, document_id, score, sort_key, shuffle, language, perplexity) VALUES (?, ?, ?, ?, ?, ?, ?)")
            // In seq order, the table's rowid: each row is appended to the last page instead of landing
            // somewhere in the middle of the tree, as it would in rank order.
            for entry in list.bySeq() {
                insert.bind(1, entry.seq)
                insert.bind(2, entry.id)
                insert.bind(3, entry.score)
                insert.bind(4, entry.key)
                if let shuffleSeed { insert.bind(5, RankedList.shuffle(seed: shuffleSeed, id: entry.id)) } else { insert.bindNull(5) }
                if let language = list.language(of: entry) { insert.bind(6, language) } else { insert.bindNull(6) }
                if entry.perplexity.isNaN { insert.bindNull(7) } else { insert.bind(7, entry.perplexity) }
                try insert.run()
            }
        }
    }

    /// A standard Gumbel variate, fixed per seed and document.
    static func gumbel(seed: UInt64, id: Int64) -> Double {
        let u = (Double(splitMix(seed, UInt64(bitPattern: id)) >> 11) + 0.5) / Double(1 << 53) // in (0, 1)
        return -log(-log(u))
    }
}

/// A set of seqs from 0 through `largest`, one bit each.
struct SeqBitmap {
    private var words: [UInt64]

    init(largest: Int64) {
        words = [UInt64](repeating: 0, count: Int(max(0, largest)) / 64 + 1)
    }

    mutating func insert(_ seq: Int64) {
        guard seq >= 0, Int(seq / 64) < words.count else { return }
        words[Int(seq / 64)] |= 1 << UInt64(seq % 64)
    }

    func contains(_ seq: Int64) -> Bool {
        guard seq >= 0, Int(seq / 64) < words.count else { return false }
        return words[Int(seq / 64)] & (1 << UInt64(seq % 64)) != 0
    }
}

/// The ranked documents in memory, best first: what export streams when the ranking fits its budget.
struct RankedList: Sendable {
    struct Entry: Sendable {
        var key: Double
        var id: Int64
        var seq: Int64
        var score: Double
        /// NaN when the document has none.
        var perplexity: Double
        /// Index into `languages`, or -1.
        var language: Int32
    }

    var entries: [Entry] = []
    var languages: [String] = []
    private var languageIndex: [String: Int32] = [:]

    /// The language comes as UTF-8 bytes (a row's text column): a run of rows in one language, the usual
    /// case, costs a byte comparison each instead of a String and a dictionary lookup.
    mutating func append(seq: Int64, id: Int64, score: Double, key: Double, languageBytes: UnsafeRawBufferPointer?, perplexity: Double?) {
        var language: Int32 = -1
        if let languageBytes {
            if lastLanguage >= 0 && languages[Int(lastLanguage)].utf8.elementsEqual(languageBytes) {
                language = lastLanguage
            } else {
                language = code(String(decoding: languageBytes, as: UTF8.self))
                lastLanguage = language
            }
        }
        entries.append(Entry(key: key, id: id, seq: seq, score: score, perplexity: perplexity ?? .nan, language: language))
    }

    private var lastLanguage: Int32 = -1

    private mutating func code(_ language: String) -> Int32 {
        if let known = languageIndex[language] { return known }
        let code = Int32(languages.count)
        languageIndex[language] = code
        languages.append(language)
        return code
    }

    /// The entries in seq order. Sorted as packed integers (seq above the entry's index) when they fit
    /// in 64 bits, the usual case, which is several times faster than sorting the entries themselves.
    func bySeq() -> [Entry] {
        let indexBits = 24
        guard entries.count < 1 << indexBits, entries.allSatisfy({ $0.seq >= 0 && $0.seq < 1 << (63 - indexBits) }) else {
            return entries.sorted { $0.seq < $1.seq }
        }
        var keys = entries.indices.map { UInt64(entries[$0].seq) << indexBits | UInt64($0) }
        keys.sort()
        return keys.map { entries[Int($0 & (1 << indexBits - 1))] }
    }

    func language(of entry: Entry) -> String? { entry.language < 0 ? nil : languages[Int(entry.language)] }

    /// By sort key, then document id: the order of the SQL path's index.
    mutating func sort() {
        entries.sort { $0.key < $1.key || ($0.key == $1.key && $0.id < $1.id) }
    }

    /// Each key becomes the document's percentile within its language (as SQL's percent_rank, with a
    /// missing language grouped with the empty one), then the list is sorted again.
    mutating func rankWithinLanguages() {
        func group(_ entry: Entry) -> String { language(of: entry) ?? "" }
        var totals: [String: Int] = [:], seen: [String: Int] = [:]
        for entry in entries { totals[group(entry), default: 0] += 1 }
        for index in entries.indices {
            let name = group(entries[index])
            let position = seen[name, default: 0]
            seen[name] = position + 1
            let total = totals[name]!
            entries[index].key = total > 1 ? Double(position) / Double(total - 1) : 0
        }
        sort()
    }

    /// The seed of `--order random`'s shuffle keys, from `--seed`.
    static func shuffleSeed(_ seed: UInt64) -> Int64 { Int64(bitPattern: seed ^ 0x5EED) }

    /// The seeded shuffle key of `--order random` (the SQL path's `curate_mix`).
    static func shuffle(seed: Int64, id: Int64) -> Int64 {
        Int64(bitPattern: splitMix(UInt64(bitPattern: seed), UInt64(bitPattern: id)))
    }

    /// `count` entries from `start` of the best-first ranking, in the export's order.
    func selection(start: Int, count: Int, order: ExportOrder, seed: UInt64) -> RankedList {
        let lower = min(max(0, start), entries.count), upper = min(entries.count, lower + max(0, count))
        let slice = entries[lower..<upper]
        var selected = self
        switch order {
        case .quality: selected.entries = Array(slice)
        case .reverse: selected.entries = slice.reversed()
        case .random:
            let shuffleSeed = Self.shuffleSeed(seed)
            var keyed: [(shuffle: Int64, entry: Entry)] = slice.map { (Self.shuffle(seed: shuffleSeed, id: $0.id), $0) }
            keyed.sort { (a: (shuffle: Int64, entry: Entry), b: (shuffle: Int64, entry: Entry)) -> Bool in
                a.shuffle < b.shuffle || (a.shuffle == b.shuffle && a.entry.id < b.entry.id)
            }
            selected.entries = keyed.map(\.entry)
        }
        return selected
    }
}
