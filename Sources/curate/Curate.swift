import ArgumentParser
import Core
import Foundation
import Ingest
import Store
import Text

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
            subcommands: [IngestCommand.self, StatsCommand.self, RejectsCommand.self, ScoreCommand.self, FilterCommand.self, DedupCommand.self, ExportCommand.self, TokenizerCommand.self, TrainCommand.self, EvalCommand.self, FinetuneCommand.self, PredictCommand.self, ExperimentCommand.self, RunCommand.self, MergeCommand.self, ReportCommand.self, ShowCommand.self, LMCommand.self]
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

    var storePath: String {
        db ?? ProcessInfo.processInfo.environment["CURATE_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "curate.db"
    }

    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    func makeConsole() -> Console {
        Console(quiet: quiet, progress: !json)
    }

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }
}

/// The versions printed by `curate --version`.
enum VersionInfo {
    static var text: String {
        "curate \(curateVersion) (ICU \(icuVersion), SQLite \(sqliteVersion), zstd \(zstdVersion), zlib \(zlibVersionString), xxHash \(xxhashVersion))"
    }
}
