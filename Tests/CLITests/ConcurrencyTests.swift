import Core
import Foundation
import Store
import Testing

/// Two curate processes on one store: a reader works while a writer runs; a second writer fails at
/// once, naming the first; never a "database is locked" in the middle of a stage.
@Suite(.serialized) struct ConcurrencyTests {
    @Test func aSecondWriterFailsAtOnceAndReadersWork() throws {
        let scratch = Scratch()
        KillResumeTests.makeCorpus(in: scratch)
        let runner = scratch.runner
        let writer = try runner.start(["ingest", "corpus", "--quiet"])
        defer {
            if writer.isRunning {
                kill(writer.processIdentifier, SIGCONT)
                writer.terminate()
            }
        }
        // Wait until the ingest holds the store and has committed something, then stop it there: a
        // stopped process keeps its lock, and cannot finish (on a loaded machine) before the second
        // writer has tried.
        let deadline = Date().addingTimeInterval(30)
        while KillResumeTests.committedDocuments(scratch.path + "/curate.db") == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.002) }
        kill(writer.processIdentifier, SIGSTOP)
        try #require(writer.isRunning, "the ingest finished before the test could overlap it")
        let started = Date()
        let second = try runner.run(["score", "--metric", "heuristics"])
        #expect(second.status == 1 && second.stderr.contains("is being written by curate ingest (pid \(writer.processIdentifier))"), "\(second.stderr)")
        #expect(Date().timeIntervalSince(started) < 5, "the second writer waited instead of failing at once")
        #expect(!second.stderr.contains("database is locked"))
        let reader = try runner.run(["stats", "--json"])
        #expect(reader.status == 0, "\(reader.stderr)")
        kill(writer.processIdentifier, SIGCONT)
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        // Once the writer is gone (its lock goes with the process), the next writer runs.
        let after = try runner.run(["score", "--metric", "heuristics", "--quiet"])
        #expect(after.status == 0, "\(after.stderr)")
    }
}
