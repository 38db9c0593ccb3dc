import CMinHash
import Foundation
import Testing
import Text
@testable import Dedup

@Suite struct MinHashTests {
    /// (a·h + b) mod (2⁶¹ − 1) by long division of the full 128-bit value, the slow obvious way.
    static func slowPermute(_ h: UInt64, _ a: UInt64, _ b: UInt64) -> UInt64 {
        let prime: UInt64 = (1 << 61) - 1
        let hr = h % prime
        let (high, low) = a.multipliedFullWidth(by: hr)
        let (_, product) = prime.dividingFullWidth((high % prime, low))
        let sum = product.addingReportingOverflow(b)
        return sum.overflow ? (sum.partialValue % prime + (UInt64.max % prime) + 1) % prime : sum.partialValue % prime
    }

    @Test func thePermutationIsExactModuloTheMersennePrime() {
        var state: UInt64 = 42
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 29)
        }
        let prime: UInt64 = (1 << 61) - 1
        for _ in 0..<20_000 {
            let h = next(), a = next() % (prime - 1) + 1, b = next() % prime
            #expect(MinHasher.permute(MinHasher.reduce(h), a, b) == Self.slowPermute(h, a, b))
        }
        for edge: UInt64 in [0, 1, prime - 1, prime, prime + 1, UInt64.max, UInt64.max - 1] {
            #expect(MinHasher.reduce(edge) == edge % prime)
            #expect(MinHasher.permute(MinHasher.reduce(edge), prime - 1, prime - 1) == Self.slowPermute(edge, prime - 1, prime - 1))
        }
    }

    /// The C kernel (AVX2 where the CPU has it) gives the minima of the one-at-a-time Swift reference.
    @Test func theVectorKernelMatchesTheReference() {
        var state: UInt64 = 99
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 27)
        }
        for permutations in [112, 128, 7, 33, 4, 1] {
            var parameters = MinHashParameters()
            parameters.bands = permutations
            parameters.rows = 1
            let hasher = MinHasher(parameters: parameters)
            for count in [1, 2, 5, 300] {
                var shingles = (0..<count).map { _ in next() }
                shingles[0] = UInt64.max // edge: above p before reduction
                var expected = [UInt64](repeating: UInt64.max, count: permutations)
                for h in shingles {
                    for i in 0..<permutations {
                        expected[i] = min(expected[i], MinHasher.permute(MinHasher.reduce(h), hasher.a[i], hasher.b[i]))
                    }
                }
                var fast = [UInt64](repeating: 0, count: permutations), portable = fast
                curate_minhash_minima(shingles, shingles.count, hasher.a, hasher.b, permutations, &fast)
                curate_minhash_minima_portable(shingles, shingles.count, hasher.a, hasher.b, permutations, &portable)
                #expect(fast == expected, "\(permutations) permutations, \(count) shingles")
                #expect(portable == expected)
            }
        }
    }

    /// Random sets with a known overlap: the estimate lands within 4 standard deviations of the truth.
    @Test func signaturesEstimateJaccard() {
        let hasher = MinHasher(parameters: MinHashParameters())
        var state: UInt64 = 7
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 31)
        }
        var totalError = 0.0
        for shared in stride(from: 0, through: 1000, by: 100) {
            let common = (0..<shared).map { _ in next() }
            let a = common + (0..<(1000 - shared)).map { _ in next() }
            let b = common + (0..<(1000 - shared)).map { _ in next() }
            let truth = Shingles.jaccard(a, b)
            #expect(abs(truth - Double(shared) / Double(2000 - shared)) < 1e-12)
            let estimate = MinHasher.similarity(hasher.signature(of: a)!, hasher.signature(of: b)!)
            let sigma = max(0.01, (truth * (1 - truth) / 112).squareRoot())
            #expect(abs(estimate - truth) <= 4 * sigma, "shared \(shared): estimate \(estimate), truth \(truth)")
            totalError += abs(estimate - truth)
        }
        #expect(totalError / 11 < 0.05)
        #expect(hasher.signature(of: []) == nil)
    }

    @Test func equalSignaturesShareEveryBandAndDifferentSeedsDiffer() {
        let hasher = MinHasher(parameters: MinHashParameters())
        let set: [UInt64] = (1...300).map { $0 &* 0x9E37_79B9_7F4A_7C15 }
        let signature = hasher.signature(of: set)!
        #expect(signature.count == 112)
        #expect(hasher.bandHashes(signature) == hasher.bandHashes(hasher.signature(of: set.reversed())!))
        #expect(Set(hasher.bandHashes(signature)).count == 14)
        // One band's rows changed: exactly that band's hash changes.
        var changed = signature
        changed[3 * 8 + 2] &+= 1
        let before = hasher.bandHashes(signature), after = hasher.bandHashes(changed)
        #expect((0..<14).filter { before[$0] != after[$0] } == [3])

        var other = MinHashParameters()
        other.seed = 1
        #expect(MinHasher(parameters: other).signature(of: set) != signature)
    }

    @Test func shinglesFollowTheSegmenterInBothLanguages() {
        let analyzer = TextAnalyzer()
        func shingles(_ text: String, _ n: Int = 5) -> [UInt64] {
            Array(text.utf8).withUnsafeBytes { Shingles.of(text: $0, analyzer: analyzer, n: n).shingles }
        }
        // Eight words: four 5-word shingles; case, NFKC width and punctuation do not matter.
        #expect(shingles("The quick brown fox jumps over the dog").count == 4)
        #expect(shingles("The quick brown fox jumps over the dog") == shingles("the QUICK brown, fox — jumps over the dog!"))
        #expect(shingles("Ｔｈｅ quick brown fox jumps over the dog") == shingles("The quick brown fox jumps over the dog"))
        // Fewer words than a shingle: one shingle of all of them.
        #expect(shingles("just three words").count == 1)
        #expect(shingles("").isEmpty)
        // Chinese is shingled by ICU words, not characters and not by (absent) spaces.
        let chinese = "我们今天在图书馆学习历史和地理"
        let words = Array(chinese.utf8).withUnsafeBytes { analyzer.words($0).count }
        #expect(words >= 6 && words < chinese.count)
        #expect(shingles(chinese).count == words - 4)
    }

    @Test func normalizedHashIgnoresCaseAndWhiteSpaceOnly() {
        func hash(_ text: String) -> [UInt8] {
            Array(text.utf8).withUnsafeBytes { Shingles.normalizedTextHash($0).bytes }
        }
        #expect(hash("Hello   World\n\nagain ") == hash("hello world again"))
        #expect(hash("  hello world again") == hash("hello world again"))
        #expect(hash("hello world again.") != hash("hello world again"))
    }
}

@Suite struct DedupSettingsTests {
    static let defaultPipeline = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("pipelines/default.yaml").path

    /// pipelines/default.yaml documents the defaults: it must say exactly what the code does.
    @Test func theDefaultPipelineFileStatesTheBuiltInDefaults() throws {
        var options = DedupOptions()
        try options.apply(pipelineFile: Self.defaultPipeline)
        #expect(options == DedupOptions())
    }

    @Test func keysAreAppliedAndMistakesNamed() throws {
        var options = DedupOptions()
        try options.apply(pipelineYAML: "dedup:\n  minhash:\n    bands: 9\n    rows: 13\n    verify: estimate\n  lines:\n    threshold: 4\n", source: "p.yaml")
        #expect(options.parameters.bands == 9 && options.parameters.rows == 13 && !options.verifyExactly && options.lineThreshold == 4)
        #expect(options.exact && options.minhash && options.lines)

        func failure(_ yaml: String) -> String {
            var options = DedupOptions()
            do {
                try options.apply(pipelineYAML: yaml, source: "p.yaml")
                return "no error"
            } catch {
                return String(describing: error)
            }
        }
        #expect(failure("dedup:\n  minhash:\n    bandz: 9\n").hasPrefix("p.yaml: dedup.minhash.bandz: unknown key"))
        #expect(failure("dedup:\n  minhash:\n    threshold: 1.5\n").hasPrefix("p.yaml: dedup.minhash.threshold: 1.5 is out of range"))
        #expect(failure("dedup:\n  minhash:\n    verify: maybe\n").contains("expected exact or estimate"))
        #expect(failure("dedupe:\n  exact: true\n").hasPrefix("p.yaml: dedupe: unknown key"))
    }
}
