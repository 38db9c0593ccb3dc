import Core
import Foundation
import Store
import Text

/// `curate export --partition-stores …`: the shards and manifest one export of the merged store would
/// write, made from the partition stores without merging them, as a range-partitioned merge (TeraSort's
/// shape): every partition sorts its own ranked documents into a run of small records, one task merges
/// the runs' records to fix the global order, the cut, the caps and the shard boundaries, and writer
/// tasks each write a contiguous range of shards, reading their documents from the partitions. Only
/// the writers read texts for the output; no process reads every document.
///
/// Steps (outputs in the work directory under temporary names, renamed when complete; a finished task
/// is skipped, a killed one runs again):
/// 0. `moments` (a task per partition; only for a combined or sampled score): `moments-P.json`, the
///    partition's exact count, sum and sum of squares of each metric (`Moments`), which the rank tasks
///    add up for the z-scores.
/// 1. `rank` (a task per partition): `run-P.db`, the partition's ranked documents best first with what
///    placing them needs (sort key, id, score, text bytes, tokens, the JSON line's length).
/// 2. `plan` (one task): `plan.db`, the exported documents in output order with their shard.
/// 3. `write` (K tasks): shards [k·S/K, (k+1)·S/K) of the S planned, and `shard-N.json` for each.
/// 4. `manifest` (one task).
///
/// The ranking is one metric in its own direction (the default: perplexity), overall or within each
/// language (`per_language`, ranked by `MergedRuns`), or a combined or sampled score (z-scores over the
/// whole corpus, from the summed moments). With `drop_repeated_lines` each run also lists its
/// documents' repeated lines (hash, byte range, JSON length), the plan drops those seen earlier in the
/// output order, as one store's writer does, and tells the writers which byte ranges to leave out.
public struct PartitionedExport {
    public enum Step: String, CaseIterable, Sendable { case moments, rank, plan, write, manifest }

    public let partitions: [String]
    public let work: String
    public let directory: String
    public let options: ExportOptions
    public let writers: Int
    /// The arguments the manifest records (as a one-store export's: without stores and paths).
    public let command: [String]

    public init(partitions: [String], work: String, directory: String, options: ExportOptions, writers: Int, command: [String]) {
        self.partitions = partitions
        self.work = work
        self.directory = directory
        self.options = options
        self.writers = max(1, writers)
        self.command = command
    }

    public func tasks(_ step: Step) -> Int {
        switch step {
        case .moments: options.usesZScores ? partitions.count : 0
        case .rank: partitions.count
        case .plan, .manifest: 1
        case .write: writers
        }
    }

    func path(_ name: String) -> String { (work as NSString).appendingPathComponent(name) }
    func runPath(_ partition: Int) -> String { path(String(format: "run-%05d.db", partition)) }
    func momentsPath(_ partition: Int) -> String { path(String(format: "moments-%05d.json", partition)) }
    var planPath: String { path("plan.db") }
    func shardRecord(_ shard: Int) -> String { path(String(format: "shard-%05d.json", shard)) }

    /// Runs one task, every task of one step, or (`step` nil) the whole export from the start: the
    /// work directory's earlier outputs are removed first, since they describe the partitions as they
    /// were then. A caller running the steps one by one (`curate run`, Slurm) owns that directory.
    public func run(_ step: Step?, task: Int?) throws {
        try check()
        if step == nil { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        for step in step.map({ [$0] }) ?? Step.allCases {
            for task in task.map({ [$0] }) ?? Array(0..<tasks(step)) {
                guard (0..<tasks(step)).contains(task) else {
                    throw ExportError("\(step.rawValue) has \(tasks(step)) task\(tasks(step) == 1 ? "" : "s"); there is no task \(task)")
                }
                switch step {
                case .moments: try moments(partition: task)
                case .rank: try rank(partition: task)
                case .plan: try plan()
                case .write: try write(writer: task)
                case .manifest: try manifest()
                }
            }
        }
    }

    /// The options this way of exporting supports.
    public func check() throws {
        _ = try options.metrics()
    }

    func produce(_ path: String, _ body: (String) throws -> Void) throws { try StepOutput.produce(path, body) }

    func required(_ paths: [String], step: Step) throws -> [String] { try StepOutput.required(paths, step: step.rawValue) }

    // MARK: 0. Each partition's moments, for a combined or sampled score

    func moments(partition index: Int) throws {
        try produce(momentsPath(index)) { out in
            let store = try Store(path: partitions[index], create: false)
            let moments = try Ranking(store: store, options: options).corpusMoments()
            try JSONEncoder().encode(moments).write(to: URL(fileURLWithPath: out))
        }
    }

    /// Every partition's moments added up (exactly: the order does not matter).
    func corpusMoments() throws -> [Moments]? {
        guard options.usesZScores else { return nil }
        var total: [Moments]?
        for file in try required(partitions.indices.map(momentsPath), step: .moments) {
            let one = try JSONDecoder().decode([Moments].self, from: Data(contentsOf: URL(fileURLWithPath: file)))
            if total == nil { total = one } else { for index in one.indices { total![index].add(one[index]) } }
        }
        return total
    }

    // MARK: 1. Each partition's run

    func rank(partition index: Int) throws {
        let moments = try corpusMoments()
        try produce(runPath(index)) { out in
            let store = try Store(path: partitions[index], create: false)
            // The run keeps each document's own sort key: with per_language, the percentiles are taken
            // over every partition's rows of a language, by the plan.
            var own = options
            own.perLanguage = false
            var ranking = Ranking(store: store, options: own)
            ranking.moments = moments
            let model = try ranking.modelID()
            let metrics = try options.metrics()
            if metrics.contains(where: { $0.0 == .perplexity || $0.0 == .bitsPerByte }) && model == nil {
                throw ExportError("\(partitions[index]) has no perplexity scores", hint: "score the partitions first (curate score --metric perplexity --partition-stores …)")
            }
            let (counts, built) = try ranking.build()
            guard let list = built else {
                throw ExportError("\(partitions[index]) ranks more documents than fit the sorting budget in memory",
                                  hint: "split the corpus into more partitions, or raise --max-memory")
            }
            let connection = try SQLiteConnection(path: out)
            try connection.execute("""
                PRAGMA journal_mode = OFF;
                CREATE TABLE run (position INTEGER PRIMARY KEY, key REAL NOT NULL, id INTEGER NOT NULL, seq INTEGER NOT NULL,
                                  score REAL NOT NULL, language TEXT, perplexity REAL, text_bytes INTEGER NOT NULL,
                                  tokens INTEGER NOT NULL, line_bytes INTEGER NOT NULL);
                CREATE TABLE counts (value TEXT NOT NULL);
                CREATE TABLE run_lines (seq INTEGER PRIMARY KEY, lines BLOB NOT NULL, rest_visible INTEGER NOT NULL);
                """)
            // drop_repeated_lines: each document's repeated lines, for the plan to drop them in output order.
            let repeated = options.dropRepeatedLines ? try Exporter.repeatedLines(store) : nil
            let insertLines = try connection.prepare("INSERT INTO run_lines (seq, lines, rest_visible) VALUES (?, ?, ?)")
            let countsJSON = String(decoding: try JSONEncoder().encode(counts), as: UTF8.self)
            try connection.execute("INSERT INTO counts (value) VALUES ('\(countsJSON)')")
            let insert = try connection.prepare("""
                INSERT INTO run (position, key, id, seq, score, language, perplexity, text_bytes, tokens, line_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let analyzer = TextAnalyzer(), decompressor = ZstdDecompressor()
            var scratch: [UInt8] = []
            var line = JSONLine()
            var failure: Error?
            try connection.transaction {
                _ = try Exporter.readRows(path: store.path, keys: .list(list), model: model ?? -1, countTokens: options.maxTokens != nil) { batch in
                    do {
                        try batch.bytes.withUnsafeBytes { fields in
                            for row in batch.rows {
                                let entry = list.entries[row.rank]
                                var textBytes = 0, tokens = row.tokens ?? 0
                                line.reset()
                                try StoredText.withDecoded(UnsafeRawBufferPointer(rebasing: fields[row.stored]), codec: row.codec,
                                                           hash: UnsafeRawBufferPointer(rebasing: fields[row.hash]), document: row.id,
                                                           with: decompressor, scratch: &scratch) { text in
                                    textBytes = text.count
                                    if options.maxTokens != nil && row.tokens == nil { tokens = Int64(analyzer.words(text).count) }
                                    // The line with rank 0: its length with rank r is that minus one plus r's digits.
                                    WriteState.encode(row, fields: fields, text: text, rank: 0, into: &line)
                                    if let repeated, let lines = RepeatedLines(text, repeated: repeated, analyzer: analyzer) {
                                        insertLines.bind(1, row.seq)
                                        insertLines.bind(2, blob: lines.packed)
                                        insertLines.bind(3, lines.restVisible ? 1 : 0)
                                        try insertLines.run()
                                    }
                                }
                                insert.bind(1, row.rank)
                                insert.bind(2, entry.key)
                                insert.bind(3, row.id)
                                insert.bind(4, row.seq)
                                insert.bind(5, row.score)
                                insert.bind(6, row.language)
                                if let perplexity = row.perplexity { insert.bind(7, perplexity) } else { insert.bindNull(7) }
                                insert.bind(8, textBytes)
                                insert.bind(9, tokens)
                                insert.bind(10, line.bytes.count - 1)
                                try insert.run()
                            }
                        }
                    } catch {
                        failure = error
                        return false
                    }
                    return true
                }
                if let failure { throw failure }
            }
        }
    }

    // MARK: 2. The plan

    func plan() throws {
        let runs = try required(partitions.indices.map(runPath), step: .rank)
        try produce(planPath) { out in
            // The writers write into the output directory: an earlier export's shards and manifest go first.
            try Exporter.clearShards(in: directory)
            let connection = try SQLiteConnection(path: out)
            try connection.execute("""
                PRAGMA journal_mode = OFF; PRAGMA temp_store = FILE;
                CREATE TABLE selected (position INTEGER PRIMARY KEY, partition INTEGER NOT NULL, seq INTEGER NOT NULL, id INTEGER NOT NULL,
                                       score REAL NOT NULL, text_bytes INTEGER NOT NULL, tokens INTEGER NOT NULL, line_bytes INTEGER NOT NULL,
                                       shuffle INTEGER);
                CREATE TABLE plan (rank INTEGER PRIMARY KEY, partition INTEGER NOT NULL, seq INTEGER NOT NULL, shard INTEGER NOT NULL,
                                   dropped BLOB);
                CREATE TABLE summary (value TEXT NOT NULL);
                """)
            // The runs' counts, and how many documents are ranked in all.
            var counts = ExclusionCounts()
            for run in runs {
                let reader = try SQLiteConnection(path: run, readOnly: true)
                let one = try JSONDecoder().decode(ExclusionCounts.self, from: Data((try reader.scalarText("SELECT value FROM counts") ?? "{}").utf8))
                counts.documents += one.documents
                counts.ingestDuplicates += one.ingestDuplicates
                counts.dedupDuplicates += one.dedupDuplicates
                counts.filtered += one.filtered
                counts.ranked += one.ranked
            }
            counts = counts.finishing(ranked: counts.ranked)
            let ranked = counts.ranked
            // As one store's export: documents, none of them with the score, is an error, not an empty export.
            guard ranked > 0 || counts.documents == 0 else {
                throw ExportError("no document has the score \(options.score.keys.sorted().joined(separator: "+"))",
                                  hint: "score the documents first (curate score --metric …)")
            }
            let selected = options.fraction >= 1 ? ranked : Int((Double(ranked) * options.fraction).rounded())
            let start = Exporter.offset(options: options, ranked: ranked, selected: selected, metrics: try options.metrics())
            // 1. The runs merged best first (sort key, then id); positions start..<start+selected kept.
            // A sampled score ranks over the whole corpus, per_language or not (as one store's export).
            var ranking = try MergedRuns(runs: runs, perLanguage: options.ranksWithinLanguages)
            let keep = try connection.prepare("""
                INSERT INTO selected (position, partition, seq, id, score, text_bytes, tokens, line_bytes, shuffle) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let shuffleSeed = RankedList.shuffleSeed(options.seed)
            var position = 0
            try connection.transaction {
                while position < start + selected, let row = try ranking.next() {
                    if position >= start {
                        keep.bind(1, position)
                        keep.bind(2, row.partition)
                        keep.bind(3, row.seq)
                        keep.bind(4, row.id)
                        keep.bind(5, row.score)
                        keep.bind(6, row.textBytes)
                        keep.bind(7, row.tokens)
                        keep.bind(8, row.lineBytes)
                        keep.bind(9, RankedList.shuffle(seed: shuffleSeed, id: row.id))
                        try keep.run()
                    }
                    position += 1
                }
            }
            // 2. In output order: the caps, and where each shard ends (as `WriteState` decides them).
            let order: String
            switch options.order {
            case .quality: order = "position"
            case .reverse: order = "position DESC"
            case .random: order = "shuffle, id"
            }
            let walk = try connection.prepare("SELECT partition, seq, score, text_bytes, tokens, line_bytes FROM selected ORDER BY \(order)")
            let place = try connection.prepare("INSERT INTO plan (rank, partition, seq, shard, dropped) VALUES (?, ?, ?, ?, ?)")
            var summary = PlanSummary(counts: counts, selected: selected)
            var shard = 0, shardDocuments = 0, shardBytes: Int64 = 0
            // drop_repeated_lines: the repeated lines seen so far in output order, as one store's writer keeps them.
            let lineRuns = options.dropRepeatedLines ? try runs.map { try SQLiteConnection(path: $0, readOnly: true) } : []
            let lineLookups = try lineRuns.map { try $0.prepare("SELECT lines, rest_visible FROM run_lines WHERE seq = ?") }
            var seen = Set<UInt64>()
            try connection.transaction {
                while try walk.step() {
                    var textBytes = walk.int64(3), lineBytes = walk.int64(5)
                    let tokens = walk.int64(4)
                    var dropped: [RepeatedLines.Line] = []
                    if options.dropRepeatedLines {
                        let lookup = lineLookups[walk.int(0)]
                        lookup.bind(1, walk.int64(1))
                        defer { lookup.reset() }
                        if try lookup.step() {
                            var visible = lookup.int(1) != 0
                            for line in RepeatedLines.unpack(lookup.blobBytes(0)) {
                                if seen.insert(line.hash).inserted { visible = visible || line.visible } else { dropped.append(line) }
                            }
                            summary.droppedLines += Int64(dropped.count)
                            if !dropped.isEmpty && !visible {
                                summary.emptied += 1
                                continue
                            }
                            for line in dropped {
                                textBytes -= Int64(line.end - line.start)
                                lineBytes -= Int64(line.escaped)
                            }
                        }
                    }
                    if let maxBytes = options.maxBytes, summary.textBytes + textBytes > maxBytes { break }
                    if let maxTokens = options.maxTokens, summary.tokens + tokens > maxTokens { break }
                    let rank = summary.written
                    lineBytes = lineBytes - 1 + Int64(String(rank).utf8.count)
                    if shardDocuments > 0 && shardBytes + lineBytes > options.shardSize {
                        shard += 1
                        shardDocuments = 0
                        shardBytes = 0
                    }
                    shardDocuments += 1
                    shardBytes += lineBytes
                    place.bind(1, rank)
                    place.bind(2, walk.int64(0))
                    place.bind(3, walk.int64(1))
                    place.bind(4, shard)
                    if dropped.isEmpty { place.bindNull(5) } else { place.bind(5, blob: RepeatedLines.ranges(dropped)) }
                    try place.run()
                    summary.written += 1
                    summary.textBytes += textBytes
                    summary.tokens += tokens
                }
                walk.reset()
                summary.shards = summary.written == 0 ? 0 : shard + 1
                let encoded = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
                try connection.execute("INSERT INTO summary (value) VALUES ('\(encoded.replacingOccurrences(of: "'", with: "''"))')")
                try connection.execute("DROP TABLE selected; CREATE INDEX plan_shard ON plan(shard, rank)")
            }
        }
    }

    struct PlanSummary: Codable {
        var counts: ExclusionCounts
        var selected: Int
        var written = 0
        var textBytes: Int64 = 0
        var tokens: Int64 = 0
        var shards = 0
        var emptied = 0
        var droppedLines: Int64 = 0
    }

    func planSummary() throws -> PlanSummary {
        let reader = try SQLiteConnection(path: try required([planPath], step: .plan)[0], readOnly: true)
        return try JSONDecoder().decode(PlanSummary.self, from: Data((try reader.scalarText("SELECT value FROM summary") ?? "{}").utf8))
    }

    // MARK: 3. Writers

    /// Writer `writer`'s shards: a contiguous share of them.
    func shards(of writer: Int, total: Int) -> Range<Int> {
        (total * writer / writers)..<(total * (writer + 1) / writers)
    }

    func write(writer: Int) throws {
        let summary = try planSummary()
        let mine = shards(of: writer, total: summary.shards)
        guard !mine.isEmpty else { return }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let plan = try SQLiteConnection(path: planPath, readOnly: true)
        let documents = try plan.prepare("SELECT rank, partition, seq, dropped FROM plan WHERE shard = ? ORDER BY rank")
        // Per partition: its documents, source keys and run (the ranking's language, perplexity, score).
        let readers = try partitions.map { try SQLiteConnection(path: $0, readOnly: true) }
        let lookups = try readers.map { try $0.prepare("SELECT id, codec, text, source_id, metadata, external_id, content_hash FROM documents WHERE seq = ?") }
        let runs = try partitions.indices.map { try SQLiteConnection(path: runPath($0), readOnly: true) }
        let ranked = try runs.map { try $0.prepare("SELECT score, language, perplexity FROM run WHERE seq = ?") }
        var sources: [[Int64: String]] = []
        for reader in readers {
            var keys: [Int64: String] = [:]
            let statement = try reader.prepare("SELECT id, key FROM sources")
            while try statement.step() { keys[statement.int64(0)] = statement.text(1) ?? "" }
            sources.append(keys)
        }
        let decompressor = ZstdDecompressor()
        var scratch: [UInt8] = []
        var line = JSONLine()
        for shard in mine {
            // A shard whose record is here but whose file is gone (the output directory emptied since) is
            // written again.
            if !FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(ShardFile.fileName(shard))) {
                try? FileManager.default.removeItem(atPath: shardRecord(shard))
            }
            try produce(shardRecord(shard)) { out in
                let file = try ShardFile(directory: directory, index: shard, level: options.compressionLevel)
                documents.bind(1, shard)
                defer { documents.reset() }
                while try documents.step() {
                    let rank = documents.int(0), partition = documents.int(1), seq = documents.int64(2)
                    let dropped = documents.isNull(3) ? [] : RepeatedLines.unpackRanges(documents.blobBytes(3))
                    let lookup = lookups[partition], run = ranked[partition]
                    lookup.bind(1, seq)
                    run.bind(1, seq)
                    defer { lookup.reset(); run.reset() }
                    guard try lookup.step(), try run.step() else { throw StoreError("planned document seq \(seq) is not in \(partitions[partition])") }
                    var batch = Exporter.RowBatch()
                    let row = Exporter.Row(seq: seq, id: lookup.int64(0), score: run.double(0), codec: lookup.int(1),
                                           stored: batch.append(lookup.blobBytes(2)), hash: batch.append(lookup.blobBytes(6)),
                                           source: sources[partition][lookup.int64(3)] ?? "",
                                           metadata: lookup.isNull(4) ? nil : batch.append(lookup.blobBytes(4)),
                                           externalID: lookup.isNull(5) ? nil : batch.append(lookup.blobBytes(5)),
                                           language: run.text(1), perplexity: run.isNull(2) ? nil : run.double(2), tokens: nil, rank: rank)
                    line.reset()
                    try batch.bytes.withUnsafeBytes { fields in
                        try StoredText.withDecoded(UnsafeRawBufferPointer(rebasing: fields[row.stored]), codec: row.codec,
                                                   hash: UnsafeRawBufferPointer(rebasing: fields[row.hash]), document: row.id,
                                                   with: decompressor, scratch: &scratch) { text in
                            guard !dropped.isEmpty else { return WriteState.encode(row, fields: fields, text: text, rank: rank, into: &line) }
                            // The lines the plan dropped (repeated lines seen earlier in the output) left out.
                            var kept: [UInt8] = []
                            kept.reserveCapacity(text.count)
                            var start = 0
                            for range in dropped {
                                kept.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[start..<range.lowerBound]))
                                start = range.upperBound
                            }
                            kept.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[start..<text.count]))
                            kept.withUnsafeBytes { WriteState.encode(row, fields: fields, text: $0, rank: rank, into: &line) }
                        }
                    }
                    file.count(line.bytes.count, score: row.score)
                    try line.bytes.withUnsafeBytes { try file.write($0) }
                }
                let finished = try file.finish()
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                try encoder.encode(finished).write(to: URL(fileURLWithPath: out))
            }
        }
    }

    // MARK: 4. The manifest

    func manifest() throws {
        let summary = try planSummary()
        let shards = try (0..<summary.shards).map { shard in
            try JSONDecoder().decode(Manifest.Shard.self, from: Data(contentsOf: URL(fileURLWithPath: try required([shardRecord(shard)], step: .write)[0])))
        }
        // The fingerprint of every document's id in id order, merged from the partitions' id indexes.
        let readers = try partitions.map { try SQLiteConnection(path: $0, readOnly: true) }
        let ids = try readers.map { try $0.prepare("SELECT id FROM documents ORDER BY id") }
        var merge = KWayMerge(heads: try ids.map { try $0.step() ? $0.int64(0) : nil }, by: <)
        var builder = Hash128Builder(seed: 0x6578_706F_7274)
        while let (index, id) = merge.first {
            builder.update(UInt64(bitPattern: id))
            merge.advance(try ids[index].step() ? ids[index].int64(0) : nil)
        }
        let first = try Store(path: partitions[0], create: false)
        let model = try first.latestReferenceModelID()
        var manifest = Manifest(
            curate: curateVersion, command: command, options: options, storeFingerprint: builder.finish().description,
            model: try model.flatMap { try first.connection.scalarText("SELECT path FROM lm_models WHERE id = ?", [.integer($0)]) }
                .map { ($0 as NSString).lastPathComponent },
            counts: summary.counts, selected: summary.selected, written: summary.written,
            cappedOut: summary.selected - summary.written - summary.emptied,
            emptied: summary.emptied, droppedLines: summary.droppedLines, textBytes: summary.textBytes, tokens: summary.tokens, shards: shards)
        manifest.qualityModel = try Exporter.qualityModel(options: options, connection: first.connection)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try manifest.write(to: directory)
    }
}

/// A document's repeated lines (lines dedup counted in more documents than its threshold), as a run
/// records them for the plan: each line's hash, byte range, JSON-escaped length and whether it has a
/// visible byte; and whether the rest of the text (the other lines) has one.
struct RepeatedLines {
    struct Line {
        var hash: UInt64
        var start: Int
        var end: Int
        var escaped: Int
        var visible: Bool
    }

    var lines: [Line] = []
    var restVisible = false

    static func visible(_ bytes: UnsafeRawBufferPointer) -> Bool { bytes.contains { $0 > 0x20 } }

    /// nil when the text has no repeated line.
    init?(_ text: UnsafeRawBufferPointer, repeated: HashIndex, analyzer: TextAnalyzer) {
        for line in Exporter.lines(text, repeated: repeated, analyzer: analyzer) {
            let bytes = UnsafeRawBufferPointer(rebasing: text[line.start..<line.end])
            if let hash = line.repeated {
                lines.append(Line(hash: hash, start: line.start, end: line.end, escaped: JSONLine.escapedLength(bytes), visible: Self.visible(bytes)))
            } else if !restVisible {
                restVisible = Self.visible(bytes)
            }
        }
        if lines.isEmpty { return nil }
    }

    /// 8 + 4 + 4 + 4 + 1 bytes a line, little-endian.
    var packed: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.count * 21)
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        for line in lines {
            put(line.hash)
            put(UInt32(line.start))
            put(UInt32(line.end))
            put(UInt32(line.escaped))
            bytes.append(line.visible ? 1 : 0)
        }
        return bytes
    }

    static func unpack(_ bytes: UnsafeRawBufferPointer) -> [Line] {
        stride(from: 0, to: bytes.count - 20, by: 21).map { offset in
            func load<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T { T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + at, as: T.self)) }
            return Line(hash: load(0, UInt64.self), start: Int(load(8, UInt32.self)), end: Int(load(12, UInt32.self)),
                        escaped: Int(load(16, UInt32.self)), visible: bytes[offset + 20] != 0)
        }
    }

    /// The byte ranges of dropped lines, for the writer: 4 + 4 bytes each, in text order.
    static func ranges(_ lines: [Line]) -> [UInt8] {
        var bytes: [UInt8] = []
        for line in lines {
            withUnsafeBytes(of: UInt32(line.start).littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt32(line.end).littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    static func unpackRanges(_ bytes: UnsafeRawBufferPointer) -> [Range<Int>] {
        stride(from: 0, to: bytes.count - 7, by: 8).map { offset in
            Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                ..< Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
        }
    }
}
