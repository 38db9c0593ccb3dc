import ArgumentParser
import Core
import Export
import Foundation
import Quality
import Store

/// `curate rank-eval`
struct RankEvalCommand: ParsableCommand, WithoutBLAS {
    static let configuration = CommandConfiguration(
        commandName: "rank-eval",
        abstract: "Measure how well each stored signal (and an export's order) ranks labelled documents.",
        discussion: """
            The labelled documents are matched to the store by the record's own id or curate's id, or by \
            their exact text; duplicates count as their first copy. For each signal — the learned quality \
            score, reference perplexity and bits per byte, the filters' verdict, each heuristic statistic on \
            its own, and with --export the order of an export — it prints the ROC AUC (the chance that a good \
            document ranks above a bad one; concordance for graded labels) overall and per language, and the \
            good share of the best 10, 30 and 50%. Documents a signal has no value for rank last. Statistics \
            are ranked as stored (higher first): an AUC below 0.5 means lower values are the better ones.

            Example: curate rank-eval --labels heldout.jsonl --export out/
            """)

    @Option(name: .long, help: ArgumentHelp("Labelled documents: JSON lines (or .tsv) with an id or text and a label (0/1, good/bad, or a grade).", valueName: "file"))
    var labels: String

    @Option(name: .customLong("label-field"), help: "The label's field (or column).")
    var labelField = "label"

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Only these signals (names or prefixes: quality, perplexity, filters, c4, stats…).", valueName: "signal"))
    var score: [String] = []

    @Option(name: .long, help: ArgumentHelp("Also measure the order of the export in this directory.", valueName: "dir"))
    var export: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try Store(path: global.storePath, create: false)
        let records = try LabelFiles.readLabels(path: labels, labelField: labelField)
        let order = try export.map { try ExportedDocuments.curateIDs(directory: $0) }
        let report = try RankEvaluator(store: store).evaluate(labels: records, path: labels, only: score.isEmpty ? nil : score, exportOrder: order)
        guard report.matched > 0 else {
            throw QualityError("none of the \(Formatting.count(report.records)) labelled documents of \(labels) is in \(store.path)",
                               hint: "label rows name documents by their id (the record's own, or curate's) or their exact text")
        }
        if global.json {
            var compact = report
            for index in compact.signals.indices { compact.signals[index].curve = [] }
            try Output.json(compact)
            return
        }
        guard !global.quiet else { return }
        Self.print(report)
    }

    static func print(_ report: RankEvaluationReport) {
        let languages = report.languagesByCount
        var head = "rank-eval  \(Formatting.count(report.matched)) labelled documents"
        head += report.graded ? " (graded)" : ": \(Formatting.count(report.good)) good, \(Formatting.count(report.bad)) bad"
        head += "; " + languages.map { "\($0) \(Formatting.count(report.languages[$0]?[0] ?? 0))" }.joined(separator: " · ")
        if report.unmatched > 0 { head += "; \(Formatting.count(report.unmatched)) not in the store" }
        if report.repeated > 0 { head += "; \(Formatting.count(report.repeated)) repeated" }
        Output.line(head)
        for line in report.firstUnmatched { Output.line("           not found: \(line)") }
        let shown = Array(languages.prefix(4))
        var columns = Output.padded("signal", 36) + Output.leftPadded("docs", 7) + Output.leftPadded("AUC", 7)
        for language in shown { columns += Output.leftPadded(language, 7) }
        columns += Output.leftPadded(report.graded ? "mean@10%" : "good@10%", 10) + Output.leftPadded("@30%", 7) + Output.leftPadded("@50%", 7)
        Output.line(columns)
        func cell(_ value: Double?, _ width: Int) -> String { Output.leftPadded(value.map { Formatting.decimal($0, places: 3) } ?? "–", width) }
        for signal in report.signals {
            var row = Output.padded(signal.name + (signal.better == "lower" ? " (↓)" : ""), 36) + Output.leftPadded(Formatting.count(signal.documents), 7)
            row += cell(signal.auc, 7)
            for language in shown { row += cell(signal.aucByLanguage[language], 7) }
            row += cell(signal.top10, 10) + cell(signal.top30, 7) + cell(signal.top50, 7)
            Output.line(row)
        }
    }
}
