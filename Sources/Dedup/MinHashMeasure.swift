import Core
import Foundation
import ScorePass
import Store
import Text

/// Dedup's per-document work as a measure of the scoring pass: the normalised-text hash, the MinHash
/// signature and its band hashes (`dedup_signatures`, `minhash_bands_pending`), and, unless only
/// signing, the document's distinct normalised line hashes (`repeated_lines_pending`, which dedup counts).
public final class MinHashMeasure: DocumentMeasure, @unchecked Sendable { // statements are used on the writing thread only
    public let name = "minhash"
    public let conditions: [String]
    private let hasher: MinHasher
    private let shingleWords: Int
    private let countLines: Bool
    private let insertSignature: SQLiteStatement
    private let insertBand: SQLiteStatement
    private let insertLine: SQLiteStatement
    private let markLines: SQLiteStatement
    /// Documents signed (or whose lines were counted), their bytes, and the workers' CPU seconds.
    public private(set) var signed = 0
    public private(set) var bytes: Int64 = 0
    public private(set) var cpuSeconds = 0.0

    struct Signed: Sendable {
        var normalizedHash: Hash128
        var shingles: Int
        var signature: [UInt32]?
        var bands: [Int64]
        /// Signed earlier (by a run that did not count lines): only the lines were measured now.
        var hasSignature: Bool
        /// Normalised line hashes, distinct within the document.
        var lines: [UInt64]
        var cpuSeconds: Double
    }

    public init(store: Store, options: DedupOptions) throws {
        hasher = MinHasher(parameters: options.parameters)
        shingleWords = options.parameters.shingleWords
        countLines = options.lines && !options.signOnly
        // Documents without a signature, or (counting lines) whose lines were not counted by an earlier run.
        var conditions = ["NOT EXISTS (SELECT 1 FROM dedup_signatures s WHERE s.seq = d.seq)"]
        if countLines { conditions.append("NOT EXISTS (SELECT 1 FROM repeated_lines_documents r WHERE r.seq = d.seq)") }
        self.conditions = conditions
        insertSignature = try store.connection.prepare(
            "INSERT OR REPLACE INTO dedup_signatures (seq, document_id, normalized_hash, shingles, signature) VALUES (?, ?, ?, ?, ?)")
        // Band hashes go to an append-only table first; candidate search sorts them into the index
        // (random-key inserts into a large B-tree would make signing slower as the store grows).
        insertBand = try store.connection.prepare("INSERT INTO minhash_bands_pending (seq, band, hash) VALUES (?, ?, ?)")
        // Line hashes are appended; `curate dedup` counts them (LineCounts.fold).
        insertLine = try store.connection.prepare("INSERT OR REPLACE INTO repeated_lines_pending (seq, hashes) VALUES (?, ?)")
        markLines = try store.connection.prepare("INSERT OR IGNORE INTO repeated_lines_documents (seq) VALUES (?)")
    }

    public func makeWorker() -> MeasureWorker {
        let hasher = self.hasher, shingleWords = self.shingleWords, countLines = self.countLines
        return { inputs in
            inputs.map { input in
                let started = threadCPUSeconds()
                var signed = Self.sign(input.analysis, hasSignature: !input.conditions[0], hasher: hasher, shingleWords: shingleWords,
                                       countLines: countLines)
                signed.cpuSeconds = threadCPUSeconds() - started
                return signed
            }
        }
    }

    /// Everything dedup stores about one document.
    static func sign(_ analysis: DocumentAnalysis, hasSignature: Bool, hasher: MinHasher, shingleWords: Int, countLines: Bool) -> Signed {
        // Signed earlier (by a run that did not count lines, or in a partition before a merge): only the
        // lines are wanted, and the shingles (ICU word segmentation, most of the cost) are not made again.
        let (shingles, normalizedHash) = hasSignature ? ([], Hash128(high: 0, low: 0)) : Shingles.of(analysis, n: shingleWords)
        let signature = hasSignature ? nil : hasher.signature(of: shingles)
        var lines: [UInt64] = []
        if countLines {
            analysis.text.withUnsafeBytes { raw in
                var seen = HashIndex(expected: 32)
                for line in analysis.lines {
                    let bytes = UnsafeRawBufferPointer(rebasing: raw[line.start..<line.end])
                    guard let hash = LineHash.of(bytes, analyzer: analysis.analyzer), seen.insert(hash).inserted else { continue }
                    lines.append(hash)
                }
            }
        }
        return Signed(normalizedHash: normalizedHash, shingles: shingles.count, signature: signature,
                      bands: signature.map(hasher.bandHashes) ?? [], hasSignature: hasSignature, lines: lines, cpuSeconds: 0)
    }

    public func write(_ documents: [PassDocument], _ results: [any Sendable]) throws {
        let batch = results.map { $0 as! Signed }
        for (document, signed) in zip(documents, batch) {
            if !signed.hasSignature {
                insertSignature.bind(1, document.seq)
                insertSignature.bind(2, document.id)
                insertSignature.bind(3, blob: signed.normalizedHash.bytes)
                insertSignature.bind(4, signed.shingles)
                if let signature = signed.signature {
                    signature.withUnsafeBytes { insertSignature.bind(5, blob: $0) }
                } else {
                    insertSignature.bindNull(5)
                }
                try insertSignature.run()
                for (band, hash) in signed.bands.enumerated() {
                    insertBand.bind(1, document.seq)
                    insertBand.bind(2, band)
                    insertBand.bind(3, hash)
                    try insertBand.run()
                }
            }
            if countLines {
                insertLine.bind(1, document.seq)
                signed.lines.map(\.littleEndian).withUnsafeBytes { insertLine.bind(2, blob: $0) }
                try insertLine.run()
                markLines.bind(1, document.seq)
                try markLines.run()
            }
            self.signed += 1
            bytes += Int64(document.bytes)
            cpuSeconds += signed.cpuSeconds
        }
    }
}
