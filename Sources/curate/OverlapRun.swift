import ArgumentParser
import Core
import Foundation
import Ingest
import Overlap
import Store

/// `curate score --metric rouge|bleu --reference exemplars…`
struct OverlapRun {
    let metric: OverlapMetric
    let references: [String]
    let global: GlobalOptions
    let rescore: Bool

    func run() throws {
        guard !references.isEmpty else {
            throw ValidationError("--metric \(metric.rawValue) needs exemplar documents: --reference FILE…")
        }
        let console = global.makeConsole()
        let store = try Store(path: global.storePath, create: false)
        var texts: [String] = []
        _ = try TextFiles(paths: references).forEach { texts.append(String(decoding: $0, as: UTF8.self)) }
        guard !texts.isEmpty else { throw StoreError("no exemplar documents in \(references.joined(separator: " "))") }
        let runID = try store.beginRun(command: "score", arguments: Invocation.arguments)
        let index = ExemplarIndex(texts: texts)
        let referenceID = try ExemplarScorer.register(paths: references, index: index, store: store)
        let summary: ExemplarScorer.Summary
        do {
            summary = try ExemplarScorer(store: store, index: index, metric: metric, referenceID: referenceID,
                                         threads: global.threadCount, console: console).run(rescore: rescore)
        } catch {
            console.clearProgress()
            try? store.finishRun(id: runID, status: .failed, counts: [:])
            throw error
        }
        try store.finishRun(id: runID, status: .done, counts: ["documents": Int64(summary.documents)],
                            notes: ["metric": metric.rawValue, "exemplars": references.joined(separator: " ")])
        if global.json {
            try Output.json(summary)
        } else if !global.quiet {
            let mean = metric == .rouge ? Formatting.decimal(summary.meanScore, places: 3) : Formatting.decimal(summary.meanScore, places: 1)
            Output.line("score   \(metric.rawValue)  \(Formatting.count(summary.documents)) docs against \(Formatting.count(texts.count)) exemplars"
                        + " in \(Formatting.duration(summary.seconds))  mean best \(metric == .rouge ? "ROUGE-L F1" : "BLEU") \(mean)"
                        + (summary.withoutCandidates > 0 ? "  (\(Formatting.count(summary.withoutCandidates)) share no bigram with any exemplar)" : ""))
        }
    }
}
