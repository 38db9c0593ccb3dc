import Store

/// What every batch of a source carries about it.
struct SourceContext: Sendable {
    var id: Int64
    var key: String
    var path: String
    var displayPath: String
    var format: RecordFormat
}

/// One raw record: its bytes are `arena[offset ..< offset + length]` of its batch.
struct RawRecord: Sendable {
    var number: Int64
    var offset: Int
    var length: Int
    var externalID: String? = nil
    var metadata: String? = nil
    /// Set when the reader already knows the record is bad; the bytes are then a preview.
    var problem: (reason: RejectReason, message: String)? = nil
}

/// A run of consecutive records of one source, copied into one contiguous arena, the unit of work
/// handed from the reader thread to the workers and of one store transaction.
struct RawBatch: Sendable {
    var source: SourceContext
    var arena: [UInt8] = []
    var records: [RawRecord] = []
    /// The last record number this batch accounts for (records, skipped blank lines and problems):
    /// once it is committed, a resumed run starts after it.
    var lastRecord: Int64 = 0
    /// Bytes consumed from the file on disk at the end of the batch (for progress).
    var fileOffset: Int64 = 0
    /// Uncompressed bytes consumed at the end of the batch.
    var bytesRead: Int64 = 0

    init(source: SourceContext) {
        self.source = source
    }

    var isEmpty: Bool { records.isEmpty }

    mutating func append(number: Int64, bytes: UnsafeRawBufferPointer, externalID: String? = nil, metadata: String? = nil) {
        records.append(RawRecord(number: number, offset: arena.count, length: bytes.count, externalID: externalID, metadata: metadata))
        arena.append(contentsOf: bytes)
    }

    mutating func append(number: Int64, problem reason: RejectReason, message: String, preview: [UInt8]) {
        let kept = preview.prefix(BufferedReader.previewBytes)
        records.append(RawRecord(number: number, offset: arena.count, length: kept.count, problem: (reason, message)))
        arena.append(contentsOf: kept)
    }
}

/// A record after parsing and checks: a document to store, or a reject.
enum PreparedRecord: Sendable {
    case document(NewDocument)
    case reject(record: Int64, reason: RejectReason, message: String, preview: [UInt8])
}

/// A batch after the workers: ready for one store transaction.
struct PreparedBatch: Sendable {
    var source: SourceContext
    var records: [PreparedRecord]
    var lastRecord: Int64
    var fileOffset: Int64
    var bytesRead: Int64
}

/// The events that flow through the ingest pipeline, in file order.
enum IngestEvent<Batch: Sendable>: Sendable {
    case begin(SourcePlan)
    case batch(Batch)
    case end(source: SourceContext, status: SourceStatus, bytesRead: Int64, fileOffset: Int64)
}
