import ArgumentParser
import Core
import Foundation
import Ingest
import Store

extension RecordFormat: ExpressibleByArgument {}
extension TextSplit: ExpressibleByArgument {}

/// `curate ingest PATH…`
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Stream text files into the store.",
        discussion: """
            Reads .jsonl/.json (one JSON object per line), .txt (one document per file, or per line or \
            paragraph with --txt-split) and Common Crawl WET \
            (.warc.wet) files, each optionally compressed (.gz, .zst). Directories are read recursively in \
            sorted order. Re-running over the same inputs adds nothing; an interrupted run resumes where it \
            stopped. Bad records are rejected with a reason (see `curate rejects`) and the run carries on.

            Exit status: 0 done, 1 nothing could be read, 3 with --strict when any record was rejected.
            Example: curate ingest raw/ --glob '*.jsonl.zst' --text-field content
            """)

    @Argument(help: ArgumentHelp("Files or directories to read.", valueName: "path"))
    var paths: [String]

    @Option(name: .long, help: ArgumentHelp("Only files matching this pattern (matched against the name, or the path below the directory when it has a '/').", valueName: "pattern"))
    var glob: String?

    @Option(name: .long, help: ArgumentHelp("Only the files of partition K of N (0-based): XXH3 of the file's root-relative name, modulo N. For scale-out: one store per partition, then curate merge.", valueName: "K/N"))
    var partition: String?

    @Option(name: .long, help: "Read every file as this format instead of going by its extension (jsonl, txt, wet).")
    var format: RecordFormat?

    @Option(name: .long, help: ArgumentHelp("How a .txt file becomes documents: file (the whole file), line (each non-blank line), paragraph (each block of lines between blank lines).", valueName: "file|line|paragraph"))
    var txtSplit = TextSplit.file

    @Option(name: .long, help: ArgumentHelp("JSON field holding the text.", valueName: "name"))
    var textField = "text"

    @Option(name: .long, help: ArgumentHelp("JSON field holding the record's own id.", valueName: "name"))
    var idField = "id"

    @Option(name: .long, help: ArgumentHelp("Reject records with more text than this many bytes.", valueName: "bytes"))
    var maxDocBytes = 10 << 20

    @Option(name: .long, help: ArgumentHelp("zstd level for texts in the store (1–19; 0 stores them uncompressed).", valueName: "level"))
    var compressionLevel: Int32 = IngestOptions().compressionLevel

    @Option(name: .long, help: ArgumentHelp("Seconds between commits to the store; a crash loses at most this much work.", valueName: "seconds"))
    var commitInterval = IngestOptions().commitInterval

    @Flag(name: .long, help: "Exit with status 3 when any record was rejected.")
    var strict = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if maxDocBytes < 1 { throw ValidationError("--max-doc-bytes must be positive") }
        if textField == idField { throw ValidationError("--text-field and --id-field must differ") }
        if !(commitInterval >= 0) { throw ValidationError("--commit-interval must be 0 or more seconds") }
        if !(0...19).contains(compressionLevel) { throw ValidationError("--compression-level must be 0 (off) to 19") }
        if let partition, InputPartition(partition) == nil { throw ValidationError("--partition must be K/N with 0 ≤ K < N, e.g. 3/8") }
    }

    func run() throws {
        let console = global.makeConsole()
        let store = try Store(path: global.storePath)
        let runID = try store.beginRun(command: "ingest", arguments: Invocation.arguments)
        var options = IngestOptions()
        options.textField = textField
        options.idField = idField
        options.glob = glob
        options.partition = partition.flatMap(InputPartition.init)
        options.format = format
        options.textSplit = txtSplit
        options.maxDocBytes = maxDocBytes
        options.threads = global.threadCount
        options.compressionLevel = compressionLevel
        options.commitInterval = commitInterval
        if compressionLevel == 0 { options.compressMinBytes = .max }

        let summary: IngestSummary
        do {
            summary = try Ingestor(store: store, options: options, console: console, runID: runID).run(paths: paths)
        } catch {
            console.clearProgress()
            try? store.finishRun(id: runID, status: .failed, counts: [:])
            throw error
        }
        try store.finishRun(id: runID, status: summary.nothingRead && partition == nil ? .failed : .done, counts: [
            "files_read": Int64(summary.filesRead), "documents": summary.documents, "duplicates": summary.duplicates,
            "rejects": summary.rejects, "bytes_read": summary.bytesRead,
        ])
        console.flushSuppressedWarnings { "curate rejects --reason \($0)" }

        if global.json {
            try Output.json(summary)
        } else if !global.quiet {
            printSummary(summary)
        }
        if summary.nothingRead && partition != nil && summary.files == 0 && summary.rejects == 0 {
            // A partition may hold no files (more partitions than files): an empty store, not an error.
            if !global.quiet && !global.json { Output.line("        partition \(partition!) has no input files") }
            return
        }
        if summary.nothingRead {
            console.error(summary.files == 0 && summary.rejects == 0 ? "no input files found in \(paths.joined(separator: " "))"
                                                                      : "nothing could be read",
                          hint: summary.filesUnrecognized > 0
                            ? "\(summary.filesUnrecognized) files had no known extension; use --format or --glob"
                            : "see the warnings above, or `curate rejects`")
            throw ExitStatus(code: 1)
        }
        if strict && summary.rejects > 0 { throw ExitStatus(code: 3) }
    }

    private func printSummary(_ summary: IngestSummary) {
        let rate = Formatting.megabytesPerSecond(bytes: summary.bytesRead, seconds: summary.seconds)
        Output.line("ingest  \(Formatting.count(summary.filesRead)) files  \(Formatting.count(summary.documents)) docs  "
                    + "\(Formatting.bytes(summary.bytesRead)) in \(Formatting.duration(summary.seconds)) (\(rate))")
        let indent = "        "
        if summary.duplicates > 0 {
            Output.line(indent + Output.padded("duplicates (exact)", 20) + Formatting.count(summary.duplicates))
        }
        if summary.rejects > 0 {
            let reasons = summary.rejectsByReason.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { ($0.key, $0.value) }
            Output.line(indent + Output.padded("rejected", 20) + Formatting.count(summary.rejects)
                        + "   " + Output.breakdown(reasons) + "   (curate rejects)")
        }
        if summary.filesAlreadyIngested > 0 {
            Output.line(indent + Output.padded("already ingested", 20) + "\(Formatting.count(summary.filesAlreadyIngested)) files (skipped)")
        }
        if summary.filesResumed > 0 {
            Output.line(indent + Output.padded("resumed", 20) + "\(Formatting.count(summary.filesResumed)) files (interrupted earlier)")
        }
        if summary.filesUnrecognized > 0 {
            Output.line(indent + Output.padded("unknown type", 20) + "\(Formatting.count(summary.filesUnrecognized)) files (skipped; see --format)")
        }
        if summary.textBytes > 0 {
            Output.line(indent + Output.padded("stored", 20) + "\(Formatting.bytes(summary.storedBytes)) for \(Formatting.bytes(summary.textBytes)) of text")
        }
    }
}
