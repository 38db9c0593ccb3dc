import CZlib
import Core
import Foundation
import Ingest
import Store

/// A fresh directory under the system temp dir, removed when the test ends.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array((NSTemporaryDirectory() + "/curate-test-XXXXXX").utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes bytes to a path relative to the directory (creating folders) and returns the full path.
    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8]) -> String {
        let full = path + "/" + relative
        try? FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: full, contents: Data(bytes))
        return full
    }

    @discardableResult
    func write(_ relative: String, _ text: String) -> String { write(relative, Array(text.utf8)) }

    func storePath(_ name: String = "curate.db") -> String { path + "/" + name }
}

/// Test corpora.
enum Corpus {
    /// A JSONL line with the given text.
    static func jsonl(id: String, text: String) -> String {
        let object: [String: String] = ["id": id, "text": text]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// `count` distinct good documents.
    static func goodLines(_ count: Int, prefix: String = "doc") -> [String] {
        (1...count).map { jsonl(id: "\(prefix)-\($0)", text: "Document \($0) of \(prefix): a sentence with words in it. 第\($0)篇文档。") }
    }

    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        var input = bytes
        let written = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                deflate(&stream, Z_FINISH)
                return outBuf.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(written))
    }

    static func zstd(_ bytes: [UInt8]) -> [UInt8] {
        try! ZstdCompressor(level: 3).compress(bytes)
    }
}

/// Runs ingest into a store and returns the summary.
@discardableResult
func ingest(_ paths: [String], store: Store, configure: (inout IngestOptions) -> Void = { _ in }) throws -> IngestSummary {
    var options = IngestOptions()
    options.threads = 2
    configure(&options)
    let runID = try store.beginRun(command: "ingest", arguments: paths)
    return try Ingestor(store: store, options: options, console: Console(quiet: true), runID: runID).run(paths: paths)
}

extension Store {
    /// The decoded texts of all documents, in insertion order.
    func allTexts() throws -> [String] {
        let statement = try connection.prepare("SELECT codec, text FROM documents ORDER BY seq")
        let decompressor = ZstdDecompressor()
        var texts: [String] = []
        while try statement.step() {
            let bytes = statement.blobBytes(1)
            let utf8 = statement.int(0) == 1 ? try decompressor.decompress(bytes) : Array(bytes)
            texts.append(String(decoding: utf8, as: UTF8.self))
        }
        return texts
    }

    func externalIDs() throws -> [String] {
        let statement = try connection.prepare("SELECT external_id FROM documents ORDER BY seq")
        var ids: [String] = []
        while try statement.step() { ids.append(statement.text(0) ?? "") }
        return ids
    }

    func count(_ sql: String) throws -> Int {
        Int(try connection.scalarInt(sql) ?? -1)
    }

    /// (reason, record) of every reject, in path and record order.
    func rejectReasons() throws -> [(String, Int64)] {
        try rejects().map { ($0.reason, $0.record) }
    }
}
