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

    public init(options: TokenizerOptions, vocabulary: [[UInt8]], orders: [Order]) {
        self.options = options
        self.vocabulary = vocabulary
        self.orders = orders
    }
}
