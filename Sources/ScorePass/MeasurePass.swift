import Core
import Foundation
import Store
import Text

/// A stored document a pass measures.
public struct PassDocument: Sendable {
    public var seq: Int64
    public var id: Int64
    /// The UTF-8 byte length of its text.
    public var bytes: Int
    /// The language the heuristics stored, if they ran before this pass.
    public var storedLanguage: String?
    /// The id that decides the document's cross-fitting fold: its own, or for a dedup duplicate its
    /// cluster's kept document's (the kept one may be in a model's training data and the duplicate is
    /// not; a duplicate scored by the model that saw its near copy would look falsely good).
    public var foldID: Int64
}

/// One document handed to a measure: the document, its analysis (shared by every measure of the pass),
/// and which of the measure's conditions hold for it.
public struct MeasureInput {
    public let document: PassDocument
    public let analysis: DocumentAnalysis
    public let conditions: [Bool]
}

/// A measure's work on one worker thread: one result per input, in order.
public typealias MeasureWorker = ([MeasureInput]) throws -> [any Sendable]

/// One per-document measure of the scoring pass (heuristic statistics, MinHash signature and line
/// hashes, perplexity, quality score): what it needs from the store, how a worker thread computes it
/// from the analysed document, and how its rows are written. The pass calls `makeWorker` on each worker
/// thread and `write` on the writing thread, inside the pass's open transaction, in document order.
public protocol DocumentMeasure: AnyObject, Sendable {
    /// The name in progress lines and summaries.
    var name: String { get }
    /// SQL conditions on a first copy `documents d`: the measure wants the document when any holds, and
    /// its worker is told which hold.
    var conditions: [String] { get }
    /// Whether the measure reads the analysis's tokens (not only its words): then every measure of the
    /// pass takes its words from the tokens, and the text is segmented once.
    var usesTokens: Bool { get }
    /// A worker for one thread (called on that thread).
    func makeWorker() -> MeasureWorker
    /// Writes the results of one batch (the measure's own prepared statements, the pass's transaction).
    func write(_ inputs: [PassDocument], _ results: [any Sendable]) throws
}

extension DocumentMeasure {
    public var usesTokens: Bool { false }
}

/// What a pass did.
public struct PassSummary: Codable, Sendable {
    /// Documents read (wanted by at least one measure) and their bytes.
    public var documents = 0
    public var bytes: Int64 = 0
    /// Documents each measure measured, by measure name.
    public var measured: [String: Int] = [:]
    /// CPU seconds the worker threads spent in each measure (the first measure to need a part of the
    /// shared analysis pays for it) and in reading the stored text (decompression, checksum).
    public var workerSeconds: [String: Double] = [:]
    public var decodeSeconds = 0.0
    /// Seconds the writing thread spent storing each measure's rows.
    public var writeSeconds: [String: Double] = [:]
    public var seconds = 0.0
}

/// The one driver of every per-document measure: reads each document that some measure wants once,
/// decompresses it once, analyses it once (NFKC, ICU segmentation, lines, language: `DocumentAnalysis`,
/// each part on first use), runs every measure that wants it on that analysis on all cores, and writes
/// each measure's rows in document order in grouped transactions. A measure run alone and the same
/// measure run with others store the same rows. A killed pass resumes: a document whose rows were
/// committed no longer meets its measure's conditions.
public final class MeasurePass {
    private let store: Store
    private let measures: [any DocumentMeasure]
    private let threads: Int
    private let console: Console
    private let stage: String
    public var commitInterval = 1.0

    public init(store: Store, measures: [any DocumentMeasure], threads: Int, console: Console, stage: String = "score") {
        self.store = store
        self.measures = measures
        self.threads = threads
        self.console = console
        self.stage = stage
    }

    /// A batch read by the producer.
    struct Pending: Sendable {
        var document: PassDocument
        var codec: Int
        var stored: [UInt8]
        var hash: [UInt8]
        var conditions: [Bool]
    }

    /// A batch measured by a worker: per measure, the documents it measured and its results.
    struct Measured: @unchecked Sendable { // results are Sendable values boxed as `any Sendable`
        var documents: [PassDocument]
        var perMeasure: [(documents: [PassDocument], results: [any Sendable], cpuSeconds: Double)]
        var decodeSeconds: Double
    }

    public func run() throws -> PassSummary {
        let started = DispatchTime.now()
        var summary = PassSummary()
        let conditions = measures.flatMap(\.conditions)
        guard !conditions.isEmpty else { return summary }
        let any = conditions.map { "(\($0))" }.joined(separator: " OR ")
        let total = try store.connection.scalarInt("SELECT count(*) FROM documents d WHERE d.duplicate_of IS NULL AND (\(any))") ?? 0
        for measure in measures { summary.measured[measure.name] = 0 }
        guard total > 0 else { return summary }
        let query = """
            SELECT d.seq, d.id, d.codec, d.text, d.content_hash, l.language,
                   coalesce((SELECT c.duplicate_of FROM dedup_clusters c WHERE c.seq = d.seq), d.id),
                   \(conditions.map { "(\($0))" }.joined(separator: ", "))
            FROM documents d LEFT JOIN document_language l ON l.seq = d.seq
            WHERE d.duplicate_of IS NULL AND d.seq > ? AND (\(any)) ORDER BY d.seq LIMIT 256
            """
        // Where each measure's conditions sit among the query's condition columns.
        var starts = [0]
        for measure in measures { starts.append(starts.last! + measure.conditions.count) }
        let ranges = measures.indices.map { starts[$0]..<starts[$0 + 1] }
        let path = store.path
        let measures = self.measures
        let transaction = GroupedTransaction(store: store, interval: commitInterval)
        defer { transaction.rollback() }
        var progress = ProgressMeter(stage: stage, total: total, measure: .documents)
        let conditionCount = conditions.count

        try OrderedPipeline.run(
            workers: max(1, threads),
            capacity: max(1, threads) * 2 + 2,
            produce: { emit in
                try Store.readBatches(path: path, query: query, row: { statement in
                    let stored = Array(statement.blobBytes(3))
                    return Pending(document: PassDocument(seq: statement.int64(0), id: statement.int64(1), bytes: 0,
                                                          storedLanguage: statement.text(5), foldID: statement.int64(6)),
                                   codec: statement.int(2), stored: stored, hash: Array(statement.blobBytes(4)),
                                   conditions: (0..<conditionCount).map { statement.int(Int32(7 + $0)) != 0 })
                }, emit: emit)
            },
            makeWorker: {
                let analyzer = TextAnalyzer()
                let identifier = ScriptStopWordIdentifier()
                let decompressor = ZstdDecompressor()
                let workers = measures.map { $0.makeWorker() }
                let segmentTokens = measures.contains { $0.usesTokens }
                return { (batch: [Pending]) throws -> Measured in
                    let decodeStarted = threadCPUSeconds()
                    var inputs: [MeasureInput] = []
                    inputs.reserveCapacity(batch.count)
                    for pending in batch {
                        let text = try StoredText.decode(pending.stored, codec: pending.codec, hash: pending.hash,
                                                         document: pending.document.id, with: decompressor).get()
                        var document = pending.document
                        document.bytes = text.count
                        let analysis = DocumentAnalysis(text: text, analyzer: analyzer, identifier: identifier, wordsFromTokens: segmentTokens)
                        inputs.append(MeasureInput(document: document, analysis: analysis, conditions: pending.conditions))
                    }
                    // Measures run in the order given, each over the whole batch: a later measure finds what an
                    // earlier one computed (the segmentation, the language) in the shared analyses.
                    let decodeSeconds = threadCPUSeconds() - decodeStarted
                    var perMeasure: [(documents: [PassDocument], results: [any Sendable], cpuSeconds: Double)] = []
                    for (index, worker) in workers.enumerated() {
                        let wanted = inputs.compactMap { input -> MeasureInput? in
                            let own = Array(input.conditions[ranges[index]])
                            return own.contains(true) ? MeasureInput(document: input.document, analysis: input.analysis, conditions: own) : nil
                        }
                        let started = threadCPUSeconds()
                        let results = wanted.isEmpty ? [] : try worker(wanted)
                        perMeasure.append((wanted.map(\.document), results, threadCPUSeconds() - started))
                    }
                    return Measured(documents: inputs.map(\.document), perMeasure: perMeasure, decodeSeconds: decodeSeconds)
                }
            },
            consume: { (batch: Measured) in
                try transaction.write {
                    for (measure, measured) in zip(measures, batch.perMeasure) where !measured.documents.isEmpty {
                        let writeStarted = DispatchTime.now().uptimeNanoseconds
                        try measure.write(measured.documents, measured.results)
                        summary.writeSeconds[measure.name, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - writeStarted) / 1e9
                    }
                }
                for (measure, measured) in zip(measures, batch.perMeasure) {
                    summary.measured[measure.name, default: 0] += measured.documents.count
                    summary.workerSeconds[measure.name, default: 0] += measured.cpuSeconds
                }
                summary.decodeSeconds += batch.decodeSeconds
                summary.documents += batch.documents.count
                summary.bytes += batch.documents.reduce(0) { $0 + Int64($1.bytes) }
                progress.update(done: Int64(summary.documents), documents: Int64(summary.documents), bytes: summary.bytes)
                if progress.due { console.progress(progress.line) }
            })
        try transaction.commit()
        console.clearProgress()
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return summary
    }
}

extension MeasurePass {
    /// Runs one measure alone over the store (what a single-metric `curate score` does).
    @discardableResult
    public static func run(_ measure: any DocumentMeasure, store: Store, threads: Int, commitInterval: Double, console: Console,
                           stage: String = "score") throws -> PassSummary {
        let pass = MeasurePass(store: store, measures: [measure], threads: threads, console: console, stage: stage)
        pass.commitInterval = commitInterval
        return try pass.run()
    }
}
