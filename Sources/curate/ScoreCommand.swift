import ArgumentParser
import Core
import Dedup
import Filters
import Foundation
import Store

/// `curate score`
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Measure quality statistics for every document that lacks them, and apply the filters.",
        discussion: """
            heuristics measures the statistics of all four heuristic filters (gopher, gopher-repetition, c4, \
            fineweb); name one to measure only its statistics. Documents are scored once: a second run scores \
            only new documents, and a killed run resumes. Exact duplicates share their first copy's statistics. \
            Each document is measured with the profile of its detected language (en, zh, else fallback), \
            unless --profile names one. quality scores with a learned model (--model, from `curate quality \
            train`), or learns one first from --positive, --labels or --preferences. combined does the same \
            with the combined ranking (a model from `quality train --combine`, or learnt now with it): the \
            classifier's score and the stacked model over every stored signal.

            Examples: curate score --metric heuristics && curate filter --dry-run
                      curate score --metric quality --model q.model
                      curate score --metric combined --positive good/
            """)

    enum Metric: String, ExpressibleByArgument, CaseIterable {
        case heuristics, gopher, gopherRepetition = "gopher-repetition", c4, fineweb, minhash, perplexity, quality, combined, rouge, bleu

        var filterNames: [String] {
            switch self {
            case .heuristics: heuristicFilters.map { $0.name }
            case .gopher: [GopherQualityFilter.name]
            case .gopherRepetition: [GopherRepetitionFilter.name]
            case .c4: [C4QualityFilter.name]
            case .fineweb: [FineWebQualityFilter.name]
            case .minhash, .perplexity, .quality, .combined, .rouge, .bleu: []
            }
        }
    }

    @Option(name: .long, help: ArgumentHelp("What to measure: heuristics, gopher, gopher-repetition, c4, fineweb, minhash, perplexity, quality, combined, rouge or bleu; or a comma-separated list of heuristics (or filter names), minhash, perplexity and quality, measured in one pass over the store (one read and one segmentation per document).", valueName: "metric[,metric…]"))
    var metric: String = "heuristics"

    /// The metrics named by --metric.
    var metrics: [Metric] {
        get throws {
            let names = metric.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return try names.map { name in
                guard let metric = Metric(rawValue: name) else {
                    throw ValidationError("unknown metric '\(name)': expected \(Metric.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return metric
            }
        }
    }

    func validate() throws {
        let metrics = try self.metrics
        guard !metrics.isEmpty else { throw ValidationError("--metric names nothing") }
        if metrics.count > 1 || metrics == [.minhash] {
            if let alone = metrics.first(where: { [.combined, .rouge, .bleu].contains($0) }) {
                throw ValidationError("\(alone.rawValue) cannot be measured in a fused pass: run `curate score --metric \(alone.rawValue)` on its own")
            }
            if perplexityOptions.contrast || !perplexityOptions.reference.isEmpty || qualityOptions.given {
                throw ValidationError("a fused --metric list scores with models given by --model or stored before; train them first (--contrast, --reference, --positive … run with one metric)")
            }
        } else if perplexityOptions.models.count > 1 {
            throw ValidationError("--model is given \(perplexityOptions.models.count) times: several models only with a --metric list (heuristics,perplexity,quality)")
        }
    }

    @OptionGroup var perplexityOptions: PerplexityOptions
    @OptionGroup(title: "Quality model (--metric quality)") var qualityOptions: QualityTrainingArguments

    @Flag(name: .long, help: "Measure documents again even if they have statistics (after changing a profile's statistics section).")
    var rescore = false

    @Option(name: .long, help: ArgumentHelp("minhash: pipeline settings (YAML) whose dedup section sets the shingles, bands and rows, as for `curate dedup --pipeline`.", valueName: "path"))
    var pipeline: String?

    @Option(name: .long, parsing: .upToNextOption,
            help: ArgumentHelp("perplexity: score these partition stores without merging them: the reference trained once from all of them, each scored where it lies, the cut-offs taken across them.", valueName: "store"))
    var partitionStores: [String] = []

    @Option(name: .long, help: ArgumentHelp("With --partition-stores: where the reference and the cut-offs are written (default: reference/ beside the first store).", valueName: "dir"))
    var work: String?

    @Option(name: .long, help: ArgumentHelp("With --partition-stores: run only this step (train, score, cutoffs, buckets; default: all, in that order).", valueName: "step"))
    var step: PartitionedPerplexity.Step?

    @Option(name: .long, help: ArgumentHelp("With --step: run only this task of the step (0-based).", valueName: "k"))
    var task: Int?

    @Option(name: .long, help: ArgumentHelp("With --partition-stores: text each half of the reference is trained on at most, a sample by a hash of the ids (default 1G).", valueName: "bytes"))
    var referenceBytes: String = "1G"

    @OptionGroup var profileOptions: ProfileOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let metrics = try self.metrics
        if !partitionStores.isEmpty {
            guard metrics == [.perplexity], perplexityOptions.models.isEmpty, perplexityOptions.reference.isEmpty, !perplexityOptions.contrast else {
                throw ValidationError("--partition-stores scores --metric perplexity with the reference it trains (no --model, --reference or --contrast)")
            }
            if task != nil && step == nil { throw ValidationError("--task needs --step") }
            guard let bytes = MemoryBudget.parseBytes(referenceBytes).map(Int64.init), bytes > 0 else {
                throw ValidationError("--reference-bytes: expected a size such as 512M or 2G, found '\(referenceBytes)'")
            }
            let first = partitionStores[0]
            let work = self.work ?? ((first as NSString).deletingLastPathComponent as NSString).appendingPathComponent("reference")
            try PartitionedPerplexity(partitions: partitionStores, work: work,
                                      modelBase: perplexityOptions.modelOut ?? (work as NSString).appendingPathComponent("reference"),
                                      order: perplexityOptions.lmOrder, maxBytes: bytes,
                                      global: global).run(step: step, task: task, retrain: perplexityOptions.retrain)
            return
        }
        if metrics.count > 1 || metrics == [.minhash] {
            var dedup = DedupOptions()
            if let pipeline { try dedup.apply(pipelineFile: pipeline) }
            try FusedScoreRun(metrics: metrics, models: perplexityOptions.models, selection: try profileOptions.selection(), dedup: dedup,
                              global: global, rescore: rescore).run()
            return
        }
        let metric = metrics[0]
        switch metric {
        case .perplexity:
            try PerplexityRun(options: perplexityOptions, global: global, rescore: rescore).run()
            return
        case .quality, .combined:
            var training = qualityOptions
            if metric == .combined { training.combine = true }
            try QualityScoreRun(model: perplexityOptions.model, modelOut: perplexityOptions.modelOut, training: training, global: global,
                                rescore: rescore, requireCombined: metric == .combined).run()
            return
        case .rouge, .bleu:
            try OverlapRun(metric: metric == .rouge ? .rouge : .bleu, references: perplexityOptions.reference, global: global,
                           rescore: rescore).run()
            return
        default:
            break
        }
        let console = global.makeConsole()
        let store = try Store(path: global.storePath, create: false)
        let selection = try profileOptions.selection()
        let runID = try store.beginRun(command: "score", arguments: Invocation.arguments)
        var options = HeuristicScoreOptions(selection: selection)
        options.filterNames = metric.filterNames
        options.rescore = rescore
        options.threads = global.threadCount
        let summary: HeuristicScoreSummary
        let funnel: Funnel
        do {
            summary = try HeuristicScorer(store: store, options: options, console: console).run()
            funnel = try FilterRunner(store: store, selection: selection).run(write: true)
        } catch {
            console.clearProgress()
            try? store.finishRun(id: runID, status: .failed, counts: [:])
            throw error
        }
        try store.finishRun(id: runID, status: .done, counts: [
            "documents": Int64(summary.documents), "bytes": summary.bytes, "kept": Int64(funnel.kept),
        ])
        if global.json {
            try Output.json(ScoreReport(metric: metric.rawValue, scored: summary, funnel: funnel))
            return
        }
        guard !global.quiet else { return }
        let rate = Formatting.megabytesPerSecond(bytes: summary.bytes, seconds: summary.seconds)
        let profiles = summary.profiles.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { ($0.key, Int64($0.value)) }
        var line = "score   \(metric.rawValue)  \(Formatting.count(summary.documents)) docs in \(Formatting.duration(summary.seconds)) (\(rate))"
        if !profiles.isEmpty { line += "  profiles: " + Output.breakdown(profiles) }
        if summary.documents == 0 { line = "score   \(metric.rawValue)  nothing new to score (use --rescore to measure again)" }
        Output.line(line)
        FilterCommand.printKept(funnel)
    }
}

/// `curate score --json`.
struct ScoreReport: Codable {
    var metric: String
    var scored: HeuristicScoreSummary
    var funnel: Funnel
}
