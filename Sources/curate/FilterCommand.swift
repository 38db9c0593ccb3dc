import ArgumentParser
import Core
import Filters
import Foundation
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

    @OptionGroup var profileOptions: ProfileOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try Store(path: global.storePath, create: false)
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
