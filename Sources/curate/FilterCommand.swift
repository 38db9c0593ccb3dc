import ArgumentParser
import Core
import Filters
import Foundation
import Quality
import Store

/// `curate filter`
struct FilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Apply the filters' thresholds to the stored statistics and show what each rule drops.",
        discussion: """
            Reads only the statistics stored by `curate score`, never the text, so a changed threshold takes \
            effect at once. Without --dry-run the verdicts are stored (export leaves dropped documents out).

            Example: curate filter --profiles my-profiles/ --dry-run
            """)

    @Flag(name: .long, help: "Show the funnel without storing the verdicts.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("Only documents detected as this language (en, zh, other…).", valueName: "code"))
    var language: String?

    @Option(name: .long, help: ArgumentHelp("Labelled documents (as for rank-eval): show, per rule and language, the share of good and of bad documents it drops.", valueName: "file"))
    var labels: String?

    @Option(name: .customLong("label-field"), help: "The label's field (or column) in --labels.")
    var labelField = "label"

    @OptionGroup var profileOptions: ProfileOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try Store(path: global.storePath, create: false)
        if let labels {
            try runLabelled(store: store, labels: labels)
            return
        }
        let funnel = try FilterRunner(store: store, selection: try profileOptions.selection()).run(write: !dryRun, language: language)
        if global.json {
            try Output.json(funnel)
            return
        }
        guard !global.quiet else { return }
        if funnel.documents == 0 {
            Output.line("no scored documents\(language.map { " in language \($0)" } ?? "") (run `curate score --metric heuristics` first)")
            return
        }
        let width = max(34, (funnel.rules.map(\.rule.count).max() ?? 0) + 2)
        Output.line(Output.padded("rule", width) + "   dropped   first-failing")
        for rule in funnel.rules {
            Output.line(Output.padded(rule.rule, width) + Output.leftPadded(Formatting.count(rule.dropped), 10)
                        + Output.leftPadded(Formatting.count(rule.firstFailing), 16))
        }
        Self.printKept(funnel)
        if dryRun { Output.line("(dry run: verdicts not stored)") }
    }


    /// `--labels`: what each rule drops of the good and of the bad labelled documents, per language (the
    /// verdicts are not stored: it is a measurement).
    private func runLabelled(store: Store, labels: String) throws {
        let records = try LabelFiles.readLabels(path: labels, labelField: labelField)
        guard !LabelFiles.isGraded(records) else { throw QualityError("\(labels): filter --labels needs good/bad (0/1) labels, not grades") }
        let lookup = try DocumentLookup(store: store)
        var labelOf: [Int64: Bool] = [:]
        var unmatched = 0
        for record in records {
            if let match = lookup.find(record.document) { labelOf[match.seq] = record.label == 1 } else { unmatched += 1 }
        }
        var report = LabelledFunnel(labels: labels, unmatched: unmatched)
        _ = try FilterRunner(store: store, selection: try profileOptions.selection()).run(write: false, language: language) { seq, language, failures in
            guard let good = labelOf[seq] else { return }
            report.add(language: language, good: good, failures: failures)
        }
        let order = heuristicFilters.flatMap { filter in filter.ruleNames.map { filter.name + "." + $0 } }
        report.rules.sort { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
        guard report.languages.values.contains(where: { $0.good + $0.bad > 0 }) else {
            throw QualityError("none of the labelled documents of \(labels) has heuristic statistics in \(store.path)",
                               hint: "run `curate score --metric heuristics` first; label rows name documents by id or exact text")
        }
        if global.json {
            try Output.json(report)
            return
        }
        guard !global.quiet else { return }
        let languages = report.languages.keys.sorted { (report.languages[$0]!.good + report.languages[$0]!.bad, $1) > (report.languages[$1]!.good + report.languages[$1]!.bad, $0) }
        let shown = Array(languages.prefix(3))
        let width = max(42, (report.rules.map(\.count).max() ?? 0) + 2)
        var header = Output.padded("rule (share dropped: good / bad)", width)
        for language in shown {
            let counts = report.languages[language]!
            header += Output.leftPadded("\(language) (\(counts.good) / \(counts.bad))", 24)
        }
        Output.line(header)
        func share(_ count: Int, _ total: Int) -> String { total == 0 ? "–" : Formatting.decimal(100 * Double(count) / Double(total), places: 1) + "%" }
        for rule in report.rules + [LabelledFunnel.anyRule] {
            var row = Output.padded(rule, width), flagged = false
            for language in shown {
                let counts = report.languages[language]!
                let good = counts.droppedGood[rule] ?? 0, bad = counts.droppedBad[rule] ?? 0
                row += Output.leftPadded(share(good, counts.good) + " / " + share(bad, counts.bad), 24)
                flagged = flagged || (rule != LabelledFunnel.anyRule && LabelledFunnel.costly(good: good, goodTotal: counts.good, bad: bad, badTotal: counts.bad))
            }
            Output.line(row + (flagged ? "   ✗" : ""))
        }
        Output.line("✗: drops more than 10% of the good documents of a language, and less than 3× that share of its bad ones")
        if unmatched > 0 { Output.line("\(Formatting.count(unmatched)) labelled documents are not in the store") }
    }

    static func printKept(_ funnel: Funnel) {
        guard funnel.documents > 0 else { return }
        let share = Formatting.decimal(Double(funnel.kept) / Double(funnel.documents) * 100, places: 1)
        var line = "kept    \(Formatting.count(funnel.kept)) / \(Formatting.count(funnel.documents)) (\(share)%)"
        if funnel.languages.count > 1 || funnel.languages.first?.language != "en" {
            line += "   " + funnel.languages.map { "\($0.language) \(Formatting.count($0.kept))/\(Formatting.count($0.documents))" }.joined(separator: " · ")
        }
        Output.line(line)
    }
}

/// `curate filter --labels`: per language, the good and bad labelled documents and what each rule drops of them.
struct LabelledFunnel: Encodable {
    struct Counts: Encodable {
        var good = 0
        var bad = 0
        /// Documents each rule fails (whatever else fails), and under `any rule` those not kept.
        var droppedGood: [String: Int] = [:]
        var droppedBad: [String: Int] = [:]
    }

    static let anyRule = "any rule (not kept)"

    var labels: String
    var unmatched: Int
    var languages: [String: Counts] = [:]
    /// Rules that dropped any labelled document (sorted into the filters' order before printing).
    var rules: [String] = []

    init(labels: String, unmatched: Int) {
        self.labels = labels
        self.unmatched = unmatched
    }

    mutating func add(language: String, good: Bool, failures: [String]) {
        var counts = languages[language] ?? Counts()
        if good { counts.good += 1 } else { counts.bad += 1 }
        for rule in failures + (failures.isEmpty ? [] : [Self.anyRule]) {
            if good { counts.droppedGood[rule, default: 0] += 1 } else { counts.droppedBad[rule, default: 0] += 1 }
            if rule != Self.anyRule && !rules.contains(rule) { rules.append(rule) }
        }
        languages[language] = counts
    }

    /// The issue's test for a rule that costs more than it is worth: it drops more than 10% of the good
    /// documents and less than three times that share of the bad ones.
    static func costly(good: Int, goodTotal: Int, bad: Int, badTotal: Int) -> Bool {
        guard goodTotal > 0 else { return false }
        let goodShare = Double(good) / Double(goodTotal), badShare = badTotal > 0 ? Double(bad) / Double(badTotal) : 0
        return goodShare > 0.1 && badShare < 3 * goodShare
    }
}
