import Core

/// Where reading a source got to.
public enum SourceStatus: String, Sendable, Codable {
    /// Being read, or interrupted: `recordsRead` is where the next run resumes.
    case reading
    /// Read to the end.
    case done
    /// Read as far as it could be (a truncated or corrupt compressed file); the rest is a reject.
    case partial
}

/// An input file as discovered on disk, before it is read.
public struct SourceFile: Sendable {
    /// Root-relative name: part of every document id, so ids do not depend on where the corpus is mounted.
    public var key: String
    /// Absolute path.
    public var path: String
    public var format: String
    public var compression: String
    public var size: Int64
    public var mtime: Int64
    public var fingerprint: Hash128
    /// The file's index among all the inputs of a partitioned run (`sources.input_rank`), nil otherwise.
    public var inputRank: Int?

    public init(key: String, path: String, format: String, compression: String, size: Int64, mtime: Int64, fingerprint: Hash128) {
        self.key = key
        self.path = path
        self.format = format
        self.compression = compression
        self.size = size
        self.mtime = mtime
        self.fingerprint = fingerprint
    }

    /// The stable source id: hash of key and fingerprint.
    public var id: Int64 { StableID.source(key: key, fingerprint: fingerprint) }
}

/// A source as recorded in the store.
public struct SourceRecord: Sendable {
    public var id: Int64
    public var key: String
    public var path: String
    public var status: SourceStatus
    public var recordsRead: Int64
    public var fingerprint: Hash128
    public var finishedAt: String?
}

extension Store {
    private static let sourceColumns = "id, key, path, status, records_read, fingerprint, finished_at"

    private func readSource(_ statement: SQLiteStatement) -> SourceRecord {
        SourceRecord(
            id: statement.int64(0),
            key: statement.text(1) ?? "",
            path: statement.text(2) ?? "",
            status: SourceStatus(rawValue: statement.text(3) ?? "") ?? .reading,
            recordsRead: statement.int64(4),
            fingerprint: Hash128(bytes: statement.blobBytes(5)) ?? Hash128(high: 0, low: 0),
            finishedAt: statement.text(6))
    }

    /// The source with this id, if it was ever opened.
    public func source(id: Int64) throws -> SourceRecord? {
        let statement = try connection.prepare("SELECT \(Store.sourceColumns) FROM sources WHERE id = ?")
        statement.bind(1, id)
        return try statement.step() ? readSource(statement) : nil
    }

    /// Every source recorded under this absolute path (several when the file changed between runs).
    public func sources(path: String) throws -> [SourceRecord] {
        let statement = try connection.prepare("SELECT \(Store.sourceColumns) FROM sources WHERE path = ? ORDER BY started_at")
        statement.bind(1, path)
        var result: [SourceRecord] = []
        while try statement.step() { result.append(readSource(statement)) }
        return result
    }

    /// Records that reading `file` starts (or resumes); committed at once.
    public func beginSource(_ file: SourceFile, runID: Int64) throws {
        let statement = try connection.prepare("""
            INSERT INTO sources (id, key, path, format, compression, size, mtime, fingerprint, status, started_at, run_id, input_rank)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'reading', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?)
            ON CONFLICT(id) DO UPDATE SET path = excluded.path, mtime = excluded.mtime, input_rank = excluded.input_rank
            """)
        statement.bind(1, file.id)
        statement.bind(2, file.key)
        statement.bind(3, file.path)
        statement.bind(4, file.format)
        statement.bind(5, file.compression)
        statement.bind(6, file.size)
        statement.bind(7, file.mtime)
        statement.bind(8, blob: file.fingerprint.bytes)
        statement.bind(9, runID)
        if let rank = file.inputRank { statement.bind(10, rank) } else { statement.bindNull(10) }
        try statement.run()
    }

    /// Marks a source as read to the end (or as far as it could be read).
    public func finishSource(id: Int64, status: SourceStatus, bytesRead: Int64) throws {
        let statement = try connection.prepare("""
            UPDATE sources SET status = ?, bytes_read = max(bytes_read, ?),
                   finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            WHERE id = ?
            """)
        statement.bind(1, status.rawValue)
        statement.bind(2, bytesRead)
        statement.bind(3, id)
        try statement.run()
    }
}
