import ArgumentParser
import Core
import Foundation
import LM
import Store

/// `curate score --metric perplexity --partition-stores …`: the store's own reference trained once from
/// every partition, each partition scored with it where it lies, and cc_net's per-language cut-offs taken
/// across them, without a merged store. The steps, in order (outputs in the work directory, each written
/// under a temporary name and renamed when complete; a finished task is skipped, a killed one runs again):
///
/// 1. `train` (2 tasks, one per cross-fitting half): a 5-gram reference on the documents of that half
///    (id parity) that the heuristic filters keep and dedup does not drop, from all partitions, taken in
///    the order of a seeded hash of their ids up to `--reference-bytes` (every one when they fit, so the
///    model is the one a merged store trains). Only those texts are read.
/// 2. `score` (a task per partition): each document scored by the half it was not trained on.
/// 3. `cutoffs` (one task): the per-language 30th and 60th percentiles over every partition's scores,
///    merged from their sorted streams (`PartitionedCutoffs`).
/// 4. `buckets` (a task per partition): the cut-offs recorded and each document's bucket set by them.
struct PartitionedPerplexity {
    enum Step: String, CaseIterable, ExpressibleByArgument { case train, score, cutoffs, buckets }

    let partitions: [String]
    let work: String
    /// The reference's files are BASE-even.bin and BASE-odd.bin (as a store's own, `--model-out`).
    let modelBase: String
    let order: Int
    /// Text per half the reference is trained on at most.
    let maxBytes: Int64
    let global: GlobalOptions
    /// Seed of the training sample's order.
    static let sampleSeed: UInt64 = 0x7265_6665 // "refe"

    func tasks(_ step: Step) -> Int {
        switch step {
        case .train: 2
        case .score, .buckets: partitions.count
        case .cutoffs: 1
        }
    }

    var models: [String] { ["even", "odd"].map { modelBase + "-\($0).bin" } }
    var cutoffsPath: String { (work as NSString).appendingPathComponent("cutoffs.json") }

    /// Runs one task, every task of one step, or (`step` nil) all of them. A whole run keeps a reference
    /// trained earlier (unless `retrain`) but takes the cut-offs again; a caller running the steps one by
    /// one (`curate run`, Slurm) owns the work directory.
    func run(step: Step?, task: Int?, retrain: Bool = false) throws {
        if step == nil {
            try? FileManager.default.removeItem(atPath: cutoffsPath)
            if retrain { for model in models { try? FileManager.default.removeItem(atPath: model) } }
        }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let console = global.makeConsole()
        for step in step.map({ [$0] }) ?? Step.allCases {
            for task in task.map({ [$0] }) ?? Array(0..<tasks(step)) {
                guard (0..<tasks(step)).contains(task) else {
                    throw ValidationError("\(step.rawValue) has \(tasks(step)) task\(tasks(step) == 1 ? "" : "s"); there is no task \(task)")
                }
                switch step {
                case .train: try train(half: task, console: console)
                case .score: try score(partition: task, console: console)
                case .cutoffs: try cutoffs()
                case .buckets: try buckets(partition: task)
                }
            }
        }
    }

    private func produce(_ path: String, _ body: (String) throws -> Void) throws { try StepOutput.produce(path, body) }

    private func required(_ paths: [String], step: Step) throws -> [String] { try StepOutput.required(paths, step: step.rawValue) }

    private func train(half: Int, console: Console) throws {
        for path in partitions {
            let store = try Store(path: path, create: false)
            // A partition with no documents of its own (no input files, or copies only) has no verdicts either.
            guard (try store.connection.scalarInt("""
                SELECT EXISTS (SELECT 1 FROM filter_verdicts) OR NOT EXISTS (SELECT 1 FROM documents WHERE duplicate_of IS NULL)
                """) ?? 0) == 1 else {
                throw StoreError("\(path) has no heuristic verdicts to choose the reference's training text with",
                                 hint: "score the heuristics in every partition first (curate score --metric heuristics)")
            }
        }
        try produce(models[half]) { out in
            var options = EstimatorOptions()
            options.order = order
            let estimator = try KneserNeyEstimator(options: options, tokenizer: TokenizerOptions())
            try Store.forEachSampledText(partitions: partitions, keptByFilters: true, half: half, seed: Self.sampleSeed, maxBytes: maxBytes) { _, text in
                estimator.add(text: text)
            }
            guard estimator.tokens > 0 else { throw StoreError("no documents kept by the heuristic filters in half \(half) of the partitions") }
            try BinaryModel.write(try estimator.estimate(), to: out)
        }
    }

    private func score(partition index: Int, console: Console) throws {
        let paths = try required(models, step: .train)
        let store = try Store(path: partitions[index], create: false)
        let runID = try store.beginRun(command: "score", arguments: Invocation.arguments)
        do {
            let loaded = try paths.map { try NGramModel.load(path: $0) }
            let modelID = try PerplexityScorer.register(
                model: loaded[0], paths: paths,
                trainedOn: "the partitions' documents kept by the heuristic filters (at most \(Formatting.bytes(maxBytes)) a half), two halves cross-fitted",
                runID: runID, store: store)
            let summary = try PerplexityScorer(store: store, reference: ReferenceModels(loaded), modelID: modelID, threads: global.threadCount,
                                               console: console).run()
            try store.finishRun(id: runID, status: .done, counts: ["documents": Int64(summary.documents), "tokens": summary.tokens])
        } catch {
            try? store.finishRun(id: runID, status: .failed, counts: [:])
            throw error
        }
    }

    /// The reference's id in the stores (the same in every partition: made from its files' fingerprints).
    private func modelID() throws -> Int64 {
        let store = try Store(path: partitions[0], create: false)
        let path = URL(fileURLWithPath: try required(models, step: .train)[0]).standardizedFileURL.path
        guard let id = try store.connection.scalarInt("SELECT id FROM lm_models WHERE path = ? ORDER BY created_at DESC LIMIT 1", [.text(path)]) else {
            throw StoreError("\(partitions[0]) has not been scored with \(path)", hint: "run the score step first")
        }
        return id
    }

    private func cutoffs() throws {
        let modelID = try modelID()
        try produce(cutoffsPath) { out in
            let cutoffs = try PartitionedCutoffs.compute(partitions: partitions, modelID: modelID)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(cutoffs).write(to: URL(fileURLWithPath: out))
        }
    }

    private func buckets(partition index: Int) throws {
        let path = try required([cutoffsPath], step: .cutoffs)[0]
        let cutoffs = try JSONDecoder().decode([PerplexityCutoff].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        let store = try Store(path: partitions[index], create: false)
        try PerplexityScorer.writeBuckets(cutoffs, store: store, modelID: try modelID())
    }
}
