import Foundation
import Store
import Testing

/// Exit codes, messages and output formats of the command line.
@Suite struct CommandLineTests {
    @Test func ingestSummarisesAndStatsAgree() throws {
        let scratch = Scratch()
        scratch.write("raw/a.jsonl", Corpus.jsonl(id: "1", text: "One document.") + "{\"broken\n" + Corpus.jsonl(id: "2", text: "One document."))
        let ingest = try scratch.runner.run(["ingest", "raw", "--json"])
        #expect(ingest.status == 0)
        let summary = try JSONSerialization.jsonObject(with: Data(ingest.stdout.utf8)) as? [String: Any]
        #expect(summary?["documents"] as? Int == 2)
        #expect(summary?["duplicates"] as? Int == 1)
        #expect((summary?["rejectsByReason"] as? [String: Int]) == ["malformed_json": 1])
        #expect(ingest.stderr.contains("curate: warning: raw/a.jsonl:2: "))
        #expect(ingest.stderr.contains("(malformed_json, rejected)"))

        let stats = try scratch.runner.run(["stats", "--json"])
        #expect(stats.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any]
        #expect(object?["documents"] as? Int == 2)
        #expect(object?["exactDuplicates"] as? Int == 1)
        #expect(object?["rejects"] as? Int == 1)

        let text = try scratch.runner.run(["stats"])
        #expect(text.stdout.contains("documents  2   unique 1 · exact duplicates 1"))
        #expect(text.stdout.contains("rejects    1   malformed_json 1"))

        let rejects = try scratch.runner.run(["rejects", "--reason", "malformed_json", "--raw"])
        #expect(rejects.stdout.hasPrefix("raw/a.jsonl:2  malformed_json  unterminated string"), "\(rejects.stdout)")
        #expect(rejects.stdout.contains("{\"broken"))
    }

    @Test func exitsWithOneWhenNothingCouldBeRead() throws {
        let scratch = Scratch()
        let result = try scratch.runner.run(["ingest", "does/not/exist.jsonl"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("curate: warning: does/not/exist.jsonl: no such file or directory (not_found, rejected)"))
        #expect(result.stderr.contains("curate: error: nothing could be read"))
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func strictExitsWithThreeWhenARecordWasRejected() throws {
        let scratch = Scratch()
        scratch.write("a.jsonl", Corpus.jsonl(id: "1", text: "Fine.") + "{\"text\": 3}\n")
        #expect(try scratch.runner.run(["ingest", "a.jsonl", "--strict", "--quiet"]).status == 3)
        let clean = Scratch()
        clean.write("a.jsonl", Corpus.jsonl(id: "1", text: "Fine."))
        #expect(try clean.runner.run(["ingest", "a.jsonl", "--strict"]).status == 0)
    }

    @Test func usageErrorsExitWithTwo() throws {
        let scratch = Scratch()
        #expect(try scratch.runner.run(["ingest", "--no-such-flag", "x"]).status == 2)
        #expect(try scratch.runner.run(["ingest"]).status == 2)
        #expect(try scratch.runner.run(["ingest", "x", "--threads", "0"]).status == 2)
    }

    @Test func helpAndVersionExitWithZeroOnStdout() throws {
        let scratch = Scratch()
        for arguments in [["--help"], ["help"], ["score", "--help"], ["help", "score"], ["lm", "train", "--help"]] {
            let result = try scratch.runner.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.contains("USAGE: curate"), "\(arguments)")
            #expect(result.stderr.isEmpty, "\(arguments): \(result.stderr)")
        }
        #expect(try scratch.runner.run(["score", "--help"]).stdout.contains("--max-memory"))
        let version = try scratch.runner.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("curate "))
    }

    @Test func maxMemoryRejectsBadSizes() throws {
        let scratch = Scratch()
        let garbled = try scratch.runner.run(["stats", "--max-memory", "lots"])
        #expect(garbled.status == 2)
        #expect(garbled.stderr.contains("--max-memory: 'lots' is not a size like 512M or 2G"), "\(garbled.stderr)")
        let small = try scratch.runner.run(["stats", "--max-memory", "64M"])
        #expect(small.status == 2)
        #expect(small.stderr.contains("below the 128M"), "\(small.stderr)")
        var runner = scratch.runner
        runner.environment["CURATE_MAX_MEMORY"] = "12x"
        let environment = try runner.run(["stats"])
        #expect(environment.status == 2)
        #expect(environment.stderr.contains("CURATE_MAX_MEMORY: '12x'"), "\(environment.stderr)")
    }

    @Test func quietPrintsNothingAndJSONPrintsNoProgress() throws {
        let scratch = Scratch()
        scratch.write("a.jsonl", Corpus.jsonl(id: "1", text: "Fine.") + "oops\n")
        let quiet = try scratch.runner.run(["ingest", "a.jsonl", "--quiet"])
        #expect(quiet.status == 0)
        #expect(quiet.stdout.isEmpty)
        #expect(quiet.stderr.isEmpty)
    }

    @Test func theStoreComesFromDBOrTheEnvironment() throws {
        let scratch = Scratch()
        scratch.write("a.jsonl", Corpus.jsonl(id: "1", text: "Fine."))
        var runner = scratch.runner
        runner.environment["CURATE_DB"] = scratch.path + "/from-env.db"
        #expect(try runner.run(["ingest", "a.jsonl", "--quiet"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/from-env.db"))
        #expect(try runner.run(["ingest", "a.jsonl", "--quiet", "--db", "explicit.db"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/explicit.db"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/curate.db"))
    }

    @Test func missingAndNewerStoresGiveOneClearLine() throws {
        let scratch = Scratch()
        let missing = try scratch.runner.run(["stats", "--db", "nope.db"])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("curate: error: no store at nope.db"))
        #expect(missing.stderr.contains("  hint: "))

        let store = try Store(path: scratch.path + "/future.db")
        try store.connection.execute("INSERT INTO schema_migrations VALUES (99, 'future', 'now')")
        let newer = try scratch.runner.run(["stats", "--db", "future.db"])
        #expect(newer.status == 1)
        #expect(newer.stderr.contains("schema version 99"))
        #expect(newer.stderr.split(separator: "\n").count == 2) // the error and its hint, no trace
    }

    @Test func versionNamesTheLinkedLibraries() throws {
        let scratch = Scratch()
        let result = try scratch.runner.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("curate "))
        #expect(result.stdout.contains("SQLite 3."))
        #expect(result.stdout.contains("zstd 1."))
    }
}
