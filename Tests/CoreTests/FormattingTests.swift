import Core
import Testing

@Suite struct FormattingTests {
    @Test func groupsThousands() {
        #expect(Formatting.count(0) == "0")
        #expect(Formatting.count(999) == "999")
        #expect(Formatting.count(1000) == "1,000")
        #expect(Formatting.count(1_204_331) == "1,204,331")
        #expect(Formatting.count(-48213) == "-48,213")
    }

    @Test func usesDecimalByteUnits() {
        #expect(Formatting.bytes(812) == "812 B")
        #expect(Formatting.bytes(3_400) == "3.4 KB")
        #expect(Formatting.bytes(212_000_000) == "212 MB")
        #expect(Formatting.bytes(1_900_000_000) == "1.9 GB")
    }

    @Test func formatsDurationsAndClocks() {
        #expect(Formatting.duration(0.4234) == "0.42 s")
        #expect(Formatting.duration(9.14) == "9.1 s")
        #expect(Formatting.clock(23) == "0:23")
        #expect(Formatting.clock(3723) == "1:02:03")
        #expect(Formatting.decimal(2.05, places: 1) == "2.1" || Formatting.decimal(2.05, places: 1) == "2.0")
        #expect(Formatting.decimal(-0.5, places: 2) == "-0.50")
    }
}
