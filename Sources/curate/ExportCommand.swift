import ArgumentParser
import Core
import Export
import Foundation
import Store

/// `curate export`
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the documents that survived filtering and dedup as quality-sorted zstd JSON-lines shards.",
        discussion: """
            Documents that are duplicates (ingest or dedup) or that the filters drop are left out; the rest \
            are ranked by the score (default: the combined ranking when `quality train --combine` made one, else reference-LM perplexity, lower is better) and written best \
            first: shard 0 holds the best documents. Each line has id, text, source and metadata (the \
            scores, the record's own fields). manifest.json lists every shard with its size, documents, \
            SHA-256 and score range; `curate export --verify DIR` checks them. The same store and options \
            give byte-identical shards and manifest.

            Examples: curate export --top 0.3 --out out/
                      curate export --top 0.5 --select high --out out-high/
                      curate export --verify out/
            """)

    @Option(name: .long, help: ArgumentHelp("The directory to write (created if missing; an earlier export in it is replaced).", valueName: "dir"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Check the shards in DIR against its manifest, and write nothing.", valueName: "dir"))
    var verify: String?

    @Option(name: .long, help: ArgumentHelp("Keep this fraction of the ranked documents (0–1; default 1, all).", valueName: "f"))
    var top: Double?

    @Flag(name: .long, help: "Rank by percentile within each language (a cut then keeps the same fraction of every language).")
    var perLanguage = false

    @Option(name: .long, help: ArgumentHelp("Keep the low, middle or high band of the score's values (with --top as its size, default 0.5) instead of the best.", valueName: "band"))
    var select: Band?

    @Option(name: .long, help: ArgumentHelp("Sample --top of the documents with probability ∝ exp(quality/T) (z-scored quality) instead of cutting.", valueName: "T"))
    var sampleTemperature: Double?

    @Option(name: .long, help: ArgumentHelp("The score: a metric (perplexity, bits_per_byte, quality, rouge, bleu), or weights like quality=1,perplexity=0.5.", valueName: "score"))
    var score: String?

    @Option(name: .long, help: ArgumentHelp("Output order: quality (best first, default), reverse, or random (seeded).", valueName: "order"))
    var order: ExportOrder?

    @Option(name: .long, help: ArgumentHelp("Seed for --order random and --sample-temperature.", valueName: "n"))
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp("Stop before the output passes this many tokens (ICU words).", valueName: "n"))
    var maxTokens: Int64?

    @Option(name: .long, help: ArgumentHelp("Stop before the output passes this many bytes of text.", valueName: "n"))
    var maxBytes: Int64?

    @Option(name: .long, help: ArgumentHelp("Uncompressed bytes of JSON lines per shard (default 256 MB; suffixes K, M, G).", valueName: "size"))
    var shardSize: String?

    @Flag(name: .long, help: "Drop the lines dedup found repeated across documents, keeping each one's first occurrence in export order.")
    var dropRepeatedLines = false

    @Flag(name: .long, help: "Keep documents the filters drop and duplicates (for inspection).")
    var includeFailed = false

    @Flag(name: .long, help: "Filters as evidence, not cuts: documents the heuristic filters drop stay in the ranking (duplicates still do not) and the score decides. The default with the combined ranking, which weighs every statistic.")
    var softFilters = false

    @Flag(name: .long, help: "Filters as cuts: documents the heuristic filters drop are left out. The default with any score but the combined ranking.")
    var hardFilters = false

    @Option(name: .long, help: ArgumentHelp("Pipeline settings (YAML; its export section). See pipelines/default.yaml.", valueName: "path"))
    var pipeline: String?

    @Option(name: .long, parsing: .upToNextOption,
            help: ArgumentHelp("Export from these partition stores without merging them: the shards and manifest an export of their merged store would write (one metric in its own direction; no per-language ranking or repeated-line removal yet).", valueName: "store"))
    var partitionStores: [String] = []

    @Option(name: .long, help: ArgumentHelp("With --partition-stores: where the runs, the plan and the shards' records go (default: export-work/ beside the first store).", valueName: "dir"))
    var work: String?

    @Option(name: .long, help: ArgumentHelp("With --partition-stores: run only this step (rank, plan, write, manifest; default: all, in that order).", valueName: "step"))
    var step: PartitionedExport.Step?

    @Option(name: .long, help: ArgumentHelp("With --step: run only this task of the step (0-based).", valueName: "k"))
    var task: Int?

    @Option(name: .long, help: ArgumentHelp("With --partition-stores: writer tasks, each writing a contiguous range of the shards (default 1).", valueName: "k"))
    var writers = 1

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if partitionStores.isEmpty && (work != nil || step != nil || task != nil) {
            throw ValidationError("--work, --step and --task go with --partition-stores")
        }
        if task != nil && step == nil { throw ValidationError("--task needs --step") }
        if writers < 1 { throw ValidationError("--writers must be at least 1") }
        if verify == nil && out == nil { throw ValidationError("name the output directory with --out, or a directory to check with --verify") }
        if let top, !(top > 0 && top <= 1) { throw ValidationError("--top must be more than 0 and at most 1") }
        if let sampleTemperature, !(sampleTemperature > 0) { throw ValidationError("--sample-temperature must be more than 0") }
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
        if let maxBytes, maxBytes < 1 { throw ValidationError("--max-bytes must be at least 1") }
        if let shardSize, Self.bytes(shardSize) == nil { throw ValidationError("--shard-size: '\(shardSize)' is not a size like 256M") }
    }

    static func bytes(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let unit = text.last.flatMap({ units[Character($0.uppercased())] }), let value = Int64(text.dropLast()), value > 0 { return value * unit }
        return Int64(text).flatMap { $0 >= 1024 ? $0 : nil }
    }

    func options() throws -> ExportOptions {
        var options = ExportOptions()
        if let pipeline { try options.apply(pipelineFile: pipeline) }
        if let score {
            var weights: [String: Double] = [:]
            for part in score.split(separator: ",") {
                let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard let weight = pieces.count == 2 ? Double(pieces[1]) : 1 else { throw ValidationError("--score: '\(part)' is not metric=weight") }
                weights[pieces[0]] = weight
            }
            options.score = weights
        }
        if let select {
            options.band = select
            options.fraction = top ?? (options.fraction < 1 ? options.fraction : 0.5)
        } else if let top {
            options.fraction = top
        }
        if let sampleTemperature { options.sampleTemperature = sampleTemperature }
        if perLanguage { options.perLanguage = true }
        if let order { options.order = order }
        if let seed { options.seed = seed }
        if let maxTokens { options.maxTokens = maxTokens }
        if let maxBytes { options.maxBytes = maxBytes }
        if let shardSize, let size = Self.bytes(shardSize) { options.shardSize = size }
        if dropRepeatedLines { options.dropRepeatedLines = true }
        if includeFailed { options.includeFailed = true }
        if softFilters && hardFilters { throw ValidationError("--soft-filters and --hard-filters contradict each other") }
        if softFilters { options.softFilters = true }
        if hardFilters { options.softFilters = false }
        options.threads = global.threadCount
        _ = try options.metrics()
        return options
    }

    /// The arguments as the manifest records them: without the store and output paths, nor the options
    /// that change how the export runs but not what it writes (threads, memory, output verbosity).
    static func recordedCommand(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var skip = false
        var skipList = false
        for argument in arguments.drop(while: { $0 != "export" }) {
            if skipList && !argument.hasPrefix("--") { continue }
            skipList = false
            if argument == "--partition-stores" { skipList = true; continue }
            if skip { skip = false; continue }
            if ["--work", "--step", "--task", "--writers"].contains(argument) { skip = true; continue }
            if ["--out", "--db", "--pipeline", "--threads", "--max-memory"].contains(argument) { skip = true; continue }
            if ["--out=", "--db=", "--pipeline=", "--threads=", "--max-memory="].contains(where: argument.hasPrefix) || ["--quiet", "--json"].contains(argument) { continue }
            result.append(argument)
        }
        return result
    }

    func run() throws {
        if let verify {
            let report = try Verifier.verify(directory: verify)
            if global.json {
                try Output.json(report)
            } else if !global.quiet || !report.ok {
                for problem in report.problems { FileHandle.standardError.write(Data("curate: \(problem)\n".utf8)) }
                if report.ok {
                    Output.line("verify  \(Output.displayPath(verify)): \(report.shards) shards, \(Formatting.count(report.documents)) documents, "
                                + "\(Formatting.bytes(report.bytes)): all match the manifest")
                }
            }
            if !report.ok { throw ExitStatus(code: 1) }
            return
        }
        let console = global.makeConsole()
        var options = try options()
        if !partitionStores.isEmpty {
            let first = partitionStores[0]
            let work = self.work ?? ((first as NSString).deletingLastPathComponent as NSString).appendingPathComponent("export-work")
            let store = try Store(path: first, create: false)
            if score == nil && options.score == ExportOptions().score,
               try store.connection.scalarInt("SELECT EXISTS (SELECT 1 FROM combined_scores)") == 1 {
                options.score = ["combined": 1]
            }
            let export = PartitionedExport(partitions: partitionStores, work: work, directory: out!, options: options, writers: writers,
                                           command: Self.recordedCommand(Invocation.arguments))
            try export.run(step, task: task)
            if !global.quiet && !global.json && (step == nil || step == .manifest) {
                let manifest = try Manifest.read(from: out!)
                Output.line("export  \(Formatting.count(manifest.written)) docs (\(Formatting.bytes(manifest.textBytes)) of text) in "
                            + "\(manifest.shards.count) shard\(manifest.shards.count == 1 ? "" : "s") from \(partitionStores.count) partition stores → \(Output.displayPath(out!))")
            }
            return
        }
        let store = try Store(path: global.storePath, create: false)
        // The combined ranking is the default once it exists (a score given here or in the pipeline wins).
        if score == nil && options.score == ExportOptions().score,
           try store.connection.scalarInt("SELECT EXISTS (SELECT 1 FROM combined_scores)") == 1 {
            options.score = ["combined": 1]
        }
        let runID = try store.beginRun(command: "export", arguments: Invocation.arguments)
        let summary: ExportSummary
        do {
            summary = try Exporter(store: store, options: options, console: console, command: Self.recordedCommand(Invocation.arguments))
                .run(to: out!)
        } catch {
            console.clearProgress()
            try? store.finishRun(id: runID, status: .failed, counts: [:])
            throw error
        }
        let manifest = summary.manifest
        try store.finishRun(id: runID, status: .done, counts: ["written": Int64(manifest.written), "shards": Int64(manifest.shards.count)])
        if global.json {
            try Output.json(summary)
            return
        }
        guard !global.quiet else { return }
        let counts = manifest.counts
        let compressed = manifest.shards.reduce(Int64(0)) { $0 + $1.bytes }
        Output.line("export  \(Formatting.count(manifest.written)) docs (\(Formatting.bytes(manifest.textBytes)) of text) in "
                    + "\(manifest.shards.count) shard\(manifest.shards.count == 1 ? "" : "s"), \(Formatting.bytes(compressed)) on disk, "
                    + "in \(Formatting.duration(summary.seconds)) → \(Output.displayPath(summary.directory))")
        Output.line("        of \(Formatting.count(counts.documents)) documents: left out " + Output.breakdown([
            ("duplicates", Int64(counts.ingestDuplicates + counts.dedupDuplicates)), ("filtered", Int64(counts.filtered)),
            ("unscored", Int64(counts.unscored)), ("not selected", Int64(counts.ranked - manifest.selected)),
            ("over the cap", Int64(manifest.cappedOut)), ("emptied", Int64(manifest.emptied)),
        ].filter { $0.1 > 0 }))
        if manifest.options.filtersAreSoft && !manifest.options.includeFailed {
            Output.line("        filters as evidence (soft): documents they drop stay in the ranking (--hard-filters leaves them out)")
        }
        if manifest.droppedLines > 0 { Output.line("        repeated lines dropped: \(Formatting.count(manifest.droppedLines))") }
        if let first = manifest.shards.first, let last = manifest.shards.last {
            Output.line("        score \(manifest.options.score.keys.sorted().joined(separator: "+")): first \(YAMLNumber.short(first.firstScore)), "
                        + "last \(YAMLNumber.short(last.lastScore))   (curate export --verify \(Output.displayPath(summary.directory)))")
        }
    }
}

extension Band: ExpressibleByArgument {}
extension ExportOrder: ExpressibleByArgument {}

enum YAMLNumber {
    /// A score for a summary line: four significant digits.
    static func short(_ value: Double) -> String { String(format: "%.4g", value) }
}

extension PartitionedExport.Step: ExpressibleByArgument {}
