import ArgumentParser
import Core
import Export
import Foundation
import Store
import Train

/// `curate experiment`
struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Train the same model on differently ranked data and show what the ranking is worth.",
        discussion: """
            Exports every surviving document of the store in quality order, learns one tokenizer, then trains \
            one arm per selection and order with the same model, seed and token budget (no early stopping): \
            (a) all-random, (b) top-quality, (c) top-reverse, (d) top-random, (e) middle. Each arm is \
            evaluated on the same held-out clean set (bits per byte), timed to a target validation loss, and \
            fine-tuned on the labelled task. Writes out/report.md (every figure, the command and the config) \
            and out/validation.svg. An arm with results is skipped (--force runs it again); an interrupted \
            arm resumes from its checkpoint; --arm runs only the arms named.

            Example: curate experiment pipelines/experiment.yaml
            """)

    @Argument(help: ArgumentHelp("The experiment file (see pipelines/experiment.yaml).", valueName: "experiment.yaml"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("Run only this arm (repeatable): all-random, top-quality, top-reverse, top-random, middle, each optionally @score as in the file.", valueName: "name"))
    var arm: [String] = []

    @Flag(name: .long, help: "Run arms again even if they have results.")
    var force = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let config = try ExperimentConfig.load(file)
        let only = try arm.map { name -> ExperimentConfig.ArmSpec in
            guard let value = ExperimentConfig.ArmSpec(name) else { throw ValidationError("--arm: unknown arm '\(name)'") }
            return value
        }
        let runner = try ExperimentRunner(config: config, file: file, global: global)
        for arm in config.arms where only.isEmpty || only.contains(arm) {
            for seed in config.seeds { try runner.run(arm, seed: seed, force: force) }
        }
        let results = config.arms.flatMap { arm in config.seeds.compactMap { runner.result(arm, seed: $0) } }
        let report = ExperimentReport(config: config, file: file, results: results, documents: runner.pools.mapValues(\.count),
                                      validationDocuments: runner.validation.count)
        try report.write(directory: config.out)
        if let path = config.report {
            try report.markdown(svgName: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent + ".svg")
                .write(toFile: path, atomically: true, encoding: .utf8)
            try report.svg().write(toFile: URL(fileURLWithPath: path).deletingPathExtension().path + ".svg", atomically: true, encoding: .utf8)
        }
        if global.json {
            try Output.json(results)
        } else if !global.quiet {
            for line in report.table { Output.line(line) }
            Output.line("experiment  \(Output.displayPath(config.out))/report.md, validation.svg" + (config.report.map { ", \($0)" } ?? ""))
        }
    }
}

/// What one arm measured (arms/NAME/result.json).
struct ArmResult: Codable {
    var arm: String
    /// The seed of this run (model initialisation, random orders, fine-tuning).
    var seed: UInt64?
    var documents: Int
    var dataTokens: Int
    var steps: Int
    var tokens: Int64
    var firstValidationLoss: Double
    var bestValidationLoss: Double
    var finalValidationLoss: Double
    var cleanBitsPerByte: Double
    var cleanPerplexity: Double
    /// (tokens seen, validation loss) at each validation.
    var curve: [[Double]]
    var trainSeconds: Double
    var finetuneValidationAccuracy: Double?
    var finetuneTestAccuracy: Double?
    var finetuneTestMacroF1: Double?
    var finetuneBestEpoch: Int?
    var finetuneEpochs: Int?
    var majorityBaseline: Double?

    /// Tokens seen when the validation loss first reached `target`.
    /// (metrics.csv holds six decimals: a tolerance of 1e-6 keeps an arm whose best is the target from missing it by rounding.)
    func tokensToReach(_ target: Double) -> Double? { curve.first { $0[1] <= target + 1e-6 }.map { $0[0] } }
}

/// Prepares the shared pieces (one ranking per score, the held-out set, the tokenizer) and runs arms.
final class ExperimentRunner {
    let config: ExperimentConfig
    let global: GlobalOptions
    let console: Console
    /// Per score ("" for the experiment's default): the ranked documents best first, held-out ones removed.
    private(set) var pools: [String: [(id: String, text: String)]] = [:]
    private(set) var validation: [(id: String, text: String)] = []
    let tokenizer: BPETokenizer
    var settings: TrainConfig

    init(config: ExperimentConfig, file: String, global: GlobalOptions) throws {
        self.config = config
        self.global = global
        console = global.makeConsole()
        let out = config.out
        try FileManager.default.createDirectory(atPath: out + "/arms", withIntermediateDirectories: true)
        settings = TrainConfig()
        if let path = config.trainConfig { try settings.apply(file: path) }
        if let steps = config.steps {
            settings.steps = steps
            if settings.warmup >= steps { settings.warmup = steps / 10 }
        }
        settings.patience = 100_000 // every arm spends the same token budget: no early stopping
        settings.seed = config.seed
        if let threads = global.threads { settings.threads = threads }
        let scores = Array(Set(config.arms.map { $0.score ?? config.score ?? "" })).sorted()
        if scores.count > 1 && config.validation == nil {
            throw ValidationError("arms ranked by different scores need one held-out set: give `validation` in \(file)")
        }
        // 1. The documents of each ranking in its order (an export of all of them, made once): each score
        //    as `curate export` ranks by it, its filters hard or soft as export's default for it.
        for score in scores {
            let ranked = out + "/ranked" + (score.isEmpty ? "" : "-" + score) + (config.perLanguage ? "-per-language" : "")
            if !FileManager.default.fileExists(atPath: ranked + "/manifest.json") {
                let store = try Store(path: config.store, create: false)
                var options = ExportOptions()
                if !score.isEmpty {
                    options.score = [score: 1]
                } else if try store.connection.scalarInt("SELECT EXISTS (SELECT 1 FROM combined_scores)") == 1 {
                    options.score = [QualityMetric.combined.rawValue: 1] // export's own default
                }
                options.perLanguage = config.perLanguage
                options.threads = global.threadCount
                options.shardSize = 1 << 40
                if !global.quiet {
                    console.write("experiment: ranking the documents of \(config.store) by \(options.score.keys.sorted().joined(separator: "+")) "
                                  + "(curate export --top 1\(config.perLanguage ? " --per-language" : ""))\n")
                }
                _ = try Exporter(store: store, options: options, console: console, command: ["curate", "experiment", file]).run(to: ranked)
            }
            var all: [(id: String, text: String)] = []
            try ShardReader.forEachDocument(ranked) { all.append(($0, $1)) }
            // 2. The held-out clean set: given, or every n-th ranked document (left out of every arm).
            if config.validation != nil {
                pools[score] = all
            } else {
                var pool: [(id: String, text: String)] = []
                for (index, document) in all.enumerated() {
                    if (index + 1) % config.holdOutEvery == 0 { validation.append(document) } else { pool.append(document) }
                }
                pools[score] = pool
            }
        }
        if let path = config.validation {
            validation = try LabelledData.read(path, labelField: "label", requireLabels: false)
                .filter { config.validationLabel == nil || $0.label == config.validationLabel }.map { ($0.id, $0.text) }
        }
        guard !validation.isEmpty else { throw ValidationError("the validation set is empty") }
        try Self.writeJSONL(validation, to: out + "/validation.jsonl")
        // 3. One tokenizer for every arm, learnt on every ranked document (each once).
        let tokenizerPath = out + "/tokenizer.json"
        if let existing = try? BPETokenizer.read(from: tokenizerPath) {
            tokenizer = existing
        } else {
            var seen = Set<String>()
            let ranked = pools
            let union = scores.flatMap { ranked[$0] ?? [] }.filter { seen.insert($0.id).inserted }
            try Self.writeJSONL(union, to: out + "/pool.jsonl")
            tokenizer = try BPETokenizer.train(shards: out + "/pool.jsonl", vocabularySize: settings.vocabulary, sampleBytes: 100 << 20)
            try tokenizer.write(to: tokenizerPath)
        }
    }

    static func writeJSONL(_ documents: [(id: String, text: String)], to path: String) throws {
        var data = Data()
        for document in documents {
            data.append(try JSONSerialization.data(withJSONObject: ["id": document.id, "text": document.text], options: [.sortedKeys]))
            data.append(0x0A)
        }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The documents an arm trains on, in its order.
    func selection(_ spec: ExperimentConfig.ArmSpec, seed: UInt64) -> [(id: String, text: String)] {
        let pool = pools[spec.score ?? config.score ?? ""] ?? []
        let n = pool.count
        let top = Array(pool.prefix(max(1, Int((config.top * Double(n)).rounded(.up)))))
        func shuffled(_ documents: [(id: String, text: String)]) -> [(id: String, text: String)] {
            var copy = documents
            var random = SplitMix(seed: seed ^ 0x5EED)
            for index in stride(from: copy.count - 1, to: 0, by: -1) { copy.swapAt(index, Int(random.next() % UInt64(index + 1))) }
            return copy
        }
        switch spec.kind {
        case .allRandom: return shuffled(pool)
        case .topQuality: return top
        case .topReverse: return top.reversed()
        case .topRandom: return shuffled(top)
        case .middle:
            // cc_net's middle bucket: past the 30th percentile, up to the 60th (the same rounding as the top cut).
            let start = min(n - 1, Int((0.3 * Double(n)).rounded(.up)))
            return Array(pool[start..<max(start + 1, Int((0.6 * Double(n)).rounded(.up)))])
        }
    }

    /// arms/NAME, or arms/NAME/seed-N when the experiment has several seeds.
    func directory(_ arm: ExperimentConfig.ArmSpec, seed: UInt64) -> String {
        config.out + "/arms/" + arm.name.replacingOccurrences(of: "/", with: "-") + (config.seeds.count > 1 ? "/seed-\(seed)" : "")
    }

    func result(_ arm: ExperimentConfig.ArmSpec, seed: UInt64) -> ArmResult? {
        guard let data = FileManager.default.contents(atPath: directory(arm, seed: seed) + "/result.json") else { return nil }
        return try? JSONDecoder().decode(ArmResult.self, from: data)
    }

    func run(_ arm: ExperimentConfig.ArmSpec, seed: UInt64, force: Bool) throws {
        let directory = directory(arm, seed: seed)
        let label = "arm \(arm.kind.letter) \(arm.name)" + (config.seeds.count > 1 ? " seed \(seed)" : "")
        if !force, result(arm, seed: seed) != nil {
            if !global.quiet { console.write("experiment: \(label) has results (--force to run it again)\n") }
            return
        }
        if force { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var settings = self.settings
        settings.seed = seed
        if let objective = arm.objective { settings.objective = objective }
        let documents = selection(arm, seed: seed)
        try Self.writeJSONL(documents, to: directory + "/data.jsonl")
        let corpus = try TokenCorpus.load(shards: directory + "/data.jsonl", validation: config.out + "/validation.jsonl", tokenizer: tokenizer,
                                          holdOutEvery: settings.holdOutEvery, order: .asExported, seed: settings.seed)
        let resume = FileManager.default.fileExists(atPath: directory + "/run/" + Trainer.checkpointName)
        let talk = !global.quiet && !global.json
        if talk {
            Output.line("\(label): \(arm.summary); \(Formatting.count(documents.count)) documents, "
                        + "\(Formatting.count(corpus.train.count)) tokens" + (resume ? " (resuming)" : ""))
        }
        let trainer = try Trainer(config: settings, corpus: corpus, tokenizer: tokenizer, directory: directory + "/run", console: console,
                                  resume: resume)
        let summary = try trainer.run()
        let metrics = try String(contentsOfFile: directory + "/run/metrics.csv", encoding: .utf8)
        let curve: [[Double]] = metrics.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 5, let tokens = Double(fields[1]), let loss = Double(fields[3]) else { return nil }
            return [tokens, loss]
        }
        let model = try ModelFile.read(from: directory + "/run")
        var clean = TextLoss()
        if model.objective == .causal {
            for loss in try Evaluator.measure(validation.map { Array($0.text.utf8) }, file: model, threads: global.threadCount) { clean.add(loss) }
        } else {
            // The objective's own loss (pseudo-log-likelihood or span loss): it compares arms of one objective only.
            let measures = ObjectiveEvaluation.measure(validation.map { Array($0.text.utf8) }, file: model)
            clean.tokens = measures.predictedTokens
            clean.nats = measures.nats
            clean.bytes = measures.bytes
        }
        var result = ArmResult(arm: arm.name, seed: seed, documents: documents.count, dataTokens: corpus.train.count, steps: summary.steps,
                               tokens: summary.tokens, firstValidationLoss: summary.firstValidationLoss ?? .nan,
                               bestValidationLoss: summary.bestValidationLoss ?? .nan, finalValidationLoss: curve.last?[1] ?? .nan,
                               cleanBitsPerByte: clean.bitsPerByte, cleanPerplexity: clean.perplexity, curve: curve,
                               trainSeconds: summary.seconds)
        if talk {
            Output.line("        validation loss \(Formatting.decimal(result.firstValidationLoss, places: 3)) → best "
                        + "\(Formatting.decimal(result.bestValidationLoss, places: 3)); clean set \(Formatting.decimal(clean.bitsPerByte, places: 4)) bits per byte")
        }
        if let finetune = config.finetune {
            var settings = finetune.settings
            settings.seed = seed
            settings.threads = global.threadCount
            var quiet = global
            quiet.quiet = true
            let tuned = try FinetuneCommand.finetune(model: directory + "/run", train: finetune.train, val: finetune.val, test: finetune.test,
                                                     labelField: finetune.labelField, out: directory + "/ft", config: settings, global: quiet)
            result.finetuneValidationAccuracy = tuned.validation.accuracy
            result.finetuneTestAccuracy = tuned.test?.accuracy
            result.finetuneTestMacroF1 = tuned.test?.macroF1
            result.finetuneBestEpoch = tuned.bestEpoch
            result.finetuneEpochs = tuned.epochs
            result.majorityBaseline = (tuned.test ?? tuned.validation).majorityBaseline
            if talk {
                Output.line("        fine-tuned: validation accuracy \(Formatting.decimal(100 * tuned.validation.accuracy, places: 1))%"
                            + (tuned.test.map { ", test \(Formatting.decimal(100 * $0.accuracy, places: 1))%" } ?? "")
                            + " (best epoch \(tuned.bestEpoch) of \(tuned.epochs))")
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(result).write(to: URL(fileURLWithPath: directory + "/result.json"), options: .atomic)
    }
}

/// The experiment's report: a table of every figure, the config, and the validation curves.
struct ExperimentReport {
    let config: ExperimentConfig
    let file: String
    let results: [ArmResult]
    /// Ranked documents per score ("" for the default).
    let documents: [String: Int]
    let validationDocuments: Int

    /// The target validation loss: the configured one, else the worst of the runs' best losses, which
    /// every run reaches, so that each has a number of tokens to compare.
    var target: (Double, String)? {
        if let loss = config.targetLoss { return (loss, "set in the experiment file") }
        guard let worst = results.max(by: { $0.bestValidationLoss < $1.bestValidationLoss }) else { return nil }
        return (worst.bestValidationLoss, "the highest of the runs' best validation losses (\(worst.arm)\(worst.seed.map { ", seed \($0)" } ?? "")'s), which every run reaches")
    }

    func percent(_ value: Double?) -> String { value.map { Formatting.decimal(100 * $0, places: 1) + "%" } ?? "–" }

    func spec(_ result: ArmResult) -> ExperimentConfig.ArmSpec { ExperimentConfig.ArmSpec(result.arm) ?? ExperimentConfig.ArmSpec(kind: .allRandom) }

    var table: [String] {
        var lines = ["| arm | seed | training data | documents | tokens in data | tokens trained | best val loss | final val loss | clean bits/byte "
                     + "| tokens to target | fine-tune val acc | test acc | test macro-F1 | train time |",
                     "|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
        for result in results {
            let arm = spec(result)
            let reach = target.flatMap { result.tokensToReach($0.0) }.map { Formatting.count(Int($0)) } ?? "not reached"
            lines.append("| \(arm.kind.letter) \(arm.name) | \(result.seed.map(String.init) ?? "\(config.seed)") | \(arm.summary) | \(Formatting.count(result.documents)) "
                         + "| \(Formatting.count(result.dataTokens)) "
                         + "| \(Formatting.count(Int(result.tokens))) | \(Formatting.decimal(result.bestValidationLoss, places: 4)) "
                         + "| \(Formatting.decimal(result.finalValidationLoss, places: 4)) | \(Formatting.decimal(result.cleanBitsPerByte, places: 4)) "
                         + "| \(reach) | \(percent(result.finetuneValidationAccuracy)) | \(percent(result.finetuneTestAccuracy)) "
                         + "| \(result.finetuneTestMacroF1.map { Formatting.decimal($0, places: 3) } ?? "–") | \(Formatting.duration(result.trainSeconds)) |")
        }
        return lines
    }

    /// Per arm over its seeds: mean and range of the clean bits per byte, tokens to target and test accuracy.
    var summaryTable: [String] {
        var lines = ["| arm | runs | clean bits/byte: mean | range | tokens to target: mean | fine-tune test acc: mean | range |",
                     "|---|--:|--:|--:|--:|--:|--:|"]
        for arm in config.arms {
            let runs = results.filter { $0.arm == arm.name }
            guard !runs.isEmpty else { continue }
            func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
            let bpb = runs.map(\.cleanBitsPerByte)
            let reach = runs.compactMap { run in target.flatMap { run.tokensToReach($0.0) } }
            let accuracy = runs.compactMap(\.finetuneTestAccuracy)
            func range(_ values: [Double], places: Int, scale: Double = 1) -> String {
                guard let low = values.min(), let high = values.max() else { return "–" }
                return Formatting.decimal(scale * low, places: places) + "–" + Formatting.decimal(scale * high, places: places)
            }
            lines.append("| \(arm.kind.letter) \(arm.name) | \(runs.count) | \(mean(bpb).map { Formatting.decimal($0, places: 4) } ?? "–") "
                         + "| \(range(bpb, places: 4)) | \(reach.count == runs.count ? mean(reach).map { Formatting.count(Int($0)) } ?? "–" : "not reached by every seed") "
                         + "| \(percent(mean(accuracy))) | \(range(accuracy, places: 1, scale: 100)) |")
        }
        return lines
    }

    func markdown(svgName: String) -> String {
        var text = "# Experiment: what the ranking is worth\n\n"
        text += "Written by `curate experiment \(file)` (\(VersionInfo.text)) on the store `\(config.store)`: "
        let counts = documents.sorted { $0.key < $1.key }.map { "\(Formatting.count($0.value)) ranked by \($0.key.isEmpty ? "the default score" : $0.key)" }
        text += counts.joined(separator: ", ") + "; \(Formatting.count(validationDocuments)) held-out clean documents "
        text += "for validation (" + (config.validation.map { "`\($0)`" + (config.validationLabel.map { ", label `\($0)`" } ?? "") }
                                      ?? "every \(config.holdOutEvery)th ranked document, left out of every arm") + "). "
        text += "Every arm trains the same model for the same number of tokens, without early stopping"
        text += config.seeds.count > 1 ? ", once per seed (\(config.seeds.map(String.init).joined(separator: ", "))).\n\n" : ", from the same seed.\n\n"
        if config.seeds.count > 1 {
            text += "Per arm, over its seeds (clean bits per byte on the whole held-out set; lower is better):\n\n"
            text += summaryTable.joined(separator: "\n") + "\n\nEvery run:\n\n"
        }
        text += table.joined(separator: "\n") + "\n\n"
        if let target {
            text += "Target validation loss: \(Formatting.decimal(target.0, places: 4)) (\(target.1)); \"tokens to target\" is the tokens "
            text += "seen at the first validation at or below it.\n"
        }
        if let baseline = results.compactMap(\.majorityBaseline).first {
            text += "Fine-tuning: the majority-class baseline is \(percent(baseline)).\n"
        }
        text += "\nValidation loss (nats per token on the held-out clean set) against tokens seen"
        text += config.seeds.count > 1 ? ", mean over the seeds:\n\n" : ":\n\n"
        text += "![validation curves](\(svgName))\n\n"
        text += "The experiment file:\n\n```yaml\n\(config.source.trimmingCharacters(in: .whitespacesAndNewlines))\n```\n"
        return text
    }

    /// One curve per arm: the mean over its seeds at each validation.
    func svg() -> String {
        let series = config.arms.enumerated().compactMap { index, arm -> LineChart.Series? in
            let runs = results.filter { $0.arm == arm.name }
            guard let length = runs.map(\.curve.count).min(), length > 0 else { return nil }
            let points = (0..<length).map { k in
                (runs[0].curve[k][0], runs.map { $0.curve[k][1] }.reduce(0, +) / Double(runs.count))
            }
            return LineChart.Series(name: "\(arm.kind.letter) \(arm.name)", color: LineChart.palette[index % LineChart.palette.count],
                                    points: points, markers: false)
        }
        return LineChart.svg(title: "curate experiment: validation loss (nats per token) on the held-out clean set", series: series)
    }

    func write(directory: String) throws {
        try markdown(svgName: "validation.svg").write(toFile: directory + "/report.md", atomically: true, encoding: .utf8)
        try svg().write(toFile: directory + "/validation.svg", atomically: true, encoding: .utf8)
    }
}
