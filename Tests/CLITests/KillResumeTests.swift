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
        Self.makeCorpus(in: scratch, lines: 4500)
        let runner = scratch.runner

        let clean = try runner.run(["ingest", "corpus", "--db", "clean.db", "--quiet"])
        #expect(clean.status == 0, "\(clean.stderr)")
        let expected = try Self.snapshot(scratch.path + "/clean.db")
        let expectedDocuments = Self.committedDocuments(scratch.path + "/clean.db")
        #expect(expectedDocuments == 7 * 4500 - 7 * 2) // two broken records a file

        // Killed at exact places (CURATE_CRASH_AT): at the first commit (the schema, before the run is
        // recorded), then each resumed run after a few batches of its own, or just before a commit.
        let store = scratch.path + "/killed.db"
        // (A run's first grouped commit records its source; its documents come from the second on.)
        let points = ["commit:1", "batch-commit:2", "batch-commit:3", "before-commit:20", "batch-commit:6"]
        var committedAfter: [Int64] = []
        for point in points {
            var killer = runner
            killer.environment["CURATE_CRASH_AT"] = point
            let process = try killer.start(["ingest", "corpus", "--db", "killed.db", "--quiet"])
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL, "\(point): status \(process.terminationStatus)")
            let committed = Self.committedDocuments(store)
            #expect(committed >= (committedAfter.last ?? 0) && committed < expectedDocuments, "\(point): \(committed) documents committed")
            committedAfter.append(committed)
        }
        #expect(committedAfter.first == 0 && Set(committedAfter).count == points.count, "documents committed after each kill: \(committedAfter)")

        let resumed = try runner.run(["ingest", "corpus", "--db", "killed.db", "--json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let after = try Self.snapshot(store)
        #expect(after.count == expected.count)
        #expect(after == expected)
        #expect(Self.committedDocuments(store) == expectedDocuments)
        // The interrupted runs are visible as such (the first kill landed before its run was recorded).
        let statistics = try Store(path: store, create: false).statistics()
        #expect(statistics.interruptedRuns == Int64(points.count - 1))
    }
}

/// `curate ingest --txt-split line`: a one-sentence-a-line file becomes one document a line, and a run
/// killed mid-file resumes after its last committed line.
@Suite(.serialized) struct TextSplitCommandTests {
    @Test func aHundredThousandLinesAreAHundredThousandDocumentsThroughKills() throws {
        let scratch = Scratch()
        var text = ""
        var blank = 0
        for line in 0..<100_000 {
            if line % 997 == 0 {
                text += "  \n"
                blank += 1
            } else {
                text += "sentence \(line) of the corpus, with words in it \(line % 13).\n"
            }
        }
        scratch.write("corpus.txt", text)
        let runner = scratch.runner
        let clean = try runner.run(["ingest", "corpus.txt", "--txt-split", "line", "--db", "clean.db", "--json"])
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(KillResumeTests.committedDocuments(scratch.path + "/clean.db") == Int64(100_000 - blank))
        let expected = try KillResumeTests.snapshot(scratch.path + "/clean.db")

        for point in ["batch-commit:3", "before-commit:8", "batch-commit:20"] {
            var killer = runner
            killer.environment["CURATE_CRASH_AT"] = point
            let process = try killer.start(["ingest", "corpus.txt", "--txt-split", "line", "--db", "killed.db", "--quiet"])
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL, "\(point): status \(process.terminationStatus)")
        }
        let resumed = try runner.run(["ingest", "corpus.txt", "--txt-split", "line", "--db", "killed.db", "--json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try KillResumeTests.snapshot(scratch.path + "/killed.db") == expected)
    }
}
