import ArgumentParser
import Core
import Foundation
import Ingest
import Store

/// `curate run`
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a whole pipeline from one YAML file; a re-run skips the stages already done.",
        discussion: """
            The file names the inputs, the store and the stages (ingest, heuristics, dedup, perplexity, \
            export, train); dedup and export read their sections of the same file. A stage is skipped when \
            the store records it finished with the same settings and the same documents; a stage that was \
            interrupted runs again and resumes where it stopped. --partitions N splits the input files into \
            N groups (XXH3 of each file's name): each partition is ingested and measured into its own store, \
            and the corpus-wide stages run where the partitions lie, as phases of tasks (dedup's hash-range \
            buckets, the reference trained once, export's writers), with the same result as one store; an \
            export that needs one store merges the partitions first. --executor local runs the tasks as \
            --workers processes here; --executor slurm submits the partitions and each phase as sbatch array \
            jobs, each depending on the one before.

            Example: curate run pipelines/default.yaml --dry-run
            """)

    enum Executor: String, ExpressibleByArgument { case local, slurm }

    @Argument(help: ArgumentHelp("The pipeline file.", valueName: "pipeline.yaml"))
    var pipeline: String

    @Flag(name: .long, help: "Print the plan (each stage's command and whether it is done) and stop.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("Split the inputs into this many partitions (default: the file's partitions.count, else 1).", valueName: "n"))
    var partitions: Int?

    @Option(name: .long, help: "Where partitions run: local (processes here) or slurm (sbatch array job).")
    var executor: Executor = .local

    @Option(name: .long, help: ArgumentHelp("Partitions run at once with --executor local (default: one per core).", valueName: "k"))
    var workers: Int?

    @Flag(name: .long, help: "With --executor slurm: submit only the partitions that have not finished, then the merge.")
    var resume = false

    @Option(name: .long, help: .hidden)
    var task: Int?

    @Flag(name: .long, help: .hidden)
    var finish = false

    @Flag(name: .long, help: .hidden)
    var prepareWork = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let partitions, partitions < 1 { throw ValidationError("--partitions must be at least 1") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
    }

    func run() throws {
        let file = try PipelineFile.load(pipeline)
        let runner = PipelineRunner(file: file, store: global.db ?? file.store, partitions: partitions ?? file.partitions, global: global)
        if let task {
            guard (0..<runner.partitions).contains(task) else { throw ValidationError("--task must be below the number of partitions") }
            try runner.runPartition(task)
            return
        }
        if dryRun {
            if global.json {
                try PartitionedRun(runner: runner).printPlanJSON(pipeline: pipeline)
                return
            }
            try runner.printPlan()
            return
        }
        if runner.partitions == 1 {
            try runner.run(runner.steps(for: file.stages, store: runner.store))
            return
        }
        if prepareWork {
            try PartitionedRun(runner: runner).prepareWork()
            return
        }
        let spread = PartitionedRun(runner: runner)
        if !finish {
            switch executor {
            case .local:
                try runner.runPartitionsLocally(workers: workers ?? ProcessInfo.processInfo.activeProcessorCount)
            case .slurm:
                try SlurmSubmitter(runner: runner, pipeline: pipeline).submit(resume: resume, spread: spread.exportsAcrossPartitions ? spread : nil)
                return
            }
        }
        if spread.exportsAcrossPartitions {
            try spread.runLocally(workers: workers ?? ProcessInfo.processInfo.activeProcessorCount)
        } else {
            if !global.quiet { Output.line("== the export cannot run across the partitions: merging them") }
            try runner.finish()
        }
    }
}

/// One stage of a pipeline on one store: the commands it runs and what identifies its settings.
struct PipelineStep {
    var name: String
    var store: String
    var commands: [[String]]
    /// What else decides the stage's result besides its commands: the pipeline section it reads, input fingerprints.
    var extra = ""
    /// Arguments that change per run without changing the result (train's --resume, --quiet, --threads
    /// and its value), left out of the fingerprint; so is --pipeline's path (a Slurm task is given it
    /// absolute, a local run as typed): the section it points to is part of the fingerprint already.
    static let volatileFlags: Set<String> = ["--resume", "--quiet"]
    static let volatileOptions: Set<String> = ["--threads", "--pipeline"]
    /// A file that must exist for the stage to count as done (export's manifest).
    var product: String?

    var fingerprint: String {
        var builder = Hash128Builder(seed: 0x72756E) // "run"
        for command in commands {
            var skipValue = false
            for argument in command {
                if skipValue { skipValue = false; continue }
                if Self.volatileOptions.contains(argument) { skipValue = true; continue }
                if !Self.volatileFlags.contains(argument) { builder.update(argument + "\u{0}") }
            }
        }
        builder.update(extra)
        return builder.finish().description
    }

    var display: String { commands.map { "curate " + $0.joined(separator: " ") }.joined(separator: " && ") }
}

/// Plans and runs the stages of a pipeline file, on one store or on partitions and their merge.
struct PipelineRunner {
    let file: PipelineFile
    let store: String
    let partitions: Int
    let global: GlobalOptions

    var passDown: [String] {
        (global.quiet ? ["--quiet"] : []) + (global.threads.map { ["--threads", String($0)] } ?? [])
    }

    func steps(for stages: [PipelineFile.Stage], store: String, partition: InputPartition? = nil) throws -> [PipelineStep] {
        let pipelineArguments = ["--pipeline", file.path]
        return try stages.map { stage in
            switch stage {
            case .ingest:
                var command = ["ingest"] + file.inputs + ["--db", store] + file.ingestArguments
                if let partition { command += ["--partition", partition.description] }
                // The input files' fingerprints: new or changed files make ingest run again.
                let discovered = InputDiscovery(glob: nil, formatOverride: nil, partition: partition).discover(file.inputs)
                var inputs = ""
                for input in discovered.files {
                    inputs += input.key + ":" + ((try? FileFingerprint.of(path: input.path, size: input.size).description) ?? "?") + "\n"
                }
                return PipelineStep(name: "ingest", store: store, commands: [command + passDown], extra: inputs)
            case .heuristics:
                // With dedup to follow, its signing and line counting join the heuristics' pass (one read and
                // one segmentation per document); the dedup step then only clusters (in a partition, its
                // signing finds nothing left to sign).
                let fuseDedup = stages.contains(.dedup)
                var command = ["score", "--metric", fuseDedup ? "heuristics,minhash" : "heuristics", "--db", store]
                if fuseDedup { command += pipelineArguments }
                if let profile = file.profile { command += ["--profile", profile] }
                return PipelineStep(name: "heuristics", store: store, commands: [command + passDown],
                                    extra: (file.sections["score"] ?? "") + (fuseDedup ? file.sections["dedup"] ?? "" : ""))
            case .dedup:
                // A partition only signs; candidates, clusters and line counts come after the merge.
                return PipelineStep(name: "dedup", store: store,
                                    commands: [["dedup", "--db", store] + pipelineArguments + (partition != nil ? ["--sign-only"] : []) + passDown],
                                    extra: file.sections["dedup"] ?? "")
            case .perplexity:
                // Then dedup again: each near-duplicate cluster now keeps its best-scored document.
                return PipelineStep(name: "perplexity", store: store,
                                    commands: [["score", "--metric", "perplexity", "--db", store] + passDown,
                                               ["dedup", "--db", store] + pipelineArguments + passDown],
                                    extra: file.sections["dedup"] ?? "")
            case .export:
                return PipelineStep(name: "export", store: store,
                                    commands: [["export", "--db", store, "--out", file.exportOut] + pipelineArguments + passDown],
                                    extra: file.sections["export"] ?? "", product: file.exportOut + "/manifest.json")
            case .train:
                var command = ["train", "--shards", file.exportOut, "--out", file.trainOut]
                if let config = file.trainConfig { command += ["--config", config] }
                if FileManager.default.fileExists(atPath: file.trainOut + "/checkpoint.bin") { command.append("--resume") }
                return PipelineStep(name: "train", store: store, commands: [command + passDown], extra: file.sections["train"] ?? "",
                                    product: file.trainOut + "/best.ckpt")
            }
        }
    }

    // MARK: Markers

    /// Whether the store records the step as finished with the same fingerprint and document count.
    func isDone(_ step: PipelineStep) -> Bool {
        guard FileManager.default.fileExists(atPath: step.store), let store = try? Store(path: step.store, create: false) else { return false }
        if let product = step.product, !FileManager.default.fileExists(atPath: product) { return false }
        guard let row = try? store.connection.prepare("SELECT fingerprint, documents FROM pipeline_stages WHERE stage = ?") else { return false }
        row.bind(1, step.name)
        guard (try? row.step()) == true else { return false }
        let documents = (try? store.connection.scalarInt("SELECT count(*) FROM documents")) ?? -1
        return row.text(0) == step.fingerprint && row.int64(1) == documents
    }

    func markDone(_ step: PipelineStep) throws {
        let store = try Store(path: step.store, create: false)
        let documents = try store.connection.scalarInt("SELECT count(*) FROM documents") ?? 0
        let statement = try store.connection.prepare("""
            INSERT OR REPLACE INTO pipeline_stages (stage, fingerprint, documents, finished_at)
            VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            """)
        statement.bind(1, step.name)
        statement.bind(2, step.fingerprint)
        statement.bind(3, documents)
        try statement.run()
    }

    // MARK: Running

    /// Runs the steps in order in this process, skipping those already done.
    func run(_ steps: [PipelineStep]) throws {
        for step in steps {
            if isDone(step) {
                if !global.quiet { Output.line("== \(step.name): done earlier, skipped") }
                continue
            }
            for command in step.commands {
                if !global.quiet { Output.line("== \(step.name): curate \(command.filter { $0 != "--quiet" }.joined(separator: " "))") }
                Invocation.override = ["curate"] + command
                defer { Invocation.override = nil }
                var parsed = try Curate.parseAsRoot(command)
                try parsed.run()
            }
            try markDone(step)
        }
    }

    func runPartition(_ index: Int) throws {
        let partition = InputPartition(index: index, count: partitions)
        let store = file.partitionStore(index, store: self.store)
        try FileManager.default.createDirectory(atPath: (store as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try run(steps(for: file.stages.filter(\.inPartition), store: store, partition: partition))
    }

    /// Merges the partitions into the pipeline's store (unless done with the same partitions) and runs the
    /// corpus-wide stages there.
    func finish() throws {
        let parts = (0..<partitions).map { file.partitionStore($0, store: store) }
        var extra = ""
        for part in parts {
            guard let partStore = try? Store(path: part, create: false) else {
                throw StoreError("partition store \(part) is missing", hint: "run the partitions first (curate run \(file.path) --partitions \(partitions))")
            }
            let markers = try partStore.connection.prepare("SELECT stage, fingerprint, documents FROM pipeline_stages ORDER BY stage")
            var finished: [String] = []
            while try markers.step() {
                finished.append(markers.text(0)!)
                extra += "\(part) \(markers.text(0)!) \(markers.text(1)!) \(markers.int64(2))\n"
            }
            let needed = file.stages.filter(\.inPartition).map(\.rawValue)
            guard Set(needed).isSubset(of: finished) else {
                throw StoreError("partition store \(part) has not finished (\(needed.filter { !finished.contains($0) }.joined(separator: ", ")))",
                                 hint: "run it again: curate run \(file.path) --partitions \(partitions) --task N, or --resume")
            }
        }
        let roots = file.inputs.flatMap { ["--root", $0] }
        let merge = PipelineStep(name: "merge", store: store, commands: [["merge"] + parts + ["--out", store] + roots + passDown], extra: extra)
        if isDone(merge) {
            if !global.quiet { Output.line("== merge: done earlier, skipped") }
        } else {
            // A merge that did not finish (or of other partitions) is made again from the start.
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
            try run([merge])
        }
        try run(steps(for: file.stages.filter(\.onMergedStore), store: store))
    }

    /// The partitions as child processes of this binary, `workers` at a time; each writes a log beside its store.
    func runPartitionsLocally(workers: Int) throws {
        let threads = global.threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / min(workers, partitions))
        let tasks = try (0..<partitions).map { index -> (arguments: [String], log: String) in
            let store = file.partitionStore(index, store: self.store)
            try FileManager.default.createDirectory(atPath: (store as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            return (["run", file.path, "--partitions", String(partitions), "--task", String(index), "--threads", String(threads)]
                        + (global.db.map { ["--db", $0] } ?? []), store + ".log")
        }
        let failed = try ChildProcesses.run(tasks, workers: workers) { index, status in
            if !global.quiet {
                Output.line("== partition \(index + 1) of \(partitions): " + (status == 0 ? "done" : "FAILED (exit \(status))")
                            + " (log: \(Output.displayPath(file.partitionStore(index, store: store)))).log")
            }
        }
        if !failed.isEmpty {
            throw StoreError("partition\(failed.count == 1 ? "" : "s") \(failed.map(String.init).joined(separator: ", ")) failed",
                             hint: "see the logs beside the partition stores; run again to resume them")
        }
    }

    func printPlan() throws {
        Output.line("pipeline \(file.path): store \(store), \(partitions) partition\(partitions == 1 ? "" : "s")")
        func show(_ step: PipelineStep) {
            Output.line("  " + Output.padded(step.name, 11) + (isDone(step) ? "done      " : "to run    ") + step.display)
        }
        if partitions == 1 {
            for step in try steps(for: file.stages, store: store) { show(step) }
            return
        }
        for index in 0..<partitions {
            Output.line(" partition \(index) of \(partitions) → \(file.partitionStore(index, store: store))")
            for step in try steps(for: file.stages.filter(\.inPartition), store: file.partitionStore(index, store: store),
                                  partition: InputPartition(index: index, count: partitions)) { show(step) }
        }
        let spread = PartitionedRun(runner: self)
        if spread.exportsAcrossPartitions {
            spread.printPlan()
            return
        }
        Output.line(" merged → \(store)")
        Output.line("  " + Output.padded("merge", 11) + "          curate merge \(file.partitionStore(0, store: store)) … --out \(store)")
        for step in try steps(for: file.stages.filter(\.onMergedStore), store: store) { show(step) }
    }
}
