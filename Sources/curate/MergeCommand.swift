import ArgumentParser
import Core
import Foundation
import Store

/// `curate merge`
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine partition stores into one, as if one store had ingested every input.",
        discussion: """
            Sources, documents (ids kept, renumbered in the order one ingest over the same root reads them), \
            rejects, languages, heuristic statistics and filter verdicts are carried over; exact duplicates \
            are marked again across partitions. Dedup, the perplexity reference and export then run on the \
            merged store, so duplicates that span partitions are found and the reference is trained once.

            Example: curate merge stores/part-*.db --out merged.db && curate dedup --db merged.db
            """)

    @Argument(help: ArgumentHelp("The partition stores.", valueName: "store"))
    var stores: [String]

    @Option(name: .long, help: ArgumentHelp("The merged store to write (must not exist).", valueName: "path"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("An input the partitions were ingested from (repeatable, in the order ingest was given them; default: path order).", valueName: "path"))
    var root: [String] = []

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let summary = try StoreMerger.merge(stores, into: out, roots: root, command: Invocation.arguments, console: global.makeConsole())
        if global.json {
            try Output.json(summary)
            return
        }
        guard !global.quiet else { return }
        Output.line("merge   \(summary.stores) stores → \(Output.displayPath(out)): \(Formatting.count(summary.sources)) sources, "
                    + "\(Formatting.count(summary.documents)) documents (\(Formatting.count(summary.duplicates)) exact duplicates), "
                    + "\(Formatting.count(summary.rejects)) rejects in \(Formatting.duration(summary.seconds))")
        if !summary.notMerged.isEmpty {
            Output.line("        not carried over (recomputed on the merged store): " + summary.notMerged.joined(separator: ", "))
        }
    }
}

/// The command line a stage records (runs table, export manifest): the process's own, or, when
/// `curate run` executes a stage in-process, the stage's equivalent command line.
enum Invocation {
    nonisolated(unsafe) static var override: [String]?
    static var arguments: [String] { override ?? CommandLine.arguments }
}
