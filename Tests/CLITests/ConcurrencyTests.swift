import Core
import Foundation
import Store
import Testing

/// Two curate processes on one store: a reader works while a writer runs; a second writer fails at
/// once, naming the first; never a "database is locked" in the middle of a stage.
@Suite(.serialized) struct ConcurrencyTests {
    @Test func aSecondWriterFailsAtOnceAndReadersWork() throws {
        let scratch = Scratch()
        KillResumeTests.makeCorpus(in: scratch, lines: 1500)
        let runner = scratch.runner
        // The ingest stops itself (SIGSTOP) right after its first batch of documents is committed (the
        // first grouped commit records the first source): it holds the store's lock, has committed
        // documents, and cannot finish before the second writer has tried.
        var stopping = runner
        stopping.environment["CURATE_STOP_AT"] = "batch-commit:2"
        let writer = try stopping.start(["ingest", "corpus", "--quiet"])
        defer {
            if writer.isRunning {
                kill(writer.processIdentifier, SIGCONT)
                writer.terminate()
            }
        }
        try #require(Self.waitUntilStopped(writer), "the ingest never reached its second batch commit")
        #expect(KillResumeTests.committedDocuments(scratch.path + "/curate.db") > 0)
        // A writer that waited for the lock would wait for ever here: the watchdog turns that into a failure.
        let second = try runner.run(["score", "--metric", "heuristics"], watchdog: 300)
        #expect(second.status == 1 && second.stderr.contains("is being written by curate ingest (pid \(writer.processIdentifier))"), "\(second.stderr)")
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

    /// Waits until the process has stopped itself (state T in /proc), or has ended; true when stopped.
    static func waitUntilStopped(_ process: Process) -> Bool {
        while process.isRunning {
            let stat = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8)) ?? ""
            // The state follows the command name's closing parenthesis.
            if let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].hasPrefix(" T") { return true }
            usleep(2_000)
        }
        return false
    }
}
