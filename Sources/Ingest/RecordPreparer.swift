import Core
import Store

/// Turns raw records into documents or rejects, on a worker thread: parses JSON, checks UTF-8, NUL
/// bytes, size and blankness, hashes the text, and compresses it for the store when that pays.
final class RecordPreparer {
    let parser: JSONRecordParser
    let maxDocBytes: Int
    let compressor: ZstdCompressor
    let compressMinBytes: Int
    private var fields = JSONRecordFields()

    /// - Parameters:
    ///   - compressMinBytes: texts shorter than this are stored plain (a zstd frame's fixed cost is
    ///     about a dozen bytes, and short texts hardly compress); `Int.max` disables compression.
    init(textField: String, idField: String, maxDocBytes: Int, compressionLevel: Int32, compressMinBytes: Int) {
        parser = JSONRecordParser(textField: textField, idField: idField)
        self.maxDocBytes = maxDocBytes
        compressor = ZstdCompressor(level: compressionLevel)
        self.compressMinBytes = compressMinBytes
    }

    func prepare(_ batch: RawBatch) -> PreparedBatch {
        var prepared: [PreparedRecord] = []
        prepared.reserveCapacity(batch.records.count)
        batch.arena.withUnsafeBytes { arena in
            for record in batch.records {
                let bytes = UnsafeRawBufferPointer(rebasing: arena[record.offset ..< record.offset + record.length])
                prepared.append(prepare(record, bytes: bytes, source: batch.source))
            }
        }
        return PreparedBatch(source: batch.source, records: prepared, lastRecord: batch.lastRecord,
                             fileOffset: batch.fileOffset, bytesRead: batch.bytesRead)
    }

    private func prepare(_ record: RawRecord, bytes: UnsafeRawBufferPointer, source: SourceContext) -> PreparedRecord {
        func reject(_ reason: RejectReason, _ message: String) -> PreparedRecord {
            .reject(record: record.number, reason: reason, message: message, preview: preview(bytes))
        }
        if let problem = record.problem {
            return .reject(record: record.number, reason: problem.reason, message: problem.message, preview: Array(bytes))
        }
        if let offset = UTF8Bytes.firstNUL(bytes) {
            return reject(.nulByte, "NUL byte at byte \(offset)")
        }
        if let offset = UTF8Bytes.firstInvalidOffset(bytes) {
            return reject(.invalidUTF8, "invalid UTF-8 at byte \(offset)")
        }
        switch source.format {
        case .jsonl:
            do {
                try parser.parse(bytes, into: &fields)
            } catch {
                return reject(error.reason, error.message)
            }
            switch fields.textState {
            case .missing:
                return reject(.missingText, "no \"\(String(decoding: parser.textKey, as: UTF8.self))\" field")
            case .notString(let kind):
                return reject(.textNotString, "\"\(String(decoding: parser.textKey, as: UTF8.self))\" is \(kind), not a string")
            case .string:
                if fields.textHasNUL { return reject(.nulByte, "text contains a \\u0000 escape") }
                return fields.text.withUnsafeBytes { text in
                    document(text, record: record, externalID: fields.externalID, metadata: fields.metadata, source: source, raw: bytes)
                }
            }
        case .txt, .wet:
            return document(bytes, record: record, externalID: record.externalID, metadata: record.metadata, source: source, raw: bytes)
        }
    }

    private func document(_ text: UnsafeRawBufferPointer, record: RawRecord, externalID: String?, metadata: String?,
                          source: SourceContext, raw: UnsafeRawBufferPointer) -> PreparedRecord {
        if text.count > maxDocBytes {
            return .reject(record: record.number, reason: .tooLarge,
                           message: "text of \(text.count) bytes is over the limit of \(maxDocBytes) (--max-doc-bytes)",
                           preview: preview(raw))
        }
        if UTF8Bytes.isBlank(text) {
            return .reject(record: record.number, reason: .empty,
                           message: text.isEmpty ? "empty text" : "text is only white space", preview: preview(raw))
        }
        let hash = Hash128(text)
        let stored: [UInt8]
        let codec: TextCodec
        if text.count >= compressMinBytes, let compressed = try? compressor.compress(text),
           compressed.count * 10 <= text.count * 9 {
            // Stored compressed only when it saves at least 10%: decompression is cheap, but not free.
            (stored, codec) = (compressed, .zstd)
        } else {
            (stored, codec) = (Array(text), .plain)
        }
        return .document(NewDocument(
            sourceID: source.id, sourceKey: source.key, position: record.number, externalID: externalID,
            stored: stored, codec: codec, byteLength: text.count, contentHash: hash, metadata: metadata))
    }

    private func preview(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        Array(bytes.prefix(BufferedReader.previewBytes))
    }
}
