import Core
import Foundation
import Store

/// Ingest's reading and parsing of one file, without a store: what `curate ingest` would store and
/// reject from it. For the fuzz targets (Sources/CurateFuzz) and for tools that want to check a file.
public enum IngestProbe {
    public struct Result: Sendable, Equatable {
        public var documents = 0
        public var textBytes = 0
        /// Reject reasons, in record order.
        public var rejects: [String] = []
        public var status = ""
    }

    /// Reads `path` as ingest would (the format from the file name unless given).
    public static func read(path: String, format: InputFormat? = nil, maxDocBytes: Int = 10 << 20) -> Result {
        var result = Result()
        guard let format = format ?? InputFormat.detect(fileName: (path as NSString).lastPathComponent) else {
            result.status = "unsupported"
            return result
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int).map { Int64($0) } ?? 0
        let file = InputFile(path: path, displayPath: path, key: (path as NSString).lastPathComponent, format: format, size: size, mtime: 0)
        let context = SourceContext(id: 1, key: file.key, path: path, displayPath: path, format: format.records)
        let plan = SourcePlan(file: file, source: SourceFile(key: file.key, path: path, format: format.records.rawValue,
                                                             compression: format.compression.rawValue, size: size, mtime: 0,
                                                             fingerprint: Hash128(high: 0, low: 0)),
                              context: context, resumeAfter: 0)
        let preparer = RecordPreparer(textField: "text", idField: "id", maxDocBytes: maxDocBytes, compressionLevel: 0, compressMinBytes: .max)
        _ = SourceReader(maxDocBytes: maxDocBytes).read(plan) { event in
            switch event {
            case .begin: break
            case .batch(let batch):
                for record in preparer.prepare(batch).records {
                    switch record {
                    case .document(let document):
                        result.documents += 1
                        result.textBytes += document.byteLength
                    case .reject(_, let reason, _, _):
                        result.rejects.append(reason.rawValue)
                    }
                }
            case .end(_, let status, _, _):
                result.status = "\(status)"
            }
            return true
        }
        return result
    }
}
