import Foundation
import Store
import Testing

/// `curate score --metric heuristics,minhash,perplexity,quality`: one pass over the store stores exactly
/// the rows the four separate stages store, on samples/.
@Suite(.serialized) struct FusedScoreTests {
    static let root = ModelCommandTests.root

    /// Every table a per-document measure writes.
    static let tables = ["document_language", "stats_gopher_quality", "stats_gopher_repetition", "stats_c4", "stats_fineweb",
                         "filter_verdicts", "dedup_signatures", "minhash_bands_pending", "repeated_lines_pending", "repeated_lines_documents",
                         "perplexity", "perplexity_cutoffs", "quality_scores"]

    /// All rows of a table, every column quoted, in a total order.
    static func rows(_ path: String, _ table: String) throws -> [String] {
        let store = try Store(path: path, create: false)
        let info = try store.connection.prepare("SELECT name FROM pragma_table_info('\(table)')")
        var columns: [String] = []
        while try info.step() { columns.append(info.text(0) ?? "") }
        let all = columns.map { "quote(\($0))" }.joined(separator: " || '|' || ")
        let statement = try store.connection.prepare("SELECT \(all) FROM \(table) ORDER BY \(columns.joined(separator: ", "))")
        var rows: [String] = []
        while try statement.step() { rows.append(statement.text(0) ?? "") }
        return rows
    }

    @Test func fusedAndSeparateRunsStoreTheSameRows() throws {
        let scratch = Scratch()
        let runner = scratch.runner
        for db in ["separate.db", "fused.db", "models.db"] {
            #expect(try runner.run(["ingest", Self.root + "/samples", "--db", db, "--quiet"]).status == 0)
        }
        // The models, trained on a store of their own.
        #expect(try runner.run(["score", "--metric", "perplexity", "--reference", Self.root + "/samples/txt", "--model-out", "ref",
                                "--db", "models.db", "--quiet"]).status == 0)
        #expect(try runner.run(["quality", "train", "--positive", Self.root + "/samples/txt", "--out", "q.model", "--db", "models.db",
                                "--quiet"]).status == 0)

        // Four stages one after another, two threads; then the fused pass, one thread.
        for arguments in [["--metric", "heuristics"], ["--metric", "minhash"], ["--metric", "perplexity", "--model", "ref.bin"],
                          ["--metric", "quality", "--model", "q.model"]] {
            let run = try runner.run(["score"] + arguments + ["--db", "separate.db", "--threads", "2", "--quiet"])
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
        }
        let fused = try runner.run(["score", "--metric", "heuristics,minhash,perplexity,quality", "--model", "ref.bin", "--model", "q.model",
                                    "--db", "fused.db", "--threads", "1", "--json"])
        #expect(fused.status == 0, "\(fused.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(fused.stdout.utf8)) as? [String: Any])
        let pass = try #require(report["pass"] as? [String: Any])
        let firstCopies = Int(try Store(path: scratch.path + "/fused.db", create: false).connection
            .scalarInt("SELECT count(*) FROM documents WHERE duplicate_of IS NULL") ?? -1)
        #expect(pass["documents"] as? Int == firstCopies && firstCopies > 250)
        #expect(pass["measured"] as? [String: Int] == ["heuristics": firstCopies, "minhash": firstCopies, "perplexity": firstCopies, "quality": firstCopies])

        for table in Self.tables {
            let separate = try Self.rows(scratch.path + "/separate.db", table)
            let together = try Self.rows(scratch.path + "/fused.db", table)
            #expect(!separate.isEmpty, "\(table) is empty")
            #expect(separate == together, "\(table): \(separate.count) rows apart, \(together.count) fused, \(zip(separate, together).filter { $0 != $1 }.count) differ")
        }

        // Nothing left to measure; a store with the heuristics already measured gets only the rest.
        #expect(try runner.run(["score", "--metric", "heuristics,minhash", "--db", "fused.db"]).stdout.contains("nothing new to score"))
        #expect(try runner.run(["score", "--metric", "heuristics", "--db", "models.db", "--quiet"]).status == 0)
        let rest = try runner.run(["score", "--metric", "heuristics,minhash", "--db", "models.db", "--json"])
        let restPass = try #require((try JSONSerialization.jsonObject(with: Data(rest.stdout.utf8)) as? [String: Any])?["pass"] as? [String: Any])
        #expect(restPass["measured"] as? [String: Int] == ["heuristics": 0, "minhash": firstCopies])
        // And the dedup that follows finds the signatures and line hashes made: it counts the lines and clusters.
        let dedup = try runner.run(["dedup", "--db", "fused.db", "--json"])
        #expect(dedup.status == 0, "\(dedup.stderr)")
        let dedupSummary = (try JSONSerialization.jsonObject(with: Data(dedup.stdout.utf8)) as? [String: Any])?["summary"] as? [String: Any]
        #expect(dedupSummary?["signed"] as? Int == 0)
        let folded = try Store(path: scratch.path + "/fused.db", create: false).connection
        #expect(try folded.scalarInt("SELECT count(*) FROM repeated_lines_pending") == 0)
        let pairs = try Store(path: scratch.path + "/separate.db", create: false).connection
            .scalarInt("SELECT sum(length(hashes)) / 8 FROM repeated_lines_pending") ?? -1
        let counted = try folded.scalarInt("SELECT sum(documents) FROM repeated_lines") ?? -2
        #expect(pairs > 0 && counted == pairs)
    }

    @Test func aMeasureThatCannotBeFusedOrAMissingModelIsOneClearError() throws {
        let scratch = Scratch()
        let runner = scratch.runner
        #expect(try runner.run(["ingest", Self.root + "/samples/txt", "--db", "a.db", "--quiet"]).status == 0)
        let combined = try runner.run(["score", "--metric", "heuristics,combined", "--db", "a.db"])
        #expect(combined.status != 0 && combined.stderr.contains("combined cannot be measured in a fused pass"))
        let unknown = try runner.run(["score", "--metric", "heuristics,bogus", "--db", "a.db"])
        #expect(unknown.status != 0 && unknown.stderr.contains("unknown metric 'bogus'"))
        let noModel = try runner.run(["score", "--metric", "heuristics,perplexity", "--db", "a.db"])
        #expect(noModel.status != 0 && noModel.stderr.contains("needs a reference model"))
        // Nothing was written by the runs that failed.
        #expect(try Store(path: scratch.path + "/a.db", create: false).connection.scalarInt("SELECT count(*) FROM document_language") == 0)
    }
}
