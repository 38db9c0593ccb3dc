import Foundation
import Store

/// `curate run --executor slurm`: one sbatch array job for the partitions (one task each) and one job
/// for the merge and the corpus-wide stages that starts when every task has succeeded.
struct SlurmSubmitter {
    let runner: PipelineRunner
    let pipeline: String

    func submit(resume: Bool, spread: PartitionedRun? = nil) throws {
        let file = runner.file
        let cwd = FileManager.default.currentDirectoryPath
        let directory = absolute((runner.file.partitionDirectory ?? runner.store + ".parts") + "/slurm", cwd)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var tasks = Array(0..<runner.partitions)
        if resume {
            tasks = tasks.filter { index in
                let steps = (try? runner.steps(for: file.stages.filter(\.inPartition), store: file.partitionStore(index, store: runner.store),
                                               partition: .init(index: index, count: runner.partitions))) ?? []
                return !steps.allSatisfy(runner.isDone)
            }
        }
        let common = ["run", absolute(pipeline, cwd), "--partitions", String(runner.partitions)] + (runner.global.db.map { ["--db", $0] } ?? [])
        func header(_ name: String) -> String {
            var lines = ["#!/bin/bash", "#SBATCH --job-name=\(name)", "#SBATCH --time=\(file.slurm.time)", "#SBATCH --mem=\(file.slurm.memory)",
                         "#SBATCH --cpus-per-task=\(file.slurm.cpusPerTask)"]
            if let partition = file.slurm.partition { lines.append("#SBATCH --partition=\(partition)") }
            if let account = file.slurm.account { lines.append("#SBATCH --account=\(account)") }
            return lines.joined(separator: "\n")
        }
        var arrayJob: String?
        if !tasks.isEmpty {
            let script = directory + "/partitions.sh"
            try """
                \(header("curate-partitions"))
                #SBATCH --array=\(tasks.map(String.init).joined(separator: ","))
                #SBATCH --output=\(directory)/partition-%a.log
                # Written by curate run \(pipeline) --executor slurm: one task per input partition.
                set -euo pipefail
                cd \(quoted(cwd))
                exec \(quoted(executable)) \((common + ["--task"]).map(quoted).joined(separator: " ")) "$SLURM_ARRAY_TASK_ID" --threads "${SLURM_CPUS_PER_TASK:-1}"

                """.write(toFile: script, atomically: true, encoding: .utf8)
            arrayJob = try sbatch([script])
        }
        if let spread {
            try submitPhases(spread, after: arrayJob, partitionTasks: tasks.count, directory: directory, cwd: cwd, executable: executable,
                             common: common, header: header)
            return
        }
        let finishScript = directory + "/finish.sh"
        try """
            \(header("curate-merge"))
            #SBATCH --output=\(directory)/finish.log
            # Written by curate run \(pipeline) --executor slurm: merge the partitions, then the corpus-wide stages.
            set -euo pipefail
            cd \(quoted(cwd))
            exec \(quoted(executable)) \((common + ["--finish"]).map(quoted).joined(separator: " ")) --threads "${SLURM_CPUS_PER_TASK:-1}"

            """.write(toFile: finishScript, atomically: true, encoding: .utf8)
        let finishJob = try sbatch((arrayJob.map { ["--dependency=afterok:\($0)", "--kill-on-invalid-dep=yes"] } ?? []) + [finishScript])
        if runner.global.json {
            try Output.json(["partitions": arrayJob ?? "", "finish": finishJob, "tasks": tasks.map(String.init).joined(separator: ",")])
        } else if !runner.global.quiet {
            if let arrayJob {
                Output.line("slurm   submitted job \(arrayJob): \(tasks.count) partition task\(tasks.count == 1 ? "" : "s") (\(directory)/partitions.sh)")
            } else {
                Output.line("slurm   every partition has finished: nothing to submit for them")
            }
            Output.line("        submitted job \(finishJob): merge and the corpus-wide stages, after the partitions succeed (\(finishScript))")
            Output.line("        logs in \(directory); a failed partition: curate run \(pipeline) --executor slurm --partitions \(runner.partitions) --resume")
        }
    }

    /// The corpus-wide phases, each an array job (a task per `--task`) that starts when the one before has
    /// succeeded; first a one-task job that stamps the work directory with the partitions' state. A task
    /// whose output exists finishes at once, so resubmitting (`--resume`) reruns only what did not finish.
    private func submitPhases(_ spread: PartitionedRun, after partitions: String?, partitionTasks: Int, directory: String, cwd: String,
                              executable: String, common: [String], header: (String) -> String) throws {
        var previous = partitions
        var jobs: [(String, String)] = []
        func submit(_ name: String, _ lines: String, tasks: Int) throws {
            let slug = String(format: "%02d-", jobs.count) + name.replacingOccurrences(of: " ", with: "-")
            let script = directory + "/\(slug).sh"
            try """
                \(header("curate-" + slug))
                \(tasks > 1 ? "#SBATCH --array=0-\(tasks - 1)" : "")
                #SBATCH --output=\(directory)/\(slug)\(tasks > 1 ? "-%a" : "").log
                # Written by curate run \(pipeline) --executor slurm: \(name).
                set -euo pipefail
                cd \(quoted(cwd))
                \(lines)

                """.write(toFile: script, atomically: true, encoding: .utf8)
            let job = try sbatch((previous.map { ["--dependency=afterok:\($0)", "--kill-on-invalid-dep=yes"] } ?? []) + [script])
            jobs.append((name, job))
            previous = job
        }
        try submit("work", "exec \(quoted(executable)) \((common + ["--prepare-work"]).map(quoted).joined(separator: " "))", tasks: 1)
        for phase in spread.phases {
            let task = phase.stepped ? (phase.tasks > 1 ? " --task \"$SLURM_ARRAY_TASK_ID\"" : " --task 0") : ""
            try submit(phase.name, "exec \(quoted(executable)) \(phase.command.map(quoted).joined(separator: " "))\(task) --threads \"${SLURM_CPUS_PER_TASK:-1}\" --quiet",
                       tasks: phase.stepped ? phase.tasks : 1)
        }
        if runner.global.json {
            try Output.json(["partitions": partitions ?? "", "last": jobs.last?.1 ?? "",
                             "phases": jobs.map { "\($0.1) \($0.0)" }.joined(separator: "; ")])
        } else if !runner.global.quiet {
            if let partitions {
                Output.line("slurm   submitted job \(partitions): \(partitionTasks) partition task\(partitionTasks == 1 ? "" : "s") (\(directory)/partitions.sh)")
            } else {
                Output.line("slurm   every partition has finished: nothing to submit for them")
            }
            for (name, job) in jobs { Output.line("        submitted job \(job): \(name)") }
            Output.line("        logs in \(directory); resubmit what failed: curate run \(pipeline) --executor slurm --partitions \(runner.partitions) --resume")
        }
    }

    /// Submits a script; returns the job id.
    func sbatch(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sbatch", "--parsable"] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw StoreError("cannot run sbatch: \(error)", hint: "is Slurm installed? scripts/slurm-local.sh sets up a one-node Slurm")
        }
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let id = out.split(separator: "\n").first.map({ String($0.split(separator: ";")[0]) }), !id.isEmpty else {
            throw StoreError("sbatch failed: \(err.trimmingCharacters(in: .whitespacesAndNewlines))",
                             hint: "is slurmctld running? scripts/slurm-local.sh sets up a one-node Slurm")
        }
        return id
    }

    func absolute(_ path: String, _ cwd: String) -> String { path.hasPrefix("/") ? path : cwd + "/" + path }
    func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
