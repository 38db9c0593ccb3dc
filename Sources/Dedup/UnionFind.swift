import Core

/// Groups of documents, flat: group g is `members[offsets[g] ..< offsets[g + 1]]`, its seqs ascending;
/// groups in the order of their smallest seq.
struct DocumentGroups: Sequence {
    var members: [Int64]
    var offsets: [Int]

    var count: Int { offsets.count - 1 }

    func makeIterator() -> AnyIterator<[Int64]> {
        var index = 0
        return AnyIterator {
            guard index < count else { return nil }
            defer { index += 1 }
            return Array(members[offsets[index] ..< offsets[index + 1]])
        }
    }
}

/// Disjoint sets over the document seqs that take part in a union: the seqs added in ascending order
/// (found by binary search), a parent index each. 12 bytes per document while joining, 24 at the peak
/// of `groups()`; a dictionary-based one took about 50.
struct UnionFind {
    static let peakBytesPerMember = 24
    private var seqs: [Int64] = []
    private var parent: [Int32] = []

    var count: Int { seqs.count }

    /// Under --max-memory, refuses (with the figures) a union-find whose `members` so far would not fit in
    /// the budget's share; `total` counts all that would be added.
    static func checkBudget(members: Int, total: () throws -> Int64) throws {
        guard let limit = MemoryBudget.current?.clusteringBytes, members * peakBytesPerMember > limit else { return }
        let total = Int(try total())
        throw DedupError(
            description: "clustering \(Formatting.count(total)) documents that have duplicates needs about \((total * peakBytesPerMember) >> 20) MB; the --max-memory budget leaves \(limit >> 20) MB for it",
            hint: "raise --max-memory to at least \((total * peakBytesPerMember * 4) >> 20)M")
    }

    /// Adds a document; seqs must come in ascending order.
    mutating func add(_ seq: Int64) {
        precondition(seqs.last.map { $0 < seq } ?? true, "UnionFind.add: seqs must ascend")
        parent.append(Int32(seqs.count))
        seqs.append(seq)
    }

    private func node(_ seq: Int64) -> Int32 {
        var low = 0, high = seqs.count
        while low < high {
            let middle = (low + high) / 2
            if seqs[middle] < seq { low = middle + 1 } else { high = middle }
        }
        precondition(low < seqs.count && seqs[low] == seq, "UnionFind: seq \(seq) was not added")
        return Int32(low)
    }

    private mutating func root(_ node: Int32) -> Int32 {
        var node = node
        while parent[Int(node)] != node {
            parent[Int(node)] = parent[Int(parent[Int(node)])] // path halving
            node = parent[Int(node)]
        }
        return node
    }

    /// Joins the sets of two added seqs. The root of a set is its smallest member.
    mutating func union(_ a: Int64, _ b: Int64) {
        let x = root(node(a)), y = root(node(b))
        if x != y { parent[Int(max(x, y))] = min(x, y) }
    }

    /// The sets of more than one member (a counting sort by root: roots are each set's smallest seq, so
    /// groups come out ordered by it, and members ascending within).
    mutating func groups() -> DocumentGroups {
        let n = seqs.count
        for index in 0..<n { parent[index] = root(Int32(index)) }
        var sizes = [Int32](repeating: 0, count: n)
        for index in 0..<n { sizes[Int(parent[index])] += 1 }
        // Where each root's members start in the flat array.
        var offsets = [0]
        var total = 0
        for index in 0..<n where sizes[index] > 1 { total += Int(sizes[index]) }
        var position = 0
        for index in 0..<n {
            let size = Int(sizes[index])
            if size > 1 {
                sizes[index] = Int32(position) // from here on: the next free slot of this root's group
                position += size
                offsets.append(position)
            } else {
                sizes[index] = -1
            }
        }
        var members = [Int64](repeating: 0, count: total)
        for index in 0..<n {
            let root = Int(parent[index])
            let slot = sizes[root]
            guard slot >= 0 else { continue }
            members[Int(slot)] = seqs[index]
            sizes[root] = slot + 1
        }
        return DocumentGroups(members: members, offsets: offsets)
    }
}
