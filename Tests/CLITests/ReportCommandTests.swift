import Core
import Foundation
import Store
import Testing

/// `curate report` on the samples: six sections with the store's own numbers, markup shown as text,
/// and the same figures as JSON.
@Suite(.serialized) struct ReportCommandTests {
    @Test func theSamplesPageHasEverySectionWithRealNumbers() throws {
        let scratch = Scratch()
        scratch.write("pipeline.yaml", RunCommandTests.pipeline())
        let runner = scratch.runner
        #expect(try runner.run(["run", "pipeline.yaml", "--quiet"]).status == 0)
        let report = try runner.run(["report", "--db", "pipeline.db", "--out", "report.html", "--document", "web-en-053"])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: scratch.path + "/report.html", encoding: .utf8)
        for section in ["funnel", "scores", "examples", "dedup", "export", "runs"] { #expect(html.contains("<section id=\"\(section)\">"), "\(section)") }
        // The samples' code page holds <script>: shown as text, never as a tag.
        #expect(html.contains("&lt;script&gt;window.dataLayer"))
        #expect(!html.lowercased().contains("<script"))
        // The funnel's numbers are the store's.
        let store = try Store(path: scratch.path + "/pipeline.db", create: false)
        let documents = try store.connection.scalarInt("SELECT count(*) FROM documents") ?? -1
        #expect(documents == 348 && html.contains("<td>ingested</td><td class=\"n\">348</td>"))
        #expect(html.contains("malformed_json") && html.contains("gopher_quality.too_few_words"))
        #expect(html.contains("shard-00000.jsonl.zst"), "the pipeline's export is found from the run log")

        let json = try runner.run(["report", "--db", "pipeline.db", "--json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let funnel = try #require(object["funnel"] as? [[String: Any]])
        #expect(funnel.first?["documents"] as? Int == 348)
        let rejects = try #require(object["rejects"] as? [[String: Any]]).reduce(0) { $0 + ($1["documents"] as? Int ?? 0) }
        #expect(rejects == 16)
        let perplexity = try #require(object["perplexity"] as? [[String: Any]])
        #expect(Set(perplexity.compactMap { $0["language"] as? String }).isSuperset(of: ["en", "zh"]))
        let runs = try #require(object["runs"] as? [[String: Any]])
        #expect(runs.contains { $0["command"] as? String == "export" } && runs.contains { $0["command"] as? String == "ingest" })
        // An unknown document is an error naming it.
        let missing = try runner.run(["report", "--db", "pipeline.db", "--document", "no-such-doc"])
        #expect(missing.status == 1 && missing.stderr.contains("no-such-doc"))
    }
}
