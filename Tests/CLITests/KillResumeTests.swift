import Core
import Foundation
import Store
import Testing

/// A run killed with SIGKILL at any moment, then run again, ends with exactly the documents of one
/// clean run: none lost, none twice. Uses the real binary in a child process.
@Suite(.serialized) struct KillResumeTests {
    /// About 30 MB in 7 files, with exact duplicates across files and a few bad records.
    static func makeCorpus(in scratch: Scratch, lines: Int = 9000) {
        let words = ["the", "river", "valley", "of", "light", "and", "stone", "moves", "slowly", "under", "old",
                     "bridges", "where", "people", "walk", "每天", "我们", "学习", "城市", "历史"]
        var seed: UInt64 = 12345
        func next() -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33)
        }
        for file in 0..<7 {
            var text = ""
            for line in 0..<lines {
                if line % 2500 == 17 { text += "{\"text\": broken json\n"; continue }
                let count = 40 + next() % 80
                let sentence = (0..<count).map { _ in words[next() % words.count] }.joined(separator: " ")
                // Every 50th line repeats across files: exact duplicates that span sources.
                let body = line % 50 == 0 ? "shared document \(line)" : "file \(file) line \(line): \(sentence)."
                text += Corpus.jsonl(id: "f\(file)-\(line)", text: body)
            }
            scratch.write("corpus/part-\(file).jsonl", text)
        }
    }

    /// Everything that must match between a clean run and an interrupted-and-resumed one.
    static func snapshot(_ path: String) throws -> [String] {
        let store = try Store(path: path, create: false)
        var rows: [String] = []
        for sql in [
            "SELECT id || '|' || source_id || '|' || position || '|' || hex(content_hash) || '|' || coalesce(duplicate_of, '') || '|' || coalesce(external_id, '') FROM documents ORDER BY id",
            "SELECT path || '|' || record || '|' || reason FROM rejects ORDER BY path, record",
            "SELECT key || '|' || status || '|' || records_read || '|' || documents || '|' || duplicates || '|' || rejects || '|' || text_bytes FROM sources ORDER BY key",
        ] {
            let statement = try store.connection.prepare(sql)
            while try statement.step() { rows.append(statement.text(0) ?? "") }
        }
        return rows
    }

    /// Documents committed so far in a store another process is writing (0 until its tables exist).
    static func committedDocuments(_ path: String) -> Int64 {
        guard FileManager.default.fileExists(atPath: path),
              let connection = try? SQLiteConnection(path: path),
              let count = try? connection.scalarInt("SELECT count(*) FROM documents") else { return 0 }
        return count
    }

    @Test func killedRunsResumeToExactlyTheCleanResult() throws {
        let scratch = Scratch()
        Self.makeCorpus(in: scratch)
        let runner = scratch.runner

        let clean = try runner.run(["ingest", "corpus", "--db", "clean.db", "--quiet"])
        #expect(clean.status == 0, "\(clean.stderr)")
        let expected = try Self.snapshot(scratch.path + "/clean.db")
        let expectedDocuments = Self.committedDocuments(scratch.path + "/clean.db")
        #expect(expectedDocuments == 7 * 9000 - 7 * 4)

        // Kill early (maybe before the schema exists), then each time a run has committed a few more documents.
        let store = scratch.path + "/killed.db"
        var kills = 0
        for progress in [-1, 1, expectedDocuments / 5, expectedDocuments / 5, expectedDocuments / 5] {
            let before = Self.committedDocuments(store)
            // Frequent commits, so that kills land between many of them.
            let process = try runner.start(["ingest", "corpus", "--db", "killed.db", "--quiet", "--commit-interval", "0.02"])
            let deadline = Date().addingTimeInterval(60)
            if progress < 0 {
                usleep(30_000)
            } else {
                while process.isRunning && Self.committedDocuments(store) < before + progress && Date() < deadline { usleep(2_000) }
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        #expect(kills >= 3, "the corpus was ingested too fast to interrupt it")

        let resumed = try runner.run(["ingest", "corpus", "--db", "killed.db", "--json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let after = try Self.snapshot(store)
        #expect(after.count == expected.count)
        #expect(after == expected)
        #expect(Self.committedDocuments(store) == expectedDocuments)
        // The interrupted runs are visible as such (the first kill may land before its run was recorded).
        let statistics = try Store(path: store, create: false).statistics()
        #expect(statistics.interruptedRuns >= Int64(kills - 1) && statistics.interruptedRuns <= Int64(kills))
    }
}
