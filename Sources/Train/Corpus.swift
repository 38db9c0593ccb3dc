import Core
import Foundation

/// The order documents are trained in.
public enum DataOrder: String, Sendable, Codable, CaseIterable {
    /// The shards' order: export writes the best documents first.
    case asExported = "as-exported"
    case random
    case reverse
}

/// Documents read from an export directory (its shards in manifest order) or a JSON-lines file.
public enum ShardReader {
    /// The shard files of an export directory, in the manifest's order; or the path itself when it is a file.
    public static func files(_ path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw TrainError("\(path): no such file or directory") }
        guard isDirectory.boolValue else { return [path] }
        if let data = FileManager.default.contents(atPath: path + "/manifest.json"),
           let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let shards = manifest["shards"] as? [[String: Any]] {
            return shards.compactMap { $0["file"] as? String }.map { path + "/" + $0 }
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
            .filter { $0.hasSuffix(".jsonl") || $0.hasSuffix(".jsonl.zst") }.sorted()
        guard !names.isEmpty else { throw TrainError("\(path): no manifest.json and no .jsonl or .jsonl.zst files") }
        return names.map { path + "/" + $0 }
    }

    /// Calls `body` with each document's id (or its position) and text, in order.
    public static func forEachDocument(_ path: String, _ body: (String, String) throws -> Void) throws {
        var position = 0
        for file in try files(path) {
            func line(_ bytes: UnsafeRawBufferPointer) throws {
                guard bytes.count > 0 else { return }
                position += 1
                guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
                      let text = object["text"] as? String else {
                    throw TrainError("\(file): line \(position) is not a JSON object with a text")
                }
                try body((object["id"] as? String) ?? String(position), text)
            }
            if file.hasSuffix(".zst") {
                try ZstdLines.forEach(path: file, line)
            } else {
                guard let data = FileManager.default.contents(atPath: file) else { throw TrainError("\(file): cannot read") }
                try data.withUnsafeBytes { raw in
                    var start = 0
                    for index in 0..<raw.count where raw[index] == 0x0A {
                        try line(UnsafeRawBufferPointer(rebasing: raw[start..<index]))
                        start = index + 1
                    }
                    if start < raw.count { try line(UnsafeRawBufferPointer(rebasing: raw[start..<raw.count])) }
                }
            }
        }
    }
}

/// The training and validation token streams: each document's tokens followed by the separator token
/// (the tokenizer's vocabulary size, the model's last token).
public struct TokenCorpus: Sendable {
    public var train: [Int32] = []
    public var validation: [Int32] = []
    public var trainDocuments = 0
    public var validationDocuments = 0
    /// Ids of the held-out documents (recorded in the run directory).
    public var heldOut: [String] = []
    public var bytes: Int64 = 0
    public var encodeSeconds = 0.0

    public init() {}

    /// Tokenizes the documents of `shards` in `order`; every `holdOutEvery`-th document (by position in
    /// the export, before reordering) is held out unless `validation` names separate documents.
    public static func load(shards: String, validation: String?, tokenizer: BPETokenizer, holdOutEvery: Int, order: DataOrder,
                            seed: UInt64) throws -> TokenCorpus {
        var corpus = TokenCorpus()
        let separator = Int32(tokenizer.vocabularySize)
        var cache: [ArraySlice<UInt8>: [Int32]] = [:]
        var documents: [[Int32]] = []
        var position = 0
        let started = DispatchTime.now()
        func encode(_ text: String) -> [Int32] {
            var tokens: [Int32] = []
            var utf8 = text
            utf8.withUTF8 { tokenizer.encode(UnsafeRawBufferPointer($0), into: &tokens, cache: &cache) }
            tokens.append(separator)
            return tokens
        }
        try ShardReader.forEachDocument(shards) { id, text in
            position += 1
            corpus.bytes += Int64(text.utf8.count)
            if validation == nil && position % holdOutEvery == 0 {
                corpus.validation += encode(text)
                corpus.validationDocuments += 1
                corpus.heldOut.append(id)
            } else {
                documents.append(encode(text))
            }
        }
        if let validation {
            try ShardReader.forEachDocument(validation) { id, text in
                corpus.validation += encode(text)
                corpus.validationDocuments += 1
                corpus.heldOut.append(id)
            }
        }
        switch order {
        case .asExported: break
        case .reverse: documents.reverse()
        case .random:
            var random = SplitMix(seed: seed ^ 0x0DA7A)
            for index in stride(from: documents.count - 1, to: 0, by: -1) {
                documents.swapAt(index, Int(random.next() % UInt64(index + 1)))
            }
        }
        corpus.trainDocuments = documents.count
        corpus.train = documents.flatMap { $0 }
        corpus.encodeSeconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return corpus
    }
}

extension BPETokenizer {
    /// Trains a tokenizer on the documents of `shards`, up to `sampleBytes` of text (in export order).
    public static func train(shards: String, vocabularySize: Int, sampleBytes: Int64) throws -> BPETokenizer {
        var counts: [[UInt8]: Int] = [:]
        var bytes: Int64 = 0
        try ShardReader.forEachDocument(shards) { _, text in
            guard bytes < sampleBytes else { return }
            bytes += Int64(text.utf8.count)
            var copy = text
            copy.withUTF8 { utf8 in
                Pretokenizer.chunks(UnsafeRawBufferPointer(utf8)) { counts[Array($0), default: 0] += 1 }
            }
        }
        guard !counts.isEmpty else { throw TrainError("\(shards): no text to train a tokenizer on") }
        return try train(chunkCounts: counts, vocabularySize: vocabularySize)
    }
}
