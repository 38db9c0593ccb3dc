import CPrefetch
import Foundation

/// A probing hash table over raw memory (an array, or a region of a mapped file): 64-bit keys, each with
/// two Float32 values. Key 0 marks an empty slot. Capacity is a power of two.
struct ProbingTable {
    /// 16 bytes per slot: key (UInt64), first value, second value (Float32 each).
    static let slotSize = 16
    let base: UnsafeRawPointer
    let capacity: Int

    static func capacity(for count: Int) -> Int {
        var capacity = 16
        while capacity < count + count / 2 + 1 { capacity <<= 1 } // load factor ≤ 2/3
        return capacity
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - capacity.trailingZeroBitCount)) & (capacity - 1)
    }

    /// Asks for the slot where `key` would be to be brought into cache (a hint; no effect on results).
    @inline(__always)
    func prefetch(_ key: UInt64) {
        curate_prefetch(base + slot(key) * Self.slotSize)
    }

    /// The values stored under `key`, or nil.
    @inline(__always)
    func find(_ key: UInt64) -> (Float, Float)? {
        var index = slot(key)
        while true {
            let at = base + index * Self.slotSize
            let stored = at.loadUnaligned(as: UInt64.self)
            if stored == key { return (at.loadUnaligned(fromByteOffset: 8, as: Float.self), at.loadUnaligned(fromByteOffset: 12, as: Float.self)) }
            if stored == 0 { return nil }
            index = (index + 1) & (capacity - 1)
        }
    }

    /// Fills a zeroed region with entries (used when building a table).
    static func fill(_ region: UnsafeMutableRawPointer, capacity: Int, keys: [UInt64], first: [Float], second: [Float]) {
        let table = ProbingTable(base: UnsafeRawPointer(region), capacity: capacity)
        for index in keys.indices {
            var at = table.slot(keys[index])
            while region.loadUnaligned(fromByteOffset: at * slotSize, as: UInt64.self) != 0 { at = (at + 1) & (capacity - 1) }
            region.storeBytes(of: keys[index], toByteOffset: at * slotSize, as: UInt64.self)
            region.storeBytes(of: first[index], toByteOffset: at * slotSize + 8, as: Float.self)
            region.storeBytes(of: second[index], toByteOffset: at * slotSize + 12, as: Float.self)
        }
    }
}

/// What scoring one sentence gives.
public struct SentenceScore: Sendable, Equatable {
    /// Total log10 probability, `</s>` included.
    public var log10Probability: Double
    /// Words scored (without `</s>`).
    public var tokens: Int
    /// Words not in the vocabulary.
    public var oov: Int
}

/// A back-off n-gram language model ready for queries: the vocabulary and each order's n-grams in
/// probing hash tables keyed by 64-bit hashes (KenLM's "probing" structure), over memory that is either
/// built from an ARPA file or mapped from a curate binary model file.
public final class NGramModel: @unchecked Sendable {
    public let order: Int
    public let options: TokenizerOptions
    /// Word bytes by id (for writing the model back out).
    public let vocabularySize: Int
    let vocabulary: ProbingTable   // token hash -> (id as Float bit pattern, unused)
    let tables: [ProbingTable]     // n-gram hash -> (log10 prob, log10 backoff), index n - 1
    let counts: [Int]
    let words: (Int) -> [UInt8]
    private let storage: AnyObject // keeps the memory alive
    /// log10 probability of <unk>.
    let unknownLogProb: Float

    init(order: Int, options: TokenizerOptions, vocabularySize: Int, vocabulary: ProbingTable, tables: [ProbingTable], counts: [Int],
         words: @escaping (Int) -> [UInt8], storage: AnyObject) {
        self.order = order
        self.options = options
        self.vocabularySize = vocabularySize
        self.vocabulary = vocabulary
        self.tables = tables
        self.counts = counts
        self.words = words
        self.storage = storage
        unknownLogProb = tables[0].find(NGramHash.extend(NGramHash.empty, with: Vocabulary.unknown))?.0 ?? -100
    }

    /// The n-gram counts per order.
    public var ngramCounts: [Int] { counts }

    /// Builds the query tables in memory from model data (an estimated model or a read ARPA file).
    public convenience init(_ data: ModelData) {
        let storage = ModelMemory(data)
        self.init(order: data.order, options: data.options, vocabularySize: data.vocabulary.count, vocabulary: storage.vocabulary,
                  tables: storage.tables, counts: data.orders.map(\.count), words: { [vocabulary = data.vocabulary] in vocabulary[$0] },
                  storage: storage)
    }

    /// The id of a token (its folded bytes), or 0 (<unk>).
    @inline(__always)
    public func id(ofTokenHash hash: UInt64) -> UInt32 {
        guard let (value, _) = vocabulary.find(hash) else { return Vocabulary.unknown }
        return value.bitPattern
    }

    public func id(of token: String) -> UInt32 {
        id(ofTokenHash: TokenHash.of(token))
    }

    /// Scores a sentence of word ids as KenLM's `Model.score(sentence, bos=True, eos=True)` does: each
    /// word given `<s>` and the words before it, then `</s>`, with back-off: the longest n-gram of the
    /// model ending in the word gives its probability, and every longer context the model has adds its
    /// back-off weight.
    ///
    /// Like KenLM's state, the back-off weights of the contexts come from the previous word's own
    /// lookups (the n-grams ending at a word are the contexts of the next one), and an n-gram longer
    /// than the previous match + 1 is never looked up (its prefix would have matched), so a word costs
    /// one lookup per matched order plus one miss.
    public func score(_ ids: [UInt32]) -> SentenceScore {
        let order = self.order
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: order) { history in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: order + 1) { backoffs in
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: order) { hashes in
                var total: Double = 0
                var oov = 0
                // history[k]: the word k+1 positions back. backoffs[j]: back-off of the context made of
                // the last j words (found by the previous word's lookups); contextLength: how many.
                var contextLength = 0
                if order > 1 {
                    history[0] = Vocabulary.begin
                    backoffs[1] = tables[0].find(NGramHash.extend(NGramHash.empty, with: Vocabulary.begin))?.1 ?? 0
                    contextLength = 1
                }
                var historyLength = contextLength
                // hashes[k]: the hash of the n-gram of length k + 1 ending at the word about to be scored,
                // made one word ahead (the words are known before any lookup) and its slot prefetched, so
                // the memory of the next word's lookups is on its way while this word's are read.
                var prepared = 0
                func prepare(_ word: UInt32) {
                    var hash = NGramHash.extend(NGramHash.empty, with: word)
                    hashes[0] = hash
                    tables[0].prefetch(hash)
                    prepared = min(order, historyLength + 1)
                    var length = 2
                    while length <= prepared {
                        hash = NGramHash.extend(hash, with: history[length - 2])
                        hashes[length - 1] = hash
                        tables[length - 1].prefetch(hash)
                        length += 1
                    }
                }
                prepare(ids.isEmpty ? Vocabulary.end : ids[0])
                for position in 0...ids.count {
                    let word = position < ids.count ? ids[position] : Vocabulary.end
                    if word == Vocabulary.unknown { oov += 1 }
                    var found = tables[0].find(hashes[0])
                    var logProb = found?.0 ?? unknownLogProb
                    var newBackoff1 = found?.1 ?? 0
                    var matched = 1
                    // Longer n-grams: at most one longer than the context the model knows.
                    let longest = min(order, contextLength + 1, prepared)
                    var length = 2
                    var pendingBackoffs: (Float, Float, Float, Float, Float) = (0, 0, 0, 0, 0)
                    while length <= longest {
                        found = tables[length - 1].find(hashes[length - 1])
                        guard let (probability, backoff) = found else { break }
                        logProb = probability
                        matched = length
                        Self.set(&pendingBackoffs, length - 2, backoff)
                        length += 1
                    }
                    // Back-off weights of the known contexts longer than the one that matched.
                    var backoff: Float = 0
                    if matched <= contextLength {
                        for j in matched...contextLength { backoff += backoffs[j] }
                    }
                    total += Double(logProb) + Double(backoff)
                    // The n-grams just matched (lengths 1…matched) are the next word's contexts, up to
                    // the longest one that starts a longer n-gram (-0.0 marks those that start none).
                    if order > 1 {
                        var kept = min(matched, order - 1)
                        backoffs[1] = newBackoff1
                        if kept >= 2 { for j in 2...kept { backoffs[j] = Self.get(pendingBackoffs, j - 2) } }
                        while kept > 0 && backoffs[kept] == 0 && backoffs[kept].sign == .minus { kept -= 1 }
                        contextLength = kept
                        for k in stride(from: min(order - 2, historyLength), through: 1, by: -1) { history[k] = history[k - 1] }
                        history[0] = word
                        historyLength = min(historyLength + 1, order - 1)
                    }
                    newBackoff1 = 0
                    if position < ids.count { prepare(position + 1 < ids.count ? ids[position + 1] : Vocabulary.end) }
                }
                return SentenceScore(log10Probability: total, tokens: ids.count, oov: oov)
                }
            }
        }
    }

    @inline(__always)
    private static func set(_ values: inout (Float, Float, Float, Float, Float), _ index: Int, _ value: Float) {
        switch index {
        case 0: values.0 = value
        case 1: values.1 = value
        case 2: values.2 = value
        case 3: values.3 = value
        default: values.4 = value
        }
    }

    @inline(__always)
    private static func get(_ values: (Float, Float, Float, Float, Float), _ index: Int) -> Float {
        switch index {
        case 0: values.0
        case 1: values.1
        case 2: values.2
        case 3: values.3
        default: values.4
        }
    }
}

extension NGramModel {
    /// log10 p(word | context) with back-off; `context` lists the words before `word`, oldest first
    /// (only the last order - 1 count). For tests and diagnostics; `score` is the fast path.
    public func logProbability(of word: UInt32, after context: [UInt32]) -> Double {
        let history = Array(context.suffix(order - 1).reversed()) // most recent first
        var hash = NGramHash.extend(NGramHash.empty, with: word)
        var logProb = Double(tables[0].find(hash)?.0 ?? unknownLogProb)
        var matched = 1
        for length in stride(from: 2, through: history.count + 1, by: 1) {
            hash = NGramHash.extend(hash, with: history[length - 2])
            guard let (probability, _) = tables[length - 1].find(hash) else { break }
            logProb = Double(probability)
            matched = length
        }
        var contextHash = NGramHash.empty
        for length in stride(from: 1, through: history.count, by: 1) {
            contextHash = NGramHash.extend(contextHash, with: history[length - 1])
            guard length >= matched else { continue }
            guard let (_, weight) = tables[length - 1].find(contextHash) else { break }
            logProb += Double(weight)
        }
        return logProb
    }
}

/// Model tables built in memory from `ModelData`.
final class ModelMemory {
    let region: UnsafeMutableRawPointer
    let vocabulary: ProbingTable
    let tables: [ProbingTable]

    init(_ data: ModelData) {
        let vocabularyCapacity = ProbingTable.capacity(for: data.vocabulary.count)
        let capacities = data.orders.map { ProbingTable.capacity(for: $0.count) }
        let total = (vocabularyCapacity + capacities.reduce(0, +)) * ProbingTable.slotSize
        region = UnsafeMutableRawPointer.allocate(byteCount: total, alignment: 16)
        region.initializeMemory(as: UInt8.self, repeating: 0, count: total)
        var offset = 0
        let vocabularyKeys = data.vocabulary.map { word in word.withUnsafeBytes { TokenHash.of($0) } }
        ProbingTable.fill(region, capacity: vocabularyCapacity, keys: vocabularyKeys,
                          first: (0..<data.vocabulary.count).map { Float(bitPattern: UInt32($0)) },
                          second: [Float](repeating: 0, count: data.vocabulary.count))
        vocabulary = ProbingTable(base: UnsafeRawPointer(region), capacity: vocabularyCapacity)
        offset += vocabularyCapacity * ProbingTable.slotSize
        var tables: [ProbingTable] = []
        for (index, order) in data.orders.enumerated() {
            let keys = (0..<order.count).map { i in order.gram(i).withUnsafeBufferPointer { NGramHash.of($0) } }
            ProbingTable.fill(region + offset, capacity: capacities[index], keys: keys, first: order.logProb, second: data.tableBackoffs(index))
            tables.append(ProbingTable(base: UnsafeRawPointer(region + offset), capacity: capacities[index]))
            offset += capacities[index] * ProbingTable.slotSize
        }
        self.tables = tables
    }

    deinit { region.deallocate() }
}
