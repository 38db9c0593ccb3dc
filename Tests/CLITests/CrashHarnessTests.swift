import Core
import Foundation
import Store
import Testing

/// Every stage killed with SIGKILL at exact places in its own progress (CURATE_CRASH_AT, see
/// Core/CrashPoint.swift): the first, middle and last commit, the moments just before a commit, every
/// rename of an export and every file the trainer writes. Each kill starts from the same store; then
/// `PRAGMA integrity_check`, then the same command again to the end; the state must equal one clean
/// run's every time (the stage's rows, the export's bytes, the trainer's metrics and weights). The
/// places come from the clean run's own trace, so every kill lands, on an idle machine or a busy one.
@Suite(.serialized) struct CrashHarnessTests {
    struct Stage: Sendable {
        var name: String
        var arguments: @Sendable (_ resume: Bool) -> [String]
        /// What must match a clean run once the stage has finished.
        var state: @Sendable (_ directory: String) throws -> [String]
    }

    static func rows(_ store: String, _ queries: [String]) throws -> [String] {
        let store = try Store(path: store, create: false)
        var rows: [String] = []
        for sql in queries {
            let statement = try store.connection.prepare(sql)
            while try statement.step() { rows.append(statement.text(0) ?? "") }
        }
        return rows
    }

    static func files(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }.sorted().map { name in
            name + " " + Hash128(of: Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))).description
        }
    }

    static let stages: [Stage] = [
        Stage(name: "ingest", arguments: { _ in ["ingest", "corpus", "--db", "store.db", "--quiet"] },
              state: { try KillResumeTests.snapshot($0 + "/store.db") }),
        Stage(name: "heuristics", arguments: { _ in ["score", "--metric", "heuristics", "--db", "store.db", "--quiet"] },
              state: { try rows($0 + "/store.db", [
                  "SELECT seq || '|' || language || '|' || profile FROM document_language ORDER BY seq",
                  "SELECT seq || '|' || words || '|' || mean_word_length || '|' || stop_words FROM stats_gopher_quality ORDER BY seq",
                  "SELECT seq || '|' || dup_lines || '|' || top_2gram_chars FROM stats_gopher_repetition ORDER BY seq",
                  "SELECT seq || '|' || failures || '|' || kept FROM filter_verdicts ORDER BY seq",
              ]) }),
        Stage(name: "dedup", arguments: { _ in ["dedup", "--db", "store.db", "--quiet"] },
              state: { try rows($0 + "/store.db", [
                  "SELECT seq || '|' || hex(normalized_hash) || '|' || hex(coalesce(signature, x'')) FROM dedup_signatures ORDER BY seq",
                  "SELECT seq || '|' || cluster || '|' || coalesce(duplicate_of, '') || '|' || method FROM dedup_clusters ORDER BY seq",
                  "SELECT hash || '|' || documents FROM repeated_lines ORDER BY hash",
              ]) }),
        Stage(name: "perplexity", arguments: { _ in ["score", "--metric", "perplexity", "--lm-order", "3", "--db", "store.db", "--quiet"] },
              state: { try rows($0 + "/store.db", [
                  "SELECT seq || '|' || perplexity || '|' || bits_per_byte || '|' || bucket FROM perplexity ORDER BY seq",
                  "SELECT language || '|' || p30 || '|' || p60 FROM perplexity_cutoffs ORDER BY language",
              ]) }),
        Stage(name: "export", arguments: { _ in ["export", "--db", "store.db", "--out", "export", "--top", "0.5", "--shard-size", "256K", "--quiet"] },
              state: { try files($0 + "/export") }),
        Stage(name: "train", arguments: { resume in
                  ["train", "--shards", "export", "--config", "tiny.yaml", "--out", "run", "--quiet"] + (resume ? ["--resume"] : []) },
              state: { directory in
                  let weights = Hash128(of: Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/run/best.ckpt")))).description
                  return [try String(contentsOfFile: directory + "/run/metrics.csv", encoding: .utf8), weights]
              }),
        // Two partition stores (made before the stages) merged; a killed merge leaves only its .merging file.
        Stage(name: "merge", arguments: { _ in ["merge", "p0.db", "p1.db", "--out", "merged.db", "--root", "corpus", "--quiet"] },
              state: { directory in
                  try KillResumeTests.snapshot(directory + "/merged.db")
                      + rows(directory + "/merged.db", ["SELECT seq || '|' || id FROM documents ORDER BY seq",
                                                        "SELECT seq || '|' || failures FROM filter_verdicts ORDER BY seq"])
              }),
    ]

    static let tiny = """
        layers: 1
        heads: 2
        width: 32
        context: 32
        batch: 4
        vocabulary: 300
        steps: 40
        warmup: 4
        eval_interval: 10
        eval_batches: 1
        threads: 1

        """

    /// Copies a finished directory's store and outputs, so the next stage starts from the same place.
    static func copy(_ from: String, _ to: String) throws {
        try? FileManager.default.removeItem(atPath: to)
        try FileManager.default.copyItem(atPath: from, toPath: to)
    }

    /// The places to kill a stage at, from a clean run's trace: for every point, its first, middle, third
    /// quarter and last occurrence (ingest's first commits are the schema's), and every occurrence of the
    /// points that mark files moved into place.
    static func killPoints(trace: [String]) -> [String] {
        var occurrences: [String: Int] = [:], order: [String] = []
        // batch-commit falls on the same places as some of the commits.
        for name in trace where !name.isEmpty && name != "batch-commit" {
            if occurrences[name] == nil { order.append(name) }
            occurrences[name, default: 0] += 1
        }
        var points: [String] = []
        for name in order {
            let count = occurrences[name]!
            let chosen = ["rename", "checkpoint"].contains(name) ? Array(1...count) : [1, (count + 1) / 2, (3 * count + 3) / 4, count]
            var seen = Set<Int>()
            for n in chosen where seen.insert(n).inserted { points.append("\(name):\(n)") }
        }
        return points
    }

    @Test func everyStageSurvivesKillsAtExactPoints() throws {
        let scratch = Scratch()
        KillResumeTests.makeCorpus(in: scratch, lines: 300)
        let clean = scratch.path + "/clean", work = scratch.path + "/work"
        for directory in [clean, work] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: directory + "/corpus", withDestinationPath: scratch.path + "/corpus")
            try Self.tiny.write(toFile: directory + "/tiny.yaml", atomically: true, encoding: .utf8)
        }
        for index in 0..<2 {
            let runner = CommandRunner(workingDirectory: clean)
            #expect(try runner.run(["ingest", "corpus", "--partition", "\(index)/2", "--db", "p\(index).db", "--quiet"]).status == 0)
            #expect(try runner.run(["score", "--metric", "heuristics", "--db", "p\(index).db", "--quiet"]).status == 0)
        }
        var random: UInt64 = 20_261_206
        for stage in Self.stages {
            // The clean run, traced; then the same stage from the same starting point, killed at each place.
            try Self.copy(clean, work + "-start")
            let trace = scratch.path + "/trace-\(stage.name)"
            var tracer = CommandRunner(workingDirectory: clean)
            tracer.environment["CURATE_CRASH_TRACE"] = trace
            let started = Date()
            let cleanRun = try tracer.run(stage.arguments(false))
            let duration = Date().timeIntervalSince(started)
            #expect(cleanRun.status == 0, "\(stage.name): \(cleanRun.stderr)")
            let expected = try stage.state(clean)
            let points = Self.killPoints(trace: try String(contentsOfFile: trace, encoding: .utf8).components(separatedBy: "\n"))
            #expect(points.count >= 3, "\(stage.name): too few crash points traced: \(points)")
            for point in points {
                try Self.copy(work + "-start", work)
                var killer = CommandRunner(workingDirectory: work)
                killer.environment["CURATE_CRASH_AT"] = point
                let killed = try killer.start(stage.arguments(false))
                killed.waitUntilExit()
                #expect(killed.terminationReason == .uncaughtSignal && killed.terminationStatus == SIGKILL,
                        "\(stage.name): the run planned to die at \(point) ended with status \(killed.terminationStatus)")
                try Self.resumeAndCompare(stage, in: work, expected: expected, after: point)
            }
            // A smoke test of the clock-driven kind: one kill at a seeded moment, wherever it lands.
            try Self.copy(work + "-start", work)
            random = splitMix(random, 1)
            let moment = Double(random >> 11) / Double(1 << 53) * duration
            let process = try CommandRunner(workingDirectory: work).start(stage.arguments(false))
            Thread.sleep(forTimeInterval: moment)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try Self.resumeAndCompare(stage, in: work, expected: expected, after: "a kill at \(moment) s")
        }
    }

    /// After a kill: the store passes SQLite's integrity check, and the same command (resuming where the
    /// stage supports it) finishes with the clean run's state.
    static func resumeAndCompare(_ stage: Stage, in work: String, expected: [String], after kill: String) throws {
        if FileManager.default.fileExists(atPath: work + "/store.db") {
            let store = try Store(path: work + "/store.db", create: false)
            #expect(try store.connection.scalarText("PRAGMA integrity_check") == "ok", "\(stage.name), after \(kill)")
        }
        let resume = FileManager.default.fileExists(atPath: work + "/run/checkpoint.bin")
        let final = try CommandRunner(workingDirectory: work).run(stage.arguments(resume))
        #expect(final.status == 0, "\(stage.name), after \(kill): \(final.stderr)")
        #expect(try stage.state(work) == expected, "\(stage.name), after \(kill): differs from a clean run")
    }
}
