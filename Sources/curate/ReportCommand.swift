import ArgumentParser
import Core
import Export
import Filters
import Foundation
import Quality
import Report
import Store

/// `curate report`
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "One self-contained HTML page that shows what happened to the corpus.",
        discussion: """
            Sections: the funnel (documents and bytes at each step, rejects by reason, drops by filter rule, \
            per language), score distributions (perplexity and bits per byte per language with the cut-offs; \
            heuristic statistics with the profile thresholds), examples per perplexity bucket and per top drop \
            reason, dedup (cluster sizes, most repeated lines, a near-duplicate pair with its differences), \
            export and training (shards and score ranges; loss curves and the experiment table when given), \
            the run log, and with --labels how each signal and the export rank labelled documents (AUC, good \
            share of the top, ROC curves). No script, no network, no fonts: charts are inline SVG; document text is \
            escaped. It reads the store only (and the directories named), so it can run beside a writer.

            Example: curate report --out report.html --run out/run
            """)

    @Option(name: .long, help: ArgumentHelp("The HTML file to write.", valueName: "path"))
    var out = "report.html"

    @Option(name: .long, help: ArgumentHelp("An export directory (default: the one the store's last export wrote).", valueName: "dir"))
    var export: String?

    @Option(name: .customLong("run"), help: ArgumentHelp("A training run directory to show the loss curves of (repeatable).", valueName: "dir"))
    var runs: [String] = []

    @Option(name: .long, help: ArgumentHelp("An experiment output directory (curate experiment's out) to show its arms.", valueName: "dir"))
    var experiment: String?

    @Option(name: .long, help: ArgumentHelp("Also show this document (repeatable): curate's id, or the record's own id field.", valueName: "id"))
    var document: [String] = []

    @Option(name: .long, help: ArgumentHelp("Labelled documents (as for rank-eval): adds how every signal and the export rank them, with ROC curves.", valueName: "file"))
    var labels: String?

    @Option(name: .customLong("label-field"), help: "The label's field (or column) in --labels.")
    var labelField = "label"

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try Store(path: global.storePath, create: false)
        var builder = ReportBuilder(store: store)
        builder.exportDirectory = try export ?? Self.lastExportDirectory(store)
        builder.runDirectories = runs
        builder.experimentDirectory = experiment
        builder.pinned = document
        let selection = try ProfileSelection.builtIn()
        builder.marks = { statistic, language in
            let profile = selection.profile(forLanguage: language)
            let q = profile.gopherQuality
            func marks(_ pairs: [(String, Double?)]) -> [ReportData.Mark] {
                pairs.compactMap { label, value in value.map { ReportData.Mark(label: "\(profile.name) \(label)", value: $0) } }
            }
            switch statistic {
            case "words": return marks([("min", q.minWords), ("max", q.maxWords)])
            case "mean_word_length": return marks([("min", q.minMeanWordLength), ("max", q.maxMeanWordLength)])
            case "dup_line_fraction": return marks([("max", profile.gopherRepetition.maxDupLineFraction)])
            default: return []
            }
        }
        let started = DispatchTime.now()
        var data = try builder.build()
        if let labels {
            let records = try LabelFiles.readLabels(path: labels, labelField: labelField)
            let order = try builder.exportDirectory.map { try ExportedDocuments.curateIDs(directory: $0) }
            let evaluation = try RankEvaluator(store: store).evaluate(labels: records, path: labels, only: nil, exportOrder: order)
            data.ranking = ReportData.Ranking(
                labels: labels, matched: evaluation.matched, good: evaluation.good, bad: evaluation.bad, graded: evaluation.graded, languages: evaluation.languagesByCount,
                rows: evaluation.signals.map {
                    ReportData.RankRow(name: $0.name, better: $0.better, documents: $0.documents, auc: $0.auc, aucByLanguage: $0.aucByLanguage,
                                       top10: $0.top10, top30: $0.top30, top50: $0.top50, curve: $0.curve)
                })
        }
        if global.json {
            try Output.json(data)
            return
        }
        let html = HTMLReport.render(data)
        try html.write(toFile: out, atomically: true, encoding: .utf8)
        if !global.quiet {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            Output.line("report  \(Output.displayPath(out)) (\(Formatting.bytes(Int64(html.utf8.count))), \(data.perplexity.count + data.statistics.count) histograms, "
                        + "\(data.runs.count) runs) in \(Formatting.duration(seconds))")
        }
    }

    /// The --out of the store's most recent successful export.
    static func lastExportDirectory(_ store: Store) throws -> String? {
        guard let arguments = try store.connection.scalarText("SELECT arguments FROM runs WHERE command = 'export' AND status = 'done' ORDER BY id DESC LIMIT 1"),
              let list = try? JSONSerialization.jsonObject(with: Data(arguments.utf8)) as? [String],
              let index = list.firstIndex(of: "--out"), index + 1 < list.count else { return nil }
        let directory = list[index + 1]
        return FileManager.default.fileExists(atPath: directory + "/manifest.json") ? directory : nil
    }
}
