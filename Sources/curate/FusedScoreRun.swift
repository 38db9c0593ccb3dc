import ArgumentParser
import Combined
import Core
import Dedup
import Filters
import Foundation
import LM
import Quality
import ScorePass
import Store
import Train

/// `curate score --metric heuristics,minhash,perplexity,quality` (any list of those): every measure in
/// one pass over the store (`MeasurePass`: each document read, decompressed, normalised and segmented
/// once), each writing the rows it writes when run alone; then each measure's corpus-wide step (the
/// filters' verdicts, the perplexity buckets, the quality percentiles and combined ranking). Clustering
/// stays with `curate dedup`, which finds the signatures and line counts stored here.
struct FusedScoreRun {
    let metrics: [ScoreCommand.Metric]
    let models: [String]
    let selection: ProfileSelection
    /// The MinHash parameters (`curate dedup`'s: a pipeline's dedup section, or the defaults).
    let dedup: DedupOptions
    let global: GlobalOptions
    var rescore = false

    /// The order measures run in within a batch: the heuristics first, so the later measures find the
    /// language they tell (the language a run after `score --metric heuristics` reads from the store).
    static let order: [ScoreCommand.Metric] = [.heuristics, .gopher, .gopherRepetition, .c4, .fineweb, .minhash, .perplexity, .quality]

    func run() throws {
        let console = global.makeConsole()
        let store = try Store(path: global.storePath, create: false)
        let wanted = Self.order.filter(metrics.contains)
        // Models are resolved and read before anything is written.
        var lmPaths: [String]?, qualityPath: String?
        for path in models {
            if QualityModel.recognizes(path) {
                if let earlier = qualityPath { throw ValidationError("two quality models given: \(earlier) and \(path)") }
                qualityPath = path
            } else if ModelFile.recognizes(path) {
                throw ValidationError("\(path) is a GPT run: it scores on its own (curate score --metric perplexity --model \(path))")
            } else {
                if let earlier = lmPaths?.first { throw ValidationError("two reference models given: \(earlier) and \(path)") }
                lmPaths = [path]
            }
        }
        if wanted.contains(.perplexity) && lmPaths == nil { lmPaths = try storedReference(store) }
        if wanted.contains(.quality) && qualityPath == nil { qualityPath = try storedQualityModel(store) }
        if lmPaths != nil && !wanted.contains(.perplexity) { throw ValidationError("a reference model was given but perplexity is not in --metric") }
        if qualityPath != nil && !wanted.contains(.quality) { throw ValidationError("a quality model was given but quality is not in --metric") }
        let lms = try lmPaths?.map { try NGramModel.load(path: $0) }
        let quality = try qualityPath.map { try QualityModel.read(from: $0) }

        let runID = try store.beginRun(command: "score", arguments: Invocation.arguments)
        do {
            var measures: [any DocumentMeasure] = []
            let filterNames = wanted.flatMap(\.filterNames)
            let heuristics = filterNames.isEmpty ? nil
                : try HeuristicMeasure(store: store, filterNames: filterNames, selection: selection, rescore: rescore)
            if let heuristics { measures.append(heuristics) }
            var minhash: MinHashMeasure?
            if wanted.contains(.minhash) {
                if rescore { try Deduplicator.reset(store: store) }
                var options = dedup
                options.signOnly = false
                try Deduplicator.checkSettings(store: store, parameters: options.parameters)
                let measure = try MinHashMeasure(store: store, options: options)
                minhash = measure
                measures.append(measure)
            }
            var perplexity: (scorer: PerplexityScorer, measure: PerplexityMeasure)?
            if let lms, let lmPaths {
                let modelID = try PerplexityScorer.register(model: lms[0], paths: lmPaths, trainedOn: nil, runID: runID, store: store)
                if rescore { try store.connection.execute("DELETE FROM perplexity WHERE model_id = \(modelID)") }
                let scorer = PerplexityScorer(store: store, reference: ReferenceModels(lms), modelID: modelID, threads: global.threadCount, console: console)
                let measure = try scorer.makeMeasure()
                perplexity = (scorer, measure)
                measures.append(measure)
            }
            var scoring: (scorer: QualityStoreScorer, measure: QualityMeasure)?
            if let quality, let qualityPath {
                let modelID = try QualityStoreScorer.register(model: quality, path: qualityPath, runID: runID, store: store)
                if rescore { try store.connection.execute("DELETE FROM quality_scores WHERE model_id = \(modelID)") }
                let scorer = QualityStoreScorer(store: store, model: quality, modelID: modelID, threads: global.threadCount, console: console)
                let measure = try scorer.makeMeasure()
                scoring = (scorer, measure)
                measures.append(measure)
            }

            let pass = try MeasurePass(store: store, measures: measures, threads: global.threadCount, console: console).run()
            var report = FusedScoreReport(metrics: wanted.map(\.rawValue), pass: pass)
            if let heuristics {
                report.heuristics = heuristics.summary
                report.funnel = try FilterRunner(store: store, selection: selection).run(write: true)
            }
            report.minhashSigned = minhash?.signed
            if let perplexity { report.perplexity = try perplexity.scorer.finish(perplexity.measure) }
            if let scoring, let quality {
                let summary = try scoring.scorer.finish(scoring.measure)
                report.quality = summary
                report.combined = try quality.header.stacked.map { try CombinedScorer.run(store: store, modelID: summary.modelID, model: $0) }
            }
            try store.finishRun(id: runID, status: .done, counts: ["documents": Int64(pass.documents), "bytes": pass.bytes],
                                notes: ["metrics": report.metrics.joined(separator: ",")])
            print(report)
        } catch {
            console.clearProgress()
            try? store.finishRun(id: runID, status: .failed, counts: [:])
            throw error
        }
    }

    /// The newest n-gram reference model of the store (its one file or its cross-fitted pair).
    private func storedReference(_ store: Store) throws -> [String] {
        if let id = try store.latestReferenceModelID(), let paths = try store.languageModelPaths(id: id, kind: "ngram") { return paths }
        throw ScoreError("perplexity in a fused pass needs a reference model",
                          hint: "give --model LM (ARPA or curate binary), or run `curate score --metric perplexity` once to train one")
    }

    /// The newest quality model of the store.
    private func storedQualityModel(_ store: Store) throws -> String {
        if let path = try store.connection.scalarText("SELECT path FROM quality_models ORDER BY created_at DESC, id DESC LIMIT 1") { return path }
        throw ScoreError("quality in a fused pass needs a quality model",
                          hint: "give --model q.model (from `curate quality train`)")
    }

    private func print(_ report: FusedScoreReport) {
        if global.json {
            try? Output.json(report)
            return
        }
        guard !global.quiet else { return }
        let pass = report.pass
        let rate = Formatting.megabytesPerSecond(bytes: pass.bytes, seconds: pass.seconds)
        let name = report.metrics.joined(separator: ",")
        guard pass.documents > 0 else {
            Output.line("score   \(name)  nothing new to score (use --rescore to measure again)")
            return
        }
        let each = report.metrics.compactMap { metric -> (String, Int64)? in
            let key = ScoreCommand.Metric(rawValue: metric)?.filterNames.isEmpty == false ? "heuristics" : metric
            return pass.measured[key].map { (key, Int64($0)) }
        }
        var seen = Set<String>()
        Output.line("score   \(name)  \(Formatting.count(pass.documents)) docs in \(Formatting.duration(pass.seconds)) (\(rate)), one pass: "
                    + Output.breakdown(each.filter { seen.insert($0.0).inserted }))
        if let funnel = report.funnel { FilterCommand.printKept(funnel) }
        if let perplexity = report.perplexity {
            Output.line("perplexity, \(Formatting.count(perplexity.tokens)) tokens:")
            PerplexityTable.print(perplexity.cutoffs)
        }
        if let quality = report.quality {
            Output.line("quality, \(quality.folds > 1 ? "\(quality.folds) cross-fitted folds" : "one model"):")
            QualityTable.print(quality.languages)
        }
        if let combined = report.combined {
            Output.line("        combined ranking: \(Formatting.count(combined.documents)) docs over \(combined.signals.count) signals")
        }
    }
}

/// `curate score --metric a,b,… --json`.
struct FusedScoreReport: Encodable {
    var metrics: [String]
    var pass: PassSummary
    var heuristics: HeuristicScoreSummary?
    var funnel: Funnel?
    var minhashSigned: Int?
    var perplexity: PerplexityScoreSummary?
    var quality: QualityScoreSummary?
    var combined: CombinedScoreSummary?
}

/// A fused scoring run that cannot start, with what to do about it.
struct ScoreError: HintedError {
    let description: String
    let hint: String?

    init(_ description: String, hint: String? = nil) {
        self.description = description
        self.hint = hint
    }
}
