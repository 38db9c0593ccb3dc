import Foundation
import Testing
@testable import LM

/// Damaged ARPA headers are refused with the line, never a crash (regressions found by scripts/fuzz.sh).
@Suite struct ARPAReaderTests {
    static func parse(_ text: String) throws -> ModelData {
        try Array(text.utf8).withUnsafeBytes { try ARPA.parse($0, source: "x.arpa") }
    }

    @Test func impossibleCountsAreErrorsNamingTheLine() {
        for header in ["ngram 1=2\nngram 2=-3", "ngram 1=99999999999", "ngram 1=-1"] {
            #expect { _ = try Self.parse("\n\\data\\\n\(header)\n\n\\1-grams:\n-1\t<unk>\t0\n") } throws: { error in
                "\(error)".contains("x.arpa:") && "\(error)".contains("impossible")
            }
        }
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/arpa/crash-negative-count.arpa").path
        #expect(throws: ARPA.FormatError.self) { _ = try ARPA.read(path: fixture) }
    }
}
