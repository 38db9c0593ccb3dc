import Foundation

/// Line charts as SVG drawn here (no plotting library in the dependency list): loss against tokens in
/// the trainer and the experiment, and the report's curves.
public enum LineChart {
    public struct Series: Sendable {
        public var name: String
        public var color: String
        public var points: [(Double, Double)]
        public var markers: Bool

        public init(name: String, color: String, points: [(Double, Double)], markers: Bool) {
            self.name = name
            self.color = color
            self.points = points
            self.markers = markers
        }
    }

    /// Distinct colours for up to ten series (the usual categorical palette).
    public static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// - Parameter legendBottom: the legend in the lower right corner (where an ROC curve leaves room)
    ///   instead of the upper right.
    public static func svg(title: String, series: [Series], xLabel: String = "tokens", width: Double = 720, height: Double = 420,
                           legendBottom: Bool = false) -> String {
        let left = 60.0, right = 20.0, top = 30.0, bottom = 50.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let all = series.flatMap(\.points)
        let maxX = max(all.map(\.0).max() ?? 1, 1)
        let values = all.map(\.1)
        var minY = (values.min() ?? 0), maxY = (values.max() ?? 1)
        if maxY - minY < 1e-9 { maxY = minY + 1 }
        minY = max(0, minY - 0.05 * (maxY - minY))
        func x(_ value: Double) -> Double { left + value / maxX * plotWidth }
        func y(_ value: Double) -> Double { top + (maxY - value) / (maxY - minY) * plotHeight }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(Int(left))" y="18" font-size="14">\(escape(title))</text>

            """
        for tick in 0...4 {
            let value = minY + (maxY - minY) * Double(tick) / 4
            svg += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>", left, y(value), left + plotWidth, y(value))
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>\n", left - 6, y(value) + 4, value)
            let position = maxX * Double(tick) / 4
            // Counts (tokens) as integers; a unit range (rates) with two decimals.
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x(position), top + plotHeight + 18)
                + (maxX <= 10 ? String(format: "%.2f", position) : Formatting.count(Int(position))) + "</text>\n"
        }
        svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#444\"/>\n", left, top, plotWidth, plotHeight)
        for (index, line) in series.enumerated() where !line.points.isEmpty {
            let points = line.points.map { String(format: "%.1f,%.1f", x($0.0), y($0.1)) }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.5\" points=\"\(points)\"/>\n"
            if line.markers {
                for point in line.points {
                    svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"", x(point.0), y(point.1)) + line.color + "\"/>"
                }
                svg += "\n"
            }
            let legendY = legendBottom ? top + plotHeight - 10 - 15 * Double(series.count - 1 - index) : top + 16 + 15 * Double(index)
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" fill=\"", left + plotWidth - (legendBottom ? 170 : 150), legendY)
                + line.color + "\">" + escape(line.name) + "</text>\n"
        }
        svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", left + plotWidth / 2, height - 8) + escape(xLabel) + "</text>\n"
        svg += "</svg>\n"
        return svg
    }

    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
