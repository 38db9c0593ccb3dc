/// A back-off n-gram model as plain arrays: what the estimator produces, what ARPA files hold, and what
/// the query tables are built from.
public struct ModelData: Sendable {
    /// One order's n-grams.
    public struct Order: Sendable {
        public let order: Int
        /// `order` word ids per n-gram, flat.
        public var ids: [UInt32] = []
        /// log10 probabilities.
        public var logProb: [Float] = []
        /// log10 back-off weights (0 when the n-gram is not a context; always 0 at the highest order).
        public var logBackoff: [Float] = []

        public init(order: Int) {
            self.order = order
        }

        public var count: Int { logProb.count }

        public func gram(_ index: Int) -> ArraySlice<UInt32> {
            ids[index * order ..< (index + 1) * order]
        }
    }

    public var options: TokenizerOptions
    /// Word bytes by id; ids 0, 1, 2 are <unk>, <s>, </s>.
    public var vocabulary: [[UInt8]]
    /// Index n - 1 holds the n-grams.
    public var orders: [Order]

    public var order: Int { orders.count }

    /// The back-off weights as the query tables store them: an n-gram that starts no longer n-gram
    /// of the model and has no back-off is marked with -0.0 (numerically 0), so that queries know no
    /// longer n-gram can follow it and skip the lookup (KenLM keeps the same fact in its state).
    func tableBackoffs(_ index: Int) -> [Float] {
        var backoffs = orders[index].logBackoff
        guard index + 1 < orders.count else {
            return backoffs.map { $0 == 0 ? -0.0 : $0 }
        }
        let longer = orders[index + 1]
        var prefixes = Set<UInt64>(minimumCapacity: longer.count)
        for i in 0..<longer.count { prefixes.insert(longer.gram(i).dropLast().withUnsafeBufferPointer { NGramHash.of($0) }) }
        for i in 0..<orders[index].count where backoffs[i] == 0 {
            let hash = orders[index].gram(i).withUnsafeBufferPointer { NGramHash.of($0) }
            if !prefixes.contains(hash) { backoffs[i] = -0.0 }
        }
        return backoffs
    }

    public init(options: TokenizerOptions, vocabulary: [[UInt8]], orders: [Order]) {
        self.options = options
        self.vocabulary = vocabulary
        self.orders = orders
    }
}
