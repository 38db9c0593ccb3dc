import Foundation
import Store
import Testing

/// `curate dedup` through the binary: a killed run resumes to exactly the result of a clean one.
@Suite(.serialized) struct DedupCommandTests {
    /// 6,000 documents of 60–200 words; every tenth is an edited copy of an earlier one (a word in a
    /// hundred changed: Jaccard 0.84 or more), every 50th carries a shared boilerplate line.
    static func makeCorpus(in scratch: Scratch) {
        var seed: UInt64 = 2026
        func next() -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33)
        }
        let vocabulary = (0..<3000).map { index -> String in
            let letters = Array("abcdefghijklmnopqrstuvwxyz")
            return String((0..<(3 + index % 6)).map { position in letters[(index * 7 + position * 13 + index / 26) % 26] }) + "\(index % 10)"
        }
        var documents: [[String]] = []
        var text = ""
        for index in 0..<6000 {
            var words: [String]
            if index % 10 == 9 {
                words = documents[next() % documents.count]
                for _ in 0..<max(1, words.count / 100) { words[next() % words.count] = vocabulary[next() % vocabulary.count] }
            } else {
                words = (0..<(60 + next() % 140)).map { _ in vocabulary[next() % vocabulary.count] }
            }
            documents.append(words)
            var body = words.joined(separator: " ")
            if index % 50 == 0 { body += "\nSubscribe to our newsletter for weekly updates." }
            text += Corpus.jsonl(id: "d\(index)", text: body)
        }
        scratch.write("corpus.jsonl", text)
    }

    /// Everything dedup stores, in a form that compares across stores built from the same ingest.
    static func snapshot(_ path: String) throws -> [String] {
        let store = try Store(path: path, create: false)
        var rows: [String] = []
        for sql in [
            "SELECT seq || '|' || hex(normalized_hash) || '|' || shingles || '|' || coalesce(hex(signature), '') FROM dedup_signatures ORDER BY seq",
            "SELECT count(*) || '|' || sum(hash % 1000003) FROM minhash_bands",
            "SELECT seq_a || '|' || seq_b || '|' || jaccard || '|' || coalesce(exact, '') FROM dedup_pairs ORDER BY seq_a, seq_b",
            "SELECT seq || '|' || cluster || '|' || coalesce(duplicate_of, '') || '|' || method || '|' || coalesce(similarity, '') FROM dedup_clusters ORDER BY seq",
            "SELECT hash || '|' || documents FROM repeated_lines ORDER BY hash",
            "SELECT count(*) FROM repeated_lines_documents",
        ] {
            let statement = try store.connection.prepare(sql)
            while try statement.step() { rows.append(statement.text(0) ?? "") }
        }
        return rows
    }

    static func signed(_ path: String) -> Int64 {
        guard let connection = try? SQLiteConnection(path: path),
              let count = try? connection.scalarInt("SELECT count(*) FROM dedup_signatures") else { return 0 }
        return count
    }

    @Test func killedDedupResumesToTheCleanResult() throws {
        let scratch = Scratch()
        Self.makeCorpus(in: scratch)
        let runner = scratch.runner
        #expect(try runner.run(["ingest", "corpus.jsonl", "--db", "base.db", "--quiet"]).status == 0)
        try FileManager.default.copyItem(atPath: scratch.path + "/base.db", toPath: scratch.path + "/clean.db")
        try FileManager.default.copyItem(atPath: scratch.path + "/base.db", toPath: scratch.path + "/killed.db")

        let clean = try runner.run(["dedup", "--db", "clean.db", "--json"])
        #expect(clean.status == 0, "\(clean.stderr)")
        let expected = try Self.snapshot(scratch.path + "/clean.db")
        let summary = try JSONSerialization.jsonObject(with: Data(clean.stdout.utf8)) as? [String: [String: Any]]
        let removed = summary?["summary"]?["removedMinhash"] as? Int ?? 0
        #expect(removed >= 590 && removed <= 600, "the 600 edited copies are found: \(clean.stdout)")

        // Killed at exact places (CURATE_CRASH_AT), each run resuming what the last one left: while
        // signing (each commit holds one batch), then just before a commit.
        let store = scratch.path + "/killed.db"
        var previous: Int64 = -1
        for point in ["batch-commit:1", "batch-commit:2", "before-commit:3", "batch-commit:3"] {
            var killer = runner
            killer.environment["CURATE_CRASH_AT"] = point
            let process = try killer.start(["dedup", "--db", "killed.db", "--quiet"])
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL, "\(point): status \(process.terminationStatus)")
            let signed = Self.signed(store)
            #expect(signed >= previous && signed < 6000, "\(point): \(signed) documents signed")
            previous = signed
        }
        #expect(previous > 0, "no kill landed after signing had begun")
        let resumed = try runner.run(["dedup", "--db", "killed.db", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let after = try Self.snapshot(store)
        #expect(after.count == expected.count)
        #expect(after == expected)
    }

    @Test func reportAndErrors() throws {
        let scratch = Scratch()
        Self.makeCorpus(in: scratch)
        let runner = scratch.runner
        #expect(try runner.run(["ingest", "corpus.jsonl", "--quiet"]).status == 0)
        let report = try runner.run(["dedup", "--report"])
        #expect(report.status == 0, "\(report.stderr)")
        for heading in ["cluster sizes", "removed by method", "most repeated lines", "sample pairs (kept | duplicate)",
                        "Subscribe to our newsletter for weekly updates."] {
            #expect(report.stdout.contains(heading), "\(heading) missing from:\n\(report.stdout)")
        }
        // Other bands and rows than the stored signatures': refused with a hint, exit 1.
        let refused = try runner.run(["dedup", "--bands", "9", "--rows", "13"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("curate: error: the store's signatures were made with"))
        #expect(refused.stderr.contains("--reset"))
        // A mistyped pipeline key names the file and the key.
        scratch.write("bad.yaml", "dedup:\n  minhash:\n    bandz: 3\n")
        let bad = try runner.run(["dedup", "--pipeline", "bad.yaml"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad.yaml: dedup.minhash.bandz: unknown key"))
        #expect(try runner.run(["dedup", "--threshold", "2"]).status == 2)
    }
}
