import Core

/// A document ready to be stored: text already validated, hashed and (maybe) compressed.
public struct NewDocument: Sendable {
    public var sourceID: Int64
    public var sourceKey: String
    public var position: Int64
    public var externalID: String?
    /// The bytes for the `text` column: UTF-8, or a zstd frame when `codec` is `.zstd`.
    public var stored: [UInt8]
    public var codec: TextCodec
    public var byteLength: Int
    public var contentHash: Hash128
    public var metadata: String?

    public init(sourceID: Int64, sourceKey: String, position: Int64, externalID: String?, stored: [UInt8],
                codec: TextCodec, byteLength: Int, contentHash: Hash128, metadata: String?) {
        self.sourceID = sourceID
        self.sourceKey = sourceKey
        self.position = position
        self.externalID = externalID
        self.stored = stored
        self.codec = codec
        self.byteLength = byteLength
        self.contentHash = contentHash
        self.metadata = metadata
    }

    /// The id this document gets unless it collides with another document's id.
    public var id: Int64 { StableID.document(sourceKey: sourceKey, position: position, contentHash: contentHash) }
}

/// How the `text` column is encoded.
public enum TextCodec: Int, Sendable {
    case plain = 0
    case zstd = 1
}

/// A record that could not be ingested.
public struct NewReject: Sendable {
    public var sourceID: Int64?
    public var path: String
    public var record: Int64
    public var reason: String
    public var message: String
    /// At most the first 1 KiB of the raw record.
    public var raw: [UInt8]?

    public init(sourceID: Int64?, path: String, record: Int64, reason: String, message: String, raw: [UInt8]?) {
        self.sourceID = sourceID
        self.path = path
        self.record = record
        self.reason = reason
        self.message = message
        self.raw = raw
    }
}

/// What happened to a document handed to `DocumentWriter.insert`.
public enum InsertOutcome: Equatable, Sendable {
    /// Stored under `id`; `duplicateOf` names the first stored document with the same text, if any.
    case stored(id: Int64, duplicateOf: Int64?)
    /// A document at the same source and position was already stored (nothing written).
    case alreadyStored(id: Int64)
}

/// The hot write path of ingest: prepared statements reused for every row. Call inside a transaction.
public final class DocumentWriter {
    private let connection: SQLiteConnection
    private let insertDocument: SQLiteStatement
    private let findFirstWithHash: SQLiteStatement
    private let findAtPosition: SQLiteStatement
    private let insertReject: SQLiteStatement
    private let updateProgress: SQLiteStatement
    private let runID: Int64

    public init(store: Store, runID: Int64) throws {
        connection = store.connection
        self.runID = runID
        insertDocument = try connection.prepare("""
            INSERT INTO documents (id, source_id, position, external_id, text, codec, byte_length, content_hash, duplicate_of, metadata)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        findFirstWithHash = try connection.prepare(
            "SELECT id FROM documents WHERE content_hash = ? AND duplicate_of IS NULL LIMIT 1")
        findAtPosition = try connection.prepare("SELECT id FROM documents WHERE source_id = ? AND position = ?")
        insertReject = try connection.prepare("""
            INSERT OR IGNORE INTO rejects (run_id, source_id, path, record, reason, message, raw, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            """)
        updateProgress = try connection.prepare("""
            UPDATE sources SET records_read = max(records_read, ?), documents = documents + ?, duplicates = duplicates + ?,
                   rejects = rejects + ?, bytes_read = max(bytes_read, ?), text_bytes = text_bytes + ?, stored_bytes = stored_bytes + ?
            WHERE id = ?
            """)
    }

    /// Stores a document, recording it as a duplicate of the first document with the same content hash.
    public func insert(_ document: NewDocument) throws -> InsertOutcome {
        let hashBytes = document.contentHash.bytes
        findFirstWithHash.bind(1, blob: hashBytes)
        let duplicateOf: Int64? = try findFirstWithHash.step() ? findFirstWithHash.int64(0) : nil
        findFirstWithHash.reset()

        var salt: UInt64 = 0
        while true {
            let id = salt == 0 ? document.id
                : StableID.document(sourceKey: document.sourceKey, position: document.position, contentHash: document.contentHash, salt: salt)
            insertDocument.bind(1, id)
            insertDocument.bind(2, document.sourceID)
            insertDocument.bind(3, document.position)
            insertDocument.bind(4, document.externalID)
            insertDocument.bind(5, blob: document.stored)
            insertDocument.bind(6, document.codec.rawValue)
            insertDocument.bind(7, document.byteLength)
            insertDocument.bind(8, blob: hashBytes)
            if let duplicateOf { insertDocument.bind(9, duplicateOf) } else { insertDocument.bindNull(9) }
            insertDocument.bind(10, document.metadata)
            do {
                try insertDocument.run()
                return .stored(id: id, duplicateOf: duplicateOf)
            } catch let error as StoreError where error.isConstraintViolation {
                // Either this record is already stored (a resumed run re-reading it), or two
                // different documents hashed to the same 63-bit id: then derive the next salted id.
                findAtPosition.bind(1, document.sourceID)
                findAtPosition.bind(2, document.position)
                let existing: Int64? = try findAtPosition.step() ? findAtPosition.int64(0) : nil
                findAtPosition.reset()
                if let existing { return .alreadyStored(id: existing) }
                salt += 1
            }
        }
    }

    /// Records a reject; a reject with the same path, record and reason is kept once.
    /// Returns true when the row is new.
    @discardableResult
    public func insert(_ reject: NewReject) throws -> Bool {
        insertReject.bind(1, runID)
        if let sourceID = reject.sourceID { insertReject.bind(2, sourceID) } else { insertReject.bindNull(2) }
        insertReject.bind(3, reject.path)
        insertReject.bind(4, reject.record)
        insertReject.bind(5, reject.reason)
        insertReject.bind(6, reject.message)
        insertReject.bind(7, blob: reject.raw)
        try insertReject.run()
        return connection.changes > 0
    }

    /// Advances a source's resume point and counters; commit it in the same transaction as the rows.
    public func recordProgress(sourceID: Int64, recordsRead: Int64, documents: Int, duplicates: Int, rejects: Int,
                               bytesRead: Int64, textBytes: Int64, storedBytes: Int64) throws {
        updateProgress.bind(1, recordsRead)
        updateProgress.bind(2, documents)
        updateProgress.bind(3, duplicates)
        updateProgress.bind(4, rejects)
        updateProgress.bind(5, bytesRead)
        updateProgress.bind(6, textBytes)
        updateProgress.bind(7, storedBytes)
        updateProgress.bind(8, sourceID)
        try updateProgress.run()
    }
}
