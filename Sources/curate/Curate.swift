import ArgumentParser
import Core
import Foundation
import Ingest
import Store
import Text
import Train

/// The `curate` command: one subcommand per pipeline stage.
struct Curate: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "curate",
            abstract: "Corpus curation and quality ranking: ingest, score, deduplicate, export, train.",
            discussion: """
                Every subcommand works on one SQLite store (--db, default ./curate.db or $CURATE_DB).
                Example: curate ingest samples/ && curate stats
                """,
            version: VersionInfo.text,
            subcommands: [IngestCommand.self, StatsCommand.self, RejectsCommand.self, ScoreCommand.self, QualityCommand.self, RankEvalCommand.self, FilterCommand.self, DedupCommand.self, ExportCommand.self, TokenizerCommand.self, TrainCommand.self, EvalCommand.self, FinetuneCommand.self, PredictCommand.self, ExperimentCommand.self, RunCommand.self, MergeCommand.self, ReportCommand.self, ShowCommand.self, LMCommand.self]
        )
    }
}

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store to use (default: $CURATE_DB, else ./curate.db).", valueName: "path"))
    var db: String?

    @Flag(name: .long, help: "No progress line, warnings or summary; errors only.")
    var quiet = false

    @Flag(name: .long, help: "Print one JSON object on stdout instead of the text summary.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Threads for CPU-bound work (default: all cores).", valueName: "n"))
    var threads: Int?

    @Option(name: .customLong("max-memory"), help: ArgumentHelp(
        "Memory budget for the buffers of a stage: SQLite's cache and sorts, n-gram counting, pipeline batches, dedup clustering (e.g. 512M, 2G; default: $CURATE_MAX_MEMORY, else each buffer's built-in size).",
        valueName: "size"))
    var maxMemory: String?

    var storePath: String {
        db ?? ProcessInfo.processInfo.environment["CURATE_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "curate.db"
    }

    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    func makeConsole() -> Console {
        Console(quiet: quiet, progress: !json)
    }

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        // The budget is process-wide (every stage reads MemoryBudget.current), so it is installed here,
        // once the command line is parsed and before any command runs.
        let environment = ProcessInfo.processInfo.environment["CURATE_MAX_MEMORY"].flatMap { $0.isEmpty ? nil : $0 }
        if let text = maxMemory ?? environment {
            let name = maxMemory != nil ? "--max-memory" : "CURATE_MAX_MEMORY"
            guard let bytes = MemoryBudget.parseBytes(text) else { throw ValidationError("\(name): '\(text)' is not a size like 512M or 2G") }
            guard bytes >= MemoryBudget.minimum else {
                throw ValidationError("\(name) \(text) is below the \(MemoryBudget.minimum >> 20)M the program itself needs")
            }
            MemoryBudget.install(MemoryBudget(bytes: bytes))
        }
    }
}

/// The versions printed by `curate --version`.
enum VersionInfo {
    static var text: String {
        "curate \(curateVersion) (ICU \(icuVersion), SQLite \(sqliteVersion), zstd \(zstdVersion), zlib \(zlibVersionString), xxHash \(xxhashVersion), \(BLASKernel.description))"
    }
}
