import Foundation

/// Element-wise work over a long buffer, cut into contiguous parts run side by side.
enum Parallel {
    /// Part `index` of `parts` of 0..<count.
    static func part(_ index: Int, count: Int, parts: Int) -> Range<Int> { (count * index / parts)..<(count * (index + 1) / parts) }

    /// Calls `body` with each part's index and range (one thread each when `threads` > 1; one call
    /// otherwise).
    static func parts(_ count: Int, threads: Int, _ body: @Sendable (Int, Range<Int>) -> Void) {
        let parts = max(1, threads)
        guard parts > 1 else { return body(0, 0..<count) }
        DispatchQueue.concurrentPerform(iterations: parts) { body($0, part($0, count: count, parts: parts)) }
    }
}
