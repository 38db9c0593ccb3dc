import Core

/// Decoding a document's stored text. Every stage that reads texts goes through here, so a text that
/// no longer decodes, or decodes to bytes other than those ingested (the store file changed on disk:
/// SQLite's pages can be intact while the zstd frame inside is not, and zstd frames carry no checksum
/// of their own), stops the stage with the document named, instead of becoming an empty or a wrong
/// document that is silently scored, signed or exported. The check against `content_hash` (XXH3-128,
/// many GB/s) costs little next to the decompression.
public enum StoredText {
    /// The document's text: `stored` itself, or its zstd frame decompressed; `hash` is the document's
    /// `content_hash` column.
    public static func decode(_ stored: [UInt8], codec: Int, hash: [UInt8], document id: Int64,
                              with decompressor: ZstdDecompressor) -> Result<[UInt8], StoreError> {
        stored.withUnsafeBytes { raw in
            hash.withUnsafeBytes { hash in
                Result { () throws(StoreError) in try decode(raw, codec: codec, hash: hash, document: id, with: decompressor) }
            }
        }
    }

    /// The same for a text read in place from a statement.
    public static func decode(_ stored: UnsafeRawBufferPointer, codec: Int, hash: UnsafeRawBufferPointer, document id: Int64,
                              with decompressor: ZstdDecompressor) throws(StoreError) -> [UInt8] {
        let text: [UInt8]
        switch codec {
        case TextCodec.plain.rawValue: text = Array(stored)
        case TextCodec.zstd.rawValue:
            do { text = try decompressor.decompress(stored) } catch { throw damaged(document: id, "\(error)") }
        default: throw damaged(document: id, "unknown codec \(codec)")
        }
        guard text.withUnsafeBytes({ matches($0, hash: hash) }) else { throw mismatch(document: id) }
        return text
    }

    /// Whether `text` has the content hash recorded at ingest.
    private static func matches(_ text: UnsafeRawBufferPointer, hash: UnsafeRawBufferPointer) -> Bool {
        Hash128(bytes: hash).map { $0 == Hash128(text) } ?? false
    }

    private static func mismatch(document id: Int64) -> StoreError {
        damaged(document: id, "its bytes do not match the content hash recorded at ingest")
    }

    /// The same, lending the text to `body` instead of returning it: a zstd frame is decompressed into
    /// `scratch` (reused from call to call), a plain text is read in place.
    public static func withDecoded<R>(_ stored: UnsafeRawBufferPointer, codec: Int, hash: UnsafeRawBufferPointer, document id: Int64,
                                      with decompressor: ZstdDecompressor, scratch: inout [UInt8],
                                      _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        func checked(_ text: UnsafeRawBufferPointer) throws -> R {
            guard matches(text, hash: hash) else { throw mismatch(document: id) }
            return try body(text)
        }
        switch codec {
        case TextCodec.plain.rawValue: return try checked(stored)
        case TextCodec.zstd.rawValue:
            let count: Int
            do { count = try decompressor.decompress(stored, into: &scratch) } catch { throw damaged(document: id, "\(error)") }
            return try scratch.withUnsafeBytes { try checked(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        default: throw damaged(document: id, "unknown codec \(codec)")
        }
    }

    /// The error for a document whose stored text is damaged.
    public static func damaged(document id: Int64, _ reason: String) -> StoreError {
        StoreError("document \(id): its stored text is damaged (\(reason))",
                   hint: "the store file was changed on disk: restore it from a copy; `sqlite3 STORE 'PRAGMA integrity_check'` checks the rest")
    }
}
