import Core
import Foundation

/// The report as one self-contained HTML page: inline CSS, charts as inline SVG drawn here, no script,
/// no network, no fonts. Every piece of corpus text goes through `escape`, so a document holding
/// `<script>` shows as text.
public enum HTMLReport {
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;line-height:1.4}
        h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
        table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
        td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.charts{display:flex;flex-wrap:wrap;gap:1em}
        .excerpt{font-family:ui-monospace,monospace;font-size:.85em;white-space:pre-wrap;word-break:break-word;max-width:800px}
        .pair{display:flex;gap:1em}.pair div{flex:1;font-family:ui-monospace,monospace;font-size:.85em;white-space:pre-wrap;word-break:break-word;border:1px solid #ddd;padding:.5em}
        del{background:#fdd;text-decoration:none}ins{background:#dfd;text-decoration:none}.muted{color:#777}
        """

    public static func render(_ data: ReportData) -> String {
        var html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>curate report: \(escape(data.store))</title>"
        html += "<style>\(style)</style></head><body>\n"
        html += "<h1>curate report</h1><p class=\"muted\">store <code>\(escape(data.store))</code> · curate \(escape(data.curate))</p>\n"
        html += funnel(data) + distributions(data) + examples(data) + dedup(data) + exportAndTraining(data) + runs(data) + ranking(data)
        html += "</body></html>\n"
        return html
    }

    static func number(_ value: Int) -> String { Formatting.count(value) }

    // MARK: 1. Funnel

    static func funnel(_ data: ReportData) -> String {
        var html = "<section id=\"funnel\"><h2>1. The funnel</h2>\n"
        var remaining = data.funnel.first.map { ($0.documents, $0.bytes) } ?? (0, 0)
        var bars: [(String, Double)] = []
        html += "<table><tr><th>step</th><th class=\"n\">documents</th><th class=\"n\">text bytes</th><th class=\"n\">remaining documents</th></tr>\n"
        for (index, step) in data.funnel.enumerated() {
            if index == 0 {
                bars.append(("ingested", Double(step.documents)))
            } else if step.name.hasPrefix("ranked") {
                remaining = (step.documents, step.bytes)
                bars.append(("ranked", Double(step.documents)))
            } else {
                remaining = (remaining.0 - step.documents, remaining.1 - step.bytes)
                bars.append((step.name, Double(remaining.0)))
            }
            html += "<tr><td>\(index == 0 ? "" : step.name.hasPrefix("ranked") ? "" : "− ")\(escape(step.name))</td><td class=\"n\">\(number(step.documents))</td>"
            html += "<td class=\"n\">\(escape(Formatting.bytes(step.bytes)))</td><td class=\"n\">\(number(remaining.0))</td></tr>\n"
        }
        if let export = data.export {
            html += "<tr><td>exported</td><td class=\"n\">\(number(export.written))</td><td class=\"n\">\(escape(Formatting.bytes(export.textBytes)))</td><td class=\"n\">\(number(export.written))</td></tr>\n"
            bars.append(("exported", Double(export.written)))
        }
        html += "</table>\n" + BarChart.svg(title: "Documents left after each step", bars: bars)
        html += "<h3>Rejected records</h3>" + table(["reason", "records"], data.rejects.map { [$0.name, number($0.documents)] })
        html += "<h3>Dropped by each filter rule (first rule that failed)</h3>"
            + table(["rule", "documents", "text bytes"], data.filterRules.map { [$0.name, number($0.documents), Formatting.bytes($0.bytes)] })
        html += "<h3>By language</h3>" + table(["language", "unique documents", "filtered", "near duplicates", "ranked"], data.languages.map {
            [$0.language, number($0.unique), number($0.filtered), number($0.nearDuplicates), number($0.ranked)]
        })
        return html + "</section>\n"
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        guard !rows.isEmpty else { return "<p class=\"muted\">none</p>\n" }
        var html = "<table><tr>" + header.enumerated().map { "<th\($0.offset > 0 ? " class=\"n\"" : "")>\(escape($0.element))</th>" }.joined() + "</tr>\n"
        for row in rows {
            html += "<tr>" + row.enumerated().map { "<td\($0.offset > 0 ? " class=\"n\"" : "")>\(escape($0.element))</td>" }.joined() + "</tr>\n"
        }
        return html + "</table>\n"
    }

    // MARK: 7. Ranking against labels

    static func ranking(_ data: ReportData) -> String {
        guard let ranking = data.ranking else { return "" }
        var html = "<section id=\"ranking\"><h2>7. Ranking against labels</h2>\n"
        html += "<p>\(number(ranking.matched)) labelled documents of <code>\(escape(ranking.labels))</code>"
        html += ranking.graded ? " (graded labels: concordance instead of AUC, mean grade instead of good share)" : ": \(number(ranking.good)) good, \(number(ranking.bad)) bad"
        html += ". ROC AUC is the chance that a good document ranks above a bad one (0.5 = chance); good@k% is the good share of the best k%. "
        html += "Statistics are ranked as stored (higher first); ↓ marks signals where lower is better.</p>\n"
        func cell(_ value: Double?) -> String { value.map { Formatting.decimal($0, places: 3) } ?? "–" }
        let languages = Array(ranking.languages.prefix(4))
        html += table(["signal", "documents", "AUC"] + languages.map { "AUC \($0)" } + ["good@10%", "good@30%", "good@50%"], ranking.rows.map { row in
            [escape(row.name + (row.better == "lower" ? " ↓" : "")), number(row.documents), cell(row.auc)] + languages.map { cell(row.aucByLanguage[$0]) }
                + [cell(row.top10), cell(row.top30), cell(row.top50)]
        })
        // ROC curves of the main signals, with the diagonal of chance.
        let main = ranking.rows.filter { ["export", "combined", "quality", "moore_lewis", "perplexity", "bits_per_byte", "filters.kept"].contains($0.name) && !$0.curve.isEmpty }
        if !main.isEmpty {
            var series = main.enumerated().map { index, row in
                LineChart.Series(name: row.name + " (AUC " + cell(row.auc) + ")", color: LineChart.palette[index % LineChart.palette.count],
                                 points: row.curve.map { ($0[0], $0[1]) }, markers: false)
            }
            series.append(.init(name: "chance", color: "#999999", points: [(0, 0), (1, 1)], markers: false))
            html += LineChart.svg(title: "ROC: true-positive rate against false-positive rate", series: series, xLabel: "false-positive rate",
                                  legendBottom: true)
        }
        return html + "</section>\n"
    }

    // MARK: 2. Distributions

    static func distributions(_ data: ReportData) -> String {
        var html = "<section id=\"scores\"><h2>2. Score distributions</h2>\n"
        html += "<p>Perplexity under the store's newest reference model (log scale) and bits per byte, per language, with cc_net's head / middle cut-offs; then heuristic statistics with the thresholds of each language's filter profile.</p>\n"
        html += "<div class=\"charts\">" + data.perplexity.map(Histogram.svg).joined() + "</div>\n"
        if data.perplexity.isEmpty { html += "<p class=\"muted\">no perplexity scores (curate score --metric perplexity)</p>\n" }
        if !data.quality.isEmpty {
            html += "<p>The learned quality score (the newest quality model's logit of \"good\"; higher is better), per language.</p>\n"
            html += "<div class=\"charts\">" + data.quality.map(Histogram.svg).joined() + "</div>\n"
        }
        html += "<div class=\"charts\">" + data.statistics.map(Histogram.svg).joined() + "</div>\n"
        return html + "</section>\n"
    }

    // MARK: 3. Examples

    static func examples(_ data: ReportData) -> String {
        var html = "<section id=\"examples\"><h2>3. Examples</h2>\n"
        for group in data.examples {
            html += "<h3>\(escape(group.title))</h3><table><tr><th>document</th><th>language</th><th>score</th><th>excerpt</th></tr>\n"
            for example in group.examples {
                html += "<tr><td>\(example.id)</td><td>\(escape(example.language))</td><td>\(escape(example.score))</td>"
                html += "<td class=\"excerpt\">\(escape(example.excerpt))</td></tr>\n"
            }
            html += "</table>\n"
        }
        if data.examples.isEmpty { html += "<p class=\"muted\">no scored documents</p>\n" }
        return html + "</section>\n"
    }

    // MARK: 4. Dedup

    static func dedup(_ data: ReportData) -> String {
        var html = "<section id=\"dedup\"><h2>4. Deduplication</h2>\n"
        let methods = data.dedup.byMethod.sorted { $0.key < $1.key }.map { "\($0.key) \(number($0.value))" }.joined(separator: " · ")
        html += "<p>Duplicates left out by method: \(escape(methods.isEmpty ? "none" : methods)).</p>\n"
        let sizes = data.dedup.clusterSizes.sorted { $0.key < $1.key }.map { ("\($0.key)", Double($0.value)) }
        html += sizes.isEmpty ? "<p class=\"muted\">no clusters (curate dedup)</p>\n" : BarChart.svg(title: "Clusters by size (documents per cluster)", bars: sizes)
        html += "<h3>Most repeated lines</h3><p>\(number(data.dedup.repeatedLines)) lines are in more than \(data.dedup.lineThreshold ?? 1) document(s).</p>"
        html += table(["line", "documents"], data.dedup.topLines.map { [$0.line, number($0.documents)] })
        if let pair = data.dedup.pair {
            html += "<h3>A near-duplicate pair</h3><p>Document \(pair.duplicateID) is a near duplicate of the kept document \(pair.keptID) "
            html += "(Jaccard \(Formatting.decimal(pair.similarity, places: 3))); words only in one are marked.</p>\n"
            let (left, right) = Diff.words(pair.kept, pair.duplicate)
            html += "<div class=\"pair\"><div>\(left)</div><div>\(right)</div></div>\n"
        }
        return html + "</section>\n"
    }

    // MARK: 5. Export and training

    static func exportAndTraining(_ data: ReportData) -> String {
        var html = "<section id=\"export\"><h2>5. Export and training</h2>\n"
        if let export = data.export {
            html += "<p>\(number(export.written)) documents in \(export.shards.count) shards in <code>\(escape(export.directory))</code>.</p>\n"
            html += table(["shard", "documents", "bytes", "first score", "last score"], export.shards.map {
                [$0.file, number($0.documents), Formatting.bytes($0.bytes), $0.firstScore.map { Formatting.decimal($0, places: 2) } ?? "",
                 $0.lastScore.map { Formatting.decimal($0, places: 2) } ?? ""]
            })
            html += "<p class=\"muted excerpt\">options: \(escape(export.options))</p>\n"
        } else {
            html += "<p class=\"muted\">no export directory given (--export DIR)</p>\n"
        }
        for run in data.training {
            let train = run.rows.compactMap { row in row[1].map { (row[0] ?? 0, $0) } }
            let validation = run.rows.compactMap { row in row[2].map { (row[0] ?? 0, $0) } }
            html += "<h3>Training run <code>\(escape(run.directory))</code></h3>"
            html += LineChart.svg(title: "loss (nats per token) against tokens", series: [
                .init(name: "train", color: LineChart.palette[0], points: train, markers: false),
                .init(name: "validation", color: LineChart.palette[1], points: validation, markers: true),
            ])
        }
        if !data.experiment.isEmpty {
            html += "<h3>Experiment</h3>" + table(["arm", "documents", "tokens", "best val loss", "clean bits/byte", "fine-tuned test accuracy"],
                                                 data.experiment.map {
                [$0.arm, number($0.documents), number(Int($0.tokens)), Formatting.decimal($0.bestValidationLoss, places: 4),
                 Formatting.decimal($0.cleanBitsPerByte, places: 4), $0.finetuneTestAccuracy.map { Formatting.decimal(100 * $0, places: 1) + "%" } ?? "–"]
            })
            html += LineChart.svg(title: "validation loss against tokens, per arm", series: data.experiment.enumerated().map {
                .init(name: $0.element.arm, color: LineChart.palette[$0.offset % LineChart.palette.count], points: $0.element.curve.map { ($0[0], $0[1]) },
                      markers: false)
            })
        }
        return html + "</section>\n"
    }

    // MARK: 6. Runs

    static func runs(_ data: ReportData) -> String {
        var html = "<section id=\"runs\"><h2>6. Run log</h2>\n"
        html += table(["run", "command", "status", "started", "seconds", "counts", "arguments"], data.runs.map {
            ["\($0.id)", $0.command, $0.status, $0.startedAt, $0.seconds.map { Formatting.decimal($0, places: 2) } ?? "", $0.counts ?? "", $0.arguments]
        })
        return html + "</section>\n"
    }
}

/// Bars drawn as SVG (one value per label).
enum BarChart {
    static func svg(title: String, bars: [(String, Double)], width: Double = 720) -> String {
        let rowHeight = 22.0, left = 290.0, top = 28.0
        let height = top + rowHeight * Double(bars.count) + 12
        let maximum = max(bars.map(\.1).max() ?? 1, 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">"
        svg += "<text x=\"4\" y=\"16\" font-size=\"14\">\(HTMLReport.escape(title))</text>"
        for (index, bar) in bars.enumerated() {
            let y = top + Double(index) * rowHeight
            let length = (width - left - 80) * bar.1 / maximum
            svg += String(format: "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", left - 6, y + 14) + HTMLReport.escape(bar.0) + "</text>"
            svg += String(format: "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" fill=\"#1f77b4\"/>", left, y + 2, length)
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\">", left + length + 4, y + 14) + Formatting.count(Int(bar.1)) + "</text>"
        }
        return svg + "</svg>\n"
    }
}

/// A histogram as SVG, with marked values as vertical lines.
enum Histogram {
    static func svg(_ distribution: ReportData.Distribution) -> String {
        let width = 340.0, height = 200.0, left = 36.0, right = 10.0, top = 34.0, bottom = 30.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let bins = distribution.bins
        guard let low = bins.first?.low, let high = bins.last?.high else { return "" }
        let maximum = Double(max(bins.map(\.count).max() ?? 1, 1))
        func x(_ value: Double) -> Double { left + (value - low) / max(high - low, 1e-12) * plotWidth }
        func label(_ value: Double) -> String {
            let shown = distribution.logScale ? pow(10, value) : value
            return abs(shown) >= 100 ? Formatting.count(Int(shown.rounded())) : Formatting.decimal(shown, places: abs(shown) >= 10 ? 1 : 2)
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">"
        svg += "<text x=\"4\" y=\"14\" font-size=\"12\">\(HTMLReport.escape(distribution.title))</text>"
        svg += "<text x=\"4\" y=\"28\" fill=\"#555\">\(HTMLReport.escape(distribution.language)) · \(Formatting.count(distribution.documents)) documents</text>"
        for bin in bins where bin.count > 0 {
            let barHeight = plotHeight * Double(bin.count) / maximum
            svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#1f77b4\"/>",
                          x(bin.low), top + plotHeight - barHeight, max(0.5, x(bin.high) - x(bin.low) - 0.5), barHeight)
        }
        svg += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>", left, top + plotHeight, left + plotWidth, top + plotHeight)
        svg += String(format: "<text x=\"%.1f\" y=\"%.1f\">", left, height - 12) + HTMLReport.escape(label(low)) + "</text>"
        svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", left + plotWidth, height - 12) + HTMLReport.escape(label(high)) + "</text>"
        for (index, mark) in distribution.marks.enumerated() {
            let value = distribution.logScale ? log10(max(mark.value, 1e-12)) : mark.value
            guard value >= low - (high - low) * 0.05, value <= high + (high - low) * 0.05 else { continue }
            let position = min(max(x(value), left), left + plotWidth)
            svg += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d62728\" stroke-dasharray=\"4 2\"/>",
                          position, top, position, top + plotHeight)
            // Labels right of the line in the left half, left of it in the right half, so they stay inside.
            let rightHalf = position > left + plotWidth / 2
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" fill=\"#d62728\" ", rightHalf ? position - 3 : position + 3, top + 10 + 11 * Double(index))
                + "text-anchor=\"" + (rightHalf ? "end" : "start") + "\">"
                + HTMLReport.escape(mark.label + " " + label(value)) + "</text>"
        }
        return svg + "</svg>\n"
    }
}

/// Word-level differences of two texts (longest common subsequence), as escaped HTML with the words
/// only in one side marked.
enum Diff {
    static func tokens(_ text: String) -> [String] {
        // Words, each white-space character, and CJK characters one by one (there are no spaces between words).
        var tokens: [String] = [], current = ""
        for character in text {
            let isCJK = character.unicodeScalars.first.map { (0x3400...0x9FFF).contains($0.value) || (0x3000...0x303F).contains($0.value) || (0xFF00...0xFFEF).contains($0.value) } ?? false
            if isCJK {
                if !current.isEmpty { tokens.append(current); current = "" }
                tokens.append(String(character))
            } else if character.isWhitespace {
                if !current.isEmpty { tokens.append(current); current = "" }
                tokens.append(String(character))
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    static func words(_ a: String, _ b: String) -> (String, String) {
        let x = Array(tokens(a).prefix(600)), y = Array(tokens(b).prefix(600))
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            for j in stride(from: y.count - 1, through: 0, by: -1) {
                lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var left = "", right = "", i = 0, j = 0
        while i < x.count || j < y.count {
            if i < x.count && j < y.count && x[i] == y[j] {
                left += HTMLReport.escape(x[i]); right += HTMLReport.escape(y[j]); i += 1; j += 1
            } else if j < y.count && (i == x.count || lcs[i][j + 1] >= lcs[i + 1][j]) {
                right += "<ins>" + HTMLReport.escape(y[j]) + "</ins>"; j += 1
            } else {
                left += "<del>" + HTMLReport.escape(x[i]) + "</del>"; i += 1
            }
        }
        return (left, right)
    }
}
