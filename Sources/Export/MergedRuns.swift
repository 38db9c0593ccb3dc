import Core
import Foundation
import Store

/// One record of a partition's ranked run (`PartitionedExport.rank`), with the partition it came from.
struct RunRow {
    var key: Double
    var id: Int64
    var seq: Int64
    var score: Double
    var textBytes: Int64
    var tokens: Int64
    var lineBytes: Int64
    var partition: Int

    /// The export's best-first order: sort key, then document id.
    static func precedes(_ a: RunRow, _ b: RunRow) -> Bool { a.key < b.key || (a.key == b.key && a.id < b.id) }
}

/// The partitions' runs read as one ranking, best first, in the order one store's `RankedList` has:
/// merged by (sort key, id). With `per_language`, each language's rows are merged apart, each row's key
/// becomes its percentile within its language (position / (documents − 1), 0 for the best, as
/// `RankedList.rankWithinLanguages` gives), and the languages are merged by (percentile, id). Memory: a
/// row per partition and language; the plan task reads 60 bytes a ranked document and no text.
struct MergedRuns {
    /// One language's rows (or every row), merged across the partitions' runs.
    private final class Stream {
        let cursors: [SQLiteStatement]
        var merge: KWayMerge<RunRow>
        let total: Int
        var position = 0

        init(connections: [SQLiteConnection], language: String?, total: Int) throws {
            let filter = language == nil ? "" : "WHERE coalesce(language, '') = ?"
            cursors = try connections.map { try $0.prepare("SELECT key, id, seq, score, text_bytes, tokens, line_bytes FROM run \(filter) ORDER BY position") }
            if let language { for cursor in cursors { cursor.bind(1, language) } }
            self.total = total
            merge = KWayMerge(heads: [], by: RunRow.precedes)
            merge = KWayMerge(heads: try cursors.indices.map(read), by: RunRow.precedes)
        }

        func read(_ partition: Int) throws -> RunRow? {
            let cursor = cursors[partition]
            guard try cursor.step() else { return nil }
            return RunRow(key: cursor.double(0), id: cursor.int64(1), seq: cursor.int64(2), score: cursor.double(3), textBytes: cursor.int64(4),
                          tokens: cursor.int64(5), lineBytes: cursor.int64(6), partition: partition)
        }

        /// The next row; with `withinLanguage`, its key replaced by its percentile in the stream.
        func next(withinLanguage: Bool) throws -> RunRow? {
            guard var (partition, row) = merge.first else { return nil }
            merge.advance(try read(partition))
            if withinLanguage { row.key = total > 1 ? Double(position) / Double(total - 1) : 0 }
            position += 1
            return row
        }
    }

    private let connections: [SQLiteConnection]
    private let streams: [Stream]
    private let perLanguage: Bool
    private var merge: KWayMerge<RunRow>

    init(runs: [String], perLanguage: Bool) throws {
        connections = try runs.map { try SQLiteConnection(path: $0, readOnly: true) }
        self.perLanguage = perLanguage
        if perLanguage {
            var totals: [String: Int] = [:]
            for connection in connections {
                let counts = try connection.prepare("SELECT coalesce(language, ''), count(*) FROM run GROUP BY 1")
                while try counts.step() { totals[counts.text(0) ?? "", default: 0] += counts.int(1) }
            }
            let connections = self.connections
            streams = try totals.keys.sorted().map { try Stream(connections: connections, language: $0, total: totals[$0]!) }
        } else {
            streams = [try Stream(connections: connections, language: nil, total: 0)]
        }
        var heads: [RunRow?] = []
        for stream in streams { heads.append(try stream.next(withinLanguage: perLanguage)) }
        merge = KWayMerge(heads: heads, by: RunRow.precedes)
    }

    /// The next row of the ranking, nil after the last.
    mutating func next() throws -> RunRow? {
        guard let (stream, row) = merge.first else { return nil }
        merge.advance(try streams[stream].next(withinLanguage: perLanguage))
        return row
    }
}
