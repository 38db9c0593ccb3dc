import Core
import Foundation
import Store
import Text

/// What one export wrote.
public struct ExportSummary: Codable, Sendable {
    public var directory: String
    public var manifest: Manifest
    public var seconds: Double
}

/// `curate export`: ranks the documents that survived filtering and dedup (`Ranking`), selects the
/// best fraction, a band or a temperature sample, and streams them out best first as zstd-compressed
/// JSON-lines shards with a manifest. Memory holds a few batches, not the corpus: the documents come
/// from the store one batch at a time in ranking-index order.
public final class Exporter {
    private let store: Store
    private let options: ExportOptions
    private let console: Console
    private let command: [String]
    /// The most ranked documents sorted in memory (tests lower it to take SQLite's way); nil: the budget's.
    var sortingLimit: Int?

    public init(store: Store, options: ExportOptions, console: Console, command: [String]) {
        self.store = store
        self.options = options
        self.console = console
        self.command = command
    }

    /// A document on its way out: read by the producer, prepared by a worker, written by the consumer.
    /// Its variable-length fields are ranges in its batch's `bytes`.
    struct Row: Sendable {
        var seq: Int64
        var id: Int64
        var score: Double
        var codec: Int
        var stored: Range<Int>
        var hash: Range<Int>
        var source: String
        var metadata: Range<Int>?
        var externalID: Range<Int>?
        var language: String?
        var perplexity: Double?
        var tokens: Int64?
        /// Position in the output order (the shards' `rank` when no document is left out on the way).
        var rank = 0
    }

    /// Documents read together: their stored texts, content hashes, metadata and external ids packed
    /// into one buffer, so that a batch costs a few allocations rather than a few per document (and
    /// threads do not contend for malloc's locks freeing each other's small blocks).
    struct RowBatch: Sendable {
        var rows: [Row] = []
        var bytes: [UInt8] = []

        mutating func append(_ field: UnsafeRawBufferPointer) -> Range<Int> {
            let start = bytes.count
            bytes.append(contentsOf: field)
            return start..<bytes.count
        }
    }

    /// What a worker made of one document.
    struct Prepared: Sendable {
        var textBytes = 0
        var tokens: Int64 = 0
        /// The document's JSON line in its batch's `json`, when nothing the consumer decides can change
        /// it (no repeated-line removal).
        var json: Range<Int> = 0..<0
        /// The decoded text in its batch's `texts`, with its line ranges (end includes the line's
        /// terminator) and, for repeated lines, their hash: for repeated-line removal only.
        var text: Range<Int> = 0..<0
        var lines: [(start: Int, end: Int, repeated: UInt64?)] = []
        /// Why the stored text could not be decoded, if it could not.
        var damaged: Error?
    }

    /// A worker's output for one `RowBatch`, in the same order.
    struct PreparedBatch: @unchecked Sendable { // `damaged` holds StoreErrors, which are Sendable
        var input: RowBatch
        var documents: [Prepared] = []
        var json: [UInt8] = []
        var texts: [UInt8] = []
    }

    public func run(to directory: String) throws -> ExportSummary {
        let started = DispatchTime.now()
        if options.sampleTemperature != nil && options.band != nil {
            throw ExportError("--sample-temperature and --select cannot be combined", hint: "sample from everything, or keep a band")
        }
        let metrics = try options.metrics()
        var ranking = Ranking(store: store, options: options)
        if let sortingLimit { ranking.sortingLimit = sortingLimit }
        let model = try ranking.modelID()
        if metrics.contains(where: { $0.0 == .perplexity || $0.0 == .bitsPerByte }) && model == nil {
            throw ExportError("the store has no perplexity scores", hint: "run `curate score --metric perplexity` first, or rank by another --score")
        }
        let (counts, list) = try ranking.build()
        if list == nil {
            // The ranking just written sits in the WAL; copied into the store file, the reader below
            // maps it with the documents instead of reading it page by page through its cache.
            // (PASSIVE: a concurrent reader's snapshot is never waited for.)
            try store.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        }
        let ranked = counts.ranked
        guard ranked > 0 || counts.documents == 0 else {
            throw ExportError("no document has the score \(options.score.keys.sorted().joined(separator: "+"))",
                              hint: "score the documents first (curate score --metric …)")
        }
        let selected = options.fraction >= 1 ? ranked : Int((Double(ranked) * options.fraction).rounded())
        let start = offset(ranked: ranked, selected: selected, metrics: metrics)

        try prepare(directory)
        // A failed export (a full disk, say) leaves no unfinished shard behind.
        var finished = false
        defer { if !finished { try? removeUnfinished(directory) } }
        let repeated = options.dropRepeatedLines ? try Self.repeatedLines(store) : HashIndex(expected: 16)
        // The in-memory ranking goes into the store on a thread of its own while the shards are written.
        // (The store's connection is used by that thread alone until `wait`: nothing else here touches it.)
        nonisolated(unsafe) let recorder = ranking
        let recording = list.map { list in BackgroundTask { try recorder.record(list) } }
        defer { _ = try? recording?.wait() }
        var state = WriteState(directory: directory, options: options)
        var progress = ProgressMeter(stage: "export", total: Int64(selected), measure: .documents)
        let path = store.path
        let keys: RankedKeys = list.map { .list($0.selection(start: start, count: selected, order: options.order, seed: options.seed)) }
            ?? .table(options.order, start: start, count: selected)
        let modelID = model ?? -1
        let countTokens = options.maxTokens != nil
        let dropLines = options.dropRepeatedLines
        let storeFingerprint = Box<Hash128>() // set by the reader; the pipeline has joined it when `run` returns

        try OrderedPipeline.run(
            workers: max(1, options.threads), capacity: max(1, options.threads) * 2 + 2,
            produce: { emit in
                storeFingerprint.value = try Self.readRows(path: path, keys: keys, model: modelID, countTokens: countTokens, emit: emit)
            },
            makeWorker: {
                let analyzer = TextAnalyzer()
                let decompressor = ZstdDecompressor()
                var scratch: [UInt8] = []
                return { (input: RowBatch) -> PreparedBatch in
                    var batch = PreparedBatch(input: input)
                    batch.documents.reserveCapacity(input.rows.count)
                    var line = JSONLine()
                    if !dropLines { line.bytes.reserveCapacity(input.bytes.count * 3) }
                    input.bytes.withUnsafeBytes { bytes in
                        for row in input.rows {
                            var prepared = Prepared(tokens: row.tokens ?? 0)
                            do {
                                try StoredText.withDecoded(UnsafeRawBufferPointer(rebasing: bytes[row.stored]), codec: row.codec,
                                                           hash: UnsafeRawBufferPointer(rebasing: bytes[row.hash]), document: row.id,
                                                           with: decompressor, scratch: &scratch) { text in
                                    prepared.textBytes = text.count
                                    if countTokens && row.tokens == nil { prepared.tokens = Int64(analyzer.words(text).count) }
                                    if dropLines {
                                        prepared.lines = Self.lines(text, repeated: repeated, analyzer: analyzer)
                                        prepared.text = batch.texts.count..<(batch.texts.count + text.count)
                                        batch.texts.append(contentsOf: text)
                                    } else {
                                        let start = line.bytes.count
                                        WriteState.encode(row, fields: bytes, text: text, rank: row.rank, into: &line)
                                        prepared.json = start..<line.bytes.count
                                    }
                                }
                            } catch {
                                prepared.damaged = error
                            }
                            batch.documents.append(prepared)
                        }
                    }
                    batch.json = line.bytes
                    return batch
                }
            },
            consume: { batch in
                for index in batch.documents.indices where !state.full {
                    // A stored text that no longer decodes (the store file damaged on disk) must not
                    // become an empty or wrong line in the shards.
                    if let damaged = batch.documents[index].damaged { throw damaged }
                    try state.write(batch, index)
                }
                progress.update(done: Int64(state.considered), documents: Int64(state.considered), bytes: state.textBytes)
                if progress.due { console.progress(progress.line) }
            })
        let shards = try state.finish()
        try recording?.wait()
        state.cappedOut = selected - state.written - state.emptied
        console.clearProgress()

        let fingerprint = try storeFingerprint.value ?? Self.fingerprint(store.connection)
        var manifest = Manifest(
            curate: curateVersion, command: command, options: options, storeFingerprint: fingerprint.description,
            model: try model.flatMap { try store.connection.scalarText("SELECT path FROM lm_models WHERE id = ?", [.integer($0)]) }
                .map { ($0 as NSString).lastPathComponent },
            counts: counts, selected: selected, written: state.written, cappedOut: state.cappedOut, emptied: state.emptied,
            droppedLines: state.droppedLines, textBytes: state.textBytes, tokens: state.tokens, shards: shards)
        manifest.qualityModel = try Self.qualityModel(options: options, connection: store.connection)
        try manifest.write(to: directory)
        finished = true
        return ExportSummary(directory: directory, manifest: manifest,
                             seconds: Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)
    }

    /// Where the selection starts in the best-first ranking.
    private func offset(ranked: Int, selected: Int, metrics: [(QualityMetric, Double)]) -> Int {
        Self.offset(options: options, ranked: ranked, selected: selected, metrics: metrics)
    }

    static func offset(options: ExportOptions, ranked: Int, selected: Int, metrics: [(QualityMetric, Double)]) -> Int {
        guard let band = options.band else { return 0 }
        // Does best-first run from low metric values to high? (One metric ranked by its own direction.)
        let ascending = metrics.count == 1 && options.sampleTemperature == nil && metrics[0].0.lowerIsBetter == (metrics[0].1 > 0)
        switch band {
        case .middle: return (ranked - selected) / 2
        case .low: return ascending ? 0 : ranked - selected
        case .high: return ascending ? ranked - selected : 0
        }
    }

    /// The quality model the score reads, as the manifest names it.
    static func qualityModel(options: ExportOptions, connection: SQLiteConnection) throws -> String? {
        if options.score.keys.contains(QualityMetric.combined.rawValue) {
            return try connection.scalarText("SELECT path FROM quality_models WHERE id = \(QualityMetric.newestCombinedModel)")
        } else if options.score.keys.contains(QualityMetric.quality.rawValue) {
            return try connection.scalarText("SELECT path FROM quality_models WHERE id = \(QualityMetric.newestQualityModel)")
                .map { ($0 as NSString).lastPathComponent }
        }
        return nil
    }

    private func removeUnfinished(_ directory: String) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            try FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }

    /// Creates the directory, and removes the shards and manifest of an earlier export in it (only those).
    private func prepare(_ directory: String) throws {
        try Self.clearShards(in: directory)
    }

    static func clearShards(in directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory)
        where (name.hasPrefix("shard-") || name.hasPrefix(".shard-")) && (name.hasSuffix(".jsonl.zst") || name.hasSuffix(".jsonl.zst.tmp"))
            || name == Manifest.fileName || name == "." + Manifest.fileName + ".tmp" {
            try FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }

    /// The hashes of the lines dedup found in more than its threshold of documents.
    /// The hashes of the lines dedup found in more than its threshold of documents, in `store` (for a
    /// partition: its lines, with their counts over the whole corpus).
    static func repeatedLines(_ store: Store) throws -> HashIndex {
        let threshold = try store.connection.scalarInt("SELECT CAST(value AS INTEGER) FROM dedup_settings WHERE key = 'line_threshold'")
        guard let threshold else {
            throw ExportError("--drop-repeated-lines needs repeated-line counts", hint: "run `curate dedup --lines` first")
        }
        let count = try store.connection.scalarInt("SELECT count(*) FROM repeated_lines WHERE documents > ?", [.integer(threshold)]) ?? 0
        var index = HashIndex(expected: Int(count))
        let statement = try store.connection.prepare("SELECT hash FROM repeated_lines WHERE documents > ?")
        statement.bind(1, threshold)
        while try statement.step() { _ = index.insert(UInt64(bitPattern: statement.int64(0))) }
        return index
    }

    /// The text's lines (with their terminators), each marked with its hash when it is a repeated line.
    static func lines(_ text: UnsafeRawBufferPointer, repeated: HashIndex, analyzer: TextAnalyzer) -> [(start: Int, end: Int, repeated: UInt64?)] {
        let ranges = Lines.split(text)
        return ranges.indices.map { index in
            let range = ranges[index]
            let end = index + 1 < ranges.count ? ranges[index + 1].start : text.count
            let hash: UInt64? = analyzer.withNormalizedLine(UnsafeRawBufferPointer(rebasing: text[range.start..<range.end])) { normalized in
                normalized.count > 0 ? WordHash.exact(normalized) : nil
            }
            return (range.start, end, hash.flatMap { repeated.index(of: $0) != nil ? $0 : nil })
        }
    }

    /// Which documents to read, in order: the selection of the in-memory ranking, or from `export_ranking`'s index.
    enum RankedKeys: Sendable {
        case list(RankedList)
        case table(ExportOrder, start: Int, count: Int)
    }

    /// The selected documents in output order, in batches, read on a connection of their own. Returns
    /// the store's fingerprint, read in the same snapshot once the documents are out (while the last
    /// batches are compressed, instead of after them).
    static func readRows(path: String, keys: RankedKeys, model: Int64, countTokens: Bool,
                         emit: (RowBatch) -> Bool) throws -> Hash128 {
        let reader = try SQLiteConnection(path: path)
        try reader.execute("PRAGMA temp_store = FILE") // reverse and random order sort the selection
        // Documents are read in score order, that is, all over the file: mapped pages are read without
        // copying each 32 KiB page into the connection's cache (they stay the kernel's page cache).
        try reader.execute("PRAGMA mmap_size = \(Store.mapBytes(1 << 40))")
        // One read transaction for the whole export: a consistent snapshot, and not one transaction (file
        // locks and the WAL's read marks) per document looked up.
        try reader.execute("BEGIN")
        var open = true
        defer { if open { try? reader.execute("COMMIT") } }
        func finish() throws -> Hash128 {
            let fingerprint = try Self.fingerprint(reader)
            try reader.execute("COMMIT")
            open = false
            // The ranking that `Ranking.record` wrote sits in the log: folded into the store file here,
            // while the last batches are compressed, the checkpoint when the store closes is a small one.
            // (PASSIVE: copies what no reader still needs, waits for nothing.)
            try? reader.execute("PRAGMA wal_checkpoint(PASSIVE)")
            return fingerprint
        }
        // The next document: its seq, score, language and perplexity.
        let next: () throws -> (seq: Int64, score: Double, language: String?, perplexity: Double?)?
        switch keys {
        case .list(let list):
            var index = 0
            next = {
                guard index < list.entries.count else { return nil }
                let entry = list.entries[index]
                index += 1
                return (entry.seq, entry.score, list.language(of: entry), entry.perplexity.isNaN ? nil : entry.perplexity)
            }
        case .table(let order, let start, let count):
            let columns = "seq, score, language, perplexity"
            let selection = "SELECT \(columns), sort_key, document_id, shuffle FROM export_ranking ORDER BY sort_key, document_id LIMIT ?1 OFFSET ?2"
            let ordered: String
            switch order {
            case .quality: ordered = selection
            case .reverse: ordered = "SELECT \(columns) FROM (\(selection)) ORDER BY sort_key DESC, document_id DESC"
            case .random: ordered = "SELECT \(columns) FROM (\(selection)) ORDER BY shuffle, document_id"
            }
            let statement = try reader.prepare(ordered)
            statement.bind(1, count)
            statement.bind(2, start)
            next = {
                guard try statement.step() else { return nil }
                return (statement.int64(0), statement.double(1), statement.text(2), statement.isNull(3) ? nil : statement.double(3))
            }
        }
        var sources: [Int64: String] = [:]
        let sourceKeys = try reader.prepare("SELECT id, key FROM sources")
        while try sourceKeys.step() { sources[sourceKeys.int64(0)] = sourceKeys.text(1) ?? "" }
        let lookup = try reader.prepare("SELECT id, codec, text, source_id, metadata, external_id, content_hash FROM documents WHERE seq = ?")
        let tokens = try reader.prepare("""
            SELECT coalesce((SELECT tokens FROM perplexity WHERE model_id = ?1 AND seq = ?2),
                            (SELECT words FROM stats_gopher_quality WHERE seq = ?2))
            """)
        let batchSize = 256
        var batch = RowBatch()
        var index = 0
        while let key = try next() {
            let seq = key.seq
            lookup.bind(1, seq)
            guard try lookup.step() else { throw StoreError("ranked document seq \(seq) is not in the store") }
            if batch.rows.isEmpty {
                batch.rows.reserveCapacity(batchSize)
                batch.bytes.reserveCapacity(1 << 20)
            }
            var row = Row(seq: seq, id: lookup.int64(0), score: key.score, codec: lookup.int(1),
                          stored: batch.append(lookup.blobBytes(2)), hash: batch.append(lookup.blobBytes(6)),
                          source: sources[lookup.int64(3)] ?? "",
                          metadata: lookup.isNull(4) ? nil : batch.append(lookup.blobBytes(4)),
                          externalID: lookup.isNull(5) ? nil : batch.append(lookup.blobBytes(5)),
                          language: key.language, perplexity: key.perplexity, tokens: nil, rank: index)
            index += 1
            lookup.reset()
            if countTokens {
                tokens.bind(1, model)
                tokens.bind(2, seq)
                if try tokens.step(), !tokens.isNull(0) { row.tokens = tokens.int64(0) }
                tokens.reset()
            }
            batch.rows.append(row)
            if batch.rows.count == batchSize {
                guard emit(batch) else { return try finish() }
                batch = RowBatch()
            }
        }
        if !batch.rows.isEmpty { _ = emit(batch) }
        return try finish()
    }

    /// XXH3-128 of every document's id, in id order. An id is derived from the document's source and
    /// content hash, so this identifies the store's documents; read from the ids' own index, it never
    /// touches the pages that hold the texts, and stores holding the same documents in another
    /// insertion order (merged partitions) agree.
    static func fingerprint(_ connection: SQLiteConnection) throws -> Hash128 {
        var builder = Hash128Builder(seed: 0x6578_706F_7274)
        let statement = try connection.prepare("SELECT id FROM documents ORDER BY id")
        while try statement.step() { builder.update(UInt64(bitPattern: statement.int64(0))) }
        return builder.finish()
    }
}

/// The consumer's side: caps, repeated-line removal, JSON lines, shard roll-over.
struct WriteState {
    let directory: String
    let options: ExportOptions
    var shards: [Manifest.Shard] = []
    var current: ShardFile?
    var line = JSONLine()
    var seen = HashIndex(expected: 1024)
    var kept: [UInt8] = []
    var considered = 0
    var written = 0
    var cappedOut = 0
    var emptied = 0
    var droppedLines: Int64 = 0
    var textBytes: Int64 = 0
    var tokens: Int64 = 0
    var full = false

    init(directory: String, options: ExportOptions) {
        self.directory = directory
        self.options = options
    }

    /// Writes document `index` of `batch` (or leaves it out: emptied by repeated-line removal, or past a cap).
    mutating func write(_ batch: Exporter.PreparedBatch, _ index: Int) throws {
        considered += 1
        let prepared = batch.documents[index], row = batch.input.rows[index]
        var textCount = prepared.textBytes
        if options.dropRepeatedLines {
            // Kept lines into `kept`; the JSON line is made here, with the rank the document gets.
            kept.removeAll(keepingCapacity: true)
            var seen = self.seen
            var dropped: Int64 = 0
            batch.texts.withUnsafeBytes { texts in
                let text = UnsafeRawBufferPointer(rebasing: texts[prepared.text])
                for line in prepared.lines {
                    if let hash = line.repeated, !seen.insert(hash).inserted {
                        dropped += 1
                        continue
                    }
                    kept.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[line.start..<line.end]))
                }
            }
            self.seen = seen
            droppedLines += dropped
            if kept.count != textCount && !kept.contains(where: { $0 > 0x20 }) {
                emptied += 1
                return
            }
            textCount = kept.count
        }
        if let maxBytes = options.maxBytes, textBytes + Int64(textCount) > maxBytes {
            full = true
            return
        }
        if let maxTokens = options.maxTokens, tokens + prepared.tokens > maxTokens {
            full = true
            return
        }
        if options.dropRepeatedLines {
            line.reset()
            let kept = self.kept, rank = written
            batch.input.bytes.withUnsafeBytes { fields in
                kept.withUnsafeBytes { Self.encode(row, fields: fields, text: $0, rank: rank, into: &line) }
            }
            try append(line.bytes, 0..<line.bytes.count, batch: -1, score: row.score)
            try flushLines() // `line` is reused for the next document
        } else {
            try append(batch.json, prepared.json, batch: batch.input.rows[0].rank, score: row.score)
        }
        written += 1
        textBytes += Int64(textCount)
        tokens += prepared.tokens
    }

    /// Lines counted into the current shard but not yet written: a range of one batch's JSON, grown
    /// while documents follow each other there, so that the compressor gets one call per run of lines
    /// and the lines are never copied on the way.
    var pendingLines: [UInt8] = []
    var pendingBatch = -1
    var pending = 0..<0

    /// Adds one JSON line (`range` of `lines`, the JSON of batch `batchID`) to the current shard,
    /// starting a new shard when it would pass --shard-size.
    private mutating func append(_ lines: [UInt8], _ range: Range<Int>, batch batchID: Int, score: Double) throws {
        if let shard = current, shard.documents > 0, shard.jsonBytes + Int64(range.count) > options.shardSize {
            try flushLines()
            shards.append(try shard.finish())
            current = nil
        }
        if current == nil { current = try ShardFile(directory: directory, index: shards.count, level: options.compressionLevel) }
        current!.count(range.count, score: score)
        if batchID == pendingBatch && batchID >= 0 && range.lowerBound == pending.upperBound {
            pending = pending.lowerBound..<range.upperBound
        } else {
            try flushLines()
            (pendingLines, pendingBatch, pending) = (lines, batchID, range)
        }
    }

    private mutating func flushLines() throws {
        if !pending.isEmpty, let shard = current {
            try pendingLines.withUnsafeBytes { try shard.write(UnsafeRawBufferPointer(rebasing: $0[pending])) }
        }
        (pendingLines, pendingBatch, pending) = ([], -1, 0..<0)
    }

    /// One document's JSON line: keys in sorted order, so the same document always gives the same bytes.
    /// `id` is the record's own id when it had one (so users join shards back to their data by it, as with
    /// dolma and datatrove), else curate's; curate's 63-bit id is always in `metadata.curate.id`.
    /// `fields` is the row's batch buffer (its metadata and external id).
    static func encode(_ row: Exporter.Row, fields: UnsafeRawBufferPointer, text: UnsafeRawBufferPointer, rank: Int, into line: inout JSONLine) {
        let curateID = String(row.id)
        line.raw("{\"id\":")
        if let externalID = row.externalID {
            line.string(UnsafeRawBufferPointer(rebasing: fields[externalID]))
        } else {
            line.string(curateID)
        }
        line.raw(",\"metadata\":{\"curate\":{\"id\":")
        line.string(curateID)
        if let language = row.language {
            line.raw(",\"language\":")
            line.string(language)
        }
        if let perplexity = row.perplexity {
            line.raw(",\"perplexity\":")
            line.number(perplexity)
        }
        line.raw(",\"rank\":")
        line.number(Int64(rank))
        line.raw(",\"score\":")
        line.number(row.score)
        line.raw("}")
        if let metadata = row.metadata, metadata.count > 0, fields[metadata.lowerBound] == UInt8(ascii: "{") {
            line.raw(",\"record\":")
            line.raw(UnsafeRawBufferPointer(rebasing: fields[metadata])) // the record's other fields, as ingest stored them (a JSON object)
        }
        line.raw("},\"source\":")
        line.string(row.source)
        line.raw(",\"text\":")
        line.string(text)
        line.raw("}\n")
    }

    mutating func finish() throws -> [Manifest.Shard] {
        try flushLines()
        if let shard = current {
            shards.append(try shard.finish())
            current = nil
        }
        return shards
    }
}

/// A value one thread sets and another reads after joining it.
final class Box<Value>: @unchecked Sendable {
    var value: Value?
}

/// A closure run on a thread of its own; `wait` joins it and rethrows its error (once).
final class BackgroundTask: @unchecked Sendable { // `error` is written before `done` is signalled, read after
    private let done = DispatchSemaphore(value: 0)
    private var error: Error?
    private var joined = false

    init(_ body: @escaping @Sendable () throws -> Void) {
        let thread = Thread { [self] in
            do { try body() } catch { self.error = error }
            done.signal()
        }
        thread.start()
    }

    func wait() throws {
        guard !joined else { return }
        joined = true
        done.wait()
        if let error { throw error }
    }
}

