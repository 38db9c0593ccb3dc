import Core
import Foundation
import Store
import Text

/// cc_net's repeated-line counts, made corpus-wide from what the scoring pass stored: each counted
/// document's distinct line hashes (`repeated_lines_pending`, one row per document) are folded into
/// `repeated_lines` (per hash, the documents that have the line), in hash order, and a line now in more
/// than one document gets its example: the line as the first document of the fold that has it wrote it
/// (at most 200 bytes). One transaction: a killed fold leaves the pending rows for the next run.
enum LineCounts {
    static func fold(store: Store) throws {
        let connection = store.connection
        guard (try connection.scalarInt("SELECT EXISTS (SELECT 1 FROM repeated_lines_pending)") ?? 0) != 0 else { return }
        try connection.transaction {
            // Per distinct hash: the documents of this fold that have it, and the first of them (rows are
            // read in seq order).
            var index = HashIndex(expected: 1 << 16)
            var hashes: [UInt64] = [], counts: [Int64] = [], firsts: [Int64] = []
            let pending = try connection.prepare("SELECT seq, hashes FROM repeated_lines_pending ORDER BY seq")
            while try pending.step() {
                let seq = pending.int64(0), blob = pending.blobBytes(1)
                for offset in stride(from: 0, to: blob.count - 7, by: 8) {
                    let hash = UInt64(littleEndian: blob.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                    let (slot, inserted) = index.insert(hash)
                    if inserted {
                        hashes.append(hash)
                        counts.append(0)
                        firsts.append(seq)
                    }
                    counts[slot] += 1
                }
            }
            let add = try connection.prepare("""
                INSERT INTO repeated_lines (hash, documents) VALUES (?1, ?2)
                ON CONFLICT(hash) DO UPDATE SET documents = documents + excluded.documents
                RETURNING documents, example IS NULL
                """)
            // The lines now in more than one document without an example, by the document that gives it.
            var wanted: [Int64: Set<UInt64>] = [:]
            for slot in hashes.indices.sorted(by: { Int64(bitPattern: hashes[$0]) < Int64(bitPattern: hashes[$1]) }) {
                add.bind(1, Int64(bitPattern: hashes[slot]))
                add.bind(2, counts[slot])
                guard try add.step() else { throw StoreError("the repeated-line count of \(hashes[slot]) was not stored") }
                if add.int64(0) > 1 && add.int(1) != 0 { wanted[firsts[slot], default: []].insert(hashes[slot]) }
                add.reset()
            }
            let read = try connection.prepare("SELECT id, codec, text, content_hash FROM documents WHERE seq = ?")
            let update = try connection.prepare("UPDATE repeated_lines SET example = ? WHERE hash = ?")
            let analyzer = TextAnalyzer(), decompressor = ZstdDecompressor()
            for seq in wanted.keys.sorted() {
                guard var lines = wanted[seq] else { continue }
                read.bind(1, seq)
                guard try read.step() else { read.reset(); continue }
                let text = try StoredText.decode(read.blobBytes(2), codec: read.int(1), hash: read.blobBytes(3), document: read.int64(0),
                                                 with: decompressor)
                read.reset()
                try text.withUnsafeBytes { raw in
                    for line in Lines.split(raw) where !lines.isEmpty {
                        let bytes = UnsafeRawBufferPointer(rebasing: raw[line.start..<line.end])
                        guard let hash = LineHash.of(bytes, analyzer: analyzer), lines.remove(hash) != nil else { continue }
                        update.bind(1, String(decoding: bytes.prefix(200), as: UTF8.self))
                        update.bind(2, Int64(bitPattern: hash))
                        try update.run()
                    }
                }
            }
            try connection.execute("DELETE FROM repeated_lines_pending")
        }
    }
}
