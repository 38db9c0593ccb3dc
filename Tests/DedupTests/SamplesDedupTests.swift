import Core
import Foundation
import Ingest
import Store
import Testing
@testable import Dedup

/// Deduplication of samples/: every copy the samples were built with is found, and no clean document
/// is put in a cluster with a different one (samples/README.md describes the copies).
@Suite(.serialized) struct SamplesDedupTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("samples").path

    static func ingestSamples(into path: String, only subdirectories: [String]? = nil) throws -> Store {
        let store = try Store(path: path)
        var options = IngestOptions()
        options.threads = 2
        let runID = try store.beginRun(command: "ingest", arguments: [samples])
        let paths = subdirectories.map { $0.map { samples + "/" + $0 } } ?? [samples]
        _ = try Ingestor(store: store, options: options, console: Console(quiet: true), runID: runID).run(paths: paths)
        return store
    }

    static func scratch() throws -> String {
        let directory = NSTemporaryDirectory() + "curate-dedup-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @discardableResult
    static func dedup(_ store: Store, threads: Int = 2, configure: (inout DedupOptions) -> Void = { _ in }) throws -> DedupSummary {
        var options = DedupOptions()
        options.threads = threads
        configure(&options)
        return try Deduplicator(store: store, options: options, console: Console(quiet: true)).run()
    }

    /// One document of the store, with what the samples say it is.
    struct Sample {
        var seq: Int64
        var id: Int64
        var key: String
        var kind: String?
        var url: String?
        var text: String
        var duplicateOf: Int64?
        var clean: Bool { ["en/science.jsonl", "en/everyday.jsonl", "zh/kepu.jsonl", "zh/shenghuo.jsonl"].contains { key.hasSuffix($0) } || key.contains("txt/") }
    }

    static func load(_ store: Store) throws -> [Sample] {
        let statement = try store.connection.prepare("""
            SELECT d.seq, d.id, s.key, json_extract(d.metadata, '$.kind'), json_extract(d.metadata, '$.url'), d.duplicate_of
            FROM documents d JOIN sources s ON s.id = d.source_id ORDER BY d.seq
            """)
        var rows: [Sample] = []
        while try statement.step() {
            let seq = statement.int64(0)
            rows.append(Sample(seq: seq, id: statement.int64(1), key: statement.text(2) ?? "", kind: statement.text(3), url: statement.text(4),
                               text: String(decoding: try store.document(seq: seq)!.text, as: UTF8.self),
                               duplicateOf: statement.isNull(5) ? nil : statement.int64(5)))
        }
        return rows
    }

    /// The clean document a sample was made from ("clean:<url or file>"), or nil for junk.
    static func origins(_ rows: [Sample]) -> [Int64: String] {
        var origins: [Int64: String] = [:]
        var cleanByURL: [String: String] = [:]
        var cleanTexts: [(String, String)] = []
        for row in rows where row.clean {
            let origin = "clean:" + (row.url ?? row.key)
            origins[row.id] = origin
            if let url = row.url { cleanByURL[url] = origin }
            cleanTexts.append((row.text, origin))
        }
        for row in rows where !row.clean {
            if var url = row.url {
                // Mirrors, feeds, AMP and mobile pages, and the WET pages' www. host name.
                url = url.replacingOccurrences(of: "://www.", with: "://").replacingOccurrences(of: "/mirror/", with: "/")
                    .replacingOccurrences(of: "/zhuanzai/", with: "/")
                for suffix in ["?ref=feed", "?from=timeline", "/amp", "/m"] where url.hasSuffix(suffix) { url.removeLast(suffix.count) }
                origins[row.id] = cleanByURL[url]
            } else {
                // Records in broken/ copy a clean document's text and add a line.
                origins[row.id] = cleanTexts.first { row.text.hasPrefix($0.0) }?.1
            }
        }
        return origins
    }

    @Test func findsEveryCopyInTheSamplesAndMergesNoTwoDocuments() throws {
        let directory = try Self.scratch()
        let store = try Self.ingestSamples(into: directory + "/curate.db")
        try Self.dedup(store)
        let rows = try Self.load(store)
        let origins = Self.origins(rows)

        // The document each row stands for after dedup: its first copy (ingest), then its cluster's kept one.
        var kept: [Int64: Int64] = [:]
        let clusters = try store.connection.prepare("SELECT document_id, coalesce(duplicate_of, document_id) FROM dedup_clusters")
        while try clusters.step() { kept[clusters.int64(0)] = clusters.int64(1) }
        func representative(_ id: Int64) -> Int64 {
            let first = rows.first { $0.id == id }?.duplicateOf ?? id
            return kept[first] ?? first
        }
        var cleanRepresentative: [String: Int64] = [:]
        for row in rows where row.clean { cleanRepresentative[origins[row.id]!] = representative(row.id) }

        // 1. Every copy is found: it stands for the same document as its origin.
        var found: [String: Int] = [:], missed: [String] = []
        for row in rows where !row.clean {
            guard let origin = origins[row.id] else { continue }
            let what = row.kind ?? (row.key.contains("wet") ? "wet_page" : "broken_record_copy")
            if representative(row.id) == cleanRepresentative[origin] {
                found[what, default: 0] += 1
            } else {
                missed.append("\(what) \(row.url ?? row.key) (origin \(origin))")
            }
        }
        #expect(missed.isEmpty, "not found: \(missed.joined(separator: "; "))")
        #expect(found == ["exact_duplicate": 24, "near_duplicate": 24, "boilerplate_wrapped": 20, "wet_page": 6, "broken_record_copy": 8])

        // 2. No two different clean documents, and no clean document and junk, stand for one document.
        var originsByRepresentative: [Int64: Set<String>] = [:]
        for row in rows { originsByRepresentative[representative(row.id), default: []].insert(origins[row.id] ?? "junk:\(row.id)") }
        for (_, members) in originsByRepresentative where members.contains(where: { $0.hasPrefix("clean:") }) {
            #expect(members.count == 1, "merged: \(members.sorted())")
        }
        // The 220 clean documents (200 in en/ and zh/, 20 in txt/) stay 220 distinct documents.
        #expect(Set(cleanRepresentative.values).count == cleanRepresentative.count)
        #expect(cleanRepresentative.count == 220)
    }

    /// In every cluster that holds a clean page and a copy of it wrapped in navigation, cookie-banner and
    /// footer lines (the crawl pages of kind boilerplate_wrapped, the WET pages), the clean page is kept,
    /// by the repeated-line rule; the report names the rule.
    @Test func theCleanPageIsTheKeptCopyOfItsCluster() throws {
        let directory = try Self.scratch()
        let store = try Self.ingestSamples(into: directory + "/curate.db")
        let summary = try Self.dedup(store)
        let rows = try Self.load(store)
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
        var members: [Int64: [Int64]] = [:], keptBy: [Int64: String] = [:]
        let clusters = try store.connection.prepare("SELECT cluster, document_id, kept_by FROM dedup_clusters")
        while try clusters.step() {
            members[clusters.int64(0), default: []].append(clusters.int64(1))
            if !clusters.isNull(2) { keptBy[clusters.int64(0)] = clusters.text(2) }
        }
        var checked = 0
        for (cluster, ids) in members {
            let samples = ids.map { byID[$0]! }
            let wrapped = samples.filter { $0.kind == "boilerplate_wrapped" || $0.key.contains("wet/") }
            guard !wrapped.isEmpty, samples.contains(where: \.clean) else { continue }
            let kept = rows.first { $0.seq == cluster }!
            #expect(kept.clean, "cluster of \(samples.map { $0.url ?? $0.key }) keeps \(kept.url ?? kept.key)")
            #expect(keptBy[cluster] == "repeated_lines", "\(kept.url ?? kept.key): kept by \(keptBy[cluster] ?? "-")")
            checked += 1
        }
        #expect(checked >= 20, "clusters with a clean page and a wrapped copy: \(checked)")
        #expect(summary.keptBy["repeated_lines"] ?? 0 >= checked)
        let report = try DedupReport.load(store: store, options: DedupOptions())
        #expect(report.keptBy == summary.keptBy)
        #expect(report.samples.allSatisfy { !$0.keptBy.isEmpty })
    }

    /// The kept-copy rules apply in order: repeated lines, filters, perplexity, length, ingest order.
    @Test func keepRulesApplyInOrder() {
        let base = Member(seq: 1, id: 1, bytes: 100, normalizedHash: [], signature: [], passedFilters: true, perplexity: 50)
        var other = base
        other.seq = 2
        #expect(base.compare(other) == (.first, true))
        other.bytes = 200
        #expect(base.compare(other) == (.longest, false))
        other.perplexity = 40
        #expect(base.compare(other) == (.perplexity, false))
        other.perplexity = nil
        #expect(base.compare(other) == (.perplexity, true))
        other.passedFilters = false
        other.perplexity = 10
        #expect(base.compare(other) == (.filters, true))
        var wrapped = base
        wrapped.seq = 3
        wrapped.repeatedLineCharacters = 120
        wrapped.perplexity = 5
        #expect(base.compare(wrapped) == (.repeatedLines, true))
        #expect(wrapped.compare(base) == (.repeatedLines, false))
    }

    /// Two runs give the same clusters, whatever the thread count; a second run has nothing to do.
    @Test func runsAreDeterministicAndIncremental() throws {
        let directory = try Self.scratch()
        let store = try Self.ingestSamples(into: directory + "/curate.db")
        func snapshot() throws -> [String] {
            var rows: [String] = []
            for sql in ["SELECT seq || '|' || cluster || '|' || coalesce(duplicate_of, '') || '|' || method || '|' || coalesce(similarity, '') FROM dedup_clusters ORDER BY seq",
                        "SELECT seq || '|' || hex(normalized_hash) || '|' || hex(signature) FROM dedup_signatures ORDER BY seq",
                        "SELECT hash || '|' || documents FROM repeated_lines ORDER BY hash"] {
                let statement = try store.connection.prepare(sql)
                while try statement.step() { rows.append(statement.text(0) ?? "") }
            }
            return rows
        }
        let first = try Self.dedup(store, threads: 2)
        #expect(first.signed > 0 && first.clusters > 0)
        let reference = try snapshot()
        let again = try Self.dedup(store, threads: 2)
        #expect(again.signed == 0 && again.comparedPairs == 0 && again.clusters == first.clusters)
        #expect(try snapshot() == reference)
        try Deduplicator.reset(store: store)
        try Self.dedup(store, threads: 1)
        #expect(try snapshot() == reference)
    }

    /// Documents ingested later are compared with the stored ones without signing those again, and the
    /// result is the one a single run over everything gives.
    @Test func laterDocumentsAreDeduplicatedAgainstTheStore() throws {
        let directory = try Self.scratch()
        let all = try Self.ingestSamples(into: directory + "/all.db")
        try Self.dedup(all)

        let partial = try Self.ingestSamples(into: directory + "/partial.db", only: ["en", "zh", "txt"])
        let firstRun = try Self.dedup(partial)
        let runID = try partial.beginRun(command: "ingest", arguments: [])
        _ = try Ingestor(store: partial, options: IngestOptions(), console: Console(quiet: true), runID: runID).run(paths: ["web", "wet", "broken"].map { Self.samples + "/" + $0 })
        let fresh = try partial.connection.scalarInt("SELECT count(*) FROM documents WHERE duplicate_of IS NULL") ?? 0
        let secondRun = try Self.dedup(partial)
        #expect(secondRun.signed == Int(fresh) - firstRun.signed, "only the new documents are signed")

        // Seqs, ids (they include the path under the ingested root) and which of two byte-identical copies
        // ingest kept differ between the stores: compare the groups of texts (content hashes) that stand for
        // one document, and the text each group keeps.
        func groups(_ store: Store) throws -> Set<String> {
            let statement = try store.connection.prepare("""
                SELECT hex(d.content_hash), hex(kd.content_hash)
                FROM documents d
                JOIN documents f ON f.id = coalesce(d.duplicate_of, d.id)
                LEFT JOIN dedup_clusters c ON c.seq = f.seq
                JOIN documents kd ON kd.seq = coalesce(c.cluster, f.seq)
                """)
            var members: [String: [String]] = [:]
            while try statement.step() { members[statement.text(1) ?? "", default: []].append(statement.text(0) ?? "") }
            return Set(members.map { kept, texts in texts.sorted().joined(separator: ",") + " keeps " + kept })
        }
        let together = try groups(all)
        let separately = try groups(partial)
        #expect(separately == together, "only in one run: \(separately.subtracting(together).sorted()); only in the other: \(together.subtracting(separately).sorted())")
        #expect(together.count < (try all.connection.scalarInt("SELECT count(*) FROM documents") ?? 0) - 80)
    }

    /// A new threshold re-clusters from the stored pairs, without new signatures or comparisons.
    @Test func aNewThresholdNeedsNoNewSignatures() throws {
        let directory = try Self.scratch()
        let store = try Self.ingestSamples(into: directory + "/curate.db")
        let strict = try Self.dedup(store) { $0.parameters.threshold = 0.95 }
        let loose = try Self.dedup(store) { $0.parameters.threshold = 0.8 }
        #expect(loose.signed == 0 && loose.comparedPairs == 0)
        #expect(loose.removedMinhash > strict.removedMinhash)
        #expect(loose.confirmedPairs > strict.confirmedPairs)
        // Other signature settings are refused until --reset.
        #expect(throws: DedupError.self) { try Self.dedup(store) { $0.parameters.bands = 9; $0.parameters.rows = 13 } }
    }
}
