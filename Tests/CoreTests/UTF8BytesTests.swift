import Core
import Testing

@Suite struct UTF8BytesTests {
    private func firstInvalid(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBytes { UTF8Bytes.firstInvalidOffset($0) }
    }

    @Test func acceptsWellFormedText() {
        let text = "plain ASCII, then Grüße, 我们今天在北京, and 🙂 at the end of a long enough line"
        #expect(firstInvalid(Array(text.utf8)) == nil)
        #expect(firstInvalid([]) == nil)
    }

    @Test func reportsTheOffsetOfTheFirstBadByte() {
        // 17 ASCII bytes (past the 8-byte fast path), then a lone continuation byte.
        var bytes = Array("abcdefghijklmnopq".utf8)
        bytes.append(0x80)
        bytes += Array("rest".utf8)
        #expect(firstInvalid(bytes) == 17)
    }

    @Test(arguments: [
        [0xC0, 0xAF],             // overlong '/'
        [0xE0, 0x80, 0xAF],       // overlong 3-byte
        [0xED, 0xA0, 0x80],       // UTF-16 surrogate D800
        [0xF4, 0x90, 0x80, 0x80], // above U+10FFFF
        [0xF5, 0x80, 0x80, 0x80], // invalid lead byte
        [0xE4, 0xBD],             // truncated sequence at the end
        [0xFF],
    ] as [[UInt8]])
    func rejectsIllFormedSequences(_ bad: [UInt8]) {
        #expect(firstInvalid(Array("ok ".utf8) + bad) == 3)
    }

    @Test func agreesWithTheStandardLibraryOnRandomBytes() {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            let count = Int(generator.next() % 40)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next() % 7 == 0 ? generator.next() : generator.next() % 128) }
            let ours = firstInvalid(bytes) == nil
            let stdlib = String(validating: bytes, as: UTF8.self) != nil
            #expect(ours == stdlib, "bytes \(bytes)")
        }
    }

    @Test func blankMeansOnlyWhiteSpace() {
        let blank = " \t\r\n\u{3000}\u{00A0}\u{200B}\u{FEFF}"
        #expect(Array(blank.utf8).withUnsafeBytes { UTF8Bytes.isBlank($0) })
        #expect(Array("  x ".utf8).withUnsafeBytes { UTF8Bytes.isBlank($0) } == false)
        #expect(Array("\u{3000}中".utf8).withUnsafeBytes { UTF8Bytes.isBlank($0) } == false)
    }

    @Test func findsNULBytes() {
        #expect(Array("abc".utf8).withUnsafeBytes { UTF8Bytes.firstNUL($0) } == nil)
        #expect(([0x61, 0x62, 0x00, 0x63] as [UInt8]).withUnsafeBytes { UTF8Bytes.firstNUL($0) } == 2)
    }

    @Test func prefixNeverEndsInsideASequence() {
        let bytes = Array("ab中文".utf8) // a b [3 bytes] [3 bytes]
        #expect(bytes.withUnsafeBytes { UTF8Bytes.prefixLength($0, limit: 4) } == 2)
        #expect(bytes.withUnsafeBytes { UTF8Bytes.prefixLength($0, limit: 5) } == 5)
        #expect(bytes.withUnsafeBytes { UTF8Bytes.prefixLength($0, limit: 100) } == 8)
    }
}

/// A small deterministic generator for test inputs.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
