import Core
import Foundation
import Store
import Testing

/// `--max-memory`: a stage run under a budget writes exactly what it writes without one (the budget
/// moves buffers to disk, it never changes an answer), and the peak memory the run records stays
/// under the budget.
@Suite(.serialized) struct MemoryBudgetTests {
    static let budget = "128M"

    @Test func budgetedStagesWriteWhatUnbudgetedOnesWrite() throws {
        let scratch = Scratch()
        KillResumeTests.makeCorpus(in: scratch, lines: 300)
        let free = scratch.path + "/free", budgeted = scratch.path + "/budgeted"
        for directory in [free, budgeted] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: directory + "/corpus", withDestinationPath: scratch.path + "/corpus")
            try CrashHarnessTests.tiny.write(toFile: directory + "/tiny.yaml", atomically: true, encoding: .utf8)
            for index in 0..<2 {
                let runner = CommandRunner(workingDirectory: directory)
                #expect(try runner.run(["ingest", "corpus", "--partition", "\(index)/2", "--db", "p\(index).db", "--quiet"]).status == 0)
                #expect(try runner.run(["score", "--metric", "heuristics", "--db", "p\(index).db", "--quiet"]).status == 0)
            }
        }
        for stage in CrashHarnessTests.stages {
            let unbudgeted = try CommandRunner(workingDirectory: free).run(stage.arguments(false))
            #expect(unbudgeted.status == 0, "\(stage.name): \(unbudgeted.stderr)")
            let run = try CommandRunner(workingDirectory: budgeted).run(stage.arguments(false) + ["--max-memory", Self.budget])
            #expect(run.status == 0, "\(stage.name) --max-memory \(Self.budget): \(run.stderr)")
            #expect(try stage.state(budgeted) == stage.state(free), "\(stage.name): differs under --max-memory \(Self.budget)")
        }
        // The stages that buffer record their peak resident memory; under the budget it stays below it.
        let store = try Store(path: budgeted + "/store.db", create: false)
        let statement = try store.connection.prepare("SELECT command, json_extract(counts, '$.peak_memory_bytes') FROM runs WHERE status = 'done'")
        var peaks: [String: Int64] = [:]
        while try statement.step() { peaks[statement.text(0) ?? ""] = statement.int64(1) }
        for command in ["ingest", "score", "dedup", "export"] {
            let peak = try #require(peaks[command], "no finished \(command) run in \(peaks)")
            #expect(peak > 1 << 20 && peak < Int64(MemoryBudget.parseBytes(Self.budget)!), "\(command): peak \(peak >> 20) MiB")
        }
    }

    @Test func countingTakesAQuarterOfTheBudgetAndSpillsToTheSameModel() throws {
        let scratch = Scratch()
        KillResumeTests.makeCorpus(in: scratch, lines: 700)
        let runner = scratch.runner
        #expect(try runner.run(["ingest", "corpus", "--quiet"]).status == 0)
        func train(_ out: String, _ extra: [String]) throws -> [String: Any] {
            let result = try runner.run(["lm", "train", "--from-db", "--where", "all", "--order", "6", "--out", out, "--json"] + extra)
            #expect(result.status == 0, "\(extra): \(result.stderr)")
            return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        }
        let free = try train("free.arpa", [])
        #expect(free["countingMemoryBytes"] as? Int == 1 << 30)
        #expect(free["spilledRuns"] as? Int == 0)
        let budgeted = try train("budgeted.arpa", ["--max-memory", "128M"])
        #expect(budgeted["countingMemoryBytes"] as? Int == 32 << 20)
        // 16 MiB (the floor of --memory) is too little for this corpus's 6-grams: counting spills sorted
        // runs and merges them into the same model, byte for byte.
        let spilled = try train("spilled.arpa", ["--max-memory", "128M", "--memory", "16"])
        #expect(spilled["countingMemoryBytes"] as? Int == 16 << 20)
        #expect((spilled["spilledRuns"] as? Int ?? 0) > 0, "\(spilled)")
        let model = { (name: String) in try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/" + name)) }
        #expect(try model("free.arpa") == model("budgeted.arpa"))
        #expect(try model("free.arpa") == model("spilled.arpa"))
    }
}
