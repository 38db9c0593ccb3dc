import Foundation
import Testing
import Ingest

/// The probe reads a file exactly as ingest does, without a store (the fuzz targets rely on it).
@Suite struct IngestProbeTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("samples").path

    @Test func theBrokenRecordsFileGivesTheDocumentedRejects() {
        let result = IngestProbe.read(path: Self.samples + "/broken/records.jsonl")
        // samples/README.md: lines 1, 9, 17 are good; the rest are one bad record of each kind.
        #expect(result.documents == 3)
        #expect(result.rejects == ["invalid_utf8", "malformed_json", "malformed_json", "malformed_json", "missing_text", "text_not_string",
                                   "text_not_string", "nul_byte", "nul_byte", "empty", "empty", "invalid_utf8", "malformed_json", "malformed_json"])
    }

    @Test func compressedAndWETInputs() {
        let truncated = IngestProbe.read(path: Self.samples + "/broken/truncated.jsonl.gz")
        #expect(truncated.documents == 2 && truncated.rejects == ["truncated"] && truncated.status == "partial")
        let corrupt = IngestProbe.read(path: Self.samples + "/broken/corrupt.jsonl.zst")
        #expect(corrupt.documents == 3 && corrupt.rejects == ["corrupt"])
        let wet = IngestProbe.read(path: Self.samples + "/wet/CC-SAMPLE-2026-11.warc.wet.gz")
        #expect(wet.documents == 7 && wet.rejects.isEmpty && wet.status == "done")
        #expect(IngestProbe.read(path: Self.samples + "/README.md").status == "unsupported")
    }
}
