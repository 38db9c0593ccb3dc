import Core
import Store

/// Reads the document texts of input files in the formats ingest knows (JSONL, text, WET, gzip/zstd),
/// without a store: for commands that consume text directly, such as training a language model.
/// Bad records are skipped and counted.
public struct TextFiles {
    public let paths: [String]
    public var options: IngestOptions

    public init(paths: [String], options: IngestOptions = IngestOptions()) {
        self.paths = paths
        self.options = options
    }

    /// What reading found.
    public struct Summary: Sendable {
        public var files = 0
        public var documents = 0
        public var bytes = 0
        public var rejects = 0
        /// Rejects by reason (`invalid_utf8`, `nul_byte`, `too_large`, …).
        public var rejectsByReason: [String: Int] = [:]
        /// The first few rejects, each as `path:record: reason: message` (the record is the line number
        /// for JSONL and for text read a line or paragraph at a time).
        public var firstRejects: [String] = []
        /// Paths that could not be used at all, with the reason.
        public var problems: [String] = []
    }

    /// How many rejects the summary lists one by one.
    public static let rejectsListed = 5

    /// Calls `body` with the UTF-8 text of each document, in file order.
    public func forEach(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Summary {
        var summary = Summary()
        let discovered = InputDiscovery(glob: options.glob, formatOverride: options.format, partition: options.partition).discover(paths)
        summary.problems = discovered.problems.map { "\($0.displayPath): \($0.message)" }
        let reader = SourceReader(maxDocBytes: options.maxDocBytes, textSplit: options.textSplit)
        let preparer = RecordPreparer(textField: options.textField, idField: options.idField, maxDocBytes: options.maxDocBytes,
                                      compressionLevel: 1, compressMinBytes: .max)
        for file in discovered.files {
            summary.files += 1
            let source = SourceFile(key: file.key, path: file.path, format: file.format.records.rawValue,
                                    compression: file.format.compression.rawValue, size: file.size, mtime: file.mtime,
                                    fingerprint: Hash128(high: 0, low: 0))
            let plan = SourcePlan(file: file, source: source,
                                  context: SourceContext(id: 0, key: file.key, path: file.path, displayPath: file.displayPath, format: file.format.records),
                                  resumeAfter: 0)
            var failure: Error?
            _ = reader.read(plan) { event in
                guard case .batch(let batch) = event else { return true }
                for record in preparer.prepare(batch).records {
                    switch record {
                    case .document(let document):
                        summary.documents += 1
                        summary.bytes += document.byteLength
                        do {
                            try document.stored.withUnsafeBytes { try body($0) }
                        } catch {
                            failure = error
                            return false
                        }
                    case .reject(let number, let reason, let message, _):
                        summary.rejects += 1
                        summary.rejectsByReason[reason.rawValue, default: 0] += 1
                        if summary.firstRejects.count < Self.rejectsListed {
                            summary.firstRejects.append("\(file.displayPath):\(number): \(reason.rawValue): \(message)")
                        }
                    }
                }
                return true
            }
            if let failure { throw failure }
        }
        return summary
    }
}
