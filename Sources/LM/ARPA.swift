import Foundation

/// ARPA back-off model files: the text format KenLM, SRILM and others read and write.
///
/// `\data\`, one `ngram N=count` line per order, then `\N-grams:` sections of
/// `log10prob <TAB> w1 … wN [<TAB> log10backoff]`, ending with `\end\`. Lines before `\data\` that start
/// with '#' are comments (KenLM skips them); curate records its tokenizer options in one.
public enum ARPA {
    public struct FormatError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    // MARK: Writing

    /// Writes `model` as ARPA to `path` (through a temporary name, renamed when complete).
    public static func write(_ model: ModelData, to path: String) throws {
        let writer = try ARPAWriter(path: path, options: model.options, vocabulary: model.vocabulary)
        writer.begin(counts: model.orders.map(\.count))
        for order in model.orders {
            writer.beginOrder(order.order)
            let highest = order.order == model.order
            order.ids.withUnsafeBufferPointer { ids in
                for index in 0..<order.count {
                    writer.add(UnsafeBufferPointer(rebasing: ids[index * order.order ..< (index + 1) * order.order]),
                               logProb: order.logProb[index], logBackoff: highest ? nil : order.logBackoff[index])
                }
            }
        }
        try writer.finish()
    }

    /// Shortest text that reads back as the same Float; "0" for zero.
    static func format(_ value: Float) -> String {
        value == 0 ? "0" : value.description
    }

    // MARK: Reading

    /// Reads an ARPA file (KenLM's lmplz output, or curate's).
    public static func read(path: String) throws -> ModelData {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError(description: "cannot read \(path)")
        }
        if data.starts(with: [0x1F, 0x8B]) { throw FormatError(description: "\(path) is gzip-compressed; decompress it first") }
        return try data.withUnsafeBytes { try parse($0, source: path) }
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, source: String) throws -> ModelData {
        var lines = LineCursor(bytes: bytes)
        var options = TokenizerOptions(kind: .whitespace, lowercase: false, foldDigits: false)
        // Header: comments, then \data\.
        while let line = lines.next() {
            let text = line.trimmed
            if text.isEmpty { continue }
            if text.first == UInt8(ascii: "#") {
                if let parsed = TokenizerOptions.parse(comment: Substring(String(decoding: text, as: UTF8.self))) { options = parsed }
                continue
            }
            guard text.elementsEqual("\\data\\".utf8) else {
                throw FormatError(description: "\(source):\(lines.number): expected \\data\\")
            }
            break
        }
        var expected: [Int] = []
        while let line = lines.next() {
            let text = line.trimmed
            if text.isEmpty { break }
            let string = String(decoding: text, as: UTF8.self)
            guard string.hasPrefix("ngram "), let equals = string.firstIndex(of: "="),
                  let n = Int(string[string.index(string.startIndex, offsetBy: 6)..<equals].trimmingCharacters(in: .whitespaces)),
                  let count = Int(string[string.index(after: equals)...].trimmingCharacters(in: .whitespaces)),
                  n == expected.count + 1 else {
                throw FormatError(description: "\(source):\(lines.number): expected 'ngram \(expected.count + 1)=COUNT'")
            }
            // Every n-gram takes a line of at least two bytes: a count beyond that is a damaged header
            // (found by fuzzing: a negative count crashed the section loop, a huge one would exhaust memory).
            guard (0...(bytes.count / 2)).contains(count) else {
                throw FormatError(description: "\(source):\(lines.number): ngram \(n)=\(count) is impossible for a file of \(bytes.count) bytes")
            }
            expected.append(count)
        }
        guard !expected.isEmpty else { throw FormatError(description: "\(source): no ngram counts after \\data\\") }

        var vocabulary: [[UInt8]] = Vocabulary.specials.map { Array($0.utf8) }
        var ids: [UInt64: UInt32] = [:]
        for (index, word) in vocabulary.enumerated() { ids[TokenHash.of(word.withUnsafeBytes { $0 })] = UInt32(index) }
        var orders: [ModelData.Order] = []
        var sawUnknown = false, sawBegin = false, sawEnd = false

        for n in 1...expected.count {
            // Section header.
            var header: ArraySlice<UInt8>?
            while let line = lines.next() {
                let text = line.trimmed
                if !text.isEmpty { header = text; break }
            }
            guard let header, header.elementsEqual("\\\(n)-grams:".utf8) else {
                throw FormatError(description: "\(source):\(lines.number): expected \\\(n)-grams:")
            }
            var order = ModelData.Order(order: n)
            order.ids.reserveCapacity(expected[n - 1] * n)
            order.logProb.reserveCapacity(expected[n - 1])
            order.logBackoff.reserveCapacity(expected[n - 1])
            for _ in 0..<expected[n - 1] {
                guard let line = lines.next() else { throw FormatError(description: "\(source): ends inside the \(n)-grams") }
                let fields = line.fields
                guard fields.count == n + 1 || fields.count == n + 2, let probability = Float(fields[0]) else {
                    throw FormatError(description: "\(source):\(lines.number): expected a log10 probability, \(n) words and maybe a back-off")
                }
                for field in fields[1...n] {
                    let hash = field.withUnsafeBytes { TokenHash.of($0) }
                    var id: UInt32
                    if let known = ids[hash] {
                        id = known
                    } else {
                        guard n == 1 else {
                            throw FormatError(description: "\(source):\(lines.number): word '\(String(decoding: field, as: UTF8.self))' is not a unigram")
                        }
                        id = UInt32(vocabulary.count)
                        vocabulary.append(Array(field))
                        ids[hash] = id
                    }
                    order.ids.append(id)
                    if n == 1 {
                        sawUnknown = sawUnknown || id == Vocabulary.unknown
                        sawBegin = sawBegin || id == Vocabulary.begin
                        sawEnd = sawEnd || id == Vocabulary.end
                    }
                }
                order.logProb.append(probability)
                if fields.count == n + 2 {
                    guard let backoff = Float(fields[n + 1]) else {
                        throw FormatError(description: "\(source):\(lines.number): bad back-off '\(String(decoding: fields[n + 1], as: UTF8.self))'")
                    }
                    order.logBackoff.append(backoff)
                } else {
                    order.logBackoff.append(0)
                }
            }
            orders.append(order)
        }
        guard sawBegin && sawEnd else { throw FormatError(description: "\(source): the unigrams must include <s> and </s>") }
        if !sawUnknown {
            // KenLM's rule for a model without <unk>: unknown words get log10 probability -100.
            orders[0].ids.append(Vocabulary.unknown)
            orders[0].logProb.append(-100)
            orders[0].logBackoff.append(0)
        }
        return ModelData(options: options, vocabulary: vocabulary, orders: orders)
    }
}

/// Lines of a byte buffer, without allocating per line.
struct LineCursor {
    let bytes: UnsafeRawBufferPointer
    var offset = 0
    private(set) var number = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    struct Line {
        let bytes: ArraySlice<UInt8>

        var trimmed: ArraySlice<UInt8> {
            var slice = bytes
            while let first = slice.first, first == 0x20 || first == 0x09 || first == 0x0D { slice = slice.dropFirst() }
            while let last = slice.last, last == 0x20 || last == 0x09 || last == 0x0D { slice = slice.dropLast() }
            return slice
        }

        /// Fields separated by spaces and tabs.
        var fields: [ArraySlice<UInt8>] {
            bytes.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
        }
    }

    mutating func next() -> Line? {
        guard offset < bytes.count else { return nil }
        var end = offset
        while end < bytes.count && bytes[end] != 0x0A { end += 1 }
        let line = Line(bytes: ArraySlice(UnsafeRawBufferPointer(rebasing: bytes[offset..<end])))
        offset = end + 1
        number += 1
        return line
    }
}

extension ArraySlice where Element == UInt8 {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeBufferPointer { body(UnsafeRawBufferPointer($0)) }
    }
}

extension Float {
    /// Parses a float from ASCII bytes.
    init?(_ bytes: ArraySlice<UInt8>) {
        self.init(String(decoding: bytes, as: UTF8.self))
    }
}
