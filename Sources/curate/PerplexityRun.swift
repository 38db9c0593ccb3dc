import ArgumentParser
import Core
import Dedup
import Filters
import Foundation
import Ingest
import LM
import Store
import Train

/// Options of `curate score --metric perplexity`.
struct PerplexityOptions: ParsableArguments {
    @Option(name: .customLong("model"), help: ArgumentHelp("The model to score with: perplexity, a reference LM (ARPA, curate binary, or a GPT run); quality, a quality model (curate quality train). A fused --metric list takes one of each.", valueName: "path"))
    var models: [String] = []

    /// The one model of a single-metric run.
    var model: String? { models.last }

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("perplexity: clean text to train the reference model on (cc_net used Wikipedia); without --model or --reference, curate trains on the documents the heuristic filters keep. rouge, bleu: the exemplar documents.", valueName: "path"))
    var reference: [String] = []

    @Option(name: .customLong("lm-order"), help: "Order of a reference model curate trains.")
    var lmOrder = 5

    @Option(name: .customLong("model-out"), help: ArgumentHelp("Where a reference or quality model trained here is written (default: next to the store).", valueName: "path"))
    var modelOut: String?

    @Flag(name: .long, help: "Train the reference model again even if the store already has one.")
    var retrain = false

    @Flag(name: .long, help: "perplexity: also train a contrast model on a uniform sample of the store (as much text as the reference's, duplicates left out, cross-fitted in the same halves) and store each document's Moore–Lewis difference: bits per token under the contrast minus under the reference.")
    var contrast = false

    @Option(name: .customLong("contrast-seed"), help: "Seed of the contrast model's uniform sample.")
    var contrastSeed: UInt64 = 0x4D4C
}

/// `curate score --metric perplexity`: picks or trains the reference model, scores, prints per language.
struct PerplexityRun {
    let options: PerplexityOptions
    let global: GlobalOptions
    var rescore = false

    func run() throws {
        let console = global.makeConsole()
        let store = try Store(path: global.storePath, create: false)
        let runID = try store.beginRun(command: "score", arguments: Invocation.arguments)
        if let model = options.model, ModelFile.recognizes(model) {
            if options.contrast {
                throw ValidationError("--contrast needs an n-gram reference (a GPT model was given with --model)")
            }
            try runGPT(model: model, store: store, runID: runID, console: console)
            return
        }
        do {
            let reference = try resolveModels(store: store, console: console)
            let modelPaths = reference.paths, trainedOn = reference.trainedOn
            let models = try modelPaths.map { try NGramModel.load(path: $0) }
            let modelID = try PerplexityScorer.register(model: models[0], paths: modelPaths, trainedOn: trainedOn, runID: runID, store: store)
            if rescore { try store.connection.execute("DELETE FROM perplexity WHERE model_id = \(modelID)") }
            let scorer = PerplexityScorer(store: store, reference: ReferenceModels(models), modelID: modelID,
                                          threads: global.threadCount, console: console)
            let summary = try scorer.run()
            var notes = ["model": modelPaths.joined(separator: " "), "trained_on": trainedOn ?? "given with --model"]
            var contrast: ContrastResult?
            if options.contrast {
                contrast = try scoreContrast(reference: modelID, model: models[0], referenceBytes: reference.bytesByHalf, store: store,
                                             runID: runID, console: console)
                notes["contrast"] = contrast?.paths.joined(separator: " ")
            }
            try store.finishRun(id: runID, status: .done, counts: ["documents": Int64(summary.documents), "tokens": summary.tokens],
                                notes: notes)
            report(summary, modelPaths: modelPaths, model: models[0], trainedOn: trainedOn, contrast: contrast)
        } catch {
            console.clearProgress()
            try? store.finishRun(id: runID, status: .failed, counts: [:])
            throw error
        }
    }

    /// Scores with a GPT trained by `curate train` (perplexity per token of its tokenizer, bits per byte).
    private func runGPT(model: String, store: Store, runID: Int64, console: Console) throws {
        do {
            let path = ModelFile.resolve(model)
            let file = try ModelFile.read(from: path)
            guard file.objective == .causal else {
                throw TrainError("\(path): a \(file.objective.rawValue)-objective model gives no per-token perplexity: score --model needs a causal model")
            }
            let shape = file.config
            let modelID = try PerplexityScorer.register(
                kind: "gpt", order: nil, tokenizer: "bpe \(file.tokenizer.vocabularySize)", paths: [path],
                trainedOn: "curate train: \(shape.layers) layers, \(shape.heads) heads, width \(shape.width), context \(shape.context)",
                runID: runID, store: store)
            if rescore { try store.connection.execute("DELETE FROM perplexity WHERE model_id = \(modelID)") }
            let threads = global.threadCount
            setBLASThreads(1) // one evaluator per worker thread
            let scorer = PerplexityScorer(store: store, modelID: modelID, threads: threads, console: console) {
                let evaluator = Evaluator(file: file)
                return { batch in evaluator.measure(batch.map(\.analysis.text)).map(DocumentPerplexity.init(loss:)) }
            }
            let summary = try scorer.run()
            try store.finishRun(id: runID, status: .done, counts: ["documents": Int64(summary.documents), "tokens": summary.tokens],
                                notes: ["model": path, "kind": "gpt"])
            if global.json {
                try Output.json(PerplexityReport(model: [path], order: 0, trainedOn: nil, scored: summary, contrast: nil))
            } else if !global.quiet {
                let rate = Formatting.megabytesPerSecond(bytes: summary.bytes, seconds: summary.seconds)
                Output.line("score   perplexity  \(Formatting.count(summary.documents)) docs in \(Formatting.duration(summary.seconds)) (\(rate))"
                            + "  model \(Output.displayPath(path)) (GPT, \(Formatting.count(file.parameters.count)) parameters; perplexity per BPE token)")
                PerplexityTable.print(summary.cutoffs)
            }
        } catch {
            console.clearProgress()
            try? store.finishRun(id: runID, status: .failed, counts: [:])
            throw error
        }
    }

    /// --model as given; else a model trained on --reference; else the store's own reference: two
    /// models, each trained on half of the documents the heuristic filters keep (by document id), each
    /// scoring the other half — trained now, or reused from an earlier run.
    private func resolveModels(store: Store, console: Console) throws -> ResolvedReference {
        if let model = options.model { return ResolvedReference(paths: [model], trainedOn: nil, bytesByHalf: nil) }
        let base = options.modelOut ?? store.path + ".reference"
        var estimator = EstimatorOptions()
        estimator.order = options.lmOrder
        let tokenizer = TokenizerOptions()
        if !options.reference.isEmpty {
            let out = base + ".bin"
            let trained = try ReferenceTraining.train(options: estimator, tokenizer: tokenizer, paths: options.reference, store: nil,
                                                      selection: .all, out: out, console: console)
            return ResolvedReference(
                paths: [out], trainedOn: "\(Formatting.count(trained.documents)) documents of \(options.reference.joined(separator: ", ")) (\(Formatting.count(trained.tokens)) tokens)",
                bytesByHalf: [trained.bytes, trained.bytes])
        }
        let outs = [base + "-even.bin", base + "-odd.bin"]
        if !options.retrain, outs.allSatisfy({ FileManager.default.fileExists(atPath: $0) }),
           let earlier = try store.connection.scalarText("SELECT trained_on FROM lm_models WHERE path = ? ORDER BY created_at DESC LIMIT 1",
                                                         [.text(URL(fileURLWithPath: outs[0]).standardizedFileURL.path)]) {
            return ResolvedReference(paths: outs, trainedOn: earlier, bytesByHalf: try store.bytesByHalf(keptByFilters: true))
        }
        if !global.quiet {
            console.write("curate: no --model or --reference given: training \(options.lmOrder)-gram references on the documents the heuristic filters keep, cross-fitted in two halves\n")
        }
        if (try store.connection.scalarInt("SELECT count(*) FROM filter_verdicts") ?? 0) == 0 {
            // The heuristic filters have not been applied yet: apply them now, with the built-in profiles.
            if !global.quiet { console.write("curate: scoring the heuristic filters first (curate score --metric heuristics)\n") }
            let selection = try ProfileSelection.builtIn()
            var heuristics = HeuristicScoreOptions(selection: selection)
            heuristics.threads = global.threadCount
            _ = try HeuristicScorer(store: store, options: heuristics, console: console).run()
            _ = try FilterRunner(store: store, selection: selection).run(write: true)
        }
        if (try store.connection.scalarInt("SELECT EXISTS (SELECT 1 FROM dedup_signatures)") ?? 0) == 0 {
            // Without dedup, a near copy of a document can sit in the other half's training text and make
            // the document look falsely fluent (perplexities near 1). Find the duplicates first, so that
            // they are left out of the training text and scored by the half their kept copy is not in.
            if !global.quiet { console.write("curate: finding duplicates first (curate dedup --exact --minhash)\n") }
            var dedup = DedupOptions()
            dedup.lines = false
            dedup.threads = global.threadCount
            _ = try Deduplicator(store: store, options: dedup, console: console).run()
        }
        var documents = 0, tokens = 0
        for (index, out) in outs.enumerated() {
            let trained = try ReferenceTraining.train(options: estimator, tokenizer: tokenizer, paths: [], store: store, selection: .heuristicsPass,
                                                      out: out, console: console, include: { ReferenceModels.trains(index, documentID: $0) })
            documents += trained.documents
            tokens += trained.tokens
        }
        return ResolvedReference(
            paths: outs, trainedOn: "store: \(Formatting.count(documents)) documents kept by the heuristic filters (\(Formatting.count(tokens)) tokens), two halves cross-fitted",
            bytesByHalf: try store.bytesByHalf(keptByFilters: true))
    }

    /// The reference's files, what it was trained on, and how much text each half of it saw (nil when
    /// given with --model: unknown).
    struct ResolvedReference {
        var paths: [String]
        var trainedOn: String?
        var bytesByHalf: [Int64]?
    }

    struct ContrastResult {
        var paths: [String]
        var trainedOn: String
        var scored: PerplexityScoreSummary
        var differences: MooreLewisSummary
    }

    /// Trains the contrast pair (or reuses it: its files are named after the reference's and the sample
    /// is deterministic), scores every document with it, and stores the Moore–Lewis differences.
    private func scoreContrast(reference: Int64, model: NGramModel, referenceBytes: [Int64]?, store: Store, runID: Int64,
                               console: Console) throws -> ContrastResult {
        let base = options.modelOut ?? store.path + ".reference"
        let outs = [base + "-contrast-even.bin", base + "-contrast-odd.bin"]
        // As much text as the reference saw (Moore and Lewis: in- and out-of-domain models of comparable
        // size, so that the difference measures the domain and not the amount of training text); with a
        // reference given by --model, whose training text is unknown, each half of the store whole.
        let available = try store.bytesByHalf(keptByFilters: false)
        let target = referenceBytes.map { zip($0, available).map(min) } ?? available
        var trainedOn = ""
        if !options.retrain, outs.allSatisfy({ FileManager.default.fileExists(atPath: $0) }),
           let earlier = try store.connection.scalarText("SELECT trained_on FROM lm_models WHERE path = ? AND contrast_for = ? ORDER BY created_at DESC LIMIT 1",
                                                         [.text(URL(fileURLWithPath: outs[0]).standardizedFileURL.path), .integer(reference)]) {
            trainedOn = earlier
        } else {
            if !global.quiet {
                console.write("curate: training the \(model.order)-gram contrast models on a uniform sample of the store (\(Formatting.bytes(target.reduce(0, +))) of text, two halves)\n")
            }
            let sample = try store.uniformSample(bytes: target, seed: options.contrastSeed)
            var estimator = EstimatorOptions()
            estimator.order = model.order
            var documents = 0, tokens = 0
            for (index, out) in outs.enumerated() {
                let trained = try ReferenceTraining.train(options: estimator, tokenizer: model.options, paths: [], store: store, selection: .all, out: out,
                                                          console: console, include: { sample.contains($0) && ReferenceModels.trains(index, documentID: $0) })
                documents += trained.documents
                tokens += trained.tokens
            }
            trainedOn = "contrast: a uniform sample of \(Formatting.count(documents)) store documents (\(Formatting.count(tokens)) tokens, seed \(options.contrastSeed)), two halves cross-fitted"
        }
        let models = try outs.map { try NGramModel.load(path: $0) }
        let contrastID = try PerplexityScorer.register(model: models[0], paths: outs, trainedOn: trainedOn, runID: runID, store: store)
        try store.connection.execute("UPDATE lm_models SET contrast_for = \(reference) WHERE id = \(contrastID)")
        if rescore { try store.connection.execute("DELETE FROM perplexity WHERE model_id = \(contrastID)") }
        let scored = try PerplexityScorer(store: store, reference: ReferenceModels(models), modelID: contrastID, threads: global.threadCount,
                                          console: console).run()
        let differences = try MooreLewis.write(store: store, reference: reference, contrast: contrastID)
        return ContrastResult(paths: outs, trainedOn: trainedOn, scored: scored, differences: differences)
    }

    private func report(_ summary: PerplexityScoreSummary, modelPaths: [String], model: NGramModel, trainedOn: String?, contrast: ContrastResult?) {
        if global.json {
            try? Output.json(PerplexityReport(model: modelPaths, order: model.order, trainedOn: trainedOn, scored: summary,
                                              contrast: contrast.map { ContrastReport(model: $0.paths, trainedOn: $0.trainedOn, differences: $0.differences) }))
            return
        }
        guard !global.quiet else { return }
        let rate = Formatting.megabytesPerSecond(bytes: summary.bytes, seconds: summary.seconds)
        Output.line("score   perplexity  \(Formatting.count(summary.documents)) docs in \(Formatting.duration(summary.seconds)) (\(rate))"
                    + "  model \(modelPaths.map(Output.displayPath).joined(separator: " + ")) (\(model.order)-gram)")
        if let trainedOn { Output.line("        reference trained on \(trainedOn)") }
        PerplexityTable.print(summary.cutoffs)
        if let contrast {
            Output.line("        contrast \(contrast.paths.map(Output.displayPath).joined(separator: " + ")): \(contrast.trainedOn)")
            Output.line("        Moore–Lewis difference (bits per token, contrast − reference; higher: more like the reference)")
            Output.line("        language       docs       p10    median       p90")
            for language in contrast.differences.languages {
                Output.line("        " + Output.padded(language.language, 10) + Output.leftPadded(Formatting.count(language.documents), 9)
                            + Output.leftPadded(Formatting.decimal(language.p10, places: 3), 10)
                            + Output.leftPadded(Formatting.decimal(language.median, places: 3), 10)
                            + Output.leftPadded(Formatting.decimal(language.p90, places: 3), 10))
            }
        }
    }
}

/// `curate score --metric perplexity --json`.
struct PerplexityReport: Codable {
    var model: [String]
    var order: Int
    var trainedOn: String?
    var scored: PerplexityScoreSummary
    var contrast: ContrastReport?
}

struct ContrastReport: Codable {
    var model: [String]
    var trainedOn: String
    var differences: MooreLewisSummary
}

/// The per-language perplexity table of `score` and `stats`.
enum PerplexityTable {
    static func print(_ cutoffs: [PerplexityCutoff], indent: String = "") {
        guard !cutoffs.isEmpty else { return }
        Output.line(indent + "language       docs   median pp   head ≤ p30   middle ≤ p60   tail   mean bpb")
        for cutoff in cutoffs {
            Output.line(indent + Output.padded(cutoff.language, 10) + Output.leftPadded(Formatting.count(cutoff.documents), 9)
                        + Output.leftPadded(Formatting.decimal(cutoff.medianPerplexity, places: 1), 12)
                        + Output.leftPadded("\(cutoff.head) ≤ " + Formatting.decimal(cutoff.p30, places: 0), 13)
                        + Output.leftPadded("\(cutoff.middle) ≤ " + Formatting.decimal(cutoff.p60, places: 0), 15)
                        + Output.leftPadded(Formatting.count(cutoff.tail), 7)
                        + Output.leftPadded(Formatting.decimal(cutoff.meanBitsPerByte, places: 3), 11))
        }
    }
}

extension DocumentPerplexity {
    /// A GPT's loss in the perplexity table's terms: one "line" per context window, no OOV (byte-level BPE).
    init(loss: TextLoss) {
        self.init()
        let windows = loss.windowPerplexities.sorted()
        lines = windows.count
        tokens = loss.tokens
        log10Probability = -loss.nats / M_LN10
        perplexity = loss.perplexity
        bitsPerByte = loss.bitsPerByte
        maxLinePerplexity = windows.last ?? 0
        medianLinePerplexity = windows.isEmpty ? 0 : windows[windows.count / 2]
    }
}
