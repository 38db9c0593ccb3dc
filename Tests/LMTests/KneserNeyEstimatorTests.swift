import Foundation
import LM
import Testing

@Suite struct KneserNeyEstimatorTests {
    @Test func everyConditionalDistributionSumsToOne() throws {
        let text = try Fixtures.text("train.txt").split(separator: "\n").prefix(60).joined(separator: "\n")
        let (data, _) = try Fixtures.estimate(text, order: 3)
        let model = NGramModel(data)
        // Every context of the model (each n-gram of order < 3 with a back-off), and the empty one.
        var contexts: [[UInt32]] = [[]]
        for order in data.orders.dropLast() {
            for index in 0..<order.count where order.gram(index).last != 0 && order.gram(index).last != 2 {
                contexts.append(Array(order.gram(index)))
            }
        }
        #expect(contexts.count > 500)
        contexts = stride(from: 0, to: contexts.count, by: 3).map { contexts[$0] } // a third of them, every one of each kind
        let words = (0..<UInt32(data.vocabulary.count)).filter { $0 != 1 } // every word but <s>
        var worst = 0.0
        for context in contexts {
            let sum = words.reduce(0.0) { $0 + pow(10, model.logProbability(of: $1, after: context)) }
            worst = max(worst, abs(sum - 1))
        }
        #expect(worst < 1e-5, "largest deviation from 1: \(worst)")
    }

    @Test func discountsFollowTheClosedFormFromCountOfCounts() throws {
        let (_, estimator) = try Fixtures.estimate(try Fixtures.text("train.txt"), order: 3) { $0.discountFallback = nil }
        for (order, n) in estimator.countOfCounts.enumerated() {
            let (n1, n2, n3, n4) = (Double(n[0]), Double(n[1]), Double(n[2]), Double(n[3]))
            let y = n1 / (n1 + 2 * n2)
            let expected = [1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3]
            for j in 0..<3 {
                #expect(abs(estimator.discounts[order][j] - expected[j]) < 1e-12, "order \(order + 1), D\(j + 1)")
            }
        }
    }

    @Test func tooLittleDataFallsBackOrFailsAsAsked() throws {
        let text = "a b c\na b d\n"
        #expect(throws: EstimatorError.self) { _ = try Fixtures.estimate(text, order: 3) { $0.discountFallback = nil } }
        let (_, estimator) = try Fixtures.estimate(text, order: 3)
        #expect(estimator.discounts[2] == [0.5, 1.0, 1.5])
    }

    @Test func heldOutPerplexityBeatsAddOneSmoothing() throws {
        let trainText = try Fixtures.text("train.txt")
        let (data, _) = try Fixtures.estimate(trainText, order: 3)
        let model = NGramModel(data)
        let scorer = SentenceScorer(model: model)
        // Add-one unigram-conditioned bigram model on the same training tokens.
        var bigrams: [String: Int] = [:], unigrams: [String: Int] = [:]
        for line in trainText.split(separator: "\n") {
            let words = ["<s>"] + line.split(separator: " ").map(String.init) + ["</s>"]
            for (a, b) in zip(words, words.dropFirst()) {
                bigrams[a + " " + b, default: 0] += 1
                unigrams[a, default: 0] += 1
            }
        }
        let vocabulary = Double(Set(unigrams.keys).count + 2)
        var ours = 0.0, addOne = 0.0, tokens = 0
        for line in try Fixtures.text("heldout.txt").split(separator: "\n") {
            ours += scorer.score(line: String(line)).log10Probability
            let words = ["<s>"] + line.split(separator: " ").map(String.init) + ["</s>"]
            for (a, b) in zip(words, words.dropFirst()) {
                addOne += log10((Double(bigrams[a + " " + b] ?? 0) + 1) / (Double(unigrams[a] ?? 0) + vocabulary))
            }
            tokens += words.count - 1
        }
        let ourPerplexity = pow(10, -ours / Double(tokens)), addOnePerplexity = pow(10, -addOne / Double(tokens))
        #expect(ourPerplexity < addOnePerplexity * 0.8, "Kneser-Ney \(ourPerplexity), add-one \(addOnePerplexity)")
    }

    @Test func spillingRunsToDiskGivesTheSameModel() throws {
        let text = try Fixtures.text("train.txt")
        let (whole, _) = try Fixtures.estimate(text, order: 4)
        let (spilled, estimator) = try Fixtures.estimate(text, order: 4) { $0.memoryBudget = 64 << 10 }
        #expect(estimator.spilledRuns > 2)
        let a = Fixtures.table(whole), b = Fixtures.table(spilled)
        for order in 0..<4 {
            #expect(a[order].count == b[order].count)
            for (gram, value) in a[order] { #expect(b[order][gram]! == value) }
        }
    }

    /// The estimation streams through sorts that spill to scratch files past the budget; the ARPA file
    /// written as the model is made equals, byte for byte, the one written from the model in memory,
    /// whatever the budget, with and without pruning.
    @Test func theStreamedARPAEqualsTheInMemoryModelAtAnyBudget() throws {
        let text = try Fixtures.text("train.txt")
        for (order, prune) in [(3, false), (5, true)] {
            let (model, _) = try Fixtures.estimate(text, order: order) { $0.pruneSingletons = prune }
            let inMemory = Fixtures.temporaryPath("in-memory.arpa")
            try ARPA.write(model, to: inMemory)
            for budget in [1 << 30, 64 << 10] {
                var options = EstimatorOptions()
                options.order = order
                options.pruneSingletons = prune
                options.memoryBudget = budget
                let scratch = Fixtures.temporaryPath("scratch")
                try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
                options.scratchDirectory = scratch
                let streamed = Fixtures.temporaryPath("streamed.arpa")
                let (counts, spilled) = try { () throws -> ([Int], Int) in
                    let estimator = try KneserNeyEstimator(options: options, tokenizer: Fixtures.whitespace)
                    estimator.add(text: text)
                    return (try estimator.estimate(arpa: streamed), estimator.spilledRuns)
                }()
                #expect(counts == model.orders.map(\.count))
                #expect(try Data(contentsOf: URL(fileURLWithPath: streamed)) == Data(contentsOf: URL(fileURLWithPath: inMemory)),
                        "order \(order), prune \(prune), budget \(budget)")
                #expect(budget > 1 << 20 ? spilled == 0 : spilled > 2)
                // The scratch files went with the estimator.
                #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty)
            }
        }
    }

    /// A word longer than the ARPA writer's line buffer is written whole.
    @Test func aHugeWordReachesTheARPAFile() throws {
        let huge = String(repeating: "x", count: 100_000)
        var options = EstimatorOptions()
        options.order = 2
        let estimator = try KneserNeyEstimator(options: options, tokenizer: Fixtures.whitespace)
        estimator.add(text: "a \(huge) b\na b\n")
        let path = Fixtures.temporaryPath("huge.arpa")
        try estimator.estimate(arpa: path)
        let model = try ARPA.read(path: path)
        #expect(model.vocabulary.contains(Array(huge.utf8)))
        #expect(Fixtures.table(model)[1]["a " + huge] != nil)
    }

    @Test func icuTokenizationFoldsCaseAndDigitsAndSplitsPunctuation() throws {
        let (data, _) = try Fixtures.estimate("The Cat sat, in 1999!\n猫坐在垫子上。", order: 2,
                                              options: TokenizerOptions(kind: .icu, lowercase: true, foldDigits: true))
        let words = Set(data.vocabulary.map { String(decoding: $0, as: UTF8.self) })
        #expect(words.isSuperset(of: ["the", "cat", "sat", ",", "in", "0000", "!", "猫", "坐在", "。"]))
        #expect(!words.contains("The") && !words.contains("1999"))
    }
}
