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

    public init(store: Store, options: ExportOptions, console: Console, command: [String]) {
        self.store = store
        self.options = options
        self.console = console
        self.command = command
    }

    /// A document on its way out: read by the producer, prepared by a worker, written by the consumer.
    struct Row: Sendable {
        var seq: Int64
        var id: Int64
        var score: Double
        var codec: Int
        var stored: [UInt8]
        var hash: [UInt8]
        var source: String
        var metadata: String?
        var externalID: String?
        var language: String?
        var perplexity: Double?
        var tokens: Int64?
        /// Position in the output order (the shards' `rank` when no document is left out on the way).
        var rank = 0
    }

    struct Prepared: Sendable {
        var row: Row
        var text: [UInt8]
        /// Line ranges (end includes the line's terminator) and, for repeated lines, their hash.
        var lines: [(start: Int, end: Int, repeated: UInt64?)]
        var tokens: Int64
        /// The JSON line, made by the worker when nothing the consumer decides can change it (no
        /// repeated-line removal); empty otherwise.
        var json: [UInt8] = []
        /// Why the stored text could not be decompressed, if it could not.
        var damaged: StoreError?
    }

    public func run(to directory: String) throws -> ExportSummary {
        let started = DispatchTime.now()
        if options.sampleTemperature != nil && options.band != nil {
            throw ExportError("--sample-temperature and --select cannot be combined", hint: "sample from everything, or keep a band")
        }
        let metrics = try options.metrics()
        let ranking = Ranking(store: store, options: options)
        let model = try ranking.modelID()
        if metrics.contains(where: { $0.0 == .perplexity || $0.0 == .bitsPerByte }) && model == nil {
            throw ExportError("the store has no perplexity scores", hint: "run `curate score --metric perplexity` first, or rank by another --score")
        }
        let counts = try ranking.build()
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
        let repeated = options.dropRepeatedLines ? try repeatedLines() : HashIndex(expected: 16)
        var state = WriteState(directory: directory, options: options)
        var progress = ProgressMeter(stage: "export", total: Int64(selected), measure: .documents)
        let path = store.path
        let order = options.order
        let modelID = model ?? -1
        let countTokens = options.maxTokens != nil
        let dropLines = options.dropRepeatedLines

        try OrderedPipeline.run(
            workers: max(1, options.threads), capacity: max(1, options.threads) * 2 + 2,
            produce: { emit in
                try Self.readRows(path: path, order: order, start: start, count: selected, model: modelID, countTokens: countTokens, emit: emit)
            },
            makeWorker: {
                let analyzer = TextAnalyzer()
                let decompressor = ZstdDecompressor()
                return { (batch: [Row]) -> [Prepared] in
                    batch.map { row in
                        var damaged: StoreError?
                        var text: [UInt8] = []
                        switch StoredText.decode(row.stored, codec: row.codec, hash: row.hash, document: row.id, with: decompressor) {
                        case .success(let decoded): text = decoded
                        case .failure(let error): damaged = error
                        }
                        var prepared = Prepared(row: row, text: text, lines: [], tokens: row.tokens ?? 0)
                        prepared.damaged = damaged
                        text.withUnsafeBytes { raw in
                            if dropLines { prepared.lines = Self.lines(raw, repeated: repeated, analyzer: analyzer) }
                            if countTokens && row.tokens == nil { prepared.tokens = Int64(analyzer.words(raw).count) }
                        }
                        prepared.row.stored = []
                        if !dropLines {
                            var line = JSONLine()
                            WriteState.encode(row, text: text, rank: row.rank, into: &line)
                            prepared.json = line.bytes
                        }
                        return prepared
                    }
                }
            },
            consume: { batch in
                for prepared in batch where !state.full {
                    // A stored text that no longer decompresses (the store file damaged on disk) must not
                    // become an empty or wrong line in the shards.
                    if let damaged = prepared.damaged { throw damaged }
                    try state.write(prepared)
                }
                progress.update(done: Int64(state.considered), documents: Int64(state.considered), bytes: state.textBytes)
                if progress.due { console.progress(progress.line) }
            })
        let shards = try state.finish()
        state.cappedOut = selected - state.written - state.emptied
        console.clearProgress()

        let manifest = Manifest(
            curate: curateVersion, command: command, options: options, storeFingerprint: try fingerprint().description,
            model: try model.flatMap { try store.connection.scalarText("SELECT path FROM lm_models WHERE id = ?", [.integer($0)]) }
                .map { ($0 as NSString).lastPathComponent },
            counts: counts, selected: selected, written: state.written, cappedOut: state.cappedOut, emptied: state.emptied,
            droppedLines: state.droppedLines, textBytes: state.textBytes, tokens: state.tokens, shards: shards)
        try manifest.write(to: directory)
        finished = true
        return ExportSummary(directory: directory, manifest: manifest,
                             seconds: Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)
    }

    /// Where the selection starts in the best-first ranking.
    private func offset(ranked: Int, selected: Int, metrics: [(QualityMetric, Double)]) -> Int {
        guard let band = options.band else { return 0 }
        // Does best-first run from low metric values to high? (One metric ranked by its own direction.)
        let ascending = metrics.count == 1 && options.sampleTemperature == nil && metrics[0].0.lowerIsBetter == (metrics[0].1 > 0)
        switch band {
        case .middle: return (ranked - selected) / 2
        case .low: return ascending ? 0 : ranked - selected
        case .high: return ascending ? ranked - selected : 0
        }
    }

    private func removeUnfinished(_ directory: String) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            try FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }

    /// Creates the directory, and removes the shards and manifest of an earlier export in it (only those).
    private func prepare(_ directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory)
        where (name.hasPrefix("shard-") || name.hasPrefix(".shard-")) && (name.hasSuffix(".jsonl.zst") || name.hasSuffix(".jsonl.zst.tmp"))
            || name == Manifest.fileName || name == "." + Manifest.fileName + ".tmp" {
            try FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }

    /// The hashes of the lines dedup found in more than its threshold of documents.
    private func repeatedLines() throws -> HashIndex {
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

    /// The selected documents in output order, in batches, read on a connection of their own.
    static func readRows(path: String, order: ExportOrder, start: Int, count: Int, model: Int64, countTokens: Bool,
                         emit: ([Row]) -> Bool) throws {
        let reader = try SQLiteConnection(path: path)
        try reader.execute("PRAGMA temp_store = FILE") // reverse and random order sort the selection
        // Documents are read in score order, that is, all over the file: mapped pages are read without
        // copying each 32 KiB page into the connection's cache (they stay the kernel's page cache).
        try reader.execute("PRAGMA mmap_size = \(Store.mapBytes(1 << 40))")
        let columns = "seq, score, language, perplexity"
        let selection = "SELECT \(columns), sort_key, document_id, shuffle FROM export_ranking ORDER BY sort_key, document_id LIMIT ?1 OFFSET ?2"
        let ordered: String
        switch order {
        case .quality: ordered = selection
        case .reverse: ordered = "SELECT \(columns) FROM (\(selection)) ORDER BY sort_key DESC, document_id DESC"
        case .random: ordered = "SELECT \(columns) FROM (\(selection)) ORDER BY shuffle, document_id"
        }
        let keys = try reader.prepare(ordered)
        keys.bind(1, count)
        keys.bind(2, start)
        var sources: [Int64: String] = [:]
        let sourceKeys = try reader.prepare("SELECT id, key FROM sources")
        while try sourceKeys.step() { sources[sourceKeys.int64(0)] = sourceKeys.text(1) ?? "" }
        let lookup = try reader.prepare("SELECT id, codec, text, source_id, metadata, external_id, content_hash FROM documents WHERE seq = ?")
        let tokens = try reader.prepare("""
            SELECT coalesce((SELECT tokens FROM perplexity WHERE model_id = ?1 AND seq = ?2),
                            (SELECT words FROM stats_gopher_quality WHERE seq = ?2))
            """)
        var batch: [Row] = []
        var index = 0
        while try keys.step() {
            let seq = keys.int64(0)
            lookup.bind(1, seq)
            guard try lookup.step() else { throw StoreError("ranked document seq \(seq) is not in the store") }
            var row = Row(seq: seq, id: lookup.int64(0), score: keys.double(1), codec: lookup.int(1), stored: Array(lookup.blobBytes(2)), hash: Array(lookup.blobBytes(6)),
                          source: sources[lookup.int64(3)] ?? "", metadata: lookup.text(4), externalID: lookup.text(5),
                          language: keys.text(2), perplexity: keys.isNull(3) ? nil : keys.double(3), tokens: nil, rank: index)
            index += 1
            lookup.reset()
            if countTokens {
                tokens.bind(1, model)
                tokens.bind(2, seq)
                if try tokens.step(), !tokens.isNull(0) { row.tokens = tokens.int64(0) }
                tokens.reset()
            }
            batch.append(row)
            if batch.count == 256 {
                guard emit(batch) else { return }
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { _ = emit(batch) }
    }

    /// XXH3-128 of every document's id and content hash, in store order.
    private func fingerprint() throws -> Hash128 {
        var builder = Hash128Builder(seed: 0x6578_706F_7274)
        let statement = try store.connection.prepare("SELECT id, content_hash FROM documents ORDER BY seq")
        while try statement.step() {
            builder.update(UInt64(bitPattern: statement.int64(0)))
            builder.update(statement.blobBytes(1))
        }
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

    mutating func write(_ prepared: Exporter.Prepared) throws {
        considered += 1
        var text = prepared.text
        if options.dropRepeatedLines {
            kept.removeAll(keepingCapacity: true)
            for line in prepared.lines {
                if let hash = line.repeated, !seen.insert(hash).inserted {
                    droppedLines += 1
                    continue
                }
                kept.append(contentsOf: text[line.start..<line.end])
            }
            if kept.count != text.count {
                guard kept.contains(where: { $0 > 0x20 }) else {
                    emptied += 1
                    return
                }
                text = kept
            }
        }
        if let maxBytes = options.maxBytes, textBytes + Int64(text.count) > maxBytes {
            full = true
            return
        }
        if let maxTokens = options.maxTokens, tokens + prepared.tokens > maxTokens {
            full = true
            return
        }
        let row = prepared.row
        if prepared.json.isEmpty {
            line.reset()
            Self.encode(row, text: text, rank: written, into: &line)
        }
        let json = prepared.json.isEmpty ? line.bytes : prepared.json

        if let shard = current, shard.documents > 0, shard.jsonBytes + Int64(json.count) > options.shardSize {
            shards.append(try shard.finish())
            current = nil
        }
        if current == nil { current = try ShardFile(directory: directory, index: shards.count, level: options.compressionLevel) }
        try current!.append(json, score: row.score)
        written += 1
        textBytes += Int64(text.count)
        tokens += prepared.tokens
    }

    /// One document's JSON line: keys in sorted order, so the same document always gives the same bytes.
    static func encode(_ row: Exporter.Row, text: [UInt8], rank: Int, into line: inout JSONLine) {
        line.raw("{\"id\":")
        line.string(String(row.id))
        line.raw(",\"metadata\":{\"curate\":{")
        var separator = ""
        if let language = row.language {
            line.raw("\"language\":")
            line.string(language)
            separator = ","
        }
        if let perplexity = row.perplexity {
            line.raw(separator + "\"perplexity\":")
            line.number(perplexity)
            separator = ","
        }
        line.raw(separator + "\"rank\":")
        line.number(Int64(rank))
        line.raw(",\"score\":")
        line.number(row.score)
        line.raw("}")
        if let externalID = row.externalID {
            line.raw(",\"external_id\":")
            line.string(externalID)
        }
        if let metadata = row.metadata, metadata.hasPrefix("{") {
            line.raw(",\"record\":")
            line.raw(metadata) // the record's other fields, as ingest stored them (a JSON object)
        }
        line.raw("},\"source\":")
        line.string(row.source)
        line.raw(",\"text\":")
        text.withUnsafeBytes { line.string($0) }
        line.raw("}\n")
    }

    mutating func finish() throws -> [Manifest.Shard] {
        if let shard = current {
            shards.append(try shard.finish())
            current = nil
        }
        return shards
    }
}
