import Foundation

/// What is in a store: the answer to `curate stats`.
public struct StoreStatistics: Codable, Sendable {
    public struct Count: Codable, Sendable, Equatable {
        public var name: String
        public var count: Int64
    }

    public var path: String
    public var schemaVersion: Int
    public var fileBytes: Int64
    public var sources: Int64
    public var sourcesByStatus: [Count]
    public var sourcesByFormat: [Count]
    public var documents: Int64
    public var uniqueDocuments: Int64
    public var exactDuplicates: Int64
    public var textBytes: Int64
    public var storedBytes: Int64
    public var inputBytes: Int64
    public var rejects: Int64
    public var rejectsByReason: [Count]
    public var runs: Int64
    public var interruptedRuns: Int64
}

/// One row of the rejects table.
public struct RejectRow: Codable, Sendable {
    public var path: String
    public var record: Int64
    public var reason: String
    public var message: String
    public var raw: String?
    public var createdAt: String
}

extension Store {
    /// Counts from the per-source counters (kept in step with the documents table by ingest's
    /// transactions), so that `curate stats` answers without scanning the documents.
    public func statistics() throws -> StoreStatistics {
        let totals = try connection.prepare("""
            SELECT count(*), coalesce(sum(documents), 0), coalesce(sum(duplicates), 0), coalesce(sum(text_bytes), 0),
                   coalesce(sum(stored_bytes), 0), coalesce(sum(bytes_read), 0)
            FROM sources
            """)
        _ = try totals.step()
        let documents = totals.int64(1), duplicates = totals.int64(2)
        let fileSize = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        return StoreStatistics(
            path: path,
            schemaVersion: try schemaVersion,
            fileBytes: fileSize,
            sources: totals.int64(0),
            sourcesByStatus: try counts("SELECT status, count(*) FROM sources GROUP BY status ORDER BY status"),
            sourcesByFormat: try counts("""
                SELECT format || CASE compression WHEN 'none' THEN '' ELSE '+' || compression END, count(*)
                FROM sources GROUP BY 1 ORDER BY 1
                """),
            documents: documents,
            uniqueDocuments: documents - duplicates,
            exactDuplicates: duplicates,
            textBytes: totals.int64(3),
            storedBytes: totals.int64(4),
            inputBytes: totals.int64(5),
            rejects: try connection.scalarInt("SELECT count(*) FROM rejects") ?? 0,
            rejectsByReason: try counts("SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY count(*) DESC, reason"),
            runs: try connection.scalarInt("SELECT count(*) FROM runs") ?? 0,
            interruptedRuns: try connection.scalarInt("SELECT count(*) FROM runs WHERE status = 'running'") ?? 0)
    }

    /// Rejected records, in path and record order, optionally of one reason.
    public func rejects(reason: String? = nil, limit: Int? = nil) throws -> [RejectRow] {
        var sql = "SELECT path, record, reason, message, raw, created_at FROM rejects"
        if reason != nil { sql += " WHERE reason = ?" }
        sql += " ORDER BY path, record, reason"
        if let limit { sql += " LIMIT \(limit)" }
        let statement = try connection.prepare(sql)
        if let reason { statement.bind(1, reason) }
        var rows: [RejectRow] = []
        while try statement.step() {
            let raw = statement.blob(4).map { String(decoding: $0, as: UTF8.self) }
            rows.append(RejectRow(path: statement.text(0) ?? "", record: statement.int64(1), reason: statement.text(2) ?? "",
                                  message: statement.text(3) ?? "", raw: raw, createdAt: statement.text(5) ?? ""))
        }
        return rows
    }

    private func counts(_ sql: String) throws -> [StoreStatistics.Count] {
        let statement = try connection.prepare(sql)
        var result: [StoreStatistics.Count] = []
        while try statement.step() {
            result.append(.init(name: statement.text(0) ?? "", count: statement.int64(1)))
        }
        return result
    }
}
