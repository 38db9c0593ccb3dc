import Core
import Foundation
import Store

/// `curate ingest`: streams input files into the store.
///
/// The producer thread reads and splits files, worker threads parse and check records, and the calling
/// thread writes each batch in one transaction together with the source's resume point, so a run
/// killed at any moment leaves a store that the next run completes without losing or repeating a record.
public final class Ingestor {
    private let store: Store
    private let options: IngestOptions
    private let console: Console
    private let runID: Int64
    private var summary = IngestSummary()

    public init(store: Store, options: IngestOptions, console: Console, runID: Int64) {
        self.store = store
        self.options = options
        self.console = console
        self.runID = runID
    }

    public func run(paths: [String]) throws -> IngestSummary {
        let started = DispatchTime.now()
        let discovered = InputDiscovery(glob: options.glob, formatOverride: options.format, partition: options.partition).discover(paths)
        summary.files = discovered.files.count
        summary.filesUnrecognized = discovered.unrecognized.count

        var problems = discovered.problems
        var plans: [SourcePlan] = []
        let planner = SourcePlanner(store: store, textSplit: options.textSplit, partitioned: options.partition != nil)
        for file in discovered.files {
            let (decision, changedFrom) = try planner.plan(file)
            switch decision {
            case .read(let plan):
                plans.append(plan)
                if plan.resumeAfter > 0 { summary.filesResumed += 1 }
                if let changedFrom {
                    summary.filesChanged += 1
                    console.warning("\(file.displayPath): changed since it was ingested\(changedFrom.finishedAt.map { " on \($0)" } ?? "") (or read now with another --txt-split); reading it as a new source",
                                    kind: "source_changed")
                }
            case .skip:
                summary.filesAlreadyIngested += 1
            case .problem(let problem):
                problems.append(problem)
            }
        }
        let writer = try DocumentWriter(store: store, runID: runID)
        try store.connection.transaction {
            for problem in problems {
                let reject = NewReject(sourceID: nil, path: problem.path, record: 0, reason: problem.reason.rawValue,
                                       message: problem.message, raw: nil)
                try writer.insert(reject)
                noteReject(reason: problem.reason, location: problem.displayPath, message: problem.message)
            }
        }

        let checkpointer = WALCheckpointer(store: store)
        checkpointer.start()
        defer { checkpointer.stop(store: store) }
        try readAll(plans, writer: writer)
        console.clearProgress()
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return summary
    }

    // MARK: The pipeline

    private func readAll(_ plans: [SourcePlan], writer: DocumentWriter) throws {
        guard !plans.isEmpty else { return }
        let reader = SourceReader(maxDocBytes: options.maxDocBytes, textSplit: options.textSplit)
        let options = self.options
        let workers = max(1, options.threads)
        var progress = ProgressMeter(stage: "ingest", total: plans.reduce(0) { $0 + $1.file.size }, measure: .bytes)
        var finishedBytes: Int64 = 0
        var current: SourcePlan?
        let transaction = GroupedTransaction(store: store, interval: options.commitInterval)
        defer { transaction.rollback() }

        try OrderedPipeline.run(
            workers: workers,
            capacity: workers * 2 + 2,
            produce: { emit in
                for plan in plans {
                    guard reader.read(plan, emit: emit) else { return }
                }
            },
            makeWorker: {
                let preparer = RecordPreparer(textField: options.textField, idField: options.idField,
                                              maxDocBytes: options.maxDocBytes, compressionLevel: options.compressionLevel,
                                              compressMinBytes: options.compressMinBytes)
                return { (event: IngestEvent<RawBatch>) -> IngestEvent<PreparedBatch> in
                    switch event {
                    case .begin(let plan): .begin(plan)
                    case .batch(let batch): .batch(preparer.prepare(batch))
                    case .end(let source, let status, let bytesRead, let fileOffset):
                        .end(source: source, status: status, bytesRead: bytesRead, fileOffset: fileOffset)
                    }
                }
            },
            consume: { event in
                switch event {
                case .begin(let plan):
                    try transaction.write { try store.beginSource(plan.source, runID: runID) }
                    current = plan
                    summary.filesRead += 1
                case .batch(let batch):
                    try transaction.write { try write(batch, writer: writer) }
                    progress.update(done: finishedBytes + batch.fileOffset, documents: summary.documents,
                                    bytes: finishedBytes + batch.fileOffset)
                    if progress.due { console.progress(progress.line) }
                case .end(let source, let status, let bytesRead, let fileOffset):
                    try transaction.write { try store.finishSource(id: source.id, status: status, bytesRead: bytesRead) }
                    summary.bytesRead += bytesRead
                    summary.fileBytes += fileOffset
                    finishedBytes += current?.file.size ?? fileOffset
                    current = nil
                }
            })
        try transaction.commit()
    }

    /// Writes one batch and the source's new resume point (inside the caller's transaction).
    private func write(_ batch: PreparedBatch, writer: DocumentWriter) throws {
        var documents = 0, duplicates = 0, rejects = 0
        var textBytes: Int64 = 0, storedBytes: Int64 = 0
        var rejected: [(Int64, RejectReason, String)] = []
        do {
            for record in batch.records {
                switch record {
                case .document(let document):
                    switch try writer.insert(document) {
                    case .stored(_, let duplicateOf):
                        documents += 1
                        if duplicateOf != nil { duplicates += 1 }
                        textBytes += Int64(document.byteLength)
                        storedBytes += Int64(document.stored.count)
                    case .alreadyStored:
                        break
                    }
                case .reject(let number, let reason, let message, let preview):
                    let isNew = try writer.insert(NewReject(sourceID: batch.source.id, path: batch.source.path, record: number,
                                                            reason: reason.rawValue, message: message, raw: preview))
                    if isNew { rejects += 1 }
                    rejected.append((number, reason, message))
                }
            }
            try writer.recordProgress(sourceID: batch.source.id, recordsRead: batch.lastRecord, documents: documents,
                                      duplicates: duplicates, rejects: rejects, bytesRead: batch.bytesRead,
                                      textBytes: textBytes, storedBytes: storedBytes)
        }
        summary.documents += Int64(documents)
        summary.duplicates += Int64(duplicates)
        summary.textBytes += textBytes
        summary.storedBytes += storedBytes
        for (number, reason, message) in rejected {
            noteReject(reason: reason, location: number > 0 ? "\(batch.source.displayPath):\(number)" : batch.source.displayPath,
                       message: message)
        }
    }

    private func noteReject(reason: RejectReason, location: String, message: String) {
        summary.rejects += 1
        summary.rejectsByReason[reason.rawValue, default: 0] += 1
        console.warning("\(location): \(message) (\(reason.rawValue), rejected)", kind: reason.rawValue)
    }
}
