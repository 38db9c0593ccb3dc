import Core
import Foundation
import Store
import Testing

/// `curate run`: one pipeline file, stages skipped when done, resumed after SIGKILL, and the same shards
/// from partition stores (corpus-wide stages where they lie, or merged when the export needs one store) as from one store.
@Suite(.serialized) struct RunCommandTests {
    static let samples = ExportCommandTests.samples

    static func pipeline(top: Double = 0.3) -> String {
        """
        inputs: [\(samples)]
        store: pipeline.db
        stages: [ingest, heuristics, dedup, perplexity, export]
        export:
          out: export
          top: \(top)
          shard_size: 65536

        """
    }

    /// Every file of an export directory, by name.
    static func files(_ directory: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            result[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        }
        return result
    }

    static func clean() throws -> (Scratch, [String: Data]) {
        let scratch = Scratch()
        scratch.write("pipeline.yaml", pipeline())
        let result = try scratch.runner.run(["run", "pipeline.yaml", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let shards = try files(scratch.path + "/export")
        #expect(shards.count >= 3 && shards["manifest.json"] != nil)
        return (scratch, shards)
    }

    @Test func aKilledRunResumesAndFinishedStagesAreSkipped() throws {
        let (_, reference) = try Self.clean()
        let scratch = Scratch()
        scratch.write("pipeline.yaml", Self.pipeline())
        let runner = scratch.runner
        // Kill the run at exact places in its own progress (CURATE_CRASH_AT counts over the whole run, one
        // stage after another), each time resuming what the last one left; then twice at seeded moments.
        var killed = 0
        for point in ["commit:1", "batch-commit:2", "before-commit:6", "batch-commit:5", "rename:2", "rename:3"] {
            var killer = runner
            killer.environment["CURATE_CRASH_AT"] = point
            let process = try killer.start(["run", "pipeline.yaml", "--quiet"])
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL { killed += 1 }
            let store = try Store(path: scratch.path + "/pipeline.db", create: true)
            #expect(try store.connection.scalarText("PRAGMA integrity_check") == "ok", "after \(point)")
        }
        #expect(killed == 6, "\(killed) of the 6 planned kills happened")
        for attempt in 0..<2 {
            let process = try runner.start(["run", "pipeline.yaml", "--quiet"])
            // Seeded kill moments between 0.05 and 0.55 s (the store's splitmix64), wherever they land.
            let unit = Double(splitMix(20_261_123, UInt64(attempt)) >> 11) / Double(1 << 53)
            Thread.sleep(forTimeInterval: 0.05 + unit * 0.5)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let store = try Store(path: scratch.path + "/pipeline.db", create: true)
            #expect(try store.connection.scalarText("PRAGMA integrity_check") == "ok")
        }
        let final = try runner.run(["run", "pipeline.yaml"])
        #expect(final.status == 0, "\(final.stderr)")
        #expect(try Self.files(scratch.path + "/export") == reference, "the resumed run's shards differ from a clean run's")
        let store = try Store(path: scratch.path + "/pipeline.db", create: false)
        let documents = try store.connection.scalarInt("SELECT count(*) FROM documents")
        let unique = try store.connection.scalarInt("SELECT count(DISTINCT id) FROM documents")
        #expect(documents == 348 && unique == 348)

        // Everything done: every stage is skipped.
        let again = try runner.run(["run", "pipeline.yaml"])
        #expect(again.status == 0)
        for stage in ["ingest", "heuristics", "dedup", "perplexity", "export"] {
            #expect(again.stdout.contains("== \(stage): done earlier, skipped"), "\(stage): \(again.stdout)")
        }
        let plan = try runner.run(["run", "pipeline.yaml", "--dry-run"])
        #expect(plan.stdout.contains("export     done") && !plan.stdout.contains("to run"))
        // A changed export section runs export again, and nothing else.
        scratch.write("pipeline.yaml", Self.pipeline(top: 0.5))
        let changed = try runner.run(["run", "pipeline.yaml"])
        #expect(changed.status == 0)
        #expect(changed.stdout.contains("== dedup: done earlier, skipped") && changed.stdout.contains("== export: curate export"))
        // A lost export directory is made again.
        try FileManager.default.removeItem(atPath: scratch.path + "/export")
        #expect(try runner.run(["run", "pipeline.yaml", "--quiet"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/export/manifest.json"))
    }

    /// The documents of partition stores in the order one ingest of every input reads them (by input
    /// rank, then position): id and duplicate_of each.
    static func partitionDocuments(_ directory: String) throws -> [String] {
        var rows: [(Int64, String)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasPrefix("part-") && name.hasSuffix(".db") {
            let store = try Store(path: directory + "/" + name, create: false)
            let statement = try store.connection.prepare("""
                SELECT ((s.input_rank + 1) << 32) | d.position, d.id || '|' || coalesce(d.duplicate_of, '')
                FROM documents d JOIN sources s ON s.id = d.source_id
                """)
            while try statement.step() { rows.append((statement.int64(0), statement.text(1)!)) }
        }
        return rows.sorted { $0.0 < $1.0 }.map(\.1)
    }

    static func storeDocuments(_ path: String) throws -> [String] {
        let store = try Store(path: path, create: false)
        let statement = try store.connection.prepare("SELECT id || '|' || coalesce(duplicate_of, '') FROM documents ORDER BY seq")
        var rows: [String] = []
        while try statement.step() { rows.append(statement.text(0)!) }
        return rows
    }

    @Test func partitionsGiveTheSameShardsAsOneStoreWithoutMerging() throws {
        let (cleanScratch, reference) = try Self.clean()
        let scratch = Scratch()
        scratch.write("pipeline.yaml", Self.pipeline())
        let result = try scratch.runner.run(["run", "pipeline.yaml", "--partitions", "4", "--workers", "2"])
        #expect(result.status == 0, "\(result.stderr) \(result.stdout)")
        #expect(result.stdout.contains("== partition 4 of 4: done") && result.stdout.contains("== dedup near: 4 tasks")
                && result.stdout.contains("== perplexity train: 2 tasks") && result.stdout.contains("== export write: 4 tasks"))
        #expect(!result.stdout.contains("merge") && !FileManager.default.fileExists(atPath: scratch.path + "/pipeline.db"),
                "no merged store is made")
        #expect(try Self.files(scratch.path + "/export") == reference, "partitioned shards and manifest differ from one store's")
        // The partitions hold the same documents, with the same exact copies, as the single store.
        #expect(try Self.partitionDocuments(scratch.path + "/pipeline.db.parts") == Self.storeDocuments(cleanScratch.path + "/pipeline.db"))
        // Run again: the partitions are skipped, the phases find their outputs, the export is the same.
        let again = try scratch.runner.run(["run", "pipeline.yaml", "--partitions", "4"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.files(scratch.path + "/export") == reference)
        let log = try String(contentsOfFile: scratch.path + "/pipeline.db.parts/part-00002.db.log", encoding: .utf8)
        #expect(log.contains("== ingest: done earlier, skipped"), "\(log)")
    }

    /// Sixteen partitions of the samples' 38 files (so some partitions hold one file or none) and sixteen
    /// tasks in every hash-space phase: the same shards and manifest as one store. A partition lost
    /// afterwards is made again by the next run, and the phases after it with it: the same bytes again.
    @Test func sixteenPartitionsAndALostOneGiveTheSameShards() throws {
        let (_, reference) = try Self.clean()
        let scratch = Scratch()
        scratch.write("pipeline.yaml", Self.pipeline())
        let result = try scratch.runner.run(["run", "pipeline.yaml", "--partitions", "16", "--workers", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("== dedup verify: 16 tasks") && result.stdout.contains("== dedup cluster: 16 tasks"), "\(result.stdout)")
        #expect(try Self.files(scratch.path + "/export") == reference, "16 partitions: shards and manifest differ from one store's")
        // Lose the partition of samples/broken/records.jsonl: its ok-1 is the first copy of a near pair
        // whose other copy lies in another partition, so a rerun that kept the other partitions' old
        // perplexities chose the other copy (found on Slurm).
        let parts = scratch.path + "/pipeline.db.parts/"
        let lost = try (0..<16).map { String(format: "part-%05d.db", $0) }.first { name in
            let store = try Store(path: parts + name, create: false)
            return try store.connection.scalarInt("SELECT count(*) FROM sources WHERE path LIKE '%broken/records.jsonl'") == 1
        }
        let name = try #require(lost)
        for file in try FileManager.default.contentsOfDirectory(atPath: parts) where file.hasPrefix(name) {
            try FileManager.default.removeItem(atPath: parts + file)
        }
        try FileManager.default.removeItem(atPath: scratch.path + "/export")
        let again = try scratch.runner.run(["run", "pipeline.yaml", "--partitions", "16", "--workers", "2", "--quiet"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.files(scratch.path + "/export") == reference, "after a lost partition, the export differs")
    }

    /// Lines dropped where they were seen before in the output: the plan walks the seen set in output
    /// order, no merged store, the same shards as one store.
    @Test func droppedRepeatedLinesNeedNoMergedStore() throws {
        // Beside the samples: documents of sentences from samples/en, each a different mix, with a shared
        // footer and, in every third, a shared notice (lines the export drops after their first time).
        let science = try String(contentsOfFile: Self.samples + "/en/science.jsonl", encoding: .utf8).split(separator: "\n").map { line in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])["text"] as! String
        }
        let sentences = science.flatMap { $0.split(separator: ". ").map(String.init) }.filter { $0.count > 40 && !$0.contains("\n") }
        let extra = Scratch()
        var lines: [String] = []
        for index in 0..<30 {
            let text = (0..<5).map { sentences[(index * 7 + $0 * 13) % sentences.count] }.joined(separator: ". ")
                + ".\nShare this page with your friends and family.\n" + (index % 3 == 0 ? "Copyright Example Press. All rights reserved.\n" : "")
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: ["text": text]), as: UTF8.self))
        }
        extra.write("footers.jsonl", lines.joined(separator: "\n") + "\n")
        let yaml = Self.pipeline(top: 0.6)
            .replacingOccurrences(of: "inputs: [\(Self.samples)]", with: "inputs: [\(Self.samples), \(extra.path)]")
            .replacingOccurrences(of: "  shard_size: 65536\n", with: "  shard_size: 65536\n  drop_repeated_lines: true\n  order: reverse\n")
        let single = Scratch(), parts = Scratch()
        single.write("pipeline.yaml", yaml)
        parts.write("pipeline.yaml", yaml)
        #expect(try single.runner.run(["run", "pipeline.yaml", "--quiet"]).status == 0)
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: single.path + "/export/manifest.json"))) as? [String: Any])
        #expect((manifest["droppedLines"] as? Int ?? 0) > 10, "lines were dropped: \(manifest["droppedLines"] ?? "none")")
        let result = try parts.runner.run(["run", "pipeline.yaml", "--partitions", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("merg") && result.stdout.contains("== export plan: 1 task"), "\(result.stdout)")
        #expect(try Self.files(parts.path + "/export") == Self.files(single.path + "/export"))
    }

    /// A sampled score's z-scores need the corpus's moments: the partitions sum theirs exactly (export
    /// moments), no merged store, and the shards are one store's.
    @Test func aSampledExportSumsThePartitionsMoments() throws {
        let yaml = Self.pipeline(top: 0.4).replacingOccurrences(of: "  shard_size: 65536\n", with: "  shard_size: 65536\n  sample_temperature: 0.5\n")
        let single = Scratch(), parts = Scratch()
        single.write("pipeline.yaml", yaml)
        parts.write("pipeline.yaml", yaml)
        #expect(try single.runner.run(["run", "pipeline.yaml", "--quiet"]).status == 0)
        let result = try parts.runner.run(["run", "pipeline.yaml", "--partitions", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("== export moments: 3 tasks") && !result.stdout.contains("merging"), "\(result.stdout)")
        #expect(try Self.files(parts.path + "/export") == Self.files(single.path + "/export"))
    }

    /// Two inputs given out of path order, split into more partitions than some inputs have files: the
    /// partitions order their documents as one ingest of the inputs in that order, and the shards agree.
    @Test func partitionsOfSeveralInputsKeepTheirOrder() throws {
        let yaml = """
            inputs: [\(Self.samples)/zh, \(Self.samples)/en, \(Self.samples)/txt]
            store: pipeline.db
            export:
              out: export
              top: 0.5
              shard_size: 65536

            """
        let single = Scratch(), parts = Scratch()
        single.write("pipeline.yaml", yaml)
        parts.write("pipeline.yaml", yaml)
        #expect(try single.runner.run(["run", "pipeline.yaml", "--quiet"]).status == 0)
        let result = try parts.runner.run(["run", "pipeline.yaml", "--partitions", "7", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.files(parts.path + "/export") == Self.files(single.path + "/export"))
        let ordered = try Self.partitionDocuments(parts.path + "/pipeline.db.parts")
        #expect(ordered == (try Self.storeDocuments(single.path + "/pipeline.db")) && ordered.count == 220)
    }

    @Test func pipelineFileErrorsNameTheKey() throws {
        let scratch = Scratch()
        scratch.write("bad.yaml", "inputs: [x]\nstagez: [ingest]\n")
        let bad = try scratch.runner.run(["run", "bad.yaml"])
        #expect(bad.status == 1 && bad.stderr.contains("stagez") && bad.stderr.split(separator: "\n").count <= 2)
        scratch.write("stage.yaml", "inputs: [x]\nstages: [ingest, polish]\n")
        let stage = try scratch.runner.run(["run", "stage.yaml"])
        #expect(stage.status == 1 && stage.stderr.contains("polish"))
        scratch.write("noinputs.yaml", "stages: [ingest]\n")
        let none = try scratch.runner.run(["run", "noinputs.yaml"])
        #expect(none.status == 1 && none.stderr.contains("inputs"))
    }
}
