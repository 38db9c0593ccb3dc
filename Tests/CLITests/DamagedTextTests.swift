import Core
import Foundation
import Store
import Testing

/// A document's stored text damaged inside an intact SQLite page (the zstd frame cut short, or replaced
/// by another document's frame, which decodes cleanly to the wrong text): every stage that reads texts
/// stops naming the document, instead of scoring, signing or exporting an empty or wrong text; and once
/// the text is restored the same commands finish.
@Suite(.serialized) struct DamagedTextTests {
    enum Damage: CaseIterable { case halvedFrame, otherDocumentsFrame }

    @Test(arguments: Damage.allCases) func everyStageThatReadsTextsNamesTheDamagedDocument(_ damage: Damage) throws {
        let scratch = Scratch()
        let runner = scratch.runner
        #expect(try runner.run(["ingest", ExportCommandTests.samples, "--quiet"]).status == 0)
        let store = try Store(path: scratch.path + "/curate.db", create: false)
        let victims = try store.connection.prepare("""
            SELECT seq, id, text FROM documents WHERE codec = 1 AND duplicate_of IS NULL ORDER BY seq LIMIT 2 OFFSET 40
            """)
        #expect(try victims.step())
        let (seq, victim, original) = (victims.int64(0), victims.int64(1), Array(victims.blobBytes(2)))
        #expect(try victims.step())
        let otherSeq = victims.int64(0)
        victims.reset()
        let damageIt = {
            switch damage {
            case .halvedFrame:
                try store.connection.execute("UPDATE documents SET text = substr(text, 1, length(text) / 2) WHERE seq = \(seq)")
            case .otherDocumentsFrame:
                try store.connection.execute("UPDATE documents SET text = (SELECT text FROM documents WHERE seq = \(otherSeq)) WHERE seq = \(seq)")
            }
        }
        let restore = {
            let statement = try store.connection.prepare("UPDATE documents SET text = ? WHERE seq = ?")
            statement.bind(1, blob: original)
            statement.bind(2, seq)
            try statement.run()
        }
        let message = "document \(victim): its stored text is damaged"
        func expectStops(_ arguments: [String]) throws {
            let result = try runner.run(arguments)
            #expect(result.status == 1, "\(arguments) exit \(result.status)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count <= 2, "one line and a hint: \(result.stderr)")
            #expect(try store.connection.scalarText("PRAGMA integrity_check") == "ok")
        }
        try damageIt()
        for arguments in [["score", "--quiet"], ["dedup", "--quiet"], ["score", "--metric", "perplexity", "--quiet"], ["show", String(victim)]] {
            try expectStops(arguments)
        }
        // Restored, the same commands finish: a damaged text stops a stage, it does not poison the store.
        try restore()
        for arguments in [["score", "--quiet"], ["dedup", "--quiet"], ["score", "--metric", "perplexity", "--quiet"]] {
            let result = try runner.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        // Export, the product: the damage happens after scoring; no shard and no manifest are left.
        try damageIt()
        try expectStops(["export", "--out", "out", "--include-failed", "--quiet"])
        let left = (try? FileManager.default.contentsOfDirectory(atPath: scratch.path + "/out")) ?? []
        #expect(left.isEmpty, "\(left)")
        try restore()
        let export = try runner.run(["export", "--out", "out", "--include-failed", "--quiet"])
        #expect(export.status == 0, "\(export.stderr)")
    }
}
