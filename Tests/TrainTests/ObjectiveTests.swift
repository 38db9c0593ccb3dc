import Foundation
import Testing
@testable import Train

/// The examples each objective builds from the token stream (REFERENCE §8).
@Suite struct ObjectiveTests {
    static let separator: Int32 = 1000

    static func stream(_ count: Int, seed: UInt64) -> [Int32] {
        var random = SplitMix(seed: seed)
        return (0..<count).map { _ in Int32(random.next() % 1000) }
    }

    @Test func causalRowsAreTheStreamShiftedByOne() {
        let examples = ObjectiveExamples(objective: .causal, context: 8, separator: Self.separator)
        let stream = Self.stream(100, seed: 1)
        var random = SplitMix(seed: 0)
        let batch = examples.batch(stream, start: 4, rows: 2, random: &random)
        #expect(batch.inputs == Array(stream[4..<20]))
        #expect(batch.targets == Array(stream[5..<13]) + Array(stream[13..<21]))
        #expect(batch.next == 20 && !batch.wrapped && examples.vocabulary == 1001 && examples.prefixes(rows: 2).isEmpty)
        // A batch that would run past the end starts the stream again.
        let last = examples.batch(stream, start: 90, rows: 2, random: &random)
        #expect(last.wrapped && last.inputs == Array(stream[0..<16]))
    }

    /// BERT: 15% of the positions carry a target, the original token; of those about 80% read the mask
    /// token, 10% a random text token and 10% the token itself; nothing else changes.
    @Test func maskedRowsFollowBERT() {
        let examples = ObjectiveExamples(objective: .masked, context: 100, separator: Self.separator)
        #expect(examples.vocabulary == 1002 && examples.maskToken == 1001 && examples.prefixes(rows: 1) == [100])
        let stream = Self.stream(100 * 400, seed: 2)
        var random = SplitMix(seed: 3)
        var masked = 0, replaced = 0, kept = 0
        for row in 0..<400 {
            var inputs: [Int32] = [], targets: [Int32] = []
            let source = stream[(row * 100)..<(row * 100 + 100)]
            examples.row(source, random: &random, inputs: &inputs, targets: &targets)
            #expect(targets.filter { $0 >= 0 }.count == 15)
            for (position, original) in zip(0..., source) {
                if targets[position] < 0 {
                    #expect(inputs[position] == original)
                    continue
                }
                #expect(targets[position] == original)
                if inputs[position] == examples.maskToken { masked += 1 } else if inputs[position] == original { kept += 1 } else {
                    replaced += 1
                    #expect(inputs[position] < Self.separator)
                }
            }
        }
        // 6,000 chosen positions: 80/10/10 within a few standard deviations (binomial sd ≈ 31 and 23).
        #expect(abs(masked - 4800) < 150 && abs(replaced - 600) < 100 && abs(kept - 600) < 100, "\(masked) \(replaced) \(kept)")
    }

    /// T5: the corrupted source (a sentinel per span) is the prefix; after it each sentinel and the span
    /// it replaced are the targets; together they give back the source, and about 15% of it is in spans of
    /// mean length 3.
    @Test func spanRowsFollowT5AndGiveBackTheSource() {
        let context = 128
        let examples = ObjectiveExamples(objective: .span, context: context, separator: Self.separator)
        #expect(examples.sourceLength + 2 * examples.spans == context + 1)
        #expect(abs(Double(examples.noiseTokens) / Double(examples.sourceLength) - 0.15) < 0.01)
        #expect(abs(Double(examples.noiseTokens) / Double(examples.spans) - 3) < 0.5)
        #expect(examples.vocabulary == 1001 + examples.spans && examples.prefixes(rows: 1) == [examples.prefix])
        let stream = Self.stream(examples.sourceLength * 50, seed: 4)
        var random = SplitMix(seed: 5)
        var layouts = Set<[Int32]>()
        for row in 0..<50 {
            var inputs: [Int32] = [], targets: [Int32] = []
            let source = Array(stream[(row * examples.sourceLength)..<((row + 1) * examples.sourceLength)])
            examples.row(source[...], random: &random, inputs: &inputs, targets: &targets)
            #expect(inputs.count == context && targets.count == context)
            // No loss inside the prefix but at its last position (which predicts the first sentinel).
            #expect(targets[0..<(examples.prefix - 1)].allSatisfy { $0 < 0 } && targets[(examples.prefix - 1)...].allSatisfy { $0 >= 0 })
            // The sequence: the prefix, then what the targets predict after it.
            let sequence = Array(inputs[0..<examples.prefix]) + Array(targets[(examples.prefix - 1)...])
            let corrupted = sequence[0..<examples.prefix], answers = Array(sequence[examples.prefix...])
            #expect(corrupted.filter { $0 > Self.separator } == (0..<examples.spans).map { examples.sentinel($0) })
            // Put each span back in place of its sentinel.
            var restored: [Int32] = [], spans: [Int32: [Int32]] = [:], current: Int32 = -1
            for token in answers {
                if token > Self.separator { current = token; spans[token] = [] } else { spans[current, default: []].append(token) }
            }
            for token in corrupted { if token > Self.separator { restored += spans[token] ?? [] } else { restored.append(token) } }
            #expect(restored == source)
            #expect(spans.values.allSatisfy { !$0.isEmpty })
            layouts.insert(corrupted.map { $0 > Self.separator ? 1 : 0 })
        }
        #expect(layouts.count > 40, "span positions vary from row to row")
    }

    @Test func aContextTooShortForAnExactFitEndsInPaddingWithoutLoss() {
        for context in 8...40 {
            let examples = ObjectiveExamples(objective: .span, context: context, separator: Self.separator)
            #expect(examples.sourceLength + 2 * examples.spans <= context + 1 && examples.prefix < context)
            var random = SplitMix(seed: UInt64(context))
            var inputs: [Int32] = [], targets: [Int32] = []
            examples.row(Self.stream(examples.sourceLength, seed: 6)[...], random: &random, inputs: &inputs, targets: &targets)
            #expect(inputs.count == context && targets.count == context)
            #expect(targets.filter { $0 >= 0 }.count == examples.noiseTokens + examples.spans)
        }
    }
}
