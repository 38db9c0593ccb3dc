/// Human-readable numbers for summaries and progress lines.
public enum Formatting {
    /// 1234567 → "1,234,567".
    public static func count<N: BinaryInteger>(_ value: N) -> String {
        let digits = String(value.magnitude)
        var result = ""
        result.reserveCapacity(digits.count + digits.count / 3 + 1)
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// Bytes in decimal units: "812 B", "3.4 KB", "212 MB", "1.9 GB".
    public static func bytes<N: BinaryInteger>(_ value: N) -> String {
        let units = ["B", "KB", "MB", "GB", "TB", "PB"]
        var amount = Double(value)
        var unit = 0
        while abs(amount) >= 1000 && unit < units.count - 1 {
            amount /= 1000
            unit += 1
        }
        if unit == 0 { return "\(Int64(value)) B" }
        return decimal(amount, places: amount < 10 ? 1 : 0) + " " + units[unit]
    }

    /// A rate in MB/s with no decimals above 10.
    public static func megabytesPerSecond(bytes: Int64, seconds: Double) -> String {
        guard seconds > 0 else { return "– MB/s" }
        let rate = Double(bytes) / 1e6 / seconds
        return decimal(rate, places: rate < 10 ? 1 : 0) + " MB/s"
    }

    /// Seconds as "0.42 s", "9.1 s", "1:02:03" style for longer spans.
    public static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return decimal(seconds, places: 2) + " s" }
        if seconds < 60 { return decimal(seconds, places: 1) + " s" }
        return clock(seconds)
    }

    /// Seconds as "m:ss" or "h:mm:ss" (for ETAs).
    public static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        let two = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(secs))" : "\(minutes):\(two(secs))"
    }

    /// A fixed-point decimal without Foundation's locale-dependent formatters.
    public static func decimal(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = scaled / Int64(scale)
        var text = String(whole)
        if places > 0 {
            let fraction = String(scaled % Int64(scale))
            text += "." + String(repeating: "0", count: places - fraction.count) + fraction
        }
        return value < 0 && scaled != 0 ? "-" + text : text
    }
}

/// The nearest-rank percentile p (0–1) of ascending values: the smallest value with at least p of the
/// values at or below it (cc_net's cut-offs are taken this way).
public func nearestRankPercentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[max(0, min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
}
