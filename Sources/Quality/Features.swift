import CXXHash
import Core
import Foundation
import Store
import Text

/// How documents become feature vectors. Stored in the model file: a model scores only with the settings
/// it was trained with.
public struct FeatureSettings: Codable, Equatable, Sendable {
    /// log2 of the number of hash buckets (2^20 = 1,048,576, GPT-3's classifier's order of magnitude;
    /// fastText's default is 2,000,000 buckets).
    public var bits = 20
    /// Word bigrams beside the unigrams (DCLM's classifier uses wordNgrams 2).
    public var wordBigrams = true
    /// Bigrams of consecutive Han characters beside ICU's words: robust to segmentation errors, which
    /// in Chinese are the dictionary's, not the text's.
    public var hanBigrams = true
    /// Character n-grams of each word (with `<` and `>` marking its ends, as fastText's subwords); 0 = none.
    public var characterNgrams = 0
    /// Marks a line break as a token of its own, so that line-start patterns (bullets, numbers, list
    /// items, short menu lines) become bigrams.
    public var lineBreaks = true
    /// Features of the document's length in bytes and mean line length (log2 bins), which the
    /// L2-normalised bag of words otherwise loses.
    public var lengthBins = true
    /// Only the first this many bytes of a document are read (the whole of nearly every document).
    public var maxBytes = 1 << 17

    public init() {}

    public var buckets: Int { 1 << bits }
}

/// A sparse, L2-normalised feature vector: bucket indices (each once, in the order the document first
/// touched them) with their values.
public struct SparseVector: Sendable, Equatable {
    public var indices: [UInt32] = []
    public var values: [Float] = []

    public init() {}

    public init(indices: [UInt32], values: [Float]) {
        self.indices = indices
        self.values = values
    }

    public var count: Int { indices.count }

    /// The same vector with its buckets ascending.
    public func sorted() -> SparseVector {
        let order = indices.indices.sorted { indices[$0] < indices[$1] }
        return SparseVector(indices: order.map { indices[$0] }, values: order.map { values[$0] })
    }

    /// `self − other`, buckets ascending, for pairwise preferences.
    public func subtracting(_ other: SparseVector) -> SparseVector {
        let this = sorted(), other = other.sorted()
        let indices = this.indices, values = this.values
        var result = SparseVector()
        result.indices.reserveCapacity(count + other.count)
        result.values.reserveCapacity(count + other.count)
        var i = 0, j = 0
        while i < count || j < other.count {
            if j == other.count || (i < count && indices[i] < other.indices[j]) {
                result.indices.append(indices[i]); result.values.append(values[i]); i += 1
            } else if i == count || other.indices[j] < indices[i] {
                result.indices.append(other.indices[j]); result.values.append(-other.values[j]); j += 1
            } else {
                let value = values[i] - other.values[j]
                if value != 0 { result.indices.append(indices[i]); result.values.append(value) }
                i += 1; j += 1
            }
        }
        return result
    }
}

/// Turns a document into hashed features: ICU tokens (words, and punctuation and symbols as tokens of
/// their own, so that markup and code show) over NFKC text, lower-cased with digits folded to 0; word
/// unigrams and bigrams, Han character bigrams, optional character n-grams, line breaks and length bins.
/// Each feature's 64-bit hash picks a bucket (low bits) and a sign (top bit) — signed hashing (Weinberger
/// et al. 2009) makes collisions cancel out on average instead of adding up. A bucket's value is
/// sign(c) · log(1 + |c|) for the signed count c of its features, and the vector is L2-normalised.
///
/// Written here rather than taken from a library: no Swift or C library on this machine does feature
/// hashing over ICU segments, and the loop is short. Not thread-safe: one per thread.
public final class FeatureExtractor {
    public let settings: FeatureSettings
    private let analyzer = TextAnalyzer()
    private let identifier = ScriptStopWordIdentifier()
    private var folded: [UInt8] = []
    private let counts = BucketCounts()

    public init(settings: FeatureSettings) {
        self.settings = settings
        folded.reserveCapacity(256)
    }

    /// The feature vector of a document's UTF-8 text: per bucket, the signed count c of the features
    /// that fall in it (signed hashing: colliding features of opposite sign cancel), as
    /// sign(c) · log(1 + |c|), L2-normalised.
    public func vector(_ text: UnsafeRawBufferPointer) -> SparseVector {
        vector(text, identifyLanguage: false).vector
    }

    /// The feature vector and the language of a document, from one segmentation: the language is told
    /// from the first 4 KB (as the scorers do when the heuristics have not stored one).
    public func analyze(_ text: UnsafeRawBufferPointer) -> (vector: SparseVector, language: LanguageGuess) {
        let (vector, language) = vector(text, identifyLanguage: true)
        return (vector, language ?? LanguageGuess(language: "other", script: "Zyyy", confidence: 0))
    }

    /// The feature vector (and with `identifyLanguage` the language of the first 4 KB) of a document's
    /// shared analysis: from its NFKC form and tokens when the whole text is within `maxBytes`, the same
    /// features `vector` finds in the text.
    public func vector(_ analysis: DocumentAnalysis, identifyLanguage: Bool) -> (vector: SparseVector, language: LanguageGuess) {
        let (vector, language) = vector(identifyLanguage: identifyLanguage) { seen, body in forEachFeature(analysis, tokensSeen: seen, body) }
        return (vector, language ?? LanguageGuess(language: "other", script: "Zyyy", confidence: 0))
    }

    private func vector(_ text: UnsafeRawBufferPointer, identifyLanguage: Bool) -> (vector: SparseVector, language: LanguageGuess?) {
        vector(identifyLanguage: identifyLanguage) { seen, body in forEachFeature(text, describe: false, tokensSeen: seen, body) }
    }

    private func vector(identifyLanguage: Bool,
                        features: (((UnsafeRawBufferPointer, [Word]) -> Void)?, (UInt64, String?) -> Void) -> Void) -> (vector: SparseVector, language: LanguageGuess?) {
        var language: LanguageGuess?
        let identifier = self.identifier
        let seen: ((UnsafeRawBufferPointer, [Word]) -> Void)? = identifyLanguage ? { bytes, tokens in
            let headEnd = UTF8Bytes.prefixLength(bytes, limit: 4096)
            let head = UnsafeRawBufferPointer(rebasing: bytes[..<headEnd])
            language = identifier.identify(head, words: tokens.filter { Int($0.end) <= headEnd })
        } : nil
        let bits = settings.bits, counts = self.counts
        counts.reset()
        features(seen) { hash, _ in
            counts.add(Self.bucket(hash, bits: bits), hash >> 63 == 0 ? 1 : -1)
        }
        var vector = SparseVector()
        vector.indices.reserveCapacity(counts.used)
        vector.values.reserveCapacity(counts.used)
        var norm = 0.0
        for entry in 0..<counts.used {
            let count = counts.count(entry)
            guard count != 0 else { continue }
            let magnitude = Int(count.magnitude)
            let logarithm = magnitude < Self.log1pTable.count ? Self.log1pTable[magnitude] : Float(log1p(Double(magnitude)))
            let value = count > 0 ? logarithm : -logarithm
            vector.indices.append(counts.bucket(entry))
            vector.values.append(value)
            norm += Double(value) * Double(value)
        }
        if norm > 0 {
            let scale = Float(1 / norm.squareRoot())
            for k in vector.values.indices { vector.values[k] *= scale }
        }
        return (vector, language)
    }

    public func vector(_ text: [UInt8]) -> SparseVector {
        text.withUnsafeBytes { vector($0) }
    }

    /// Calls `body` with each feature's hash and, when `describe` is set, its readable form
    /// ("the", "of the", "⏎ *", "中国", "中·国", "<length 2^12 bytes>"); `tokensSeen` gets the normalised
    /// text and its tokens.
    public func forEachFeature(_ text: UnsafeRawBufferPointer, describe: Bool, tokensSeen: ((UnsafeRawBufferPointer, [Word]) -> Void)? = nil,
                               _ body: (UInt64, String?) -> Void) {
        let limited = UnsafeRawBufferPointer(rebasing: text[..<UTF8Bytes.prefixLength(text, limit: settings.maxBytes)])
        if let normalized = analyzer.nfkc(limited) {
            normalized.withUnsafeBytes { features($0, tokens: analyzer.tokens($0), describe: describe, tokensSeen: tokensSeen, body) }
        } else {
            features(limited, tokens: analyzer.tokens(limited), describe: describe, tokensSeen: tokensSeen, body)
        }
    }

    /// The same over a shared analysis (its NFKC form and tokens, when the text is within `maxBytes`).
    private func forEachFeature(_ analysis: DocumentAnalysis, tokensSeen: ((UnsafeRawBufferPointer, [Word]) -> Void)?,
                                _ body: (UInt64, String?) -> Void) {
        guard analysis.text.count <= settings.maxBytes else {
            return analysis.text.withUnsafeBytes { forEachFeature($0, describe: false, tokensSeen: tokensSeen, body) }
        }
        let tokens = analysis.tokens
        analysis.withNormalized { features($0, tokens: tokens, describe: false, tokensSeen: tokensSeen, body) }
    }

    // Seeds that keep the kinds of feature apart (a word and a bigram never share a hash by construction).
    private static let wordSeed: UInt64 = 0x7175_616C_6974_7901
    private static let bigramSeed: UInt64 = 0x7175_616C_6974_7902
    private static let hanSeed: UInt64 = 0x7175_616C_6974_7903
    private static let characterSeed: UInt64 = 0x7175_616C_6974_7904
    private static let lengthSeed: UInt64 = 0x7175_616C_6974_7905
    private static let lineBreak: UInt64 = XXH3_64bits_withSeed("\n", 1, wordSeed)

    private func features(_ text: UnsafeRawBufferPointer, tokens: [Word], describe: Bool, tokensSeen: ((UnsafeRawBufferPointer, [Word]) -> Void)?,
                          _ body: (UInt64, String?) -> Void) {
        tokensSeen?(text, tokens)
        var previous: UInt64? = nil
        var previousText = ""
        var previousHan: (hash: UInt64, text: String)? = nil
        var lastEnd = 0
        var lines = 1
        for token in tokens {
            let start = Int(token.start), end = Int(token.end)
            let gap = UnsafeRawBufferPointer(rebasing: text[lastEnd..<start])
            let breaks = gap.contains(0x0A)
            if breaks {
                lines += gap.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                if settings.lineBreaks {
                    emit(Self.lineBreak, "⏎", previous: &previous, previousText: &previousText, describe: describe, body)
                }
            }
            if start > lastEnd { previousHan = nil }
            lastEnd = end
            let bytes = UnsafeRawBufferPointer(rebasing: text[start..<end])
            let hash: UInt64
            var word: String?
            if !describe && settings.characterNgrams == 0 && (token.isIdeographic || (token.isASCII && bytes.count <= 64)) {
                // The common tokens without the folding buffer, to the same hash: Han characters have
                // no case and no digits; ASCII folds byte by byte.
                hash = token.isIdeographic ? XXH3_64bits_withSeed(bytes.baseAddress, bytes.count, Self.wordSeed)
                    : withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
                        for (i, byte) in bytes.enumerated() { buffer[i] = TokenFolding.foldASCII(byte, lowercase: true, foldDigits: true) }
                        return XXH3_64bits_withSeed(buffer.baseAddress, bytes.count, Self.wordSeed)
                    }
            } else {
                folded.removeAll(keepingCapacity: true)
                TokenFolding.fold(bytes, lowercase: true, foldDigits: true, into: &folded)
                hash = folded.withUnsafeBytes { XXH3_64bits_withSeed($0.baseAddress, $0.count, Self.wordSeed) }
                word = describe ? String(decoding: folded, as: UTF8.self) : nil
            }
            emit(hash, word, previous: &previous, previousText: &previousText, describe: describe, body)
            if settings.hanBigrams && token.isIdeographic {
                hanPairs(bytes, previous: &previousHan, describe: describe, body)
            } else {
                previousHan = nil
            }
            if settings.characterNgrams > 0 && token.hasLetter { characterGrams(describe: describe, body) }
        }
        if settings.lengthBins {
            let lengthBin = Self.log2Bin(text.count)
            let lineBin = Self.log2Bin(text.count / max(1, lines))
            body(splitMix(Self.lengthSeed, UInt64(lengthBin)), describe ? "<length 2^\(lengthBin) bytes>" : nil)
            body(splitMix(Self.lengthSeed &+ 1, UInt64(lineBin)), describe ? "<mean line 2^\(lineBin) bytes>" : nil)
        }
    }

    /// A unigram, and its bigram with the token before.
    private func emit(_ hash: UInt64, _ text: String?, previous: inout UInt64?, previousText: inout String, describe: Bool,
                      _ body: (UInt64, String?) -> Void) {
        body(hash, text)
        if settings.wordBigrams, let before = previous {
            body(splitMix(Self.bigramSeed ^ before, hash), describe ? previousText + " " + (text ?? "") : nil)
        }
        previous = hash
        if describe { previousText = text ?? "" }
    }

    /// Bigrams of consecutive Han characters, continuing across adjacent ideographic tokens.
    private func hanPairs(_ bytes: UnsafeRawBufferPointer, previous: inout (hash: UInt64, text: String)?, describe: Bool,
                          _ body: (UInt64, String?) -> Void) {
        var i = 0
        while i < bytes.count {
            let (scalar, length) = UTF8Text.scalar(bytes, at: i)
            let hash = splitMix(Self.hanSeed, UInt64(scalar))
            let character = describe ? String(UnicodeScalar(scalar).map(Character.init) ?? "?") : ""  // a bigram reads "孩·子", a word "孩子"
            if let before = previous {
                body(splitMix(Self.hanSeed ^ before.hash, hash), describe ? before.text + "·" + character : nil)
            }
            previous = (hash, character)
            i += length
        }
    }

    /// fastText-style subwords of the folded word in `folded`: the n-grams of "<word>".
    private func characterGrams(describe: Bool, _ body: (UInt64, String?) -> Void) {
        let n = settings.characterNgrams
        var boundaries: [Int] = [0] // byte offsets of the scalars of "<" + word + ">"
        var marked: [UInt8] = [0x3C]
        marked.append(contentsOf: folded)
        marked.append(0x3E)
        var i = 1
        while i < marked.count {
            if marked[i] & 0xC0 != 0x80 { boundaries.append(i) }
            i += 1
        }
        boundaries.append(marked.count)
        let scalars = boundaries.count - 1
        guard scalars >= n else { return }
        marked.withUnsafeBytes { all in
            for first in 0...(scalars - n) {
                let piece = UnsafeRawBufferPointer(rebasing: all[boundaries[first]..<boundaries[first + n]])
                body(XXH3_64bits_withSeed(piece.baseAddress, piece.count, Self.characterSeed),
                     describe ? String(decoding: piece, as: UTF8.self) : nil)
            }
        }
    }

    /// log(1 + n) for the small counts nearly every feature has.
    static let log1pTable: [Float] = (0..<256).map { Float(log1p(Double($0))) }

    /// ⌊log2 n⌋ (0 for n ≤ 1).
    static func log2Bin(_ n: Int) -> Int { n <= 1 ? 0 : Int.bitWidth - 1 - n.leadingZeroBitCount }

    /// The bucket of a feature hash (its low bits; the top bit is its sign).
    @inline(__always) public static func bucket(_ hash: UInt64, bits: Int) -> UInt32 { UInt32(truncatingIfNeeded: hash & ((1 << UInt64(bits)) - 1)) }
}

/// Signed feature counts per bucket for one document, in the order the buckets were first touched: an
/// open-addressing index (linear probing, multiplicative hashing) over a list of entries. It grows with
/// the document and is reused for the next, so it stays a few hundred KB at most and in cache — a table
/// over all 2^20 buckets (8 MB) cost a cache miss per feature, a third of the feature time measured here.
final class BucketCounts {
    private var index: UnsafeMutablePointer<Int32>
    private var capacityBits = 12
    private var buckets: UnsafeMutablePointer<UInt32>
    private var counts: UnsafeMutablePointer<Int32>
    private(set) var used = 0

    init() {
        index = .allocate(capacity: 1 << capacityBits)
        index.initialize(repeating: -1, count: 1 << capacityBits)
        buckets = .allocate(capacity: 1 << (capacityBits - 1))
        counts = .allocate(capacity: 1 << (capacityBits - 1))
    }

    deinit {
        index.deallocate()
        buckets.deallocate()
        counts.deallocate()
    }

    func reset() {
        if used > 0 { index.update(repeating: -1, count: 1 << capacityBits) }
        used = 0
    }

    func bucket(_ entry: Int) -> UInt32 { buckets[entry] }
    func count(_ entry: Int) -> Int32 { counts[entry] }

    @inline(__always) private func slot(_ bucket: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(bucket) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - capacityBits))
    }

    @inline(__always) func add(_ bucket: UInt32, _ delta: Int32) {
        let mask = (1 << capacityBits) - 1
        var position = slot(bucket)
        while true {
            let entry = Int(index[position])
            if entry < 0 { break }
            if buckets[entry] == bucket {
                counts[entry] &+= delta
                return
            }
            position = (position + 1) & mask
        }
        if used == 1 << (capacityBits - 1) { // half full: double, then find the free slot again
            grow()
            add(bucket, delta)
            return
        }
        index[position] = Int32(used)
        buckets[used] = bucket
        counts[used] = delta
        used += 1
    }

    private func grow() {
        let oldBuckets = buckets, oldCounts = counts
        index.deallocate()
        capacityBits += 1
        index = .allocate(capacity: 1 << capacityBits)
        index.initialize(repeating: -1, count: 1 << capacityBits)
        buckets = .allocate(capacity: 1 << (capacityBits - 1))
        counts = .allocate(capacity: 1 << (capacityBits - 1))
        buckets.initialize(from: oldBuckets, count: used)
        counts.initialize(from: oldCounts, count: used)
        oldBuckets.deallocate()
        oldCounts.deallocate()
        let mask = (1 << capacityBits) - 1
        for entry in 0..<used {
            var position = slot(buckets[entry])
            while index[position] >= 0 { position = (position + 1) & mask }
            index[position] = Int32(entry)
        }
    }
}
