import Core
import Foundation

/// Byte-level BPE (Sennrich et al. 2016 over bytes, as in GPT-2): the first 256 tokens are the bytes,
/// every later one merges two earlier tokens, so any byte string — any UTF-8, Chinese included —
/// encodes with no unknown token and decodes back to the same bytes.
///
/// Text is first cut into chunks that merges never cross (`Pretokenizer`); merges are learnt from chunk
/// counts, most frequent pair first, ties broken by the pair's token ids so training is deterministic.
public struct BPETokenizer: Sendable, Equatable {
    /// merges[i] = the pair (a, b) that token 256 + i stands for.
    public let merges: [(Int32, Int32)]
    /// The bytes of every token.
    public let vocabulary: [[UInt8]]
    private let ranks: [UInt64: Int32]

    public static func == (lhs: BPETokenizer, rhs: BPETokenizer) -> Bool {
        lhs.merges.elementsEqual(rhs.merges, by: { $0 == $1 })
    }

    public var vocabularySize: Int { vocabulary.count }

    public init(merges: [(Int32, Int32)]) throws {
        var vocabulary = (0..<256).map { [UInt8($0)] }
        var ranks: [UInt64: Int32] = [:]
        for (index, (a, b)) in merges.enumerated() {
            guard a >= 0, b >= 0, Int(a) < vocabulary.count, Int(b) < vocabulary.count else {
                throw TrainError("merge \(index) names a token that does not exist yet (\(a), \(b))")
            }
            ranks[Self.key(a, b)] = Int32(index)
            vocabulary.append(vocabulary[Int(a)] + vocabulary[Int(b)])
        }
        self.merges = merges
        self.vocabulary = vocabulary
        self.ranks = ranks
    }

    @inline(__always)
    static func key(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)) }

    // MARK: Encoding

    /// The tokens of a text (its UTF-8 bytes).
    public func encode(_ bytes: UnsafeRawBufferPointer, into tokens: inout [Int32], cache: inout [ArraySlice<UInt8>: [Int32]]) {
        Pretokenizer.chunks(bytes) { chunk in
            let slice = ArraySlice(chunk)
            if let cached = cache[slice] {
                tokens.append(contentsOf: cached)
                return
            }
            let encoded = encodeChunk(chunk)
            if cache.count > 200_000 { cache.removeAll(keepingCapacity: true) }
            cache[slice] = encoded
            tokens.append(contentsOf: encoded)
        }
    }

    public func encode(_ text: String) -> [Int32] {
        var tokens: [Int32] = []
        var cache: [ArraySlice<UInt8>: [Int32]] = [:]
        Array(text.utf8).withUnsafeBytes { encode($0, into: &tokens, cache: &cache) }
        return tokens
    }

    /// Applies the merges to one chunk, lowest rank first (the order they were learnt in).
    func encodeChunk(_ chunk: UnsafeRawBufferPointer) -> [Int32] {
        var parts = chunk.map { Int32($0) }
        while parts.count > 1 {
            var best = Int32.max, at = -1
            for index in 0..<(parts.count - 1) {
                if let rank = ranks[Self.key(parts[index], parts[index + 1])], rank < best {
                    best = rank
                    at = index
                }
            }
            guard at >= 0 else { break }
            let merged = 256 + best
            var output: [Int32] = []
            output.reserveCapacity(parts.count)
            var index = 0
            while index < parts.count {
                if index + 1 < parts.count, parts[index] == merges[Int(best)].0, parts[index + 1] == merges[Int(best)].1 {
                    output.append(merged)
                    index += 2
                } else {
                    output.append(parts[index])
                    index += 1
                }
            }
            parts = output
        }
        return parts
    }

    public func decode(_ tokens: some Sequence<Int32>) -> [UInt8] {
        var bytes: [UInt8] = []
        for token in tokens where token >= 0 && Int(token) < vocabulary.count { bytes.append(contentsOf: vocabulary[Int(token)]) }
        return bytes
    }

    // MARK: Files

    struct File: Codable {
        var format = "curate-bpe/1"
        var pretokenizer = Pretokenizer.name
        var merges: [[Int32]]
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = try encoder.encode(File(merges: merges.map { [$0.0, $0.1] }))
        data.append(0x0A)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    public static func read(from path: String) throws -> BPETokenizer {
        guard let data = FileManager.default.contents(atPath: path) else { throw TrainError("\(path): cannot read the tokenizer") }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw TrainError("\(path): not a curate tokenizer (\(error))")
        }
        guard file.format == "curate-bpe/1", file.pretokenizer == Pretokenizer.name else {
            throw TrainError("\(path): tokenizer format \(file.format) / \(file.pretokenizer), expected curate-bpe/1 / \(Pretokenizer.name)")
        }
        return try BPETokenizer(merges: try file.merges.map { pair in
            guard pair.count == 2 else { throw TrainError("\(path): a merge is not a pair") }
            return (pair[0], pair[1])
        })
    }

    // MARK: Training

    /// Learns `vocabularySize - 256` merges from chunk counts. Memory grows with the distinct chunks;
    /// callers feed a bounded sample.
    public static func train(chunkCounts: [[UInt8]: Int], vocabularySize: Int) throws -> BPETokenizer {
        guard vocabularySize >= 256 else { throw TrainError("the vocabulary needs at least the 256 bytes") }
        // Distinct chunks in a fixed order (the dictionary's order is not): deterministic ties.
        let chunks = chunkCounts.keys.sorted { $0.lexicographicallyPrecedes($1) }
        var words = chunks.map { $0.map { Int32($0) } }
        let counts = chunks.map { chunkCounts[$0]! }

        var pairCounts: [UInt64: Int] = [:]
        var pairWords: [UInt64: Set<Int32>] = [:]
        for (index, word) in words.enumerated() where word.count > 1 {
            for position in 0..<(word.count - 1) {
                let pair = key(word[position], word[position + 1])
                pairCounts[pair, default: 0] += counts[index]
                pairWords[pair, default: []].insert(Int32(index))
            }
        }
        var heap = PairHeap()
        for (pair, count) in pairCounts { heap.push(count, pair) }

        var merges: [(Int32, Int32)] = []
        while 256 + merges.count < vocabularySize {
            // The most frequent pair; entries whose count changed since they were pushed are stale.
            guard let (count, pair) = heap.pop() else { break }
            guard count > 0, pairCounts[pair] == count else { continue }
            let a = Int32(truncatingIfNeeded: pair >> 32), b = Int32(truncatingIfNeeded: pair & 0xFFFF_FFFF)
            let token = Int32(256 + merges.count)
            merges.append((a, b))
            var changed = Set<UInt64>()
            for wordIndex in (pairWords.removeValue(forKey: pair) ?? []).sorted() {
                let word = words[Int(wordIndex)], weight = counts[Int(wordIndex)]
                for position in 0..<(word.count - 1) {
                    let old = key(word[position], word[position + 1])
                    pairCounts[old, default: 0] -= weight
                    changed.insert(old)
                }
                var merged: [Int32] = []
                merged.reserveCapacity(word.count)
                var position = 0
                while position < word.count {
                    if position + 1 < word.count, word[position] == a, word[position + 1] == b {
                        merged.append(token)
                        position += 2
                    } else {
                        merged.append(word[position])
                        position += 1
                    }
                }
                words[Int(wordIndex)] = merged
                guard merged.count > 1 else { continue }
                for position in 0..<(merged.count - 1) {
                    let new = key(merged[position], merged[position + 1])
                    pairCounts[new, default: 0] += weight
                    pairWords[new, default: []].insert(wordIndex)
                    changed.insert(new)
                }
            }
            pairCounts[pair] = 0
            for changedPair in changed.sorted() {
                let count = pairCounts[changedPair] ?? 0
                if count > 0 { heap.push(count, changedPair) } else { pairCounts.removeValue(forKey: changedPair) }
            }
        }
        return try BPETokenizer(merges: merges)
    }
}

/// A binary max-heap of (count, pair), ties broken by the smaller pair key: the training order.
struct PairHeap {
    private var items: [(Int, UInt64)] = []

    @inline(__always)
    private static func before(_ x: (Int, UInt64), _ y: (Int, UInt64)) -> Bool {
        x.0 != y.0 ? x.0 > y.0 : x.1 < y.1
    }

    mutating func push(_ count: Int, _ pair: UInt64) {
        items.append((count, pair))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (Int, UInt64)? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var best = parent
                if left < items.count, Self.before(items[left], items[best]) { best = left }
                if right < items.count, Self.before(items[right], items[best]) { best = right }
                guard best != parent else { break }
                items.swapAt(parent, best)
                parent = best
            }
        }
        return top
    }
}

/// Cuts text into the chunks BPE merges never cross, GPT-2 style but on bytes and without a regex
/// engine: a run of letters (with one leading space if there is one), a run of digits (at most 3), a
/// run of ideographs (Han, kana, Hangul; at most 8 characters, so Chinese clauses do not become one
/// chunk), a run of other white space, or a run of anything else. The chunks cover every byte, in
/// order: encoding then decoding gives the text back exactly.
public enum Pretokenizer {
    public static let name = "curate-chunks/1"

    enum Class: Equatable { case letter, digit, ideograph, space, other }

    static func classify(_ scalar: UInt32) -> Class {
        switch scalar {
        case 0x30...0x39: return .digit
        case 0x41...0x5A, 0x61...0x7A: return .letter
        case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C: return .space
        case 0...0x7F: return .other
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x2FFFF: return .ideograph
        case 0x3000...0x303F, 0xFF00...0xFF0F, 0xFF1A...0xFF20: return .other // CJK punctuation
        default:
            guard let value = Unicode.Scalar(scalar) else { return .other }
            if value.properties.isWhitespace { return .space }
            if value.properties.numericType != nil { return .digit }
            return value.properties.isAlphabetic ? .letter : .other
        }
    }

    /// Calls `body` with each chunk of the bytes (invalid UTF-8 bytes are chunks of their own class).
    public static func chunks(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var start = 0, index = 0
        var current: Class?
        var characters = 0
        while index < bytes.count {
            let (scalar, length) = decode(bytes, at: index)
            var kind = classify(scalar)
            if length == 0 { kind = .other }
            let width = max(length, 1)
            var split = current != nil && kind != current
            // A single space before letters belongs to them (" word").
            if kind == .letter, current == .space, index - start == 1, bytes[start] == 0x20 {
                split = false
                current = .letter
            }
            if !split, let current, current == kind {
                if kind == .digit && characters >= 3 { split = true }
                if kind == .ideograph && characters >= 8 { split = true }
            }
            if split {
                body(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
                start = index
                characters = 0
            }
            current = kind
            characters += 1
            index += width
        }
        if start < bytes.count { body(UnsafeRawBufferPointer(rebasing: bytes[start..<bytes.count])) }
    }

    /// The scalar at `index` and its length in bytes (length 0: not valid UTF-8 there; one byte taken).
    @inline(__always)
    static func decode(_ bytes: UnsafeRawBufferPointer, at index: Int) -> (UInt32, Int) {
        let first = bytes[index]
        if first < 0x80 { return (UInt32(first), 1) }
        let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 0
        guard length > 0, index + length <= bytes.count else { return (UInt32(first), 0) }
        var value = UInt32(first) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return (UInt32(first), 0) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (value, length)
    }
}

/// A training problem, with what it concerns.
public struct TrainError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
