import Foundation
import Testing
@testable import Train

@Suite struct TokenizerTests {
    static let english = """
        The river moves slowly under the old bridges, where people walk in the evening light. \
        The old bridges were built of stone, and the river has moved under them for centuries.
        """
    static let chinese = "每天早上，我们在城市的公园里散步。公园里有很多老人在打太极拳，孩子们在草地上奔跑。城市的历史很悠久。"

    static func chunks(_ text: String) -> [String] {
        var result: [String] = []
        Array(text.utf8).withUnsafeBytes { bytes in
            Pretokenizer.chunks(bytes) { result.append(String(decoding: $0, as: UTF8.self)) }
        }
        return result
    }

    @Test func chunksCoverTheTextAndKeepWordsWithTheirSpace() {
        #expect(Self.chunks("Hello world, 12345 times!") == ["Hello", " world", ",", " ", "123", "45", " times", "!"])
        #expect(Self.chunks("我们在北京大学学习历史") == ["我们在北京大学学", "习历史"])
        for text in [Self.english, Self.chinese, "a\u{0}b\u{7f}  \n\n\tc", "emoji 😀👍🏽 mixed 中文 text"] {
            #expect(Self.chunks(text).joined() == text)
        }
    }

    static func train(_ texts: [String], vocabulary: Int) throws -> BPETokenizer {
        var counts: [[UInt8]: Int] = [:]
        for text in texts {
            Array(text.utf8).withUnsafeBytes { bytes in
                Pretokenizer.chunks(bytes) { counts[Array($0), default: 0] += 1 }
            }
        }
        return try BPETokenizer.train(chunkCounts: counts, vocabularySize: vocabulary)
    }

    @Test func trainingIsDeterministicAndEncodingRoundTrips() throws {
        let corpus = Array(repeating: Self.english, count: 5) + Array(repeating: Self.chinese, count: 5)
        let tokenizer = try Self.train(corpus, vocabulary: 400)
        #expect(tokenizer.vocabularySize == 400)
        #expect(try Self.train(corpus.reversed(), vocabulary: 400) == tokenizer)
        for text in [Self.english, Self.chinese, "unseen words: quixotic zephyr 鳄鱼", "bytes \u{0} \u{10FFFF} 😀", ""] {
            let tokens = tokenizer.encode(text)
            #expect(String(decoding: tokenizer.decode(tokens), as: UTF8.self) == text)
            #expect(tokens.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize })
        }
        // Invalid UTF-8 round-trips as bytes.
        let raw: [UInt8] = [0xFF, 0xFE, 0x41, 0xE4, 0xB8]
        var tokens: [Int32] = []
        var cache: [ArraySlice<UInt8>: [Int32]] = [:]
        raw.withUnsafeBytes { tokenizer.encode($0, into: &tokens, cache: &cache) }
        #expect(tokenizer.decode(tokens) == raw)
        // Trained text compresses: well under one token per byte.
        #expect(Double(tokenizer.encode(Self.english).count) < 0.3 * Double(Self.english.utf8.count))
        #expect(Double(tokenizer.encode(Self.chinese).count) < 0.3 * Double(Self.chinese.utf8.count))
    }

    @Test func filesRoundTrip() throws {
        let tokenizer = try Self.train([Self.english, Self.chinese], vocabulary: 300)
        let path = NSTemporaryDirectory() + "tok-\(UUID().uuidString).json"
        try tokenizer.write(to: path)
        #expect(try BPETokenizer.read(from: path) == tokenizer)
        try Data("{\"format\":\"other\"}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: TrainError.self) { try BPETokenizer.read(from: path) }
    }
}
