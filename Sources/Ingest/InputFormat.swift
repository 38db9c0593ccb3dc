/// How the records of a file are laid out.
public enum RecordFormat: String, Sendable, CaseIterable {
    /// One JSON object per line (`.jsonl`, `.json`, `.ndjson`).
    case jsonl
    /// The whole file is one document (`.txt`).
    case txt
    /// Common Crawl WET: WARC records whose `conversion` bodies are documents (`.warc.wet`, `.wet`).
    case wet
}

/// How the bytes of a file are compressed.
public enum Compression: String, Sendable {
    case none
    case gzip
    case zstd
}

/// A file's record format and compression, usually read off its name.
public struct InputFormat: Equatable, Sendable {
    public var records: RecordFormat
    public var compression: Compression

    public init(records: RecordFormat, compression: Compression) {
        self.records = records
        self.compression = compression
    }

    /// Detects the format from a file name: `name.jsonl.zst`, `CC-MAIN-….warc.wet.gz`, `page.txt`.
    /// With `override`, only the compression is read off the name.
    public static func detect(fileName: String, override: RecordFormat? = nil) -> InputFormat? {
        var name = fileName.lowercased()
        var compression = Compression.none
        for (suffix, kind) in [(".gz", Compression.gzip), (".zst", .zstd), (".zstd", .zstd)] where name.hasSuffix(suffix) {
            compression = kind
            name.removeLast(suffix.count)
        }
        if let override { return InputFormat(records: override, compression: compression) }
        let table: [(String, RecordFormat)] = [
            (".jsonl", .jsonl), (".json", .jsonl), (".ndjson", .jsonl),
            (".txt", .txt), (".text", .txt),
            (".warc.wet", .wet), (".wet", .wet),
        ]
        for (suffix, format) in table where name.hasSuffix(suffix) {
            return InputFormat(records: format, compression: compression)
        }
        return nil
    }
}
