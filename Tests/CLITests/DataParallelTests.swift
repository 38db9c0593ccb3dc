import Foundation
import Testing

/// `mpirun -n 2 curate train --workers 2`: the same run as one process with the whole batch, resumable
/// bit-identically after a worker is killed (OpenMPI from Debian; scripts/setup-system.sh installs it).
@Suite(.serialized) struct DataParallelTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let settings = """
        layers: 2
        heads: 2
        width: 32
        context: 32
        batch: 4
        vocabulary: 300
        steps: 50
        warmup: 5
        eval_interval: 20
        eval_batches: 2
        threads: 1

        """

    /// mpirun as root, on however many cores the machine has.
    static func mpirun(_ workers: Int, _ arguments: [String]) -> [String] {
        ["--allow-run-as-root", "--oversubscribe", "-n", String(workers), CommandRunner.binary] + arguments
    }

    static func run(_ scratch: Scratch, mpi workers: Int?, _ arguments: [String], environment: [String: String] = [:]) throws -> CommandRunner.Result {
        var runner = scratch.runner
        for (key, value) in environment { runner.environment[key] = value }
        guard let workers else { return try runner.run(arguments) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mpirun")
        process.arguments = mpirun(workers, arguments)
        process.currentDirectoryURL = URL(fileURLWithPath: scratch.path)
        process.environment = runner.environment
        let output = scratch.path + "/mpirun-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: output, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return CommandRunner.Result(status: process.terminationStatus, stdout: text, stderr: text)
    }

    /// The weights in a run's checkpoint.bin.
    static func weights(_ path: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path + "/checkpoint.bin"))
        let newline = try #require(data.firstIndex(of: 0x0A))
        let header = try #require(try JSONSerialization.jsonObject(with: data[..<newline]) as? [String: Any])
        let count = try #require(header["parameters"] as? Int)
        return data[(newline + 1)...].prefix(count * 4).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    func prepare() throws -> Scratch {
        let scratch = Scratch()
        scratch.write("train.yaml", Self.settings)
        let tokenizer = try scratch.runner.run(["tokenizer", "train", "--shards", Self.root + "/samples/en/science.jsonl", "--vocab", "300",
                                                "--out", "tok.json", "--quiet"])
        #expect(tokenizer.status == 0, "\(tokenizer.stderr)")
        return scratch
    }

    func train(_ out: String) -> [String] {
        ["train", "--shards", Self.root + "/samples/en/science.jsonl", "--tokenizer", "tok.json", "--config", "train.yaml", "--out", out]
    }

    @Test func twoWorkersTrainLikeOneProcessWithTheWholeBatch() throws {
        let scratch = try prepare()
        let one = try Self.run(scratch, mpi: nil, train("one") + ["--quiet"])
        let two = try Self.run(scratch, mpi: 2, train("two") + ["--workers", "2"])
        #expect(one.status == 0 && two.status == 0, "\(one.stderr) \(two.stdout)")
        #expect(two.stdout.contains("2 workers of 2 rows"), "\(two.stdout)")
        // Rank 0 alone speaks: one summary line.
        #expect(two.stdout.components(separatedBy: "validation loss").count == 2, "\(two.stdout)")
        let a = try Self.weights(scratch.path + "/one"), b = try Self.weights(scratch.path + "/two")
        #expect(a.count == b.count && a != Array(repeating: 0, count: a.count))
        // Float32 sums in another order (two half-batches, then their sum) differ in the last bits; after
        // 50 AdamW steps the weights agree to within 1e-6 of their norm.
        let difference = zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
        let norm = a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(difference / norm < 1e-6, "relative difference \(difference / norm)")
        // The steps and the validations are the same, their losses to the fifth decimal.
        let rowsOne = try String(contentsOfFile: scratch.path + "/one/metrics.csv", encoding: .utf8).split(separator: "\n")
        let rowsTwo = try String(contentsOfFile: scratch.path + "/two/metrics.csv", encoding: .utf8).split(separator: "\n")
        #expect(rowsOne.count == 52 && rowsTwo.count == 52)
        for (x, y) in zip(rowsOne.dropFirst(), rowsTwo.dropFirst()) {
            let p = x.split(separator: ",", omittingEmptySubsequences: false), q = y.split(separator: ",", omittingEmptySubsequences: false)
            #expect(p[0] == q[0] && p[1] == q[1])
            if let u = Double(p[3]), let v = Double(q[3]) { #expect(abs(u - v) < 1e-4, "\(x) against \(y)") }
        }
    }

    @Test func aKilledRunResumesBitIdenticallyOnTheSameWorkers() throws {
        let scratch = try prepare()
        let straight = try Self.run(scratch, mpi: 2, train("straight") + ["--workers", "2", "--quiet"])
        #expect(straight.status == 0, "\(straight.stdout)")
        // Rank 0 is killed just after its first checkpoint (step 20); mpirun ends the other worker.
        let killed = try Self.run(scratch, mpi: 2, train("b") + ["--workers", "2", "--quiet"], environment: ["CURATE_CRASH_AT": "checkpoint:1"])
        #expect(killed.status != 0)
        let resumed = try Self.run(scratch, mpi: 2, train("b") + ["--workers", "2", "--quiet", "--resume"])
        #expect(resumed.status == 0, "\(resumed.stdout)")
        let a = try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/straight/checkpoint.bin"))
        let b = try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/b/checkpoint.bin"))
        #expect(a == b, "the resumed run's checkpoint differs from the straight run's")
        #expect(try String(contentsOfFile: scratch.path + "/straight/metrics.csv", encoding: .utf8)
                == String(contentsOfFile: scratch.path + "/b/metrics.csv", encoding: .utf8))
    }

    @Test func workersNeedALauncherAndAnEvenBatch() throws {
        let scratch = try prepare()
        let alone = try Self.run(scratch, mpi: nil, train("x") + ["--workers", "2"])
        #expect(alone.status == 2 && alone.stderr.contains("mpirun -n 2"), "\(alone.stderr)")
        let mismatch = try Self.run(scratch, mpi: 2, train("y") + ["--workers", "3"])
        #expect(mismatch.status != 0 && mismatch.stdout.contains("started 2 process"), "\(mismatch.stdout)")
        scratch.write("odd.yaml", Self.settings.replacingOccurrences(of: "batch: 4", with: "batch: 5"))
        let odd = try Self.run(scratch, mpi: 2, train("z").map { $0 == "train.yaml" ? "odd.yaml" : $0 } + ["--workers", "2"])
        #expect(odd.status != 0 && odd.stdout.contains("multiple of 2"), "\(odd.stdout)")
    }
}
