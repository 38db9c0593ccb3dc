import Core
import Testing

@Suite struct HashAndIDTests {
    @Test func matchesTheXXH3ReferenceValueForTheEmptyInput() {
        // XXH3_128bits("") with seed 0, from xxHash's own test vectors (sanity check of the binding).
        let empty = Hash128(of: [])
        #expect(empty.description == "99aa06d3014798d86001c324468d497f")
    }

    @Test func bytesRoundTripBigEndian() {
        let hash = Hash128(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10)
        #expect(hash.bytes == Array(1...16))
        #expect(hash.bytes.withUnsafeBytes { Hash128(bytes: $0) } == hash)
        #expect([UInt8](repeating: 0, count: 15).withUnsafeBytes { Hash128(bytes: $0) } == nil)
    }

    @Test func stringAndByteHashingAgree() {
        #expect(Hash128(utf8: "我们今天") == Hash128(of: Array("我们今天".utf8)))
        #expect(Hash128(utf8: "a") != Hash128(utf8: "b"))
    }

    @Test func documentIDsAreStablePositiveAndSensitiveToEachPart() {
        let hash = Hash128(utf8: "some text")
        let id = StableID.document(sourceKey: "raw/a.jsonl", position: 7, contentHash: hash)
        #expect(id > 0)
        #expect(id == StableID.document(sourceKey: "raw/a.jsonl", position: 7, contentHash: hash))
        #expect(id != StableID.document(sourceKey: "raw/b.jsonl", position: 7, contentHash: hash))
        #expect(id != StableID.document(sourceKey: "raw/a.jsonl", position: 8, contentHash: hash))
        #expect(id != StableID.document(sourceKey: "raw/a.jsonl", position: 7, contentHash: Hash128(utf8: "other")))
        #expect(id != StableID.document(sourceKey: "raw/a.jsonl", position: 7, contentHash: hash, salt: 1))
        // Field boundaries matter: ("ab", "c") and ("a", "bc") are different sources.
        let fp = Hash128(utf8: "fp")
        #expect(StableID.source(key: "ab", fingerprint: fp) != StableID.source(key: "a", fingerprint: fp))
    }
}
