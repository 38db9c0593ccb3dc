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
    /// One line being written (a buffer of its own, for the same reason as the estimator's window).
    private static let capacity = 1 << 16
    private let line = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    private var length = 0
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
        length = 0
        append(ARPA.format(logProb))
        append(0x09)
        for (index, id) in gram.enumerated() {
            if index > 0 { append(0x20) }
            words[Int(id)].withUnsafeBufferPointer { append(UnsafeRawBufferPointer($0)) }
        }
        if let logBackoff {
            append(0x09)
            append(ARPA.format(logBackoff))
        }
        append(0x0A)
        fwrite(line, 1, length, file)
    }

    private func append(_ byte: UInt8) {
        withUnsafeBytes(of: byte) { append($0) }
    }

    private func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    private func append(_ bytes: UnsafeRawBufferPointer) {
        if length + bytes.count > Self.capacity {
            fwrite(line, 1, length, file)
            length = 0
            if bytes.count > Self.capacity { // a single word longer than the buffer
                fwrite(bytes.baseAddress, 1, bytes.count, file)
                return
            }
        }
        UnsafeMutableRawPointer(line + length).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        length += bytes.count
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

    deinit { line.deallocate() }
}
