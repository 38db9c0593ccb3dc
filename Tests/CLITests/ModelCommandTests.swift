import Core
import Foundation
import Store
import Testing
import Train

/// train → eval → score --model → finetune → predict → experiment, through the binary.
@Suite(.serialized) struct ModelCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let tiny = """
        layers: 1
        heads: 2
        width: 32
        context: 32
        batch: 4
        vocabulary: 300
        steps: 30
        warmup: 3
        eval_interval: 10
        eval_batches: 2
        threads: 1

        """

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func prepare(_ scratch: Scratch) throws {
        scratch.write("tiny.yaml", tiny)
        for arguments in [["ingest", root + "/samples", "--quiet"], ["score", "--metric", "perplexity", "--quiet"], ["dedup", "--quiet"],
                          ["export", "--top", "0.5", "--out", "out", "--quiet"], ["train", "--shards", "out", "--config", "tiny.yaml", "--out", "run", "--quiet"]] {
            let result = try scratch.runner.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
    }

    @Test func evalScoreFinetuneAndPredict() throws {
        let scratch = Scratch()
        let runner = scratch.runner
        try Self.prepare(scratch)
        for file in ["best.ckpt", "checkpoint.bin", "metrics.csv", "loss.svg", "tokenizer.json"] {
            #expect(FileManager.default.fileExists(atPath: scratch.path + "/run/" + file), "run/\(file)")
        }
        // eval: the same figures on one thread and two; generation with BLEU and ROUGE-L.
        let data = Self.root + "/samples/en/science.jsonl"
        let one = try runner.run(["eval", "--model", "run", "--data", data, "--json", "--threads", "1", "--generate", "3"])
        let two = try runner.run(["eval", "--model", "run/best.ckpt", "--data", data, "--json", "--threads", "2"])
        #expect(one.status == 0 && two.status == 0, "\(one.stderr) \(two.stderr)")
        let first = try Self.json(one.stdout), second = try Self.json(two.stdout)
        let bits = try #require(first["bitsPerByte"] as? Double)
        #expect(bits > 0.5 && bits < 16 && bits == second["bitsPerByte"] as? Double)
        #expect((first["documents"] as? Int) == 50 && (first["tokens"] as? Int ?? 0) > 1000)
        let generation = try #require(first["generation"] as? [String: Any])
        #expect(generation["prompts"] as? Int == 3)
        let bleu = try #require(generation["bleu"] as? Double), rouge = try #require(generation["rougeL"] as? Double)
        #expect((0...100).contains(bleu) && (0...1).contains(rouge))
        // A file that is not a model: one clear line, non-zero exit.
        let wrong = try runner.run(["eval", "--model", "run/checkpoint.bin", "--data", data])
        #expect(wrong.status != 0 && wrong.stderr.contains("not a curate model") && wrong.stderr.split(separator: "\n").count == 1)

        // score --model: the GPT becomes the store's reference; export can rank by it.
        let scored = try runner.run(["score", "--metric", "perplexity", "--model", "run/best.ckpt", "--json"])
        #expect(scored.status == 0, "\(scored.stderr)")
        let store = try Store(path: scratch.path + "/curate.db", create: false)
        let gptDocuments = try store.connection.scalarInt("""
            SELECT count(*) FROM perplexity p JOIN lm_models m ON m.id = p.model_id WHERE m.kind = 'gpt' AND p.bits_per_byte > 0
            """) ?? 0
        let unique = try store.connection.scalarInt("SELECT count(*) FROM documents WHERE duplicate_of IS NULL") ?? -1
        #expect(gptDocuments == unique)

        // finetune: above the majority baseline, the log shows every epoch, best.ckpt predicts.
        let task = Self.root + "/samples/task"
        let tuned = try runner.run(["finetune", "--model", "run", "--train", task + "/train.tsv", "--val", task + "/val.tsv",
                                    "--test", task + "/test.tsv", "--out", "ft", "--max-tokens", "16", "--epochs", "6", "--patience", "2",
                                    "--lr", "0.001", "--threads", "1"])
        #expect(tuned.status == 0, "\(tuned.stderr)")
        #expect(tuned.stdout.contains("epoch  1") && tuned.stdout.contains("majority-class baseline 60.0%"))
        #expect(tuned.stdout.contains("stopped early") || tuned.stdout.contains("ran all 6 epochs"))
        let log = try String(contentsOfFile: scratch.path + "/ft/log.csv", encoding: .utf8).split(separator: "\n")
        #expect(log.first == "epoch,step,train_loss,val_loss,val_accuracy,val_macro_f1,learning_rate,best" && log.count >= 3)
        let accuracies = log.dropFirst().map { Double($0.split(separator: ",")[4])! }
        #expect(accuracies.max()! > 0.7, "validation accuracies \(accuracies)")
        let predicted = try runner.run(["predict", "--model", "ft/best.ckpt", "--data", task + "/test.tsv"])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let lines = predicted.stdout.split(separator: "\n")
        #expect(lines.count == 120)
        let labels = Set(try lines.map { try Self.json(String($0))["label"] as? String ?? "" })
        #expect(labels.isSubset(of: ["junk", "prose"]) && predicted.stderr.contains("accuracy"))
        // A validation label the training set does not have is an error naming it.
        scratch.write("odd.tsv", "id\tlabel\ttext\nx\tspam\tbuy now\n")
        let odd = try runner.run(["finetune", "--model", "run", "--train", task + "/train.tsv", "--val", "odd.tsv", "--out", "ft2", "--epochs", "1"])
        #expect(odd.status != 0 && odd.stderr.contains("\"spam\""))
    }

    /// The masked (BERT) and span (T5) objectives: they train on the samples' export with falling
    /// validation loss, eval reports their own measures, a masked model fine-tunes well past the majority
    /// class, and an experiment arm can name the objective.
    @Test func maskedAndSpanObjectivesTrainEvaluateAndFineTune() throws {
        let scratch = Scratch()
        let runner = scratch.runner
        try Self.prepare(scratch)
        let longer = Self.tiny.replacingOccurrences(of: "steps: 30", with: "steps: 120").replacingOccurrences(of: "eval_interval: 10", with: "eval_interval: 40")
        scratch.write("masked.yaml", longer + "objective: masked\n")
        scratch.write("causal.yaml", longer)
        let masked = try runner.run(["train", "--shards", "out", "--config", "masked.yaml", "--out", "masked", "--json"])
        let span = try runner.run(["train", "--shards", "out", "--config", "causal.yaml", "--objective", "span", "--out", "span", "--json"])
        #expect(masked.status == 0 && span.status == 0, "\(masked.stderr) \(span.stderr)")
        for result in [masked, span] {
            let summary = try Self.json(result.stdout)
            let first = try #require(summary["firstValidationLoss"] as? Double), best = try #require(summary["bestValidationLoss"] as? Double)
            #expect(best < first - 0.3, "validation loss \(first) → \(best)")
        }
        let data = Self.root + "/samples/task/val.tsv"
        let maskedEval = try runner.run(["eval", "--model", "masked", "--data", data, "--json"])
        #expect(maskedEval.status == 0, "\(maskedEval.stderr)")
        let measures = try Self.json(maskedEval.stdout)
        #expect(measures["objective"] as? String == "masked")
        let accuracy = try #require(measures["maskedAccuracy"] as? Double), pseudo = try #require(measures["pseudoPerplexity"] as? Double)
        #expect(accuracy > 0 && accuracy < 1 && pseudo > 1 && pseudo < 1000, "\(accuracy) \(pseudo)")
        let spanEval = try runner.run(["eval", "--model", "span/best.ckpt", "--data", data, "--json"])
        let spanLoss = try #require(try Self.json(spanEval.stdout)["spanLoss"] as? Double)
        #expect(spanLoss > 0 && spanLoss < log(1000.0))
        // What needs a causal model says so.
        let generate = try runner.run(["eval", "--model", "masked", "--data", data, "--generate", "2"])
        #expect(generate.status != 0 && generate.stderr.contains("needs a causal model"))
        let score = try runner.run(["score", "--metric", "perplexity", "--model", "span"])
        #expect(score.status != 0 && score.stderr.contains("needs a causal model"))
        // Fine-tuning from the masked model (bidirectional over each text).
        let task = Self.root + "/samples/task"
        let tuned = try runner.run(["finetune", "--model", "masked", "--train", task + "/train.tsv", "--val", task + "/val.tsv",
                                    "--test", task + "/test.tsv", "--out", "ft", "--max-tokens", "32", "--epochs", "6", "--patience", "3",
                                    "--lr", "0.001", "--threads", "1", "--json"])
        #expect(tuned.status == 0, "\(tuned.stderr)")
        let report = try Self.json(tuned.stdout)
        let test = try #require(report["test"] as? [String: Any])
        let testAccuracy = try #require(test["accuracy"] as? Double), baseline = try #require(test["majorityBaseline"] as? Double)
        #expect(testAccuracy >= baseline + 0.10, "test accuracy \(testAccuracy) against the majority baseline \(baseline)")
        let predicted = try runner.run(["predict", "--model", "ft", "--data", task + "/test.tsv"])
        #expect(predicted.status == 0 && predicted.stderr.contains("accuracy"), "\(predicted.stderr)")
        // An experiment arm trained with the masked objective.
        scratch.write("experiment.yaml", """
            store: curate.db
            out: exp
            train: tiny.yaml
            steps: 8
            top: 0.3
            arms: [top-quality/masked]
            validation: null
            finetune: null
            report: report.md

            """)
        let experiment = try runner.run(["experiment", "experiment.yaml", "--threads", "1"])
        #expect(experiment.status == 0, "\(experiment.stderr)")
        let arm = try ModelFile.read(from: scratch.path + "/exp/arms/top-quality-masked/run")
        #expect(arm.objective == .masked)
        scratch.write("bad.yaml", "arms: [top-quality/bert]\n")
        let bad = try runner.run(["experiment", "bad.yaml"])
        #expect(bad.status != 0 && bad.stderr.contains("/objective"))
    }

    @Test func theExperimentRunsItsArmsAndReRunsOneAloneIdentically() throws {
        let scratch = Scratch()
        let runner = scratch.runner
        try Self.prepare(scratch)
        scratch.write("experiment.yaml", """
            store: curate.db
            out: exp
            train: tiny.yaml
            steps: 12
            top: 0.3
            arms: [all-random, top-quality, top-reverse, middle]
            validation: null
            hold_out_every: 10
            finetune:
              train: \(Self.root)/samples/task/train.tsv
              val: \(Self.root)/samples/task/val.tsv
              epochs: 1
              max_tokens: 16
            report: report.md

            """)
        let run = try runner.run(["experiment", "experiment.yaml", "--threads", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try String(contentsOfFile: scratch.path + "/report.md", encoding: .utf8)
        for row in ["| a all-random", "| b top-quality", "| c top-reverse", "| e middle"] { #expect(report.contains(row), "\(row)") }
        #expect(!report.contains("top-random |"))
        let svg = try String(contentsOfFile: scratch.path + "/report.svg", encoding: .utf8)
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 4)
        func result(_ arm: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path + "/exp/arms/\(arm)/result.json"))) as? [String: Any])
        }
        func documents(_ arm: String) throws -> [String] {
            try String(contentsOfFile: scratch.path + "/exp/arms/\(arm)/data.jsonl", encoding: .utf8).split(separator: "\n")
                .map { try Self.json(String($0))["id"] as! String }
        }
        // The same budget for every arm; the top arms hold the same documents in opposite orders, best first
        // in top-quality as in the ranked export; the held-out documents are in no arm.
        let arms = ["all-random", "top-quality", "top-reverse", "middle"]
        let budgets = try arms.map { try result($0)["tokens"] as! Int }
        #expect(Set(budgets).count == 1)
        let best = try documents("top-quality"), worst = try documents("top-reverse")
        #expect(best == worst.reversed() && !best.isEmpty)
        let held = try String(contentsOfFile: scratch.path + "/exp/validation.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try Self.json(String($0))["id"] as! String }
        let everything = try documents("all-random"), middle = try documents("middle")
        #expect(!held.isEmpty && Set(held).isDisjoint(with: everything))
        #expect(Set(best).isDisjoint(with: middle))
        let tuned = try result("top-quality")["finetuneValidationAccuracy"] as? Double
        #expect(tuned != nil)
        // One arm again, alone: the same curve (training is deterministic); the others are left alone.
        let before = try result("top-quality")
        let again = try runner.run(["experiment", "experiment.yaml", "--arm", "top-quality", "--force", "--threads", "1"])
        #expect(again.status == 0, "\(again.stderr)")
        let after = try result("top-quality")
        #expect((after["curve"] as! [[Double]]) == (before["curve"] as! [[Double]]))
        #expect(after["cleanBitsPerByte"] as! Double == before["cleanBitsPerByte"] as! Double)
        let skipped = try runner.run(["experiment", "experiment.yaml", "--threads", "1"])
        #expect(skipped.status == 0 && skipped.stderr.contains("has results"))
    }

    @Test func experimentArmsRankByTheirOwnScoreOncePerSeed() throws {
        let scratch = Scratch()
        let runner = scratch.runner
        scratch.write("tiny.yaml", Self.tiny)
        for arguments in [["ingest", Self.root + "/samples", "--quiet"], ["score", "--metric", "perplexity", "--quiet"], ["dedup", "--quiet"],
                          ["score", "--metric", "quality", "--positive", Self.root + "/samples/txt", "--quiet"]] {
            let result = try runner.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        let experiment = """
            store: curate.db
            out: exp
            train: tiny.yaml
            steps: 8
            top: 0.3
            arms: [top-quality@perplexity, top-quality@quality, top-random@quality]
            seeds: [1, 2]
            validation: \(Self.root)/samples/task/val.tsv
            validation_label: prose
            finetune: null
            report: report.md

            """
        scratch.write("experiment.yaml", experiment)
        // Arms ranked by different scores need one held-out set.
        scratch.write("bad.yaml", experiment.replacingOccurrences(of: "validation: \(Self.root)/samples/task/val.tsv", with: "validation: null"))
        let bad = try runner.run(["experiment", "bad.yaml", "--threads", "1"])
        #expect(bad.status != 0 && bad.stderr.contains("need one held-out set"))
        let run = try runner.run(["experiment", "experiment.yaml", "--threads", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        func path(_ arm: String, _ seed: Int) -> String { scratch.path + "/exp/arms/\(arm)/seed-\(seed)" }
        func result(_ arm: String, _ seed: Int) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path(arm, seed) + "/result.json"))) as? [String: Any])
        }
        func documents(_ arm: String, _ seed: Int) throws -> [String] {
            try String(contentsOfFile: path(arm, seed) + "/data.jsonl", encoding: .utf8).split(separator: "\n")
                .map { try Self.json(String($0))["id"] as! String }
        }
        // Each score's own ranking, as export ranks by it: quality's best first, perplexity's different.
        var ranked: [String] = []
        try ShardReader.forEachDocument(scratch.path + "/exp/ranked-quality-per-language") { id, _ in ranked.append(id) }
        let byQuality = try documents("top-quality@quality", 1)
        #expect(!byQuality.isEmpty && Array(ranked.prefix(byQuality.count)) == byQuality)
        #expect(try documents("top-quality@perplexity", 1) != byQuality)
        // Seeds: the same documents in a best-first arm, another shuffle and another model in a random one.
        #expect(try documents("top-quality@quality", 2) == byQuality)
        #expect(try documents("top-random@quality", 1) != (try documents("top-random@quality", 2)))
        #expect(Set(try documents("top-random@quality", 1)) == Set(byQuality))
        #expect(try result("top-quality@quality", 1)["seed"] as? Int == 1)
        #expect((try result("top-quality@quality", 1)["curve"] as! [[Double]]) != (try result("top-quality@quality", 2)["curve"] as! [[Double]]))
        let report = try String(contentsOfFile: scratch.path + "/report.md", encoding: .utf8)
        #expect(report.contains("| b top-quality@quality | 2 |") && report.contains("clean bits/byte: mean"))
        let svg = try String(contentsOfFile: scratch.path + "/report.svg", encoding: .utf8)
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 3)
    }
}
