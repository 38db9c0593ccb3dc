import Dispatch

/// The state behind a stage's live progress line: what is done out of what, the rate, and an ETA.
/// Stages call `update` as work completes and draw `line` when `due` (at most five times a second).
public struct ProgressMeter {
    /// What `total` and `done` count.
    public enum Measure {
        /// Input bytes (ingest: on-disk bytes of the input files).
        case bytes
        /// Documents.
        case documents
    }

    public let stage: String
    public let total: Int64
    public let measure: Measure
    private let started = DispatchTime.now().uptimeNanoseconds
    private var done: Int64 = 0
    private var documents: Int64 = 0
    private var bytes: Int64 = 0
    private var lastShown: UInt64 = 0

    public init(stage: String, total: Int64, measure: Measure) {
        self.stage = stage
        self.total = total
        self.measure = measure
    }

    /// Records the totals so far: `done` in the meter's measure, plus documents and bytes processed.
    public mutating func update(done: Int64, documents: Int64, bytes: Int64) {
        self.done = done
        self.documents = documents
        self.bytes = bytes
    }

    /// True at most five times a second.
    public var due: Bool {
        mutating get {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now - lastShown >= 200_000_000 else { return false }
            lastShown = now
            return true
        }
    }

    /// e.g. `ingest  1,204,331 docs  3.1 GB / 8.0 GB  212 MB/s  ETA 0:23`.
    public var line: String {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        var text = stage + "  "
        switch measure {
        case .bytes:
            text += "\(Formatting.count(documents)) docs  \(Formatting.bytes(done)) / \(Formatting.bytes(total))"
        case .documents:
            text += "\(Formatting.count(done)) / \(Formatting.count(total)) docs"
        }
        text += "  " + Formatting.megabytesPerSecond(bytes: bytes, seconds: seconds)
        if done > 0 && seconds > 1 {
            text += "  ETA " + Formatting.clock(max(0, Double(total - done) / (Double(done) / seconds)))
        }
        return text
    }
}
