import Foundation

/// Where an estimated model goes, order by order, each order's n-grams in suffix order.
protocol ModelSink: AnyObject {
    /// The number of n-grams of each order, before any n-gram.
    func begin(counts: [Int]) throws
    func beginOrder(_ order: Int) throws
    /// One n-gram; `logBackoff` is nil at the highest order.
    func add(_ gram: UnsafeBufferPointer<UInt32>, logProb: Float, logBackoff: Float?) throws
    func finish() throws
}

/// Collects the model in memory.
final class ModelDataSink: ModelSink {
    private(set) var model: ModelData

    init(options: TokenizerOptions, vocabulary: [[UInt8]]) {
        model = ModelData(options: options, vocabulary: vocabulary, orders: [])
    }

    func begin(counts: [Int]) {}

    func beginOrder(_ order: Int) {
        model.orders.append(ModelData.Order(order: order))
    }

    func add(_ gram: UnsafeBufferPointer<UInt32>, logProb: Float, logBackoff: Float?) {
        let last = model.orders.count - 1
        model.orders[last].ids.append(contentsOf: gram)
        model.orders[last].logProb.append(logProb)
        model.orders[last].logBackoff.append(logBackoff ?? 0)
    }

    func finish() {}
}

/// Writes the model as an ARPA file as it comes (through a temporary name, renamed when complete).
final class ARPAWriter: ModelSink {
    private let path: String
    private let temporary: String
    private let file: UnsafeMutablePointer<FILE>
    private let words: [[UInt8]]
    private let comment: String
    private var line: [UInt8] = []
    private(set) var counts: [Int] = []

    init(path: String, options: TokenizerOptions, vocabulary: [[UInt8]]) throws {
        self.path = path
        temporary = path + ".tmp-\(getpid())"
        guard let file = fopen(temporary, "w") else {
            throw ARPA.FormatError(description: "cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        setvbuf(file, nil, _IOFBF, 1 << 20)
        self.file = file
        words = vocabulary
        comment = options.arpaComment
    }

    private func put(_ text: String) {
        fputs(text, file)
    }

    func begin(counts: [Int]) {
        self.counts = counts
        put(comment + "\n\\data\\\n")
        for (index, count) in counts.enumerated() { put("ngram \(index + 1)=\(count)\n") }
    }

    func beginOrder(_ order: Int) {
        put("\n\\\(order)-grams:\n")
    }

    func add(_ gram: UnsafeBufferPointer<UInt32>, logProb: Float, logBackoff: Float?) {
        line.removeAll(keepingCapacity: true)
        line.append(contentsOf: ARPA.format(logProb).utf8)
        line.append(0x09)
        for (index, id) in gram.enumerated() {
            if index > 0 { line.append(0x20) }
            line.append(contentsOf: words[Int(id)])
        }
        if let logBackoff {
            line.append(0x09)
            line.append(contentsOf: ARPA.format(logBackoff).utf8)
        }
        line.append(0x0A)
        _ = line.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    }

    func finish() throws {
        put("\n\\end\\\n")
        guard ferror(file) == 0, fclose(file) == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw ARPA.FormatError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes what was written, after a failure.
    func abandon() {
        fclose(file)
        unlink(temporary)
    }
}
