import Core
import Store

/// `curate dedup --report`: what the stored dedup results amount to.
public struct DedupReport: Codable, Sendable {
    public struct SizeBin: Codable, Sendable {
        public var sizes: String   // "2", "3", "5-9", "100+"
        public var clusters: Int
        public var documents: Int
    }
    public struct RepeatedLine: Codable, Sendable {
        public var documents: Int
        public var example: String
    }
    public struct SamplePair: Codable, Sendable {
        public var kept: Int64
        public var duplicate: Int64
        public var method: String
        /// The rule that made `kept` the cluster's kept document (`dedup_clusters.kept_by`).
        public var keptBy: String
        public var similarity: Double?
        public var keptText: String
        public var duplicateText: String
    }

    public var documents = 0
    public var signed = 0
    public var clusters = 0
    public var clusterSizes: [SizeBin] = []
    /// Documents left out, by method: ingest (byte-identical), normalized, minhash.
    public var removed: [String: Int] = [:]
    /// Clusters by the rule that chose their kept document: repeated_lines, filters, perplexity, longest, first.
    public var keptBy: [String: Int] = [:]
    public var pairsCompared = 0
    public var pairsConfirmed = 0
    public var lineThreshold = 0
    public var repeatedLines = 0
    public var topLines: [RepeatedLine] = []
    public var samples: [SamplePair] = []

    /// Reads the report from the store; `options` give the thresholds the figures are counted with.
    public static func load(store: Store, options: DedupOptions, topLines: Int = 10, samples: Int = 3,
                            excerpt: Int = 240) throws -> DedupReport {
        let connection = store.connection
        var report = DedupReport()
        report.documents = Int(try connection.scalarInt("SELECT count(*) FROM documents") ?? 0)
        report.signed = Int(try connection.scalarInt("SELECT count(*) FROM dedup_signatures") ?? 0)
        report.clusters = Int(try connection.scalarInt("SELECT count(DISTINCT cluster) FROM dedup_clusters") ?? 0)

        let bins: [(String, ClosedRange<Int>)] = [("2", 2...2), ("3", 3...3), ("4", 4...4), ("5-9", 5...9), ("10-99", 10...99), ("100+", 100...Int.max)]
        var counts = [Int](repeating: 0, count: bins.count), members = [Int](repeating: 0, count: bins.count)
        let sizes = try connection.prepare("SELECT n, count(*) FROM (SELECT count(*) AS n FROM dedup_clusters GROUP BY cluster) GROUP BY n")
        while try sizes.step() {
            let size = sizes.int(0), clusters = sizes.int(1)
            guard let bin = bins.firstIndex(where: { $0.1.contains(size) }) else { continue }
            counts[bin] += clusters
            members[bin] += clusters * size
        }
        report.clusterSizes = bins.indices.filter { counts[$0] > 0 }.map { SizeBin(sizes: bins[$0].0, clusters: counts[$0], documents: members[$0]) }

        report.removed["ingest"] = Int(try connection.scalarInt("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL") ?? 0)
        let methods = try connection.prepare("SELECT method, count(*) FROM dedup_clusters WHERE method != 'kept' GROUP BY method")
        while try methods.step() { report.removed[methods.text(0) ?? "?"] = methods.int(1) }
        let rules = try connection.prepare("SELECT kept_by, count(*) FROM dedup_clusters WHERE method = 'kept' AND kept_by IS NOT NULL GROUP BY kept_by")
        while try rules.step() { report.keptBy[rules.text(0) ?? "?"] = rules.int(1) }
        report.removed["normalized", default: 0] += 0
        report.removed["minhash", default: 0] += 0

        report.pairsCompared = Int(try connection.scalarInt("SELECT count(*) FROM dedup_pairs") ?? 0)
        let clustering = Clustering(store: store, hasher: MinHasher(parameters: options.parameters), options: options)
        report.pairsConfirmed = try clustering.confirmedPairs()
        let lineThreshold = options.lineThreshold
        report.lineThreshold = lineThreshold
        report.repeatedLines = Int(try connection.scalarInt("SELECT count(*) FROM repeated_lines WHERE documents > ?",
                                                           [.integer(Int64(lineThreshold))]) ?? 0)
        let lines = try connection.prepare(
            "SELECT documents, example FROM repeated_lines WHERE documents > ? ORDER BY documents DESC, hash LIMIT ?")
        lines.bind(1, lineThreshold)
        lines.bind(2, topLines)
        while try lines.step() { report.topLines.append(RepeatedLine(documents: lines.int(0), example: lines.text(1) ?? "")) }

        // Sample pairs: the near duplicates least similar to their kept document first (the ones worth a
        // look), then normalised ones; deterministic.
        let pairs = try connection.prepare("""
            SELECT c.cluster, c.seq, c.method, c.similarity, coalesce(k.kept_by, '') FROM dedup_clusters c
            JOIN dedup_clusters k ON k.seq = c.cluster
            WHERE c.method != 'kept'
            ORDER BY c.method = 'normalized', c.similarity, c.seq LIMIT ?
            """)
        pairs.bind(1, samples)
        var chosen: [(Int64, Int64, String, Double?, String)] = []
        while try pairs.step() {
            chosen.append((pairs.int64(0), pairs.int64(1), pairs.text(2) ?? "", pairs.isNull(3) ? nil : pairs.double(3), pairs.text(4) ?? ""))
        }
        for (kept, duplicate, method, similarity, keptBy) in chosen {
            guard let keptDocument = try store.document(seq: kept), let duplicateDocument = try store.document(seq: duplicate) else { continue }
            report.samples.append(SamplePair(kept: keptDocument.id, duplicate: duplicateDocument.id, method: method, keptBy: keptBy, similarity: similarity,
                                             keptText: excerptOf(keptDocument.text, excerpt), duplicateText: excerptOf(duplicateDocument.text, excerpt)))
        }
        return report
    }

    static func excerptOf(_ text: [UInt8], _ limit: Int) -> String {
        let string = String(decoding: text, as: UTF8.self)
        return string.count <= limit ? string : String(string.prefix(limit)) + "…"
    }
}
