import Core
import Foundation

/// `manifest.json`, written beside the shards after the last one: what was exported, from what, how.
public struct Manifest: Codable, Sendable, Equatable {
    public struct Shard: Codable, Sendable, Equatable {
        public var file: String
        /// Compressed bytes on disk.
        public var bytes: Int64
        /// Uncompressed bytes of the JSON lines.
        public var jsonBytes: Int64
        public var documents: Int
        public var sha256: String
        /// The score of the shard's first and last document.
        public var firstScore: Double
        public var lastScore: Double
    }

    public var format = "curate-export/1"
    public var curate: String
    /// The export's arguments, without the store and output paths (so two exports of one store agree).
    public var command: [String]
    public var options: ExportOptions
    /// XXH3-128 of every document's id and content hash in store order: which corpus this came from.
    public var storeFingerprint: String
    /// The reference model perplexity was read under, if any.
    public var model: String?
    /// The quality model the score read, when it names `quality` (file name).
    public var qualityModel: String?
    public var counts: ExclusionCounts
    public var selected: Int
    public var written: Int
    /// Documents left out by --max-tokens / --max-bytes, or emptied by repeated-line removal.
    public var cappedOut: Int
    public var emptied: Int
    public var droppedLines: Int64
    public var textBytes: Int64
    public var tokens: Int64
    public var shards: [Shard]

    public static let fileName = "manifest.json"

    func write(to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        let temporary = directory + "/." + Self.fileName + ".tmp"
        try data.write(to: URL(fileURLWithPath: temporary))
        try ShardFile.rename(temporary, directory + "/" + Self.fileName)
    }

    public static func read(from directory: String) throws -> Manifest {
        let path = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExportError("\(path): no manifest (not an export directory, or the export did not finish)")
        }
        do {
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw ExportError("\(path): not a curate manifest (\(error))")
        }
    }
}

/// One shard being written: JSON lines compressed into `.<name>.tmp`, hashed as they go, renamed to
/// `<name>` when complete, so a killed export never leaves a shard that looks finished.
final class ShardFile {
    let name: String
    let path: String
    private let temporary: String
    private let handle: FileHandle
    private let hasher = SHA256Hasher()
    private var compressor: ZstdStreamCompressor!
    var documents = 0
    var firstScore = 0.0
    var lastScore = 0.0

    static func fileName(_ index: Int) -> String { String(format: "shard-%05d.jsonl.zst", index) }

    init(directory: String, index: Int, level: Int32) throws {
        name = Self.fileName(index)
        path = directory + "/" + name
        temporary = directory + "/." + name + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
            throw ExportError("cannot create \(temporary)")
        }
        self.handle = handle
        // Two zstd worker threads always (not --threads): libzstd's multithreaded frames are the same
        // for any number of workers (zstd -T1, -T2 and -T4 write identical bytes), but not the same as
        // a single-threaded one's, so the mode is fixed; the second worker uses idle time on the cores.
        let temporary = self.temporary
        compressor = try ZstdStreamCompressor(level: level, workers: 2) { [unowned self] chunk in
            self.hasher.update(chunk)
            do {
                try self.handle.write(contentsOf: Data(chunk))
            } catch {
                throw ExportError.cannotWrite(temporary, error)
            }
        }
    }

    private(set) var jsonBytes: Int64 = 0

    /// Counts one document whose line is (or will be) written with `write`.
    func count(_ lineBytes: Int, score: Double) {
        if documents == 0 { firstScore = score }
        lastScore = score
        documents += 1
        jsonBytes += Int64(lineBytes)
    }

    /// Writes JSON lines (one or several documents' back to back) into the shard.
    func write(_ lines: UnsafeRawBufferPointer) throws {
        try compressor.write(lines)
    }

    func finish() throws -> Manifest.Shard {
        try compressor.finish()
        try handle.synchronize()
        try handle.close()
        try Self.rename(temporary, path)
        let digest = hasher.hexDigest()
        return Manifest.Shard(file: name, bytes: compressor.bytesOut, jsonBytes: compressor.bytesIn, documents: documents,
                              sha256: digest, firstScore: firstScore, lastScore: lastScore)
    }

    static func rename(_ from: String, _ to: String) throws {
        guard Foundation.rename(from, to) == 0 else { throw ExportError("cannot rename \(from) to \(to): \(String(cString: strerror(errno)))") }
        CrashPoint.reached("rename")
    }

    /// SHA-256 of a file, hex.
    static func sha256(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ExportError("cannot open \(path)") }
        defer { try? handle.close() }
        let hasher = SHA256Hasher()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { chunk.withUnsafeBytes { hasher.update($0) } }
        return hasher.hexDigest()
    }
}
