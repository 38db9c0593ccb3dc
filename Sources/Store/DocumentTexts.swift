import Core

extension Store {
    /// Calls `body` with the text of each document that is not a duplicate (ingest's exact copies, and
    /// dedup's when it has run), in store order, optionally only those kept by the heuristic filters
    /// (`filter_verdicts.kept = 1`). Returns the number of documents read.
    @discardableResult
    public func forEachDocumentText(keptByFilters: Bool = false, _ body: (_ seq: Int64, _ id: Int64, _ text: UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        let notDuplicate = Self.notDuplicate
        let sql = keptByFilters
            ? "SELECT d.seq, d.id, d.codec, d.text, d.content_hash FROM documents d JOIN filter_verdicts v ON v.seq = d.seq WHERE \(notDuplicate) AND v.kept = 1 ORDER BY d.seq"
            : "SELECT d.seq, d.id, d.codec, d.text, d.content_hash FROM documents d WHERE \(notDuplicate) ORDER BY d.seq"
        let statement = try connection.prepare(sql)
        let decompressor = ZstdDecompressor()
        var count = 0
        while try statement.step() {
            let text = try StoredText.decode(statement.blobBytes(3), codec: statement.int(2), hash: statement.blobBytes(4),
                                             document: statement.int64(1), with: decompressor)
            try text.withUnsafeBytes { try body(statement.int64(0), statement.int64(1), $0) }
            count += 1
        }
        return count
    }
}

extension Store {
    /// The condition on `documents d` that leaves out ingest's exact copies and dedup's duplicates.
    static let notDuplicate = "d.duplicate_of IS NULL AND NOT EXISTS (SELECT 1 FROM dedup_clusters c WHERE c.seq = d.seq AND c.duplicate_of IS NOT NULL)"

    /// The UTF-8 bytes of the documents that are not duplicates, per cross-fitting half (document id
    /// even: [0], odd: [1]), optionally only those the heuristic filters keep.
    public func bytesByHalf(keptByFilters: Bool) throws -> [Int64] {
        let kept = keptByFilters ? " AND EXISTS (SELECT 1 FROM filter_verdicts v WHERE v.seq = d.seq AND v.kept = 1)" : ""
        let statement = try connection.prepare("SELECT d.id & 1, sum(d.byte_length) FROM documents d WHERE \(Self.notDuplicate)\(kept) GROUP BY d.id & 1")
        var bytes: [Int64] = [0, 0]
        while try statement.step() { bytes[Int(statement.int64(0))] = statement.int64(1) }
        return bytes
    }

    /// A uniform sample of the documents that are not duplicates, per half: documents in the order of a
    /// seeded hash of their stable id, taken until each half holds `bytes[half]` bytes of text (or all of
    /// its documents). The same store and seed give the same sample. Returns the chosen ids.
    public func uniformSample(bytes target: [Int64], seed: UInt64) throws -> Set<Int64> {
        let statement = try connection.prepare("SELECT d.id, d.byte_length FROM documents d WHERE \(Self.notDuplicate)")
        var candidates: [(key: UInt64, id: Int64, bytes: Int64)] = []
        while try statement.step() {
            let id = statement.int64(0)
            candidates.append((splitMix(seed, UInt64(bitPattern: id)), id, statement.int64(1)))
        }
        candidates.sort { ($0.key, $0.id) < ($1.key, $1.id) }
        var taken: [Int64] = [0, 0]
        var chosen = Set<Int64>()
        for candidate in candidates {
            let half = Int(candidate.id & 1)
            guard taken[half] < target[half] else { continue }
            taken[half] += candidate.bytes
            chosen.insert(candidate.id)
        }
        return chosen
    }

    /// One stored document: its id and its text (decompressed).
    public func document(seq: Int64) throws -> (id: Int64, text: [UInt8])? {
        let lookup = try connection.prepare("SELECT id, codec, text, content_hash FROM documents WHERE seq = ?")
        lookup.bind(1, seq)
        guard try lookup.step() else { return nil }
        let text = try StoredText.decode(Array(lookup.blobBytes(2)), codec: lookup.int(1), hash: Array(lookup.blobBytes(3)), document: lookup.int64(0), with: ZstdDecompressor()).get()
        return (lookup.int64(0), text)
    }
}

extension Store {
    /// Reads the rows of `query` in batches, on a connection of its own (a stage's producer thread reads
    /// while the main connection writes; WAL allows it). The query's first column is the document seq,
    /// its one parameter the seq to continue after, and it ends in `ORDER BY … seq LIMIT n`: keyset
    /// pagination, so a batch never holds a statement open across the consumer's commits. Stops when a
    /// batch comes back empty or `emit` returns false.
    public static func readBatches<Row>(path: String, query: String, row: (SQLiteStatement) -> Row,
                                        emit: ([Row]) -> Bool) throws {
        let reader = try SQLiteConnection(path: path)
        let statement = try reader.prepare(query)
        var after: Int64 = 0
        while true {
            statement.bind(1, after)
            var batch: [Row] = []
            var last: Int64?
            while try statement.step() {
                last = statement.int64(0)
                batch.append(row(statement))
            }
            statement.reset()
            guard let last else { return }
            after = last
            guard emit(batch) else { return }
        }
    }
}

extension Store {
    /// The texts of the documents of several partition stores that are not duplicates (optionally only
    /// those the heuristic filters keep, optionally one cross-fitting half by id parity), taken in the
    /// order of a seeded hash of their ids until `maxBytes` of text have been given: a uniform sample
    /// that is the same however the corpus was partitioned (every document when they fit). Each store
    /// sorts its own candidates; the streams are merged holding one row per store, and only the texts
    /// given are read. Returns the documents and bytes given.
    @discardableResult
    public static func forEachSampledText(partitions: [String], keptByFilters: Bool, half: Int?, seed: UInt64, maxBytes: Int64,
                                          _ body: (_ id: Int64, _ text: UnsafeRawBufferPointer) throws -> Void) throws -> (documents: Int, bytes: Int64) {
        let kept = keptByFilters ? " AND EXISTS (SELECT 1 FROM filter_verdicts v WHERE v.seq = d.seq AND v.kept = 1)" : ""
        let parity = half.map { " AND (d.id & 1) = \($0)" } ?? ""
        var connections: [SQLiteConnection] = [], keys: [SQLiteStatement] = [], texts: [SQLiteStatement] = []
        for path in partitions {
            let connection = try SQLiteConnection(path: path, readOnly: true)
            try connection.defineMixFunction()
            let statement = try connection.prepare("""
                SELECT curate_mix(?, d.id) AS k, d.seq, d.byte_length FROM documents d WHERE \(notDuplicate)\(kept)\(parity) ORDER BY k
                """)
            statement.bind(1, Int64(bitPattern: seed))
            connections.append(connection)
            keys.append(statement)
            texts.append(try connection.prepare("SELECT d.id, d.codec, d.text, d.content_hash FROM documents d WHERE d.seq = ?"))
        }
        func read(_ statement: SQLiteStatement) throws -> (key: Int64, seq: Int64, bytes: Int64)? {
            try statement.step() ? (statement.int64(0), statement.int64(1), statement.int64(2)) : nil
        }
        var merge = KWayMerge(heads: try keys.map(read)) { $0.key < $1.key }
        let decompressor = ZstdDecompressor()
        var documents = 0
        var bytes: Int64 = 0
        while bytes < maxBytes, let (index, head) = merge.first {
            merge.advance(try read(keys[index]))
            let text = texts[index]
            text.bind(1, head.seq)
            defer { text.reset() }
            guard try text.step() else { continue }
            let decoded = try StoredText.decode(text.blobBytes(2), codec: text.int(1), hash: text.blobBytes(3), document: text.int64(0),
                                                with: decompressor)
            try decoded.withUnsafeBytes { try body(text.int64(0), $0) }
            documents += 1
            bytes += head.bytes
        }
        return (documents, bytes)
    }
}
