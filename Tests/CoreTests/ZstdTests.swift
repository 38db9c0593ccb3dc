import Core
import Testing

@Suite struct ZstdTests {
    @Test func roundTripsAndShrinksRepetitiveText() throws {
        let text = Array(String(repeating: "The quick brown fox jumps over the lazy dog. 敏捷的棕色狐狸。", count: 200).utf8)
        let compressed = try ZstdCompressor(level: 3).compress(text)
        #expect(compressed.count < text.count / 10)
        #expect(try ZstdDecompressor().decompress(compressed) == text)
    }

    @Test func refusesGarbageAndOversizedFrames() throws {
        #expect(throws: ZstdError.self) { try ZstdDecompressor().decompress(Array("not zstd".utf8)) }
        let frame = try ZstdCompressor().compress([UInt8](repeating: 7, count: 10_000))
        #expect(throws: ZstdError.self) { try ZstdDecompressor().decompress(frame, limit: 100) }
    }
}
