import Core
import Foundation
import Store
import Testing

/// A disk that fills up during ingest or export: a clear message, a valid store, and the next run with
/// room completes as if nothing had happened. Uses small tmpfs mounts (the tests run as root, as CI does).
@Suite(.serialized) struct DiskFullTests {
    static func mount(_ directory: String, size: String) throws -> Bool {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", directory])
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    @Test func ingestAndExportStopCleanlyAndResumeWhenThereIsRoom() throws {
        let scratch = Scratch()
        KillResumeTests.makeCorpus(in: scratch, lines: 4500) // 15 MB: five times the tmpfs below
        let runner = scratch.runner
        #expect(try runner.run(["ingest", "corpus", "--db", "clean.db", "--quiet"]).status == 0)

        let full = scratch.path + "/full"
        try #require(try Self.mount(full, size: "3m"), "mounting a tmpfs needs root")
        defer { Self.run("/bin/umount", [full]) }
        let stopped = try runner.run(["ingest", "corpus", "--db", "full/store.db"])
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("full/store.db: the disk is full") && stopped.stderr.contains("run the same command again"),
                "\(stopped.stderr)")
        // Warnings about the corpus's bad records come first; the failure is one error line and its hint.
        let errorLines = stopped.stderr.split(separator: "\n").filter { $0.hasPrefix("curate: error:") }
        #expect(errorLines.count == 1 && stopped.stderr.hasSuffix("it resumes\n"), "\(stopped.stderr)")
        do {
            let store = try Store(path: full + "/store.db", create: false)
            #expect(try store.connection.scalarText("PRAGMA integrity_check") == "ok")
        }
        // Room again: the same command finishes, with exactly the clean run's documents.
        #expect(Self.run("/bin/mount", ["-o", "remount,size=256m", full]))
        let resumed = try runner.run(["ingest", "corpus", "--db", "full/store.db", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try KillResumeTests.snapshot(full + "/store.db") == KillResumeTests.snapshot(scratch.path + "/clean.db"))

        // Export into a directory with no room (the samples' store): a clear message, no half shard left;
        // then it works elsewhere.
        #expect(try runner.run(["ingest", ExportCommandTests.samples, "--db", "samples.db", "--quiet"]).status == 0)
        #expect(try runner.run(["score", "--metric", "perplexity", "--db", "samples.db", "--quiet"]).status == 0)
        let tiny = scratch.path + "/tiny"
        try #require(try Self.mount(tiny, size: "64k"))
        defer { Self.run("/bin/umount", [tiny]) }
        let noRoom = try runner.run(["export", "--db", "samples.db", "--out", "tiny/export"])
        #expect(noRoom.status == 1 && noRoom.stderr.contains("No space left on device") && noRoom.stderr.contains("hint:"), "\(noRoom.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: tiny + "/export")
        #expect(left.isEmpty, "left behind: \(left)")
        #expect(try runner.run(["export", "--db", "samples.db", "--out", "roomy", "--quiet"]).status == 0)
        #expect(try runner.run(["export", "--verify", "roomy"]).status == 0)
    }
}
