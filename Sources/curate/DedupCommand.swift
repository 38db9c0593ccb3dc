import ArgumentParser
import Config
import Core
import Dedup
import Foundation
import Store

/// `curate dedup`
struct DedupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup",
        abstract: "Find exact and near-duplicate documents and repeated lines (nothing is deleted; export leaves them out).",
        discussion: """
            With none of --exact, --minhash, --lines, all three run. Signatures are computed once per \
            document and kept in the store: a second run signs only new documents and compares them with \
            everything stored; a killed run resumes. Clusters are rebuilt from the stored pairs every run, so \
            a new --threshold needs no new signatures. The kept document of a cluster is the one the \
            heuristic filters keep with the lowest perplexity, else the longest, else the first.

            Example: curate dedup --report
            """)

    @Flag(name: .long, help: "Exact duplicates after normalisation (NFKC, lower case, white space collapsed).")
    var exact = false

    @Flag(name: .long, help: "Near duplicates by MinHash LSH.")
    var minhash = false

    @Flag(name: .long, help: "Count repeated lines (cc_net).")
    var lines = false

    @Flag(name: .long, help: "Print the report: cluster sizes, removals by method, most repeated lines, sample pairs.")
    var report = false

    @Flag(name: .long, help: "Drop every stored signature, pair, cluster and line count first (needed to change shingles, bands, rows or seed).")
    var reset = false

    @Flag(name: .long, help: "Only sign the documents (for a partition store before curate merge; candidates, clusters and line counts come after the merge).")
    var signOnly = false

    @Option(name: .long, help: ArgumentHelp("Pipeline settings (YAML; its dedup section). See pipelines/default.yaml.", valueName: "path"))
    var pipeline: String?

    @Option(name: .long, help: ArgumentHelp("Words per shingle (default 5).", valueName: "n"))
    var shingleWords: Int?

    @Option(name: .long, help: ArgumentHelp("LSH bands (default 14).", valueName: "n"))
    var bands: Int?

    @Option(name: .long, help: ArgumentHelp("Rows per band (default 8).", valueName: "n"))
    var rows: Int?

    @Option(name: .long, help: ArgumentHelp("Estimated Jaccard at which a candidate pair is a near duplicate (default 0.8).", valueName: "j"))
    var threshold: Double?

    @Option(name: .long, help: ArgumentHelp("How candidate pairs are confirmed: exact (Jaccard of the shingle sets, default) or estimate (from the signatures).", valueName: "how"))
    var verify: Verification?

    enum Verification: String, ExpressibleByArgument, CaseIterable { case exact, estimate }

    @Option(name: .long, help: ArgumentHelp("A line is repeated when more than this many documents contain it (default 1).", valueName: "n"))
    var lineThreshold: Int?

    @Option(name: .long, parsing: .upToNextOption,
            help: ArgumentHelp("Deduplicate across these partition stores without merging them (each ingested with --partition K/N and signed); each ends with its own share of the clusters and line counts.", valueName: "store"))
    var partitionStores: [String] = []

    @Option(name: .long, help: ArgumentHelp("With --partition-stores: where the tasks write their outputs (default: dedup/ beside the first store).", valueName: "dir"))
    var work: String?

    @Option(name: .long, help: ArgumentHelp("With --partition-stores: run only this step (exact, prepare, near, lines, cluster, apply; default: all, in that order).", valueName: "step"))
    var step: PartitionedDedup.Step?

    @Option(name: .long, help: ArgumentHelp("With --step: run only this task of the step (0-based; default: every task).", valueName: "k"))
    var task: Int?

    @Option(name: .long, help: ArgumentHelp("With --partition-stores: tasks sharing hash space in the exact and near steps (default: one per partition).", valueName: "b"))
    var buckets: Int?

    @Option(name: .long, help: ArgumentHelp("Seconds between commits to the store; a crash loses at most this much work.", valueName: "seconds"))
    var commitInterval = DedupOptions().commitInterval

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if partitionStores.isEmpty && (work != nil || step != nil || task != nil || buckets != nil) {
            throw ValidationError("--work, --step, --task and --buckets go with --partition-stores")
        }
        if task != nil && step == nil { throw ValidationError("--task needs --step") }
        if let buckets, buckets < 1 { throw ValidationError("--buckets must be at least 1") }
        if !partitionStores.isEmpty && (signOnly || reset || report) {
            throw ValidationError("--sign-only, --reset and --report work on one store, not with --partition-stores")
        }
        if !(commitInterval >= 0) { throw ValidationError("--commit-interval must be 0 or more seconds") }
        if let threshold, !(0...1).contains(threshold) { throw ValidationError("--threshold must be between 0 and 1") }
        for (name, value) in [("--shingle-words", shingleWords), ("--bands", bands), ("--rows", rows), ("--line-threshold", lineThreshold)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1") }
        }
    }

    func options() throws -> DedupOptions {
        var options = DedupOptions()
        if let pipeline { try options.apply(pipelineFile: pipeline) }
        if exact || minhash || lines {
            options.exact = exact
            options.minhash = minhash
            options.lines = lines
        }
        if let shingleWords { options.parameters.shingleWords = shingleWords }
        if let bands { options.parameters.bands = bands }
        if let rows { options.parameters.rows = rows }
        if let threshold { options.parameters.threshold = threshold }
        if let lineThreshold { options.lineThreshold = lineThreshold }
        if let verify { options.verifyExactly = verify == .exact }
        options.threads = global.threadCount
        options.commitInterval = commitInterval
        options.signOnly = signOnly
        return options
    }

    func run() throws {
        let console = global.makeConsole()
        let options = try options()
        if !partitionStores.isEmpty { return try runAcrossPartitions(options: options, console: console) }
        let store = try Store(path: global.storePath, create: false)
        if reset { try Deduplicator.reset(store: store) }
        let runID = try store.beginRun(command: "dedup", arguments: Invocation.arguments)
        let summary: DedupSummary
        do {
            summary = try Deduplicator(store: store, options: options, console: console).run()
        } catch {
            console.clearProgress()
            try? store.finishRun(id: runID, status: .failed, counts: [:])
            throw error
        }
        try store.finishRun(id: runID, status: .done, counts: [
            "signed": Int64(summary.signed), "clusters": Int64(summary.clusters),
            "removed_normalized": Int64(summary.removedNormalized), "removed_minhash": Int64(summary.removedMinhash),
        ])
        let loaded = report ? try DedupReport.load(store: store, options: options) : nil
        if global.json {
            try Output.json(DedupOutput(summary: summary, report: loaded))
            return
        }
        guard !global.quiet else { return }
        printSummary(summary, options: options)
        if let loaded { Self.printReport(loaded) }
    }

    /// `--partition-stores`: the steps of `PartitionedDedup`, all or one (task).
    private func runAcrossPartitions(options: DedupOptions, console: Console) throws {
        let first = partitionStores[0]
        let work = self.work ?? ((first as NSString).deletingLastPathComponent as NSString).appendingPathComponent("dedup")
        let dedup = PartitionedDedup(partitions: partitionStores, work: work, options: options, buckets: buckets ?? partitionStores.count)
        let started = DispatchTime.now()
        var summary = PartitionedDedupSummary()
        if let step {
            for task in task.map({ [$0] }) ?? Array(0..<dedup.tasks(step)) { summary.add(try dedup.run(step, task: task, console: console)) }
        } else {
            summary = try dedup.runAll(console: console)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        if global.json {
            try Output.json(summary)
            return
        }
        guard !global.quiet else { return }
        Output.line("dedup   \(partitionStores.count) partition\(partitionStores.count == 1 ? "" : "s"), \(dedup.buckets) bucket task\(dedup.buckets == 1 ? "" : "s"): \(summary.tasks) task\(summary.tasks == 1 ? "" : "s") run in \(Formatting.duration(seconds)) (outputs in \(Output.displayPath(work)))")
        Output.line("        copies across partitions: \(Formatting.count(summary.exactDuplicates)); candidate pairs: \(Formatting.count(summary.candidatePairs)), \(Formatting.count(summary.verifiedPairs)) verified exactly")
        Output.line("        \(Formatting.count(summary.clusters)) clusters; duplicates left out: " + Output.breakdown([
            ("normalized", Int64(summary.removedNormalized)), ("minhash", Int64(summary.removedMinhash))]))
    }

    private func printSummary(_ summary: DedupSummary, options: DedupOptions) {
        let rate = Formatting.megabytesPerSecond(bytes: summary.bytes, seconds: summary.signatureSeconds)
        if summary.signed > 0 {
            Output.line("dedup   signed \(Formatting.count(summary.signed)) docs in \(Formatting.duration(summary.signatureSeconds)) (\(rate))")
        } else {
            Output.line("dedup   no new documents to sign")
        }
        if options.signOnly {
            Output.line("        signed only: candidate pairs, clusters and repeated lines come after curate merge")
            return
        }
        if options.minhash {
            let verified = options.verifyExactly ? ", \(Formatting.count(summary.verifiedPairs)) verified exactly" : ""
            Output.line("        candidate pairs: \(Formatting.count(summary.comparedPairs)) new\(verified); \(Formatting.count(summary.confirmedPairs)) in all at Jaccard ≥ \(YAMLReader.format(options.parameters.threshold))")
        }
        let removed = summary.removedByIngest + summary.removedNormalized + summary.removedMinhash
        Output.line("        \(Formatting.count(summary.clusters)) clusters; duplicates left out: \(Formatting.count(removed)) ("
                    + Output.breakdown([("ingest", Int64(summary.removedByIngest)), ("normalized", Int64(summary.removedNormalized)),
                                        ("minhash", Int64(summary.removedMinhash))]) + ")")
        if summary.clusters > 0 {
            Output.line("        kept copy chosen by: " + Self.keptBy(summary.keptBy))
        }
        if options.lines {
            Output.line("        repeated lines (in more than \(options.lineThreshold) document\(options.lineThreshold == 1 ? "" : "s")): \(Formatting.count(summary.repeatedLines))")
        }
    }

    static func printReport(_ report: DedupReport) {
        Output.line("")
        Output.line("cluster sizes    clusters   documents")
        for bin in report.clusterSizes {
            Output.line(Output.padded(bin.sizes, 14) + Output.leftPadded(Formatting.count(bin.clusters), 10) + Output.leftPadded(Formatting.count(bin.documents), 12))
        }
        if report.clusterSizes.isEmpty { Output.line("(no clusters)") }
        Output.line("")
        Output.line("removed by method: " + Output.breakdown(["ingest", "normalized", "minhash"].map { ($0, Int64(report.removed[$0] ?? 0)) })
                    + "  (of \(Formatting.count(report.documents)) documents)")
        Output.line("kept copy chosen by: " + Self.keptBy(report.keptBy)
                    + "  (fewest repeated-line characters, then filters, perplexity, longest, first)")
        Output.line("")
        Output.line("most repeated lines (\(Formatting.count(report.repeatedLines)) lines are in more than \(report.lineThreshold) document\(report.lineThreshold == 1 ? "" : "s"))")
        for line in report.topLines {
            Output.line(Output.leftPadded(Formatting.count(line.documents), 8) + "  " + oneLine(line.example, 100))
        }
        guard !report.samples.isEmpty else { return }
        Output.line("")
        Output.line("sample pairs (kept | duplicate)")
        let width = 58
        for sample in report.samples {
            let similarity = sample.similarity.map { String(format: "%.2f", $0) } ?? "-"
            Output.line("── \(sample.kept) | \(sample.duplicate)  \(sample.method), Jaccard ≈ \(similarity); kept by \(sample.keptBy)")
            let left = Output.wrap(oneLine(sample.keptText, 400), width), right = Output.wrap(oneLine(sample.duplicateText, 400), width)
            for row in 0..<min(6, max(left.count, right.count)) {
                let l = row < left.count ? left[row] : "", r = row < right.count ? right[row] : ""
                Output.line(Output.paddedColumns(l, width) + " │ " + r)
            }
        }
    }

    /// Clusters by the rule that chose their kept document, every rule in the order it applies.
    static func keptBy(_ counts: [String: Int]) -> String {
        Output.breakdown(KeepRule.allCases.map { ($0.rawValue, Int64(counts[$0.rawValue] ?? 0)) })
    }

    /// White space runs as one space, cut at `limit` characters.
    static func oneLine(_ text: String, _ limit: Int) -> String {
        let collapsed = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return collapsed.count <= limit ? collapsed : String(collapsed.prefix(limit - 1)) + "…"
    }
}

/// `curate dedup --json`.
struct DedupOutput: Codable {
    var summary: DedupSummary
    var report: DedupReport?
}
extension PartitionedDedup.Step: ExpressibleByArgument {}
