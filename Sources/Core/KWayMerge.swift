/// The smallest of several sorted streams' current elements, found in O(log k) per step: a binary heap
/// of stream indexes ordered by their heads. The partitioned steps merge one sorted run per partition
/// (scores for cut-offs, ranked runs for export's plan, ids for the manifest's fingerprint, the reference
/// model's sample); with hundreds of partitions a scan of every head per element would dominate them.
public struct KWayMerge<Element> {
    private var heads: [Element?]
    private var heap: [Int] = []
    private let precedes: (Element, Element) -> Bool

    /// `heads[i]`: stream i's first element (nil: empty). Ties go to the lower stream index.
    public init(heads: [Element?], by precedes: @escaping (Element, Element) -> Bool) {
        self.heads = heads
        self.precedes = precedes
        heap = heads.indices.filter { heads[$0] != nil }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { down(index) }
    }

    /// The stream holding the smallest head, and that head; nil when every stream is done.
    public var first: (stream: Int, element: Element)? {
        guard let stream = heap.first, let element = heads[stream] else { return nil }
        return (stream, element)
    }

    /// Replaces the first stream's head with its next element (nil: the stream is done).
    public mutating func advance(_ next: Element?) {
        guard let stream = heap.first else { return }
        heads[stream] = next
        if next == nil {
            heap[0] = heap[heap.count - 1]
            heap.removeLast()
        }
        if !heap.isEmpty { down(0) }
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        let x = heads[heap[a]]!, y = heads[heap[b]]!
        if precedes(x, y) { return true }
        if precedes(y, x) { return false }
        return heap[a] < heap[b]
    }

    private mutating func down(_ start: Int) {
        var index = start
        while true {
            let left = 2 * index + 1, right = left + 1
            var smallest = index
            if left < heap.count && less(left, smallest) { smallest = left }
            if right < heap.count && less(right, smallest) { smallest = right }
            if smallest == index { return }
            heap.swapAt(index, smallest)
            index = smallest
        }
    }
}
