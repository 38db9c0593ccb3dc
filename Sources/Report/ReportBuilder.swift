import Core
import Foundation
import Store

/// Reads the figures of a report from a store: every query streams or aggregates in SQLite, so the
/// report's memory does not grow with the corpus (histograms are binned as rows arrive).
public struct ReportBuilder {
    public let store: Store
    /// Threshold lines for a statistic in a language (from the filter profiles; the CLI supplies them).
    public var marks: (_ statistic: String, _ language: String) -> [ReportData.Mark] = { _, _ in [] }
    public var exportDirectory: String?
    public var runDirectories: [String] = []
    public var experimentDirectory: String?
    /// Documents to show whatever their scores (`--document ID`): curate's id or the record's own id.
    public var pinned: [String] = []
    public var bins = 30

    public init(store: Store) {
        self.store = store
    }

    /// The statistics drawn, with the SQL of their per-document value.
    public static let statistics: [(name: String, title: String, sql: String, table: String, logScale: Bool)] = [
        ("words", "Words per document (Gopher quality)", "s.words", "stats_gopher_quality", true),
        ("mean_word_length", "Mean word length in characters (Gopher quality)", "s.mean_word_length", "stats_gopher_quality", false),
        ("dup_line_fraction", "Fraction of duplicated lines (Gopher repetition)",
         "CAST(s.dup_lines AS REAL) / nullif(s.line_pieces, 0)", "stats_gopher_repetition", false),
    ]

    public func build() throws -> ReportData {
        var data = ReportData(store: store.path, curate: curateVersion)
        try funnel(&data)
        try distributions(&data)
        try examples(&data)
        try dedup(&data)
        if let exportDirectory { data.export = try Self.export(exportDirectory) }
        data.training = runDirectories.compactMap(Self.training)
        if let experimentDirectory { data.experiment = Self.experiment(experimentDirectory) }
        try runs(&data)
        return data
    }

    // MARK: Queries

    func int(_ sql: String) throws -> Int { Int(try store.connection.scalarInt(sql) ?? 0) }

    func tableHasRows(_ table: String) throws -> Bool { try int("SELECT EXISTS (SELECT 1 FROM \(table))") == 1 }

    /// Documents excluded in export's order (ingest duplicates, dedup duplicates, filtered), each step's
    /// count and text bytes; then ranked and exported.
    func funnel(_ data: inout ReportData) throws {
        let c = store.connection
        func count(_ name: String, _ condition: String) throws -> ReportData.Count {
            let statement = try c.prepare("SELECT count(*), coalesce(sum(d.byte_length), 0) FROM documents d WHERE \(condition)")
            _ = try statement.step()
            return ReportData.Count(name: name, documents: statement.int(0), bytes: statement.int64(1))
        }
        let dedupDuplicate = "EXISTS (SELECT 1 FROM dedup_clusters k WHERE k.seq = d.seq AND k.duplicate_of IS NOT NULL)"
        let filtered = "EXISTS (SELECT 1 FROM filter_verdicts v WHERE v.seq = d.seq AND v.kept = 0)"
        data.funnel = [
            try count("ingested", "1"),
            try count("exact duplicates (ingest)", "d.duplicate_of IS NOT NULL"),
            try count("near and normalised duplicates (dedup)", "d.duplicate_of IS NULL AND \(dedupDuplicate)"),
            try count("dropped by the heuristic filters", "d.duplicate_of IS NULL AND NOT \(dedupDuplicate) AND \(filtered)"),
            try count("ranked for export", "EXISTS (SELECT 1 FROM export_ranking r WHERE r.seq = d.seq)"),
        ]
        let rejects = try c.prepare("SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY count(*) DESC, reason")
        while try rejects.step() { data.rejects.append(.init(name: rejects.text(0) ?? "", documents: rejects.int(1), bytes: 0)) }
        // The first failing rule of each dropped document (the rules run in a fixed order).
        let rules = try c.prepare("""
            SELECT CASE WHEN instr(v.failures, ' ') > 0 THEN substr(v.failures, 1, instr(v.failures, ' ') - 1) ELSE v.failures END AS rule,
                   count(*), sum(d.byte_length)
            FROM filter_verdicts v JOIN documents d ON d.seq = v.seq WHERE v.kept = 0 GROUP BY rule ORDER BY count(*) DESC, rule
            """)
        while try rules.step() { data.filterRules.append(.init(name: rules.text(0) ?? "", documents: rules.int(1), bytes: rules.int64(2))) }
        let languages = try c.prepare("""
            SELECT l.language, count(*),
                   sum(EXISTS (SELECT 1 FROM filter_verdicts v WHERE v.seq = l.seq AND v.kept = 0)),
                   sum(EXISTS (SELECT 1 FROM dedup_clusters k WHERE k.seq = l.seq AND k.duplicate_of IS NOT NULL)),
                   sum(EXISTS (SELECT 1 FROM export_ranking r WHERE r.seq = l.seq))
            FROM document_language l GROUP BY l.language ORDER BY count(*) DESC, l.language
            """)
        while try languages.step() {
            data.languages.append(.init(language: languages.text(0) ?? "", unique: languages.int(1), filtered: languages.int(2),
                                        nearDuplicates: languages.int(3), ranked: languages.int(4)))
        }
    }

    /// A histogram of `sql` over `from … where`, streamed: min and max first, then the counts.
    func histogram(title: String, language: String, value sql: String, from: String, condition: String, logScale: Bool,
                   marks: [ReportData.Mark]) throws -> ReportData.Distribution? {
        let c = store.connection
        let valueSQL = logScale ? "log10(\(sql))" : sql
        let keep = logScale ? "(\(sql)) > 0" : "(\(sql)) IS NOT NULL"
        let range = try c.prepare("SELECT min(\(valueSQL)), max(\(valueSQL)), count(*) FROM \(from) WHERE \(condition) AND \(keep)")
        guard try range.step(), range.int(2) > 0 else { return nil }
        let low = range.double(0), high = max(range.double(1), range.double(0) + 1e-9)
        let width = (high - low) / Double(bins)
        var result = (0..<bins).map { ReportData.Bin(low: low + Double($0) * width, high: low + Double($0 + 1) * width, count: 0) }
        let values = try c.prepare("SELECT \(valueSQL) FROM \(from) WHERE \(condition) AND \(keep)")
        while try values.step() { result[min(bins - 1, max(0, Int((values.double(0) - low) / width)))].count += 1 }
        return ReportData.Distribution(title: title, language: language, logScale: logScale, bins: result, marks: marks,
                                       documents: range.int(2))
    }

    func languagesScored() throws -> [String] {
        var languages: [String] = []
        let statement = try store.connection.prepare("SELECT language FROM document_language GROUP BY language ORDER BY count(*) DESC, language")
        while try statement.step() { languages.append(statement.text(0) ?? "") }
        return languages
    }

    func latestModel() throws -> Int64? { try store.latestReferenceModelID(scored: true) }

    func latestQualityModel() throws -> Int64? { try store.latestQualityModelID() }

    func distributions(_ data: inout ReportData) throws {
        let c = store.connection
        if let model = try latestModel() {
            let languages = try c.prepare("SELECT language, p30, p60 FROM perplexity_cutoffs WHERE model_id = ? ORDER BY documents DESC, language")
            languages.bind(1, model)
            var rows: [(String, Double, Double)] = []
            while try languages.step() { rows.append((languages.text(0) ?? "", languages.double(1), languages.double(2))) }
            for (language, p30, p60) in rows {
                let quoted = language.replacingOccurrences(of: "'", with: "''")
                let condition = "p.model_id = \(model) AND p.language = '\(quoted)'"
                if let perplexity = try histogram(title: "Perplexity (log scale)", language: language, value: "p.perplexity", from: "perplexity p",
                                                  condition: condition, logScale: true,
                                                  marks: [.init(label: "head ≤ p30", value: p30), .init(label: "middle ≤ p60", value: p60)]) {
                    data.perplexity.append(perplexity)
                }
                if let bits = try histogram(title: "Bits per byte", language: language, value: "p.bits_per_byte", from: "perplexity p",
                                            condition: condition, logScale: false, marks: []) {
                    data.perplexity.append(bits)
                }
            }
        }
        if let model = try latestQualityModel() {
            let languages = try c.prepare("SELECT language FROM quality_scores WHERE model_id = ? GROUP BY language ORDER BY count(*) DESC, language")
            languages.bind(1, model)
            var names: [String] = []
            while try languages.step() { names.append(languages.text(0) ?? "") }
            for language in names {
                let quoted = language.replacingOccurrences(of: "'", with: "''")
                if let quality = try histogram(title: "Quality score (logit)", language: language, value: "q.score", from: "quality_scores q",
                                               condition: "q.model_id = \(model) AND q.language = '\(quoted)'", logScale: false, marks: []) {
                    data.quality.append(quality)
                }
            }
        }
        for language in try languagesScored() {
            let quoted = language.replacingOccurrences(of: "'", with: "''")
            for statistic in Self.statistics {
                if let distribution = try histogram(
                    title: statistic.title, language: language, value: statistic.sql,
                    from: "\(statistic.table) s JOIN document_language l ON l.seq = s.seq", condition: "l.language = '\(quoted)'",
                    logScale: statistic.logScale, marks: marks(statistic.name, language)) {
                    data.statistics.append(distribution)
                }
            }
        }
    }

    /// The first `limit` characters of a document, on a line.
    func excerpt(seq: Int64, limit: Int = 280) throws -> String {
        guard let document = try store.document(seq: seq) else { return "" }
        let text = String(decoding: document.text, as: UTF8.self)
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ⏎ ")
        return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
    }

    func examples(_ data: inout ReportData) throws {
        let c = store.connection
        if let model = try latestModel() {
            for bucket in ["head", "middle", "tail"] {
                let statement = try c.prepare("""
                    SELECT seq, document_id, language, perplexity FROM perplexity WHERE model_id = ? AND bucket = ?
                    ORDER BY document_id LIMIT 3
                    """)
                statement.bind(1, model)
                statement.bind(2, bucket)
                var group = ReportData.ExampleGroup(title: "perplexity bucket: \(bucket)", examples: [])
                while try statement.step() {
                    group.examples.append(.init(id: statement.int64(1), language: statement.text(2) ?? "",
                                                score: "perplexity " + Formatting.decimal(statement.double(3), places: 1),
                                                excerpt: try excerpt(seq: statement.int64(0))))
                }
                if !group.examples.isEmpty { data.examples.append(group) }
            }
        }
        if let model = try latestQualityModel() {
            // Bands by percentile within each language: the best 30%, the middle, the worst 30%.
            for (title, condition) in [("quality: best 30% of its language", "percentile >= 0.7"), ("quality: middle 40%", "percentile > 0.3 AND percentile < 0.7"),
                                       ("quality: worst 30% of its language", "percentile <= 0.3")] {
                let statement = try c.prepare(
                    "SELECT seq, document_id, language, score, percentile FROM quality_scores WHERE model_id = ? AND \(condition) ORDER BY document_id LIMIT 3")
                statement.bind(1, model)
                var group = ReportData.ExampleGroup(title: title, examples: [])
                while try statement.step() {
                    group.examples.append(.init(id: statement.int64(1), language: statement.text(2) ?? "",
                                                score: "quality " + Formatting.decimal(statement.double(3), places: 2) + " (p" + Formatting.decimal(100 * statement.double(4), places: 0) + ")",
                                                excerpt: try excerpt(seq: statement.int64(0))))
                }
                if !group.examples.isEmpty { data.examples.append(group) }
            }
        }
        if !pinned.isEmpty {
            var group = ReportData.ExampleGroup(title: "documents asked for (--document)", examples: [])
            for id in pinned {
                let statement = try c.prepare("""
                    SELECT d.seq, d.id, coalesce(l.language, ''), coalesce(v.failures, '') FROM documents d
                    LEFT JOIN document_language l ON l.seq = d.seq LEFT JOIN filter_verdicts v ON v.seq = d.seq
                    WHERE d.id = ?1 OR d.external_id = ?2 ORDER BY d.seq LIMIT 1
                    """)
                statement.bind(1, Int64(id) ?? -1)
                statement.bind(2, id)
                guard try statement.step() else {
                    throw StoreError("no document with id \(id) in \(store.path)", hint: "give curate's id (metadata.curate.id in an export) or the record's own id (an export's id)")
                }
                let failures = statement.text(3) ?? ""
                group.examples.append(.init(id: statement.int64(1), language: statement.text(2) ?? "", score: failures.isEmpty ? "kept" : "fails: " + failures,
                                            excerpt: try excerpt(seq: statement.int64(0), limit: 2000)))
            }
            data.examples.append(group)
        }
        for rule in data.filterRules.prefix(3) {
            let statement = try c.prepare("""
                SELECT v.seq, v.document_id, coalesce(l.language, ''), v.failures FROM filter_verdicts v LEFT JOIN document_language l ON l.seq = v.seq
                WHERE v.kept = 0 AND (v.failures = ?1 OR v.failures LIKE ?1 || ' %') ORDER BY v.document_id LIMIT 3
                """)
            statement.bind(1, rule.name)
            var group = ReportData.ExampleGroup(title: "dropped by \(rule.name)", examples: [])
            while try statement.step() {
                group.examples.append(.init(id: statement.int64(1), language: statement.text(2) ?? "", score: "fails: " + (statement.text(3) ?? ""),
                                            excerpt: try excerpt(seq: statement.int64(0))))
            }
            if !group.examples.isEmpty { data.examples.append(group) }
        }
    }

    func dedup(_ data: inout ReportData) throws {
        let c = store.connection
        let sizes = try c.prepare("SELECT size, count(*) FROM (SELECT count(*) AS size FROM dedup_clusters GROUP BY cluster) GROUP BY size ORDER BY size")
        while try sizes.step() { data.dedup.clusterSizes[sizes.int(0)] = sizes.int(1) }
        let methods = try c.prepare("SELECT method, count(*) FROM dedup_clusters WHERE duplicate_of IS NOT NULL GROUP BY method ORDER BY method")
        while try methods.step() { data.dedup.byMethod[methods.text(0) ?? ""] = methods.int(1) }
        let threshold = try c.scalarInt("SELECT CAST(value AS INTEGER) FROM dedup_settings WHERE key = 'line_threshold'")
        data.dedup.lineThreshold = threshold.map(Int.init)
        let over = Int64(threshold ?? 1)
        data.dedup.repeatedLines = Int(try c.scalarInt("SELECT count(*) FROM repeated_lines WHERE documents > ?", [.integer(over)]) ?? 0)
        let lines = try c.prepare("SELECT example, documents FROM repeated_lines WHERE documents > ? AND example IS NOT NULL ORDER BY documents DESC, hash LIMIT 10")
        lines.bind(1, over)
        while try lines.step() { data.dedup.topLines.append(.init(line: lines.text(0) ?? "", documents: lines.int(1))) }
        // The near duplicate pair that differs most while still a duplicate: the lowest similarity.
        let pair = try c.prepare("""
            SELECT k.seq, k.document_id, k.cluster, (SELECT id FROM documents WHERE seq = k.cluster), k.similarity FROM dedup_clusters k
            WHERE k.method = 'minhash' AND k.similarity IS NOT NULL ORDER BY k.similarity, k.seq LIMIT 1
            """)
        if try pair.step() {
            data.dedup.pair = .init(keptID: pair.int64(3), duplicateID: pair.int64(1), similarity: pair.double(4),
                                    kept: try excerpt(seq: pair.int64(2), limit: 1200), duplicate: try excerpt(seq: pair.int64(0), limit: 1200))
        }
    }

    static func export(_ directory: String) throws -> ReportData.Export? {
        guard let bytes = FileManager.default.contents(atPath: directory + "/manifest.json"),
              let manifest = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any] else { return nil }
        let shards = (manifest["shards"] as? [[String: Any]] ?? []).map { shard in
            ReportData.Shard(file: shard["file"] as? String ?? "", documents: (shard["documents"] as? NSNumber)?.intValue ?? 0,
                             bytes: (shard["bytes"] as? NSNumber)?.int64Value ?? 0,
                             firstScore: (shard["first_score"] as? NSNumber ?? shard["firstScore"] as? NSNumber)?.doubleValue,
                             lastScore: (shard["last_score"] as? NSNumber ?? shard["lastScore"] as? NSNumber)?.doubleValue)
        }
        let options = (manifest["options"]).flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
            .map { String(decoding: $0, as: UTF8.self) } ?? ""
        return ReportData.Export(directory: directory, written: (manifest["written"] as? NSNumber)?.intValue ?? shards.reduce(0) { $0 + $1.documents },
                                 textBytes: (manifest["textBytes"] as? NSNumber ?? manifest["text_bytes"] as? NSNumber)?.int64Value ?? 0,
                                 shards: shards, options: options)
    }

    static func training(_ directory: String) -> ReportData.Training? {
        guard let text = try? String(contentsOfFile: directory + "/metrics.csv", encoding: .utf8) else { return nil }
        let rows: [[Double?]] = text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 5, let tokens = Double(fields[1]) else { return nil }
            return [tokens, Double(fields[2]), Double(fields[3])]
        }
        return ReportData.Training(directory: directory, rows: rows, bestValidation: rows.compactMap { $0[2] }.min())
    }

    static func experiment(_ directory: String) -> [ReportData.ExperimentArm] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/arms")) ?? []).sorted()
        return names.compactMap { name in
            guard let bytes = FileManager.default.contents(atPath: directory + "/arms/\(name)/result.json"),
                  let object = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any] else { return nil }
            return ReportData.ExperimentArm(arm: object["arm"] as? String ?? name, documents: (object["documents"] as? NSNumber)?.intValue ?? 0,
                                            tokens: (object["tokens"] as? NSNumber)?.int64Value ?? 0,
                                            bestValidationLoss: (object["bestValidationLoss"] as? NSNumber)?.doubleValue ?? .nan,
                                            cleanBitsPerByte: (object["cleanBitsPerByte"] as? NSNumber)?.doubleValue ?? .nan,
                                            finetuneTestAccuracy: (object["finetuneTestAccuracy"] as? NSNumber)?.doubleValue,
                                            curve: object["curve"] as? [[Double]] ?? [])
        }
    }

    func runs(_ data: inout ReportData) throws {
        let statement = try store.connection.prepare("""
            SELECT id, command, arguments, started_at, finished_at, (julianday(finished_at) - julianday(started_at)) * 86400, status, counts
            FROM runs ORDER BY id
            """)
        while try statement.step() {
            data.runs.append(.init(id: statement.int64(0), command: statement.text(1) ?? "", arguments: statement.text(2) ?? "",
                                   startedAt: statement.text(3) ?? "", finishedAt: statement.text(4),
                                   seconds: statement.isNull(5) ? nil : statement.double(5), status: statement.text(6) ?? "",
                                   counts: statement.text(7)))
        }
    }
}
