import Core
import Foundation
import Store
import Testing
import Text
@testable import Export

/// Selection, order, caps and line removal on a store whose scores are known.
@Suite struct ExportTests {
    /// `count` documents "document i …" with perplexity `perplexity(i)`; a few are failed or duplicates.
    static func makeStore(count: Int = 40, perplexity: (Int) -> Double = { Double(($0 * 7919) % 40 + 10) },
                          texts: ((Int) -> String)? = nil) throws -> (Store, String) {
        let directory = NSTemporaryDirectory() + "curate-export-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try Store(path: directory + "/curate.db")
        try store.connection.execute("""
            INSERT INTO sources (id, key, path, format, compression, size, mtime, fingerprint, status, started_at)
            VALUES (1, 'k.jsonl', '/k.jsonl', 'jsonl', 'none', 0, 0, x'00', 'done', '2026-01-01');
            INSERT INTO lm_models (id, path, fingerprint, kind, tokenizer, created_at) VALUES (7, '/ref.bin', x'00', 'ngram', 'icu', '2026-01-01');
            """)
        let writer = try DocumentWriter(store: store, runID: 1)
        try store.connection.transaction {
            for index in 0..<count {
                let text = texts?(index) ?? "document \(index) says \"hello\"\\ and\tgoodbye\nsecond line \(index)"
                let bytes = Array(text.utf8)
                _ = try writer.insert(NewDocument(sourceID: 1, sourceKey: "k.jsonl", position: Int64(index + 1), externalID: "e\(index)",
                                                  stored: bytes, codec: .plain, byteLength: bytes.count, contentHash: Hash128(of: bytes),
                                                  metadata: "{\"n\": \(index)}"))
            }
            try store.connection.execute("""
                INSERT INTO perplexity (model_id, seq, document_id, language, lines, tokens, oov, log10_prob, perplexity, bits_per_byte,
                                        max_line_perplexity, median_line_perplexity)
                SELECT 7, seq, id, 'en', 2, 10, 0, -1, 0, 1, 0, 0 FROM documents
                """)
            let update = try store.connection.prepare("UPDATE perplexity SET perplexity = ? WHERE seq = ?")
            for index in 0..<count {
                update.bind(1, perplexity(index))
                update.bind(2, Int64(index + 1))
                try update.run()
            }
        }
        return (store, directory)
    }

    static func export(_ store: Store, _ directory: String, _ configure: (inout ExportOptions) -> Void = { _ in }) throws -> ([Int], Manifest) {
        var options = ExportOptions()
        options.threads = 2
        configure(&options)
        let out = directory + "/out-\(UUID().uuidString)"
        let summary = try Exporter(store: store, options: options, console: Console(quiet: true), command: []).run(to: out)
        var numbers: [Int] = []
        for shard in summary.manifest.shards {
            try ZstdLines.forEach(path: out + "/" + shard.file) { line in
                let object = try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
                let record = (object["metadata"] as! [String: Any])["record"] as! [String: Any]
                numbers.append(record["n"] as! Int)
            }
        }
        #expect(try Verifier.verify(directory: out).ok)
        return (numbers, summary.manifest)
    }

    @Test func selectionsKeepTheRightDocumentsBestFirst() throws {
        let perplexity = { (index: Int) in Double(index * 37 % 40 + 10) } // a permutation of 10…49
        let (store, directory) = try Self.makeStore(perplexity: perplexity)
        let byPerplexity = (0..<40).sorted { perplexity($0) < perplexity($1) }

        let (all, manifest) = try Self.export(store, directory)
        #expect(all == byPerplexity)
        #expect(manifest.counts.ranked == 40 && manifest.written == 40)

        #expect(try Self.export(store, directory) { $0.fraction = 0.25 }.0 == Array(byPerplexity.prefix(10)))
        // Bands of the perplexity values, each still written best (lowest) first.
        #expect(try Self.export(store, directory) { $0.fraction = 0.25; $0.band = .high }.0 == Array(byPerplexity.suffix(10)))
        #expect(try Self.export(store, directory) { $0.fraction = 0.5; $0.band = .middle }.0 == Array(byPerplexity[10..<30]))
        #expect(try Self.export(store, directory) { $0.fraction = 0.25; $0.band = .low }.0 == Array(byPerplexity.prefix(10)))
        #expect(try Self.export(store, directory) { $0.order = .reverse }.0 == byPerplexity.reversed())
        let random = try Self.export(store, directory) { $0.order = .random; $0.seed = 3 }.0
        #expect(Set(random) == Set(byPerplexity) && random != byPerplexity)
        #expect(try Self.export(store, directory) { $0.order = .random; $0.seed = 3 }.0 == random)
    }

    @Test func duplicatesAndFailedDocumentsStayOutUnlessAsked() throws {
        let (store, directory) = try Self.makeStore()
        try store.connection.execute("""
            UPDATE documents SET duplicate_of = (SELECT id FROM documents WHERE seq = 1) WHERE seq = 2;
            DELETE FROM perplexity WHERE seq = 2; -- scores are stored for first copies only
            INSERT INTO filter_verdicts (seq, document_id, profile, failures, kept) SELECT seq, id, 'en', 'x', 0 FROM documents WHERE seq = 3;
            INSERT INTO filter_verdicts (seq, document_id, profile, failures, kept) SELECT seq, id, 'en', '', 1 FROM documents WHERE seq = 4;
            INSERT INTO dedup_clusters (seq, document_id, cluster, duplicate_of, method) SELECT seq, id, 6, 1, 'minhash' FROM documents WHERE seq = 5;
            """)
        let (numbers, manifest) = try Self.export(store, directory)
        #expect(!numbers.contains(1) && !numbers.contains(2) && !numbers.contains(4))
        #expect(numbers.contains(3) && numbers.count == 37)
        #expect(manifest.counts.ingestDuplicates == 1 && manifest.counts.dedupDuplicates == 1 && manifest.counts.filtered == 1)
        // Inspection: the filtered and the near duplicate are back; the byte-identical copy has no score.
        #expect(try Self.export(store, directory) { $0.includeFailed = true }.0.count == 39)
        // Soft filters: the filtered document is ranked again; the near duplicate still is not.
        let (soft, softManifest) = try Self.export(store, directory) { $0.softFilters = true }
        #expect(soft.count == 38 && Set(soft).isSuperset(of: numbers))
        #expect(softManifest.counts.filtered == 0 && softManifest.counts.dedupDuplicates == 1)
        // Unset, the filters are soft only under the combined ranking alone.
        #expect(!ExportOptions().filtersAreSoft)
        var combined = ExportOptions()
        combined.score = ["combined": 1]
        #expect(combined.filtersAreSoft)
        combined.score = ["combined": 1, "perplexity": 1]
        #expect(!combined.filtersAreSoft)
        combined.score = ["combined": 1]
        combined.softFilters = false
        #expect(!combined.filtersAreSoft)
    }

    @Test func temperatureSamplingIsSeededAndFollowsTheScore() throws {
        let (store, directory) = try Self.makeStore(count: 400, perplexity: { Double($0 + 1) })
        let cold = try Self.export(store, directory) { $0.fraction = 0.25; $0.sampleTemperature = 0.01 }.0
        #expect(Set(cold) == Set(0..<100), "a temperature near 0 is the top 100")
        let warm = try Self.export(store, directory) { $0.fraction = 0.25; $0.sampleTemperature = 1 }.0
        #expect(try Self.export(store, directory) { $0.fraction = 0.25; $0.sampleTemperature = 1 }.0 == warm)
        #expect(try Self.export(store, directory) { $0.fraction = 0.25; $0.sampleTemperature = 1; $0.seed = 9 }.0 != warm)
        #expect(warm.count == 100 && Set(warm) != Set(0..<100))
        // Better documents are more likely: most of the sample comes from the better half.
        #expect(warm.filter { $0 < 200 }.count > 70)
        let hot = try Self.export(store, directory) { $0.fraction = 0.25; $0.sampleTemperature = 1000 }.0
        #expect(hot.filter { $0 < 200 }.count < 70, "a very high temperature samples nearly uniformly")
    }

    /// The ranking sorted in memory and the one SQLite sorts in the store (past the sorting budget)
    /// give the same shards, byte for byte, for every order and selection; both leave the ranking in
    /// `export_ranking` for `curate report`.
    @Test func inMemoryAndStoreSortedRankingsWriteTheSameShards() throws {
        let (store, directory) = try Self.makeStore(count: 120, perplexity: { Double(($0 * 37) % 50) + 1 })
        // Two languages, and ties in perplexity (broken by document id).
        try store.connection.execute("UPDATE perplexity SET language = 'zh' WHERE seq % 3 = 0")
        // Left out by both ways alike: 12 documents the filters drop (one of them, seq 104, also a duplicate),
        // 11 dedup duplicates, and a kept document's own cluster row.
        try store.connection.execute("""
            INSERT INTO filter_verdicts (seq, document_id, profile, failures, kept)
                SELECT seq, id, 'en', CASE WHEN seq % 10 = 4 THEN 'gopher_short' ELSE '' END, seq % 10 != 4 FROM documents;
            INSERT INTO dedup_clusters (seq, document_id, cluster, duplicate_of, method)
                SELECT seq, id, 1, (SELECT id FROM documents WHERE seq = 1), 'minhash' FROM documents WHERE seq % 11 = 5;
            INSERT INTO dedup_clusters (seq, document_id, cluster, duplicate_of, method)
                SELECT seq, id, 1, NULL, 'minhash' FROM documents WHERE seq = 1;
            """)
        let excluded = try store.connection.scalarInt("""
            SELECT count(*) FROM documents WHERE seq % 10 = 4 OR seq % 11 = 5
            """) ?? 0
        #expect(excluded == 22) // 12 + 11, seq 104 in both
        let configurations: [(String, (inout ExportOptions) -> Void)] = [
            ("all", { _ in }),
            ("top 0.3", { $0.fraction = 0.3 }),
            ("middle band", { $0.fraction = 0.4; $0.band = .middle }),
            ("high band, reversed", { $0.fraction = 0.4; $0.band = .high; $0.order = .reverse }),
            ("random order", { $0.fraction = 0.5; $0.order = .random; $0.seed = 11 }),
            ("per language", { $0.fraction = 0.5; $0.perLanguage = true }),
            ("temperature", { $0.fraction = 0.5; $0.sampleTemperature = 0.5 }),
        ]
        for (name, configure) in configurations {
            var options = ExportOptions()
            options.threads = 2
            configure(&options)
            var digests: [[String]] = []
            var rankings: [[Int64]] = []
            for limit in [nil, 0] {
                let exporter = Exporter(store: store, options: options, console: Console(quiet: true), command: [])
                exporter.sortingLimit = limit
                let manifest = try exporter.run(to: directory + "/\(name)-\(limit ?? -1)").manifest
                #expect(manifest.written > 0, "\(name)")
                digests.append(manifest.shards.map(\.sha256))
                var seqs: [Int64] = []
                let ranked = try store.connection.prepare("SELECT seq FROM export_ranking ORDER BY sort_key, document_id")
                while try ranked.step() { seqs.append(ranked.int64(0)) }
                rankings.append(seqs)
            }
            #expect(digests[0] == digests[1], "\(name): the two ways of sorting wrote different shards")
            #expect(rankings[0] == rankings[1] && rankings[0].count == 120 - excluded, "\(name)")
            #expect(!rankings[0].contains { $0 % 10 == 4 || $0 % 11 == 5 }, "\(name)")
        }
    }

    @Test func capsAndShardsAndRepeatedLines() throws {
        let (store, directory) = try Self.makeStore(count: 30, perplexity: { Double($0 + 1) }) { index in
            "Accept all cookies\nbody of document \(index) with some words\nAccept all cookies\nShare this page"
        }
        let (capped, cappedManifest) = try Self.export(store, directory) { $0.maxBytes = 700 }
        #expect(capped == Array(0..<capped.count) && cappedManifest.textBytes <= 700 && capped.count < 30)
        #expect(cappedManifest.cappedOut == 30 - capped.count)
        let (_, sharded) = try Self.export(store, directory) { $0.shardSize = 1024 }
        #expect(sharded.shards.count > 3 && sharded.shards.allSatisfy { $0.jsonBytes <= 1024 || $0.documents == 1 })
        #expect(sharded.written == 30)

        // Lines in more than one document: kept once, in the first document written.
        let analyzer = TextAnalyzer()
        let insert = try store.connection.prepare("INSERT INTO repeated_lines (hash, documents, example) VALUES (?, 30, 'x')")
        for line in ["Accept all cookies", "Share this page"] {
            let hash = Array(line.utf8).withUnsafeBytes { analyzer.withNormalizedLine($0) { WordHash.exact($0) } }
            insert.bind(1, Int64(bitPattern: hash))
            try insert.run()
            insert.reset()
        }
        try store.connection.execute("INSERT INTO dedup_settings (key, value) VALUES ('line_threshold', '1')")
        var options = ExportOptions()
        options.dropRepeatedLines = true
        let out = directory + "/lines"
        let manifest = try Exporter(store: store, options: options, console: Console(quiet: true), command: []).run(to: out).manifest
        var texts: [String] = []
        try ZstdLines.forEach(path: out + "/" + manifest.shards[0].file) { line in
            texts.append((try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any])["text"] as! String)
        }
        #expect(texts[0] == "Accept all cookies\nbody of document 0 with some words\nShare this page")
        #expect(texts[1] == "body of document 1 with some words\n")
        #expect(manifest.droppedLines == 1 + 29 * 3)
    }

    @Test func jsonLinesEscapeWhatJSONNeeds() throws {
        var line = JSONLine()
        let tricky = "quote \" backslash \\ tab \t newline \n cr \r nul \u{0} bell \u{7} 中文 😀 \u{2028}"
        line.string(tricky)
        let decoded = try JSONSerialization.jsonObject(with: Data(line.bytes), options: [.fragmentsAllowed]) as? String
        #expect(decoded == tricky)
        // Specials at every position of an 8-byte word, among plain ASCII and multi-byte characters.
        var state: UInt64 = 1
        let pieces = ["a", "b", " ", "\"", "\\", "\n", "\u{1}", "\u{1f}", "é", "中", "~", "\u{7f}"]
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<(Int(state >> 60) + 5) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text += pieces[Int(state >> 33) % pieces.count]
            }
            line.reset()
            line.string(text)
            #expect(try JSONSerialization.jsonObject(with: Data(line.bytes), options: [.fragmentsAllowed]) as? String == text)
        }
        line.reset()
        line.number(2.5)
        line.raw(" ")
        line.number(Int64(3))
        line.raw(" ")
        line.number(Double.nan)
        #expect(String(decoding: line.bytes, as: UTF8.self) == "2.5 3 null")
    }

    @Test func theDefaultPipelineFileStatesTheBuiltInDefaults() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("pipelines/default.yaml").path
        var options = ExportOptions()
        try options.apply(pipelineFile: path)
        #expect(options == ExportOptions())
        var custom = ExportOptions()
        try custom.apply(pipelineYAML: "export:\n  score:\n    perplexity: 1\n    rouge: 0.5\n  top: 0.3\n  select: high\n", source: "p.yaml")
        #expect(custom.score == ["perplexity": 1, "rouge": 0.5] && custom.fraction == 0.3 && custom.band == .high)
        #expect(throws: (any Error).self) { try custom.apply(pipelineYAML: "export:\n  score:\n    perplexty: 1\n", source: "p.yaml") }
    }
}
