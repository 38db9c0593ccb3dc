import Foundation
import Store
import Testing

/// The corpus-wide stages over partition stores without merging them (`--partition-stores`): dedup,
/// perplexity and export decide and write exactly what they do on the merged store, whatever the numbers
/// of partitions, bucket tasks and writers, and a task killed part-way runs again to the same result.
@Suite(.serialized) struct PartitionedDedupTests {
    /// The samples' English and Chinese documents, and two more files holding, for 60 of them, an exact
    /// copy, a near copy (two words changed, a boilerplate line added) and for every fifth an upper-case
    /// copy (equal once normalised): duplicates that fall in other partitions than their originals.
    static func corpus(_ scratch: Scratch) throws -> String {
        let samples = ExportCommandTests.samples
        var texts: [String] = []
        for directory in ["en", "zh"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: samples + "/" + directory).sorted()
            for name in names where name.hasSuffix(".jsonl") {
                let source = try String(contentsOfFile: samples + "/" + directory + "/" + name, encoding: .utf8)
                scratch.write("in/\(directory)/\(name)", source)
                for line in source.split(separator: "\n") {
                    let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                    texts.append(record["text"] as! String)
                }
            }
        }
        func record(_ text: String) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: ["text": text], options: [.sortedKeys]), as: UTF8.self)
        }
        var copies: [String] = [], near: [String] = []
        for (index, text) in texts.prefix(60).enumerated() {
            copies.append(try record(text))
            var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            if words.count > 40 {
                words[(index * 7) % words.count] += "x"
                words[(index * 13 + 5) % words.count] += "y"
            }
            near.append(try record(words.joined(separator: " ") + "\nShare this page on social media"))
            if index % 5 == 0 { near.append(try record(text.uppercased())) }
        }
        // Near copies with nothing repeated added: their clusters keep the copy with the lower perplexity.
        var plain: [String] = []
        for (index, text) in texts.dropFirst(60).prefix(30).enumerated() {
            var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard words.count > 40 else { continue }
            words[(index * 11 + 3) % words.count] += "z"
            plain.append(try record(words.joined(separator: " ")))
        }
        scratch.write("in/dups-c.jsonl", plain.joined(separator: "\n") + "\n")
        scratch.write("in/dups-a.jsonl", copies.joined(separator: "\n") + "\n")
        scratch.write("in/dups-b.jsonl", near.joined(separator: "\n") + "\n")
        return scratch.path + "/in"
    }

    /// Ingests, scores and signs `count` partitions of the corpus; returns their store paths.
    static func partitions(_ count: Int, _ scratch: Scratch, directory: String) throws -> [String] {
        let runner = scratch.runner
        try FileManager.default.createDirectory(atPath: scratch.path + "/" + directory, withIntermediateDirectories: true)
        return try (0..<count).map { index in
            let store = "\(directory)/part-\(index).db"
            for command in [["ingest", "in", "--partition", "\(index)/\(count)"], ["score", "--metric", "heuristics"], ["dedup", "--sign-only"]] {
                let result = try runner.run(command + ["--db", store, "--quiet"])
                #expect(result.status == 0, "\(command): \(result.stderr)")
            }
            return store
        }
    }

    struct Decisions: Equatable {
        /// document id → (duplicate_of, method, kept_by, similarity to 6 places)
        var clusters: [Int64: String] = [:]
        /// document id → ingest's duplicate_of
        var copies: [Int64: Int64] = [:]
        /// line hash → documents, for the lines of these stores
        var lines: [Int64: Int64] = [:]
    }

    static func decisions(_ paths: [String]) throws -> Decisions {
        var result = Decisions()
        for path in paths {
            let connection = try SQLiteConnection(path: path, readOnly: true)
            let clusters = try connection.prepare(
                "SELECT document_id, coalesce(duplicate_of, 0), method, coalesce(kept_by, ''), round(coalesce(similarity, -1), 6) FROM dedup_clusters")
            while try clusters.step() {
                result.clusters[clusters.int64(0)] = "\(clusters.int64(1)) \(clusters.text(2)!) \(clusters.text(3)!) \(clusters.double(4))"
            }
            let documents = try connection.prepare("SELECT id, coalesce(duplicate_of, 0) FROM documents")
            while try documents.step() { result.copies[documents.int64(0)] = documents.int64(1) }
            let lines = try connection.prepare("SELECT hash, documents FROM repeated_lines")
            while try lines.step() { result.lines[lines.int64(0)] = lines.int64(1) }
        }
        return result
    }

    /// What dedup decides on the merged store of `paths`.
    static func merged(_ paths: [String], _ scratch: Scratch) throws -> Decisions {
        let runner = scratch.runner
        var result = try runner.run(["merge"] + paths + ["--out", "merged.db", "--root", "in", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try runner.run(["dedup", "--db", "merged.db", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        return try decisions([scratch.path + "/merged.db"])
    }

    @Test func partitionsDeduplicatedInPlaceDecideWhatTheirMergedStoreDecides() throws {
        let scratch = Scratch()
        _ = try Self.corpus(scratch)
        for (count, buckets) in [(1, 1), (7, 16)] {
            let directory = "p\(count)"
            let paths = try Self.partitions(count, scratch, directory: directory)
            // The merge reads the partitions before they are changed in place.
            let copies = paths.map { $0.replacingOccurrences(of: "part-", with: "copy-") }
            for (path, copy) in zip(paths, copies) {
                try FileManager.default.copyItem(atPath: scratch.path + "/" + path, toPath: scratch.path + "/" + copy)
            }
            let expected = try Self.merged(copies, scratch)
            try? FileManager.default.removeItem(atPath: scratch.path + "/merged.db")
            #expect(expected.clusters.count > 100, "the corpus has clusters to find (\(expected.clusters.count))")
            #expect(expected.clusters.values.contains { $0.contains(" normalized ") } && expected.clusters.values.contains { $0.contains(" minhash ") })

            let result = try scratch.runner.run(["dedup", "--partition-stores"] + paths + ["--buckets", "\(buckets)", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let found = try Self.decisions(paths.map { scratch.path + "/" + $0 })
            #expect(found.clusters == expected.clusters, "\(count) partitions, \(buckets) buckets")
            #expect(found.copies == expected.copies, "\(count) partitions, \(buckets) buckets")
            #expect(!found.lines.isEmpty && found.lines.allSatisfy { expected.lines[$0.key] == $0.value },
                    "every partition's line counts are the corpus-wide ones")
        }
    }

    /// document id → perplexity (9 places) and bucket, under the newest reference of each store; and
    /// the cut-offs of the stores (every store must hold the same).
    static func perplexities(_ paths: [String]) throws -> (scores: [Int64: String], cutoffs: Set<String>) {
        var scores: [Int64: String] = [:]
        var cutoffs = Set<String>()
        for path in paths {
            let connection = try SQLiteConnection(path: path, readOnly: true)
            let model = try connection.scalarInt("SELECT id FROM lm_models ORDER BY created_at DESC LIMIT 1") ?? -1
            let rows = try connection.prepare("SELECT document_id, perplexity, bucket FROM perplexity WHERE model_id = ?")
            rows.bind(1, model)
            while try rows.step() { scores[rows.int64(0)] = String(format: "%.9g", rows.double(1)) + " " + (rows.text(2) ?? "") }
            let table = try connection.prepare("SELECT language, documents, p30, p60 FROM perplexity_cutoffs WHERE model_id = ? ORDER BY language")
            table.bind(1, model)
            var all: [String] = []
            while try table.step() { all.append("\(table.text(0)!) \(table.int64(1)) \(table.double(2)) \(table.double(3))") }
            cutoffs.insert(all.joined(separator: "; "))
        }
        return (scores, cutoffs)
    }

    @Test func partitionsScoredAndExportedWhereTheyLieMatchTheMergedStore() throws {
        let scratch = Scratch()
        _ = try Self.corpus(scratch)
        let runner = scratch.runner
        // The pipeline's dedup, perplexity, dedup again, on the merged store.
        let reference = try Self.partitions(1, scratch, directory: "one")
        for command in [["merge"] + reference + ["--out", "merged.db", "--root", "in"], ["dedup", "--db", "merged.db"],
                        ["score", "--metric", "perplexity", "--db", "merged.db"], ["dedup", "--db", "merged.db"]] {
            let result = try runner.run(command + ["--quiet"])
            #expect(result.status == 0, "\(command.prefix(3)): \(result.stderr)")
        }
        let expected = try Self.perplexities([scratch.path + "/merged.db"])
        let clusters = try Self.decisions([scratch.path + "/merged.db"])
        #expect(clusters.clusters.values.contains { $0.hasSuffix(" kept perplexity -1.0") }, "some clusters keep the copy with the lower perplexity")
        let exports: [(name: String, options: [String])] = [
            ("top", ["--top", "0.3", "--shard-size", "16K"]),
            ("random", ["--top", "0.5", "--order", "random", "--shard-size", "12K"]),
            ("band", ["--select", "middle", "--top", "0.4", "--order", "reverse", "--shard-size", "8K", "--max-tokens", "20000"]),
            ("language", ["--top", "0.3", "--per-language", "--shard-size", "16K"]),
            // z-scores over the corpus: the partitions' exact moments, summed (export moments).
            ("sampled", ["--top", "0.4", "--sample-temperature", "0.5", "--per-language", "--shard-size", "16K"]),
            ("combined", ["--top", "0.3", "--score", "perplexity=1,bits_per_byte=0.5", "--shard-size", "16K"]),
        ]
        for (name, options) in exports {
            let result = try runner.run(["export", "--db", "merged.db", "--out", "merged-\(name)"] + options + ["--quiet"])
            #expect(result.status == 0, "\(result.stderr)")
        }

        // The same on 4 partitions in place, with 2 bucket tasks and 3 writers (one partition: the test above).
        for (count, buckets, writers) in [(4, 2, 3)] {
            let paths = try Self.partitions(count, scratch, directory: "p\(count)")
            for command in [["dedup", "--partition-stores"] + paths + ["--buckets", "\(buckets)"],
                            ["score", "--metric", "perplexity", "--partition-stores"] + paths,
                            ["dedup", "--partition-stores"] + paths + ["--buckets", "\(buckets)"]] {
                let result = try runner.run(command + ["--quiet"])
                #expect(result.status == 0, "\(command.prefix(3)): \(result.stderr)")
            }
            let stores = paths.map { scratch.path + "/" + $0 }
            let found = try Self.perplexities(stores)
            #expect(expected.scores.count > 300 && found.scores == expected.scores, "\(count) partitions")
            #expect(found.cutoffs == expected.cutoffs, "every partition holds the corpus-wide cut-offs")
            let decided = try Self.decisions(stores)
            #expect(decided.clusters == clusters.clusters, "\(count) partitions: the clusters after scoring")
            #expect(decided.lines.allSatisfy { clusters.lines[$0.key] == $0.value }, "line counts stay corpus-wide when dedup runs again")
            for (name, options) in exports {
                let out = "p\(count)-\(name)"
                if count == 4 && name == "top" {
                    // A writer killed between a shard and its record: run again, it writes the same shard.
                    for step in ["rank", "plan"] {
                        let result = try runner.run(["export", "--partition-stores"] + paths + ["--out", out, "--work", "w-\(name)", "--writers",
                                                                                                "\(writers)", "--step", step] + options + ["--quiet"])
                        #expect(result.status == 0, "\(result.stderr)")
                    }
                    var killer = runner
                    killer.environment["CURATE_CRASH_AT"] = "rename:1"
                    let process = try killer.start(["export", "--partition-stores"] + paths + ["--out", out, "--work", "w-\(name)", "--writers",
                                                                                              "\(writers)", "--step", "write", "--task", "0"] + options)
                    process.waitUntilExit()
                    #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL, "the writer was killed")
                    for step in ["write", "manifest"] {
                        let result = try runner.run(["export", "--partition-stores"] + paths + ["--out", out, "--work", "w-\(name)", "--writers",
                                                                                                "\(writers)", "--step", step] + options + ["--quiet"])
                        #expect(result.status == 0, "\(result.stderr)")
                    }
                    let mine = try RunCommandTests.files(scratch.path + "/" + out), theirs = try RunCommandTests.files(scratch.path + "/merged-\(name)")
                    for (file, data) in theirs where file != "manifest.json" { #expect(mine[file] == data, "after the killed writer: \(file)") }
                    #expect(!mine.keys.contains { $0.hasSuffix(".tmp") }, "\(mine.keys.sorted())")
                    continue
                }
                let result = try runner.run(["export", "--partition-stores"] + paths + ["--out", out, "--writers", "\(writers)"] + options + ["--quiet"])
                #expect(result.status == 0, "\(result.stderr)")
                let mine = try RunCommandTests.files(scratch.path + "/" + out), theirs = try RunCommandTests.files(scratch.path + "/merged-\(name)")
                #expect(mine.count > 2 && Set(mine.keys) == Set(theirs.keys), "\(name): \(mine.keys.sorted())")
                for (file, data) in theirs where file != "manifest.json" { #expect(mine[file] == data, "\(count) partitions, \(name): \(file)") }
                // The manifests differ in the reference's file name only (the merged store trained its own).
                func manifest(_ data: Data?) -> String {
                    String(decoding: data ?? Data(), as: UTF8.self).split(separator: "\n").filter { !$0.contains("\"model\"") }.joined(separator: "\n")
                }
                #expect(manifest(mine["manifest.json"]) == manifest(theirs["manifest.json"]), "\(count) partitions, \(name)")
            }
        }
        // Only the sample's texts were read to train the reference: a cap of 1 byte trains each half on one
        // document, a model a fraction of the size.
        let paths = ["p4/part-0.db", "p4/part-1.db", "p4/part-2.db", "p4/part-3.db"]
        let small = try runner.run(["score", "--metric", "perplexity", "--partition-stores"] + paths
                                   + ["--work", "small", "--reference-bytes", "1", "--step", "train", "--quiet"])
        #expect(small.status == 0, "\(small.stderr)")
        let sizes = try ["even", "odd"].map { try FileManager.default.attributesOfItem(atPath: scratch.path + "/small/reference-\($0).bin")[.size] as! Int }
        let full = try ["even", "odd"].map { try FileManager.default.attributesOfItem(atPath: scratch.path + "/p4/reference/reference-\($0).bin")[.size] as! Int }
        #expect(zip(sizes, full).allSatisfy { $0 < $1 / 4 }, "\(sizes) against \(full)")
        // A score no document has is an error, as on one store (not an empty export).
        let unscored = try runner.run(["export", "--partition-stores"] + paths + ["--out", "y", "--score", "quality"])
        let merged = try runner.run(["export", "--db", "merged.db", "--out", "z", "--score", "quality"])
        #expect(unscored.status == 1 && unscored.stderr.contains("no document has the score quality"), "\(unscored.stderr)")
        #expect(merged.status == 1 && merged.stderr.contains("no document has the score quality"), "\(merged.stderr)")
    }

    @Test func aTaskKilledPartWayRunsAgainToTheSameResult() throws {
        let scratch = Scratch()
        _ = try Self.corpus(scratch)
        let paths = try Self.partitions(3, scratch, directory: "p")
        let runner = scratch.runner
        let steps = ["exact", "prepare", "near", "verify", "groups", "lines", "cluster", "apply"]
        // Reference: every step run straight through on copies of the partitions.
        let copies = paths.map { $0.replacingOccurrences(of: "part-", with: "copy-") }
        for (path, copy) in zip(paths, copies) {
            try FileManager.default.copyItem(atPath: scratch.path + "/" + path, toPath: scratch.path + "/" + copy)
        }
        var result = try runner.run(["dedup", "--partition-stores"] + copies + ["--work", "reference", "--buckets", "2", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let expected = try Self.decisions(copies.map { scratch.path + "/" + $0 })

        // A near task and a verify task killed part-way (SIGKILL at a commit) leave only their temporary
        // outputs; every step then runs task by task, the killed ones again (and the near task a third
        // time, finding it done).
        for step in steps {
            if let crash = ["near": "commit:2", "verify": "commit:1"][step] {
                var killer = runner
                killer.environment["CURATE_CRASH_AT"] = crash
                let process = try killer.start(["dedup", "--partition-stores"] + paths + ["--work", "work", "--buckets", "2", "--step", step,
                                                                                         "--task", "1", "--quiet"])
                process.waitUntilExit()
                #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL, "the \(step) task was killed")
                #expect(!FileManager.default.fileExists(atPath: scratch.path + "/work/\(step)-00001.db"))
            }
            for task in 0..<(step == "groups" ? 1 : ["prepare", "lines", "apply"].contains(step) ? 3 : 2) {
                result = try runner.run(["dedup", "--partition-stores"] + paths + ["--work", "work", "--buckets", "2", "--step", step,
                                                                                   "--task", "\(task)", "--quiet"])
                #expect(result.status == 0, "\(step) \(task): \(result.stderr)")
            }
            if step == "near" {
                #expect(!FileManager.default.fileExists(atPath: scratch.path + "/work/near-00001.db.building"))
                result = try runner.run(["dedup", "--partition-stores"] + paths + ["--work", "work", "--buckets", "2", "--step", "near",
                                                                                   "--task", "1", "--json"])
                #expect(result.status == 0 && result.stdout.contains("\"tasks\" : 0"), "a finished task is not run again: \(result.stdout)")
            }
        }
        // The apply step run twice changes nothing.
        result = try runner.run(["dedup", "--partition-stores"] + paths + ["--work", "work", "--buckets", "2", "--step", "apply", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.decisions(paths.map { scratch.path + "/" + $0 }) == expected)
    }

    @Test func aStepBeforeItsInputsExistSaysWhichStepIsMissing() throws {
        let scratch = Scratch()
        _ = try Self.corpus(scratch)
        let paths = try Self.partitions(2, scratch, directory: "p")
        let result = try scratch.runner.run(["dedup", "--partition-stores"] + paths + ["--step", "cluster"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("the groups step has not finished"), "\(result.stderr)")
        // A store ingested without --partition has no input ranks to order documents across stores.
        let plain = try scratch.runner.run(["ingest", "in", "--db", "plain.db", "--quiet"])
        #expect(plain.status == 0)
        let refused = try scratch.runner.run(["dedup", "--partition-stores", "plain.db", "--work", "w2"])
        #expect(refused.status != 0 && refused.stderr.contains("was not ingested as a partition"), "\(refused.stderr)")
    }
}
