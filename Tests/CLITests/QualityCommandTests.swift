import Foundation
import Store
import Testing

/// `curate quality train|inspect`, `score --metric quality`, `export --score quality` and `rank-eval`
/// through the binary, on samples/.
@Suite(.serialized) struct QualityCommandTests {
    static let root = ModelCommandTests.root

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Rows of the quality scores (or the combined ones), as text, in seq order.
    static func scores(_ path: String, table: String = "quality_scores") throws -> [String] {
        try textRows(path, "SELECT seq || '|' || document_id || '|' || language || '|' || fold || '|' || quote(score) || '|' || quote(percentile) FROM \(table) ORDER BY model_id, seq")
    }

    /// The first column of each row of `sql`, as text.
    static func textRows(_ path: String, _ sql: String) throws -> [String] {
        let statement = try Store(path: path, create: false).connection.prepare(sql)
        var rows: [String] = []
        while try statement.step() { rows.append(statement.text(0) ?? "") }
        return rows
    }

    static func count(_ path: String, _ sql: String) throws -> Int64 {
        try Store(path: path, create: false).connection.scalarInt(sql) ?? -1
    }

    @Test func trainScoreExportAndEvaluateOnSamples() throws {
        let scratch = Scratch()
        let runner = scratch.runner
        for db in ["a.db", "b.db"] {
            #expect(try runner.run(["ingest", Self.root + "/samples", "--db", db, "--quiet"]).status == 0)
        }
        // The clean .txt samples as exemplars against documents drawn from the store (cross-fitted).
        let trained = try runner.run(["quality", "train", "--positive", Self.root + "/samples/txt", "--out", "a.model", "--db", "a.db", "--threads", "2", "--json"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let header = try #require(try Self.json(trained.stdout)["header"] as? [String: Any])
        #expect(header["folds"] as? Int == 5 && header["loss"] as? String == "logistic")
        let counts = try #require(header["counts"] as? [String: Int])
        // 20 exemplars; every store document but duplicates and the exemplars' own copies is a negative.
        #expect(counts["positives"] == 20 && (counts["negatives"] ?? 0) > 250)
        // The same data on one thread: a byte-identical model.
        #expect(try runner.run(["quality", "train", "--positive", Self.root + "/samples/txt", "--out", "b.model", "--db", "b.db", "--threads", "1", "--quiet"]).status == 0)
        let a = try #require(FileManager.default.contents(atPath: scratch.path + "/a.model"))
        #expect(a == FileManager.default.contents(atPath: scratch.path + "/b.model"))

        let inspect = try runner.run(["quality", "inspect", "a.model"])
        #expect(inspect.status == 0 && inspect.stdout.contains("toward good") && inspect.stdout.contains("5 cross-fitted folds"))

        // Scores on two threads and on one are the same rows.
        let scored = try runner.run(["score", "--metric", "quality", "--model", "a.model", "--db", "a.db", "--threads", "2", "--json"])
        #expect(scored.status == 0, "\(scored.stderr)")
        let summary = try #require(try Self.json(scored.stdout)["scored"] as? [String: Any])
        #expect(summary["documents"] as? Int == Int(try Self.count(scratch.path + "/a.db", "SELECT count(*) FROM documents WHERE duplicate_of IS NULL")))
        #expect(try runner.run(["score", "--metric", "quality", "--model", "a.model", "--db", "b.db", "--threads", "1", "--quiet"]).status == 0)
        let rows = try Self.scores(scratch.path + "/a.db")
        let rowsB = try Self.scores(scratch.path + "/b.db")
        #expect(!rows.isEmpty && rows == rowsB)
        // Every fold scored some documents; percentiles run from 0 to 1 in each language.
        #expect(try Self.count(scratch.path + "/a.db", "SELECT count(DISTINCT fold) FROM quality_scores") == 5)
        let spanning = try Self.count(scratch.path + "/a.db", "SELECT count(*) FROM (SELECT language FROM quality_scores GROUP BY language HAVING min(percentile) = 0 AND max(percentile) = 1)")
        let languages = try Self.count(scratch.path + "/a.db", "SELECT count(*) FROM (SELECT language FROM quality_scores GROUP BY language HAVING count(*) > 1)")
        #expect(languages >= 2 && spanning == languages)
        let again = try runner.run(["score", "--metric", "quality", "--model", "a.model", "--db", "a.db"])
        #expect(again.stdout.contains("nothing new to score"))

        // dedup, then the best 30% by quality.
        #expect(try runner.run(["dedup", "--db", "a.db", "--quiet"]).status == 0)
        let export = try runner.run(["export", "--top", "0.3", "--score", "quality", "--out", "out", "--db", "a.db", "--json"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(try runner.run(["export", "--verify", "out"]).status == 0)

        // rank-eval: the learned score ranks the labelled samples far better than chance, the export too.
        let labels = Self.root + "/samples/labels.tsv" // samples/tools/build_labels.py
        let evaluation = try runner.run(["rank-eval", "--labels", labels, "--export", "out", "--db", "a.db", "--json"])
        #expect(evaluation.status == 0, "\(evaluation.stderr)")
        let report = try Self.json(evaluation.stdout)
        #expect((report["matched"] as? Int ?? 0) > 250 && report["unmatched"] as? Int == 0)
        let signals = try #require(report["signals"] as? [[String: Any]])
        let quality = try #require(signals.first { $0["name"] as? String == "quality" })
        #expect((quality["auc"] as? Double ?? 0) > 0.85, "quality AUC \(quality["auc"] ?? "none")")
        #expect((quality["top30"] as? Double ?? 0) > 0.9)
        let exported = try #require(signals.first { $0["name"] as? String == "export" })
        #expect((exported["top10"] as? Double ?? 0) > 0.9)
        #expect(signals.contains { $0["name"] as? String == "c4.curly_bracket" } == false) // heuristics not scored here
        let text = try runner.run(["rank-eval", "--labels", labels, "--score", "quality", "--db", "a.db"])
        #expect(text.stdout.contains("quality") && text.stdout.contains("good@10%"))
    }

    @Test func combinedRankingIsStackedOnEveryStoredSignalCrossFittedDeterministicAndResumable() throws {
        let scratch = Scratch()
        let runner = scratch.runner
        for db in ["a.db", "b.db", "killed.db"] {
            #expect(try runner.run(["ingest", Self.root + "/samples", "--db", db, "--quiet"]).status == 0)
            #expect(try runner.run(["score", "--metric", "perplexity", "--contrast", "--lm-order", "3", "--db", db, "--quiet"]).status == 0)
        }
        // Without a store's signals there is nothing to combine.
        let storeless = try runner.run(["quality", "train", "--positive", Self.root + "/samples/txt", "--negative", Self.root + "/samples/en",
                                        "--combine", "--out", "x.model", "--db", "missing.db"])
        #expect(storeless.status != 0 && storeless.stderr.contains("--combine needs a store"))

        let trained = try runner.run(["quality", "train", "--positive", Self.root + "/samples/txt", "--combine", "--out", "a.model",
                                      "--db", "a.db", "--threads", "2", "--json"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let header = try #require(try Self.json(trained.stdout)["header"] as? [String: Any])
        let stacked = try #require(header["stacked"] as? [String: Any])
        let names = try #require(stacked["names"] as? [String])
        for signal in ["quality", "perplexity", "bits_per_byte", "moore_lewis", "c4.curly_bracket", "fineweb.short_lines", "statistics missing"] {
            #expect(names.contains(signal), "\(signal) not among \(names)")
        }
        #expect((stacked["folds"] as? [Any])?.count == 5)
        // The same data on one thread: a byte-identical model, stacked part included.
        #expect(try runner.run(["quality", "train", "--positive", Self.root + "/samples/txt", "--combine", "--out", "b.model",
                                "--db", "b.db", "--threads", "1", "--quiet"]).status == 0)
        let a = try #require(FileManager.default.contents(atPath: scratch.path + "/a.model"))
        #expect(a == FileManager.default.contents(atPath: scratch.path + "/b.model"))
        let inspect = try runner.run(["quality", "inspect", "a.model"])
        #expect(inspect.stdout.contains("combined ranking over \(names.count) signals") && inspect.stdout.contains("moore_lewis"))

        let scored = try runner.run(["score", "--metric", "quality", "--model", "a.model", "--db", "a.db", "--json"])
        #expect(scored.status == 0, "\(scored.stderr)")
        let combined = try #require(try Self.json(scored.stdout)["combined"] as? [String: Any])
        let documents = Int(try Self.count(scratch.path + "/a.db", "SELECT count(*) FROM quality_scores"))
        #expect(combined["documents"] as? Int == documents && documents > 250)
        // Cross-fitting: every document's combined score comes from the fits of its classifier fold,
        // which left it out (StackerTests: each fold's fit leaves its rows out).
        #expect(try Self.count(scratch.path + "/a.db", """
            SELECT count(*) FROM combined_scores c JOIN quality_scores q ON q.model_id = c.model_id AND q.seq = c.seq WHERE q.fold = c.fold
            """) == Int64(documents))
        #expect(try Self.count(scratch.path + "/a.db", "SELECT count(DISTINCT fold) FROM combined_scores") == 5)

        // score --metric combined: the same rows from the same model on the same signals in another store;
        // a model without a combined ranking is refused.
        let other = try runner.run(["score", "--metric", "combined", "--model", "a.model", "--db", "b.db", "--quiet"])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(try Self.scores(scratch.path + "/b.db", table: "combined_scores") == (try Self.scores(scratch.path + "/a.db", table: "combined_scores")))
        #expect(try runner.run(["quality", "train", "--positive", Self.root + "/samples/txt", "--out", "plain.model", "--db", "b.db", "--quiet"]).status == 0)
        let plain = try runner.run(["score", "--metric", "combined", "--model", "plain.model", "--db", "b.db"])
        #expect(plain.status != 0 && plain.stderr.contains("has no combined ranking"))
        // Killed while scoring, then run again: the same rows as a clean run.
        var killer = runner
        killer.environment["CURATE_CRASH_AT"] = "batch-commit:1"
        let process = try killer.start(["score", "--metric", "quality", "--model", "a.model", "--db", "killed.db", "--quiet"])
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
        #expect(try Self.count(scratch.path + "/killed.db", "SELECT count(*) FROM combined_scores") == 0)
        #expect(try runner.run(["score", "--metric", "quality", "--model", "a.model", "--db", "killed.db", "--quiet"]).status == 0)
        let expected = try Self.scores(scratch.path + "/a.db", table: "combined_scores")
        #expect(try Self.scores(scratch.path + "/killed.db", table: "combined_scores") == expected)

        // show gives a document's every score.
        let shownID = try Self.count(scratch.path + "/a.db", "SELECT d.id FROM documents d JOIN combined_scores c ON c.seq = d.seq ORDER BY d.seq LIMIT 1")
        let shown = try runner.run(["show", "\(shownID)", "--db", "a.db"])
        #expect(shown.status == 0 && shown.stdout.contains("combined") && shown.stdout.contains("Moore–Lewis"), "\(shown.stdout)")
        // rank-eval puts it beside every other signal; export ranks by it by default.
        let labels = Self.root + "/samples/labels.tsv"
        let evaluation = try Self.json(try runner.run(["rank-eval", "--labels", labels, "--db", "a.db", "--json"]).stdout)
        let signals = try #require(evaluation["signals"] as? [[String: Any]])
        let combinedAUC = try #require(signals.first { $0["name"] as? String == "combined" }?["auc"] as? Double)
        #expect(combinedAUC > 0.85, "combined AUC \(combinedAUC)")
        #expect(signals.contains { $0["name"] as? String == "moore_lewis" })
        let export = try runner.run(["export", "--top", "0.3", "--out", "out", "--db", "a.db", "--json"])
        #expect(export.status == 0, "\(export.stderr)")
        let manifest = try #require(try Self.json(export.stdout)["manifest"] as? [String: Any])
        #expect(((manifest["options"] as? [String: Any])?["score"] as? [String: Double]) == ["combined": 1])
        #expect((manifest["qualityModel"] as? String)?.hasSuffix("/a.model") == true)
    }

    @Test func storedCopiesOfExemplarsAreScoredByFoldsThatDidNotTrainOnThem() throws {
        let scratch = Scratch()
        let runner = scratch.runner
        // 240 documents, each with words of its own; 40 of them are also the exemplars.
        let common = ["the", "river", "town", "market", "opens", "early", "and", "people", "walk", "there"]
        var corpus = "", exemplars = ""
        for index in 0..<240 {
            let own = (0..<6).map { "w\(index)x\(ContrastCommandTests.nonce($0 + 7 * index))" }.joined(separator: " ")
            let rotated = (0..<common.count).map { common[($0 + index) % common.count] }
            // Good and ordinary documents differ only in their own words: only a fit that saw a document
            // can tell which it is.
            let text = "\(own) \(rotated.joined(separator: " ")) \(own)."
            corpus += Corpus.jsonl(id: "d\(index)", text: text)
            if index < 40 { exemplars += Corpus.jsonl(id: "e\(index)", text: text) }
        }
        scratch.write("corpus.jsonl", corpus)
        scratch.write("exemplars.jsonl", exemplars)
        #expect(try runner.run(["ingest", "corpus.jsonl", "--quiet"]).status == 0)
        func meanExemplarScore(folds: Int) throws -> Double {
            #expect(try runner.run(["quality", "train", "--positive", "exemplars.jsonl", "--folds", "\(folds)", "--l2", "0.00001", "--out", "q\(folds).model", "--quiet"]).status == 0)
            #expect(try runner.run(["score", "--metric", "quality", "--model", "q\(folds).model", "--quiet"]).status == 0)
            let store = try Store(path: scratch.path + "/curate.db", create: false)
            let model = try #require(try store.latestQualityModelID())
            let mean = try store.connection.prepare("""
                SELECT avg(q.score) FROM quality_scores q JOIN documents d ON d.seq = q.seq
                WHERE q.model_id = \(model) AND CAST(substr(d.external_id, 2) AS INTEGER) < 40
                """)
            #expect(try mean.step())
            return mean.double(0)
        }
        // One model on everything scores its own training texts; five folds score each stored copy
        // with a fit that never saw its words, so its score is far lower.
        let inSample = try meanExemplarScore(folds: 1)
        let crossFitted = try meanExemplarScore(folds: 5)
        #expect(crossFitted < inSample - 1, "cross-fitted \(crossFitted), in-sample \(inSample)")
    }

    @Test func filterLabelsShowsWhatEachRuleDropsOfGoodAndBad() throws {
        let scratch = Scratch()
        let runner = scratch.runner
        #expect(try runner.run(["ingest", Self.root + "/samples", "--quiet"]).status == 0)
        #expect(try runner.run(["score", "--metric", "heuristics", "--quiet"]).status == 0)
        // A measurement stores no verdicts: with the stored ones cleared, none come back.
        try Store(path: scratch.path + "/curate.db", create: false).connection.execute("DELETE FROM filter_verdicts")
        let result = try runner.run(["filter", "--labels", Self.root + "/samples/labels.tsv", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.json(result.stdout)
        let languages = try #require(report["languages"] as? [String: [String: Any]])
        // On the samples the profiles keep every clean article and drop every junk page (rank-eval: AUC 1).
        for language in ["en", "zh"] {
            let counts = try #require(languages[language])
            let good = counts["good"] as? Int ?? 0, bad = counts["bad"] as? Int ?? 0
            #expect(good > 100 && bad > 10, "\(language): \(good) good, \(bad) bad")
            #expect((counts["droppedGood"] as? [String: Int])?["any rule (not kept)"] == nil)
            #expect((counts["droppedBad"] as? [String: Int])?["any rule (not kept)"] == bad)
        }
        let rules = try #require(report["rules"] as? [String])
        #expect(rules.contains("gopher_quality.too_few_words"))
        let text = try runner.run(["filter", "--labels", Self.root + "/samples/labels.tsv"])
        #expect(text.stdout.contains("any rule (not kept)") && text.stdout.contains("0.0% / 100.0%"))
        #expect(try Self.count(scratch.path + "/curate.db", "SELECT count(*) FROM filter_verdicts") == 0)
    }

    @Test func aKilledScoringRunResumesToTheCleanResult() throws {
        let scratch = Scratch()
        let runner = scratch.runner
        for db in ["clean.db", "killed.db"] {
            #expect(try runner.run(["ingest", Self.root + "/samples", "--db", db, "--quiet"]).status == 0)
        }
        #expect(try runner.run(["quality", "train", "--positive", Self.root + "/samples/txt", "--folds", "2", "--out", "q.model", "--db", "clean.db", "--quiet"]).status == 0)
        #expect(try runner.run(["score", "--metric", "quality", "--model", "q.model", "--db", "clean.db", "--quiet"]).status == 0)
        var killer = runner
        killer.environment["CURATE_CRASH_AT"] = "batch-commit:1"
        let process = try killer.start(["score", "--metric", "quality", "--model", "q.model", "--db", "killed.db", "--quiet"])
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
        let partial = try Self.count(scratch.path + "/killed.db", "SELECT count(*) FROM quality_scores")
        let complete = try Self.count(scratch.path + "/clean.db", "SELECT count(*) FROM quality_scores")
        #expect(partial > 0 && partial < complete)
        let resumed = try runner.run(["score", "--metric", "quality", "--model", "q.model", "--db", "killed.db", "--json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let expected = try Self.scores(scratch.path + "/clean.db")
        #expect(try Self.scores(scratch.path + "/killed.db") == expected)
    }

    @Test func badInputIsOneClearErrorAndLeavesTheStoreAsItWas() throws {
        let scratch = Scratch()
        let runner = scratch.runner
        #expect(try runner.run(["ingest", Self.root + "/samples/en", "--quiet"]).status == 0)
        let store = scratch.path + "/curate.db"
        let before = try Self.count(store, "SELECT count(*) FROM runs")
        func fails(_ arguments: [String], _ message: String) throws {
            let result = try runner.run(arguments)
            #expect(result.status == 1, "\(arguments): status \(result.status)")
            let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.hasPrefix("curate: error: ") && first.contains(message), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error") && result.stderr.split(separator: "\n").count <= 2)
        }
        scratch.write("empty/nothing.jsonl", "")
        try fails(["quality", "train", "--positive", "empty", "--out", "q.model"], "hold no documents")
        scratch.write("one-class.jsonl", "{\"id\": \"en1-001\", \"label\": \"good\"}\n{\"id\": \"en1-002\", \"label\": 1}\n")
        try fails(["quality", "train", "--labels", "one-class.jsonl", "--out", "q.model"], "only one class")
        scratch.write("words.jsonl", "{\"id\": \"en1-001\", \"label\": \"good\"}\n{\"id\": \"en1-002\", \"label\": \"great\"}\n")
        try fails(["quality", "train", "--labels", "words.jsonl", "--out", "q.model"], "words.jsonl:2: label 'great' is not a number or a known class")
        scratch.write("pairs.jsonl", "{\"chosen_id\": \"en1-001\", \"rejected_id\": \"en1-002\"}\n{\"chosen_id\": \"en1-003\", \"rejected_id\": \"nonesuch\"}\n")
        try fails(["quality", "train", "--preferences", "pairs.jsonl", "--out", "q.model"], "pairs.jsonl:2: no document with id 'nonesuch'")
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/q.model"))
        try fails(["score", "--metric", "quality", "--labels", "words.jsonl"], "words.jsonl:2")

        // A model cut short, and one of another format version.
        #expect(try runner.run(["quality", "train", "--positive", Self.root + "/samples/txt", "--negative", Self.root + "/samples/web", "--out", "q.model", "--quiet"]).status == 0)
        let model = try #require(FileManager.default.contents(atPath: scratch.path + "/q.model"))
        _ = FileManager.default.createFile(atPath: scratch.path + "/cut.model", contents: model.prefix(model.count / 2))
        try fails(["score", "--metric", "quality", "--model", "cut.model"], "cut.model is not a usable curate quality model")
        var other = model
        other[8] = 7
        _ = FileManager.default.createFile(atPath: scratch.path + "/v7.model", contents: other)
        try fails(["score", "--metric", "quality", "--model", "v7.model"], "format version 7")
        try fails(["quality", "inspect", "v7.model"], "format version 7")
        try fails(["score", "--metric", "quality"], "no quality model to score with")
        #expect(try Self.count(store, "SELECT count(*) FROM runs") == before)
        #expect(try Self.count(store, "SELECT count(*) FROM quality_scores") == 0)
    }
}
