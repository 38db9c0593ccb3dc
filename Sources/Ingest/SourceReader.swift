import Core
import Store

/// Reads one input file into batches of raw records, on the pipeline's producer thread.
///
/// It splits records (lines, WARC records, or the whole file), skips those a previous run already
/// committed, turns what it can already judge (over-long lines, broken WARC headers, a truncated or
/// corrupt compressed stream) into problem records, and leaves parsing and checks to the workers.
struct SourceReader {
    var maxDocBytes: Int
    /// How a plain-text file is cut into documents.
    var textSplit = TextSplit.file
    var batchRecords = 2048
    var batchBytes = 4 << 20

    /// Lines longer than this are refused without being buffered. JSON escapes can make a record's
    /// line longer than its text (`\u4e2d` is 6 bytes for 3 of UTF-8), hence the margin.
    var maxLineBytes: Int { maxDocBytes * 2 + (64 << 10) }

    /// Reads the source; returns false when the pipeline was cancelled.
    func read(_ plan: SourcePlan, emit: (IngestEvent<RawBatch>) -> Bool) -> Bool {
        guard emit(.begin(plan)) else { return false }
        let context = plan.context
        let reader: BufferedReader
        do {
            let stream = try openStream(path: plan.file.path, compression: plan.file.format.compression)
            reader = BufferedReader(stream: stream, maxLineBytes: maxLineBytes)
        } catch {
            var batch = RawBatch(source: context)
            batch.append(number: 0, problem: error.reason, message: error.message, preview: [])
            return emit(.batch(batch)) && emit(.end(source: context, status: .partial, bytesRead: 0, fileOffset: 0))
        }
        let finished = withoutActuallyEscaping(emit) { emit in
            let sink = BatchSink(context: context, reader: reader, resumeAfter: plan.resumeAfter,
                                 maxRecords: batchRecords, maxBytes: batchBytes, emit: emit)
            let status: SourceStatus
            switch plan.file.format.records {
            case .jsonl: status = readLines(plan, reader, sink, skipping: Self.isASCIISpace)
            case .txt:
                switch textSplit {
                case .file: status = readWhole(plan, reader, sink)
                case .line: status = readLines(plan, reader, sink, skipping: UTF8Bytes.isBlank)
                case .paragraph: status = readParagraphs(plan, reader, sink)
                }
            case .wet: status = readWARC(plan, reader, sink)
            }
            sink.flush(force: true)
            return sink.cancelled ? nil : status
        }
        guard let status = finished else { return false }
        return emit(.end(source: context, status: status, bytesRead: reader.bytesConsumed, fileOffset: reader.fileOffset))
    }

    /// Appends the stream's failure, if any, as a problem record after the last one read.
    private func recordFailure(_ reader: BufferedReader, after number: Int64, _ sink: BatchSink) -> SourceStatus {
        guard let error = reader.error else { return .done }
        sink.batch.append(number: number + 1, problem: error.reason, message: error.message, preview: reader.fragment)
        sink.batch.lastRecord = number + 1
        return .partial
    }

    // MARK: A record a line (JSON Lines, or text with --txt-split line)

    /// Each line a record, numbered by its line, so a reject names its line and a resumed run starts after
    /// the last committed one; lines for which `isBlank` holds are no records.
    private func readLines(_ plan: SourcePlan, _ reader: BufferedReader, _ sink: BatchSink,
                           skipping isBlank: (UnsafeRawBufferPointer) -> Bool) -> SourceStatus {
        var number: Int64 = 0
        while let line = reader.nextLine() {
            number += 1
            if number <= plan.resumeAfter { continue }
            switch line {
            case .bytes(let bytes):
                let text = number == 1 ? Self.withoutByteOrderMark(bytes) : bytes
                if !isBlank(text) { sink.batch.append(number: number, bytes: text) }
            case .tooLong(let length, let preview):
                sink.batch.append(number: number, problem: .tooLarge,
                             message: "line of \(length) bytes is over the limit of \(maxLineBytes) (--max-doc-bytes \(maxDocBytes))",
                             preview: preview)
            }
            sink.batch.lastRecord = number
            sink.flush()
            if sink.cancelled { return .reading }
        }
        return recordFailure(reader, after: number, sink)
    }

    private static func isASCIISpace(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes where !(byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0B || byte == 0x0C) { return false }
        return true
    }

    // MARK: Plain text

    private func readWhole(_ plan: SourcePlan, _ reader: BufferedReader, _ sink: BatchSink) -> SourceStatus {
        guard plan.resumeAfter < 1 else { return .done }
        var text: [UInt8] = []
        let limit = maxDocBytes + 3 // room for a byte-order mark
        _ = reader.read(count: limit + 1, into: &text)
        sink.batch.lastRecord = 1
        if let error = reader.error {
            sink.batch.append(number: 1, problem: error.reason, message: error.message, preview: Array(text.prefix(BufferedReader.previewBytes)))
            return .partial
        }
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text.removeFirst(3) } // the byte-order mark
        if text.count > maxDocBytes {
            sink.batch.append(number: 1, problem: .tooLarge, message: "file is over the limit of \(maxDocBytes) bytes (--max-doc-bytes)",
                         preview: Array(text.prefix(BufferedReader.previewBytes)))
            return .done
        }
        text.withUnsafeBytes { sink.batch.append(number: 1, bytes: $0) }
        return .done
    }

    /// One document per block of lines between blank lines (`--txt-split paragraph`): the record number is
    /// the block's first line. A block over --max-doc-bytes is rejected alone, without being buffered whole.
    private func readParagraphs(_ plan: SourcePlan, _ reader: BufferedReader, _ sink: BatchSink) -> SourceStatus {
        var number: Int64 = 0
        var block: [UInt8] = []
        var first: Int64 = 0      // the open block's first line; 0 when no block is open
        var overflow = 0          // bytes of an open block that went over the limit (then not buffered)
        var preview: [UInt8] = []
        func close() {
            defer { (first, overflow) = (0, 0); block.removeAll(keepingCapacity: true) }
            guard first > plan.resumeAfter else { return }
            if overflow > 0 {
                sink.batch.append(number: first, problem: .tooLarge,
                                  message: "paragraph of \(overflow) bytes is over the limit of \(maxDocBytes) (--max-doc-bytes)", preview: preview)
            } else {
                block.withUnsafeBytes { sink.batch.append(number: first, bytes: $0) }
            }
            sink.batch.lastRecord = first
            sink.flush()
        }
        while let line = reader.nextLine() {
            number += 1
            var length = 0
            switch line {
            case .bytes(let bytes):
                let text = number == 1 ? Self.withoutByteOrderMark(bytes) : bytes
                if UTF8Bytes.isBlank(text) {
                    if first > 0 { close() }
                    if sink.cancelled { return .reading }
                    continue
                }
                if first == 0 { first = number }
                length = text.count
                if overflow == 0 && block.count + length + 1 <= maxDocBytes {
                    if !block.isEmpty { block.append(0x0A) }
                    block.append(contentsOf: text)
                    continue
                }
                if overflow == 0 { preview = block.isEmpty ? Array(text.prefix(BufferedReader.previewBytes)) : Array(block.prefix(BufferedReader.previewBytes)) }
            case .tooLong(let tooLong, let linePreview):
                if first == 0 { first = number }
                if overflow == 0 { preview = block.isEmpty ? linePreview : Array(block.prefix(BufferedReader.previewBytes)) }
                length = tooLong
            }
            // Over the limit: count the block's bytes from here on without keeping them.
            if overflow == 0 { overflow = block.count }
            overflow += length + 1
            block.removeAll()
        }
        if first > 0 { close() }
        if sink.cancelled { return .reading }
        return recordFailure(reader, after: number, sink)
    }

    private static func withoutByteOrderMark(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? UnsafeRawBufferPointer(rebasing: bytes[3...]) : bytes
    }

    // MARK: WARC / WET

    /// The headers of one WARC record that ingest uses.
    private struct WARCHeaders {
        var type: String?
        var contentLength: Int?
        var targetURI: String?
        var date: String?
        var recordID: String?
        var contentType: String?
        var language: String?
    }

    private func readWARC(_ plan: SourcePlan, _ reader: BufferedReader, _ sink: BatchSink) -> SourceStatus {
        var number: Int64 = 0
        var body: [UInt8] = []
        var resyncing = false
        while let line = reader.nextLine() {
            guard case .bytes(let bytes) = line else { continue }
            if bytes.isEmpty { continue }
            guard bytes.starts(with: Array("WARC/".utf8)) else {
                if !resyncing {
                    number += 1
                    resyncing = true
                    if number > plan.resumeAfter {
                        sink.batch.append(number: number, problem: .malformedWARC, message: "expected a 'WARC/1.0' version line",
                                     preview: Array(bytes.prefix(BufferedReader.previewBytes)))
                        sink.batch.lastRecord = number
                    }
                }
                continue
            }
            resyncing = false
            number += 1
            let headers = readHeaders(reader)
            let skip = number <= plan.resumeAfter
            guard let headers, let length = headers.contentLength else {
                if !skip {
                    sink.batch.append(number: number, problem: .malformedWARC,
                                 message: headers == nil ? "record ends inside its headers" : "record has no valid Content-Length",
                                 preview: [])
                    sink.batch.lastRecord = number
                }
                resyncing = true
                continue
            }
            let isDocument = headers.type == "conversion"
            if skip || !isDocument || length > maxDocBytes {
                let skipped = reader.skip(count: length)
                if skipped < length {
                    return skip ? .partial : shortBody(reader, number: number, got: skipped, of: length, preview: [], sink)
                }
                if !skip && isDocument {
                    sink.batch.append(number: number, problem: .tooLarge,
                                 message: "record of \(length) bytes is over the limit of \(maxDocBytes) (--max-doc-bytes)", preview: [])
                }
                if !skip { sink.batch.lastRecord = number }
                continue
            }
            body.removeAll(keepingCapacity: true)
            let got = reader.read(count: length, into: &body)
            if got < length {
                return shortBody(reader, number: number, got: got, of: length, preview: body, sink)
            }
            body.withUnsafeBytes {
                sink.batch.append(number: number, bytes: $0, externalID: headers.recordID, metadata: metadataJSON(headers))
            }
            sink.batch.lastRecord = number
            sink.flush()
            if sink.cancelled { return .reading }
        }
        return recordFailure(reader, after: number, sink)
    }

    /// A record whose body the input ends inside: a truncated (or corrupt) source.
    private func shortBody(_ reader: BufferedReader, number: Int64, got: Int, of length: Int, preview: [UInt8],
                           _ sink: BatchSink) -> SourceStatus {
        let reason = reader.error?.reason ?? .truncated
        let message = reader.error?.message ?? "record body ends after \(got) of \(length) bytes"
        sink.batch.append(number: number, problem: reason, message: message, preview: Array(preview.prefix(BufferedReader.previewBytes)))
        sink.batch.lastRecord = number
        return .partial
    }

    /// Header lines up to the blank line; nil when the input ends first.
    private func readHeaders(_ reader: BufferedReader) -> WARCHeaders? {
        var headers = WARCHeaders()
        while let line = reader.nextLine() {
            guard case .bytes(let bytes) = line else { return nil }
            if bytes.isEmpty { return headers }
            guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: bytes[..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: bytes[(colon + 1)...], as: UTF8.self).trimmingSpaces
            switch name {
            case "warc-type": headers.type = value
            case "content-length": headers.contentLength = Int(value).flatMap { $0 >= 0 ? $0 : nil }
            case "warc-target-uri": headers.targetURI = value
            case "warc-date": headers.date = value
            case "warc-record-id": headers.recordID = value
            case "content-type": headers.contentType = value
            case "warc-identified-content-language": headers.language = value
            default: break
            }
        }
        return nil
    }

    private func metadataJSON(_ headers: WARCHeaders) -> String? {
        let fields: [(String, String?)] = [
            ("url", headers.targetURI), ("date", headers.date),
            ("content_type", headers.contentType), ("language", headers.language),
        ]
        let members = fields.compactMap { name, value in value.map { "\"\(name)\":\(JSONText.quote($0))" } }
        return members.isEmpty ? nil : "{" + members.joined(separator: ",") + "}"
    }
}

/// Collects records into batches and hands full batches to the pipeline, noting the reader's position.
private final class BatchSink {
    let context: SourceContext
    let reader: BufferedReader
    let maxRecords: Int
    let maxBytes: Int
    let emit: (IngestEvent<RawBatch>) -> Bool
    var batch: RawBatch
    private(set) var cancelled = false
    /// The last record number already sent on: an empty batch is sent only to move past it.
    private var sentThrough: Int64

    init(context: SourceContext, reader: BufferedReader, resumeAfter: Int64, maxRecords: Int, maxBytes: Int,
         emit: @escaping (IngestEvent<RawBatch>) -> Bool) {
        self.context = context
        self.reader = reader
        self.maxRecords = maxRecords
        self.maxBytes = maxBytes
        self.emit = emit
        batch = RawBatch(source: context)
        batch.lastRecord = resumeAfter
        sentThrough = resumeAfter
    }

    /// Sends the batch when it is full, or with `force` whenever it holds anything new.
    func flush(force: Bool = false) {
        guard !cancelled else { return }
        guard force || batch.records.count >= maxRecords || batch.arena.count >= maxBytes else { return }
        guard !batch.isEmpty || batch.lastRecord > sentThrough else { return }
        batch.fileOffset = reader.fileOffset
        batch.bytesRead = reader.bytesConsumed
        let last = batch.lastRecord
        sentThrough = last
        if !emit(.batch(batch)) { cancelled = true }
        batch = RawBatch(source: context)
        batch.lastRecord = last
    }
}

/// JSON string literals for metadata built by ingest itself.
enum JSONText {
    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

extension String {
    var trimmingSpaces: String {
        var view = Substring(self)
        while view.first == " " || view.first == "\t" { view.removeFirst() }
        while view.last == " " || view.last == "\t" { view.removeLast() }
        return String(view)
    }
}
