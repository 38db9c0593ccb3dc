import Core
import Dedup
import Export
import Foundation
import Store

/// The corpus-wide stages of a partitioned `curate run`, where the partitions lie: no merged store.
/// Each stage is a few phases; a phase is one command run as N tasks (`--step S --task K`), every task
/// of a phase finishing before the next phase starts. Locally the tasks run as child processes, on
/// Slurm as one array job per phase, each depending on the one before.
///
///   dedup       exact (B) · prepare (P) · near (B) · lines (P) · cluster (1) · apply (P)
///   perplexity  train (2) · score (P) · cutoffs (1) · buckets (P), then dedup's cluster (1) · apply (P)
///               again (the kept copy now weighs perplexity)
///   export      [moments (P) ·] rank (P) · plan (1) · write (K) · manifest (1)
///   train       the trainer on the shards (1)
///
/// The phases' outputs live in `STORE.parts/work`, stamped with the partitions' state: partitions that
/// ran again (new inputs, other settings) make the next run start the phases over.
struct PartitionedRun {
    struct Phase {
        var name: String
        var command: [String]
        var tasks: Int
        /// Whether each task is told its number (`--step … --task K`): the trainer is one plain command.
        var stepped = true

        /// Task `task`'s arguments.
        func arguments(_ task: Int) -> [String] { stepped ? command + ["--task", String(task)] : command }
    }

    let runner: PipelineRunner
    var file: PipelineFile { runner.file }
    var parts: [String] { (0..<runner.partitions).map { file.partitionStore($0, store: runner.store) } }
    var work: String { (file.partitionDirectory ?? runner.store + ".parts") + "/work" }
    var buckets: Int { file.buckets ?? runner.partitions }
    var writers: Int { file.writers ?? runner.partitions }

    /// Whether the pipeline's export can run across partitions (else the partitions are merged).
    var exportsAcrossPartitions: Bool {
        guard file.stages.contains(.export) else { return true }
        guard let export = partitionedExport else { return false }
        return (try? export.check()) != nil
    }

    /// The pipeline's export across the partitions (nil when its export settings do not read).
    var partitionedExport: PartitionedExport? {
        var options = ExportOptions()
        guard (try? options.apply(pipelineFile: file.path)) != nil else { return nil }
        return PartitionedExport(partitions: parts, work: work, directory: file.exportOut, options: options, writers: writers, command: [])
    }

    var phases: [Phase] {
        var phases: [Phase] = []
        let pipeline = ["--pipeline", file.path]
        let dedup = ["dedup", "--partition-stores"] + parts + ["--work", work + "/dedup", "--buckets", String(buckets)] + pipeline
        func dedupPhases(_ steps: [(String, Int)]) -> [Phase] {
            steps.map { Phase(name: "dedup " + $0.0, command: dedup + ["--step", $0.0], tasks: $0.1) }
        }
        let p = runner.partitions
        if file.stages.contains(.dedup) {
            phases += dedupPhases([("exact", buckets), ("prepare", p), ("near", buckets), ("verify", buckets), ("groups", 1), ("lines", p),
                                   ("cluster", buckets), ("apply", p)])
        }
        if file.stages.contains(.perplexity) {
            // The reference's files are named as a store's own would be (STORE.reference-even.bin …), so the
            // manifest names the same model as a one-store run's.
            let score = ["score", "--metric", "perplexity", "--partition-stores"] + parts + ["--work", work + "/reference", "--model-out", runner.store + ".reference"]
            for (step, tasks) in [("train", 2), ("score", p), ("cutoffs", 1), ("buckets", p)] {
                phases.append(Phase(name: "perplexity " + step, command: score + ["--step", step], tasks: tasks))
            }
            if file.stages.contains(.dedup) { phases += dedupPhases([("cluster", buckets), ("apply", p)]) }
        }
        if file.stages.contains(.export) {
            let export = ["export", "--partition-stores"] + parts + ["--work", work + "/export", "--out", file.exportOut, "--writers", String(writers)] + pipeline
            // The export's own steps and task counts (moments only for a combined or sampled score).
            let steps = partitionedExport ?? PartitionedExport(partitions: parts, work: work, directory: file.exportOut, options: ExportOptions(),
                                                               writers: writers, command: [])
            for step in PartitionedExport.Step.allCases where steps.tasks(step) > 0 {
                phases.append(Phase(name: "export " + step.rawValue, command: export + ["--step", step.rawValue], tasks: steps.tasks(step)))
            }
        }
        if file.stages.contains(.train) {
            var command = ["train", "--shards", file.exportOut, "--out", file.trainOut]
            if let config = file.trainConfig { command += ["--config", config] }
            if FileManager.default.fileExists(atPath: file.trainOut + "/checkpoint.bin") { command.append("--resume") }
            phases.append(Phase(name: "train", command: command, tasks: 1, stepped: false))
        }
        return phases
    }

    /// What the phases' outputs were made from: each partition's finished stages (their settings'
    /// fingerprints and document counts), when the partition was made (a partition lost and made again
    /// has the same stages but none of the phases' changes) and the pipeline's sections the phases read.
    func fingerprint() throws -> String {
        var builder = Hash128Builder(seed: 0x7370_7265_6164) // "spread"
        for part in parts {
            let store = try Store(path: part, create: false)
            builder.update("made \(try store.connection.scalarText("SELECT started_at FROM runs ORDER BY id LIMIT 1") ?? "")\n")
            let markers = try store.connection.prepare("SELECT stage, fingerprint, documents FROM pipeline_stages ORDER BY stage")
            while try markers.step() { builder.update("\(markers.text(0)!) \(markers.text(1)!) \(markers.int64(2))\n") }
        }
        for section in ["dedup", "export", "score"] { builder.update(file.sections[section] ?? "") }
        builder.update("buckets \(buckets) writers \(writers)")
        return builder.finish().description
    }

    /// Keeps the work directory when its stamp matches the partitions; else empties it and stamps it.
    func prepareWork() throws {
        let stamp = work + "/fingerprint"
        let current = try fingerprint()
        if (try? String(contentsOfFile: stamp, encoding: .utf8)) != current {
            try? FileManager.default.removeItem(atPath: work)
            try forgetReference()
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            try current.write(toFile: stamp, atomically: true, encoding: .utf8)
        }
    }

    /// The phases start over: the reference beside the store and every partition's scores with it go
    /// too. Otherwise the first dedup of a partition made again would choose kept copies by the other
    /// partitions' old perplexities where a fresh run has none, and score its documents in the folds
    /// of those choices (found by scripts/test-slurm.sh: a near pair across partitions kept the other copy).
    func forgetReference() throws {
        let files = ["-even.bin", "-odd.bin"].map { URL(fileURLWithPath: runner.store + ".reference" + $0).standardizedFileURL.path }
        for file in files { try? FileManager.default.removeItem(atPath: file) }
        for part in parts where FileManager.default.fileExists(atPath: part) {
            let store = try Store(path: part, create: false)
            try store.connection.transaction {
                let models = "SELECT id FROM lm_models WHERE path IN (?1, ?2)"
                for sql in ["DELETE FROM perplexity WHERE model_id IN (\(models))", "DELETE FROM perplexity_cutoffs WHERE model_id IN (\(models))",
                            "DELETE FROM lm_models WHERE path IN (?1, ?2)"] {
                    let statement = try store.connection.prepare(sql)
                    try statement.bind(files.map { .text($0) })
                    try statement.run()
                }
            }
        }
    }

    /// Every phase here, `workers` tasks at a time, each a child process with its log in work/logs.
    func runLocally(workers: Int) throws {
        try prepareWork()
        let logs = work + "/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        for phase in phases {
            if !runner.global.quiet { Output.line("== \(phase.name): \(phase.tasks) task\(phase.tasks == 1 ? "" : "s")") }
            let threads = runner.global.threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, min(workers, phase.tasks)))
            try ChildProcesses.runPhase((0..<phase.tasks).map { task in
                (arguments: phase.arguments(task) + ["--threads", String(threads), "--quiet"],
                 log: logs + "/" + phase.name.replacingOccurrences(of: " ", with: "-") + "-\(task).log")
            }, workers: workers, name: phase.name)
        }
    }

    /// `--dry-run --json`: every task's arguments, phase by phase (the partitions first, then the work
    /// directory's stamp; on one store, each stage's commands), for tools that run the tasks themselves
    /// (bench/partitioned).
    func printPlanJSON(pipeline: String) throws {
        struct Plan: Encodable {
            struct Step: Encodable { var name: String; var tasks: [[String]] }
            var acrossPartitions: Bool
            var steps: [Step]
        }
        if runner.partitions == 1 {
            // One store: each stage's commands, one after another.
            let steps = try runner.steps(for: file.stages, store: runner.store).flatMap { step in
                step.commands.enumerated().map { index, command in
                    Plan.Step(name: step.commands.count == 1 ? step.name : "\(step.name) \(index + 1)", tasks: [command])
                }
            }
            try Output.json(Plan(acrossPartitions: false, steps: steps))
            return
        }
        let common = ["run", pipeline, "--partitions", String(runner.partitions)] + (runner.global.db.map { ["--db", $0] } ?? [])
        var steps = [Plan.Step(name: "partitions", tasks: (0..<runner.partitions).map { common + ["--task", String($0)] }),
                     Plan.Step(name: "work", tasks: [common + ["--prepare-work"]])]
        if exportsAcrossPartitions {
            steps += phases.map { phase in Plan.Step(name: phase.name, tasks: (0..<phase.tasks).map(phase.arguments)) }
        } else {
            steps.append(Plan.Step(name: "merge and the corpus-wide stages", tasks: [common + ["--finish"]]))
        }
        try Output.json(Plan(acrossPartitions: exportsAcrossPartitions, steps: steps))
    }

    func printPlan() {
        Output.line(" across the partitions (work in \(work)):")
        for phase in phases {
            Output.line("  " + Output.padded(phase.name, 20) + Output.padded("\(phase.tasks) task\(phase.tasks == 1 ? "" : "s")", 10)
                        + "curate " + phase.command.prefix(6).joined(separator: " ") + " …")
        }
    }
}

/// Child processes of this binary, `workers` at a time, each writing to its log.
enum ChildProcesses {
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Runs the tasks; `finished(index, status)` as each ends. Returns the indexes of those that failed.
    static func run(_ tasks: [(arguments: [String], log: String)], workers: Int,
                    finished: (Int, Int32) -> Void = { _, _ in }) throws -> [Int] {
        var pending = Array(tasks.indices)
        var running: [(Int, Process)] = []
        var failed: [Int] = []
        while !pending.isEmpty || !running.isEmpty {
            while running.count < workers, let index = pending.first {
                pending.removeFirst()
                FileManager.default.createFile(atPath: tasks[index].log, contents: nil)
                let log = FileHandle(forWritingAtPath: tasks[index].log)
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = tasks[index].arguments
                process.standardOutput = log
                process.standardError = log
                try process.run()
                running.append((index, process))
            }
            Thread.sleep(forTimeInterval: 0.02)
            running.removeAll { index, process in
                guard !process.isRunning else { return false }
                if process.terminationStatus != 0 { failed.append(index) }
                finished(index, process.terminationStatus)
                return true
            }
        }
        return failed.sorted()
    }

    /// Runs the tasks of one phase; the first failure is an error quoting its log's last error line.
    static func runPhase(_ tasks: [(arguments: [String], log: String)], workers: Int, name: String) throws {
        let failed = try run(tasks, workers: workers)
        guard let first = failed.first else { return }
        let log = (try? String(contentsOfFile: tasks[first].log, encoding: .utf8)) ?? ""
        let reason = log.split(separator: "\n").last { $0.hasPrefix("curate: error") }.map(String.init) ?? "see its log"
        throw StoreError("\(name): task\(failed.count == 1 ? "" : "s") \(failed.map(String.init).joined(separator: ", ")) failed (\(reason))",
                         hint: "log: \(tasks[first].log); run again to resume")
    }
}
