import CMinHash
import Core
import Text

/// MinHash signatures for near-duplicate detection (Broder 1997), with datatrove's defaults
/// (REFERENCE §4): shingles of 5 consecutive words, 14 bands × 8 rows = 112 permutations
/// h ↦ (a·h + b) mod (2⁶¹ − 1) with fixed, seeded a and b. Two documents with Jaccard similarity s
/// share at least one band with probability 1 − (1 − s⁸)¹⁴, which crosses 0.5 near s ≈ 0.72.
public struct MinHashParameters: Sendable, Equatable, Codable {
    public var shingleWords = 5
    public var bands = 14
    public var rows = 8
    /// Estimated Jaccard at or above which a candidate pair is confirmed as near duplicates.
    public var threshold = 0.8
    /// Seed of the permutations (a, b); changing it changes every signature.
    public var seed: UInt64 = 0x6375_7261_7465 // "curate"

    public init() {}

    public var permutations: Int { bands * rows }
}

/// The permutations and the signature computation. Immutable: share one between threads.
public struct MinHasher: Sendable {
    public let parameters: MinHashParameters
    let a: [UInt64]
    let b: [UInt64]
    static let prime: UInt64 = (1 << 61) - 1

    public init(parameters: MinHashParameters) {
        self.parameters = parameters
        var state = parameters.seed
        func next() -> UInt64 { // splitmix64: a fixed, documented stream of parameters
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var a: [UInt64] = [], b: [UInt64] = []
        for _ in 0..<parameters.permutations {
            a.append(next() % (Self.prime - 1) + 1) // 1 … p-1
            b.append(next() % Self.prime)           // 0 … p-1
        }
        self.a = a
        self.b = b
    }

    /// x mod (2⁶¹ − 1) for x < 2⁶⁴.
    @inline(__always)
    static func reduce(_ x: UInt64) -> UInt64 {
        var r = (x & prime) &+ (x >> 61)
        if r >= prime { r &-= prime }
        return r
    }

    /// (a·h + b) mod (2⁶¹ − 1), with the 125-bit product reduced exactly (2⁶⁴ ≡ 8 mod p). One value at
    /// a time: the reference the C kernel (CMinHash) is tested against.
    @inline(__always)
    static func permute(_ h: UInt64, _ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: h)
        return reduce(reduce(low) &+ (high << 3) &+ b)
    }

    /// The signature of a set of shingle hashes: per permutation the minimum, kept as its low 32 bits
    /// (plenty for estimating similarity; half the storage). Nil without shingles.
    public func signature(of shingles: [UInt64]) -> [UInt32]? {
        guard !shingles.isEmpty else { return nil }
        var minima = [UInt64](repeating: 0, count: parameters.permutations)
        shingles.withUnsafeBufferPointer { shingles in
            curate_minhash_minima(shingles.baseAddress, shingles.count, a, b, a.count, &minima)
        }
        return minima.map { UInt32(truncatingIfNeeded: $0) }
    }

    /// One hash per band of the signature (bands × rows values), for LSH buckets.
    public func bandHashes(_ signature: [UInt32]) -> [Int64] {
        signature.withUnsafeBytes { bytes in
            (0..<parameters.bands).map { band in
                let slice = UnsafeRawBufferPointer(rebasing: bytes[band * parameters.rows * 4 ..< (band + 1) * parameters.rows * 4])
                return Int64(bitPattern: Hash128(slice, seed: UInt64(band)).low)
            }
        }
    }

    /// The fraction of equal signature values: an estimate of the Jaccard similarity.
    public static func similarity(_ x: [UInt32], _ y: [UInt32]) -> Double {
        guard x.count == y.count, !x.isEmpty else { return 0 }
        var equal = 0
        for i in x.indices where x[i] == y[i] { equal += 1 }
        return Double(equal) / Double(x.count)
    }
}

/// Shingles: hashes of each run of `n` consecutive words (folded: NFKC, ASCII lower case), distinct.
/// A document shorter than n words has one shingle, all its words.
public enum Shingles {
    /// The distinct shingles of a document's text, and the hash of its normalised text (both over the
    /// NFKC form, words from the ICU segmenter).
    public static func of(text raw: UnsafeRawBufferPointer, analyzer: TextAnalyzer, n: Int) -> (shingles: [UInt64], normalizedHash: Hash128) {
        of(DocumentAnalysis(text: Array(raw), analyzer: analyzer, identifier: ScriptStopWordIdentifier()), n: n)
    }

    /// The same, from a document's shared analysis (its NFKC form and words).
    public static func of(_ analysis: DocumentAnalysis, n: Int) -> (shingles: [UInt64], normalizedHash: Hash128) {
        let words = analysis.words
        return analysis.withNormalized { (of($0, words: words, n: n), normalizedTextHash($0)) }
    }

    /// XXH3-128 of the text lower-cased with white space runs collapsed to one space, trimmed.
    public static func normalizedTextHash(_ text: UnsafeRawBufferPointer) -> Hash128 {
        var folded: [UInt8] = []
        folded.reserveCapacity(text.count)
        TokenFolding.fold(text, lowercase: true, foldDigits: false, into: &folded)
        var collapsed: [UInt8] = []
        collapsed.reserveCapacity(folded.count)
        var space = false
        for byte in folded {
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                space = !collapsed.isEmpty
            } else {
                if space { collapsed.append(0x20); space = false }
                collapsed.append(byte)
            }
        }
        return Hash128(of: collapsed)
    }

    /// |A ∩ B| / |A ∪ B| of two sets of distinct shingles.
    public static func jaccard(_ a: [UInt64], _ b: [UInt64]) -> Double {
        guard !a.isEmpty || !b.isEmpty else { return 1 }
        let (small, large) = a.count <= b.count ? (a, b) : (b, a)
        var index = HashIndex(expected: small.count)
        for shingle in small { _ = index.insert(shingle) }
        var shared = 0
        for shingle in large where index.index(of: shingle) != nil { shared += 1 }
        return Double(shared) / Double(a.count + b.count - shared)
    }

    public static func of(_ document: UnsafeRawBufferPointer, words: [Word], n: Int) -> [UInt64] {
        guard !words.isEmpty else { return [] }
        let hashes = words.map { WordHash.folded(UnsafeRawBufferPointer(rebasing: document[Int($0.start)..<Int($0.end)])) }
        let windows = max(1, hashes.count - n + 1)
        var result = HashIndex(expected: windows)
        var shingles: [UInt64] = []
        shingles.reserveCapacity(windows)
        for start in 0..<windows {
            var h: UInt64 = 0x243F_6A88_85A3_08D3
            for i in start..<min(start + n, hashes.count) {
                h = (h ^ hashes[i]) &* 0x100_0000_01B3
                h ^= h >> 29
            }
            if result.insert(h).inserted { shingles.append(h) }
        }
        return shingles
    }
}
