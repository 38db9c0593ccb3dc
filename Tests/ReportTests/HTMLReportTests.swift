import Foundation
import Testing
@testable import Report

/// The page is safe whatever the corpus holds, and its pieces say what the figures say.
@Suite struct HTMLReportTests {
    static let hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"quoted\" </table></svg>"

    /// A report whose every text field holds markup.
    static func data() -> ReportData {
        var data = ReportData(store: "store-" + hostile + ".db", curate: "0")
        data.funnel = [.init(name: "ingested", documents: 10, bytes: 1000), .init(name: "exact duplicates (ingest)", documents: 2, bytes: 100),
                       .init(name: "ranked for export", documents: 8, bytes: 900)]
        data.rejects = [.init(name: hostile, documents: 1, bytes: 0)]
        data.filterRules = [.init(name: hostile, documents: 1, bytes: 10)]
        data.languages = [.init(language: hostile, unique: 8, filtered: 1, nearDuplicates: 0, ranked: 7)]
        let bins = (0..<10).map { ReportData.Bin(low: Double($0), high: Double($0 + 1), count: $0) }
        data.perplexity = [.init(title: hostile, language: hostile, logScale: true, bins: bins, marks: [.init(label: hostile, value: 100)], documents: 45)]
        data.statistics = [.init(title: "Words", language: "en", logScale: false, bins: bins, marks: [.init(label: "min", value: 3)], documents: 45)]
        data.examples = [.init(title: hostile, examples: [.init(id: 1, language: "en", score: hostile, excerpt: hostile)])]
        data.dedup.clusterSizes = [2: 3, 3: 1]
        data.dedup.byMethod = [hostile: 1]
        data.dedup.topLines = [.init(line: hostile, documents: 4)]
        data.dedup.pair = .init(keptID: 1, duplicateID: 2, similarity: 0.85, kept: "a b " + hostile, duplicate: "a c " + hostile)
        data.export = .init(directory: hostile, written: 8, textBytes: 900, shards: [.init(file: hostile, documents: 8, bytes: 500, firstScore: 1, lastScore: 2)],
                            options: hostile)
        data.training = [.init(directory: hostile, rows: [[0, nil, 8], [100, 7, nil], [200, 6, 6.5]], bestValidation: 6.5)]
        data.experiment = [.init(arm: hostile, documents: 3, tokens: 100, bestValidationLoss: 5, cleanBitsPerByte: 2, finetuneTestAccuracy: 0.9,
                                 curve: [[0, 8], [100, 5]])]
        data.runs = [.init(id: 1, command: hostile, arguments: hostile, startedAt: "t", finishedAt: "u", seconds: 1.5, status: "done", counts: hostile)]
        return data
    }

    @Test func markupInTheCorpusIsShownAsText() {
        let html = HTMLReport.render(Self.data())
        // The only tags are the report's own: no script, no img, no handler from the data.
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.lowercased().contains("<img"))
        #expect(!html.contains("onerror=alert(1)>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        // Every section is there, and every chart is an inline SVG (no external resource at all).
        for section in ["funnel", "scores", "examples", "dedup", "export", "runs"] { #expect(html.contains("<section id=\"\(section)\">")) }
        #expect(html.components(separatedBy: "<svg").count - 1 >= 6)
        #expect(!html.contains("http://") || !html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"))
        #expect(!html.contains("https://"))
        // Tags balance: as many closing as opening tables, sections and svgs.
        for tag in ["table", "section", "svg", "tr"] {
            #expect(html.components(separatedBy: "<\(tag)").count == html.components(separatedBy: "</\(tag)>").count, "\(tag)")
        }
    }

    @Test func theWordDiffMarksWhatDiffers() {
        let (left, right) = Diff.words("the quick brown fox", "the slow brown fox jumps")
        #expect(left == "the <del>quick</del> brown fox")
        #expect(right == "the <ins>slow</ins> brown fox<ins> </ins><ins>jumps</ins>")
        let (a, b) = Diff.words("我们学习历史", "我们喜欢历史")
        #expect(a == "我们<del>学</del><del>习</del>历史" && b == "我们<ins>喜</ins><ins>欢</ins>历史")
        #expect(Diff.words("<b>", "<i>").0 == "<del>&lt;b&gt;</del>")
    }

    @Test func theHistogramDrawsItsBinsAndMarks() {
        let distribution = Self.data().statistics[0]
        let svg = Histogram.svg(distribution)
        // Nine non-empty bins (counts 1…9), one dashed mark.
        #expect(svg.components(separatedBy: "<rect").count - 1 == 9)
        #expect(svg.contains("stroke-dasharray") && svg.contains("min 3"))
        #expect(svg.contains("45 documents"))
    }
}
