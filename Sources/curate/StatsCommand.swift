import ArgumentParser
import Core
import Foundation
import LM
import Quality
import Store

/// `curate stats --json`: the store's statistics, plus the perplexity summary when documents were scored.
struct StatsReport: Encodable {
    var store: StoreStatistics
    var perplexityModel: String?
    var perplexity: [PerplexityCutoff]
    var qualityModel: String?
    var quality: [QualityLanguageSummary]

    enum Keys: String, CodingKey { case perplexityModel, perplexity, qualityModel, quality }

    func encode(to encoder: Encoder) throws {
        try store.encode(to: encoder) // the store's keys at the top level
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(perplexityModel, forKey: .perplexityModel)
        try container.encode(perplexity, forKey: .perplexity)
        try container.encodeIfPresent(qualityModel, forKey: .qualityModel)
        try container.encode(quality, forKey: .quality)
    }
}

/// `curate stats`
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show what the store holds: sources, documents, bytes, duplicates, rejects.",
        discussion: "Example: curate stats --json")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try Store(path: global.storePath, create: false)
        let stats = try store.statistics()
        let model = try PerplexityScorer.latestModel(store: store)
        let cutoffs = try model.map { try PerplexityScorer.cutoffs(store: store, modelID: $0.id) } ?? []
        let qualityModel = try QualityStoreScorer.latestModel(store: store)
        let quality = try qualityModel.map { try QualityStoreScorer.languages(store: store, modelID: $0.id) } ?? []
        if global.json {
            try Output.json(StatsReport(store: stats, perplexityModel: model?.path, perplexity: cutoffs, qualityModel: qualityModel?.path, quality: quality))
            return
        }
        let pairs = { (counts: [StoreStatistics.Count]) in Output.breakdown(counts.map { ($0.name, $0.count) }) }
        let width = 11
        Output.line(Output.padded("store", width) + "\(Output.displayPath(stats.path)) (schema \(stats.schemaVersion), \(Formatting.bytes(stats.fileBytes)))")
        Output.line(Output.padded("sources", width) + Formatting.count(stats.sources)
                    + (stats.sources > 0 ? "   " + pairs(stats.sourcesByStatus) + "   (" + pairs(stats.sourcesByFormat) + ")" : ""))
        Output.line(Output.padded("documents", width) + Formatting.count(stats.documents)
                    + "   unique \(Formatting.count(stats.uniqueDocuments)) · exact duplicates \(Formatting.count(stats.exactDuplicates))")
        let ratio = stats.textBytes > 0 ? Formatting.decimal(Double(stats.storedBytes) / Double(stats.textBytes) * 100, places: 0) + "%" : "–"
        Output.line(Output.padded("text", width) + Formatting.bytes(stats.textBytes)
                    + "   stored as \(Formatting.bytes(stats.storedBytes)) (\(ratio)) · input read \(Formatting.bytes(stats.inputBytes))")
        Output.line(Output.padded("rejects", width) + Formatting.count(stats.rejects)
                    + (stats.rejects > 0 ? "   " + pairs(stats.rejectsByReason) + "   (curate rejects)" : ""))
        Output.line(Output.padded("runs", width) + Formatting.count(stats.runs)
                    + (stats.interruptedRuns > 0 ? "   (\(Formatting.count(stats.interruptedRuns)) interrupted)" : ""))
        if let model {
            Output.line(Output.padded("perplexity", width) + "model \(Output.displayPath(model.path))" + (model.trainedOn.map { ", trained on \($0)" } ?? ""))
            PerplexityTable.print(cutoffs, indent: String(repeating: " ", count: width))
        }
        if let qualityModel {
            Output.line(Output.padded("quality", width) + "model \(Output.displayPath(qualityModel.path))" + (qualityModel.trainedOn.map { ", trained on \($0)" } ?? ""))
            QualityTable.print(quality, indent: String(repeating: " ", count: width))
        }
    }
}
