#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The memory a run may use (`--max-memory`, or `CURATE_MAX_MEMORY`), shared out among the places
/// where a stage buffers: SQLite's page cache and sorts (which spill to temporary files instead of
/// growing in memory), the n-gram counting table of reference training (which spills sorted runs),
/// the read-ahead of the stage pipelines, and dedup's clustering. Without a budget each of them keeps
/// its built-in size (a 64 MiB page cache, in-memory sorts, a 1 GiB counting table).
///
/// The shares are fixed fractions so that they add up to well under the budget, leaving room for what
/// is not a buffer: the program itself, ICU's data, a loaded model.
public struct MemoryBudget: Sendable, Equatable {
    /// The smallest budget accepted. The program's own footprint, which no budget can shrink, is about
    /// 30 MB of mapped code and ICU data plus 10-20 MB of working memory per worker thread (measured with
    /// /proc/PID/smaps_rollup during ingest of a 100 MB corpus: 28 MB clean file-backed, 44 MB anonymous
    /// with one worker, 61 MB with two); below 128 MiB the buffers would get almost nothing.
    public static let minimum = 128 << 20

    public let bytes: Int

    public init(bytes: Int) {
        self.bytes = bytes
    }

    /// SQLite's page cache per connection that writes: an eighth, at most the unbudgeted 64 MiB.
    public var pageCacheBytes: Int { min(64 << 20, bytes / 8) }
    /// SQLite's soft heap limit (all its connections): a quarter.
    public var sqliteHeapBytes: Int { bytes / 4 }
    /// How much of the store a reader may map: a quarter (the rest is read with pread).
    public var mapBytes: Int { bytes / 4 }
    /// The n-gram counting table: a quarter.
    public var countingBytes: Int { bytes / 4 }
    /// Dedup's union-find over duplicate documents: a quarter.
    public var clusteringBytes: Int { bytes / 4 }
    /// Export's ranking sorted in memory (past it, SQLite sorts it in the store): a quarter.
    public var sortingBytes: Int { bytes / 4 }
    /// Items (batches) in flight in a stage pipeline: fewer with a small budget.
    public func pipelineCapacity(threads: Int) -> Int {
        bytes < 256 << 20 ? max(2, threads + 1) : threads * 2 + 2
    }

    /// The budget of this process; set once, by the command line, before a stage starts.
    nonisolated(unsafe) public private(set) static var current: MemoryBudget?

    public static func install(_ budget: MemoryBudget?) {
        current = budget
    }

    /// The items in flight in a stage pipeline under the current budget.
    public static func pipelineCapacity(threads: Int) -> Int {
        current?.pipelineCapacity(threads: threads) ?? threads * 2 + 2
    }

    /// Reads "512M", "2G", "65536K" or a plain number of bytes.
    public static func parseBytes(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        let trimmed = text.hasSuffix("B") || text.hasSuffix("b") ? String(text.dropLast()) : text
        if let unit = trimmed.last.flatMap({ units[Character($0.uppercased())] }), let value = Int(trimmed.dropLast()), value > 0,
           value <= Int.max / unit {
            return value * unit
        }
        return Int(trimmed).flatMap { $0 > 0 ? $0 : nil }
    }
}

/// The most memory this process has had resident so far, in bytes: the kernel's high-water mark of
/// this program's address space (VmHWM). Not getrusage's ru_maxrss: Linux carries that over from the
/// parent's address space when the process was started with vfork or posix_spawn (as Foundation's
/// Process and many job runners do), so a child of a large process reports the parent's peak.
public func peakResidentBytes() -> Int64 {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
       let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
       let kilobytes = Int64(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") {
        return kilobytes * 1024
    }
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    return Int64(usage.ru_maxrss) * 1024
}
