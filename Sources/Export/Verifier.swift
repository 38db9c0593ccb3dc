import Core
import Foundation

/// `curate export --verify DIR`: the shards are the ones the manifest describes, whole and in order.
public enum Verifier {
    public struct Report: Codable, Sendable {
        public var directory: String
        public var shards: Int
        public var documents: Int
        public var bytes: Int64
        public var problems: [String]
        public var ok: Bool { problems.isEmpty }
    }

    /// Equal up to the last bit or two: Foundation's JSON parser on Linux does not always round-trip
    /// the 17th significant digit.
    static func same(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(b)) }

    /// Checks every shard's size, SHA-256, document count and first and last score against the manifest;
    /// that each line is a JSON object with an id and a text; that no id appears twice; that in quality
    /// order scores never go from better to worse across the whole export; and that no other shard files
    /// lie in the directory.
    public static func verify(directory: String) throws -> Report {
        let manifest = try Manifest.read(from: directory)
        var report = Report(directory: directory, shards: manifest.shards.count, documents: 0, bytes: 0, problems: [])
        let listed = Set(manifest.shards.map(\.file))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where name.hasPrefix("shard-") && name.hasSuffix(".jsonl.zst") && !listed.contains(name) {
            report.problems.append("\(name): a shard the manifest does not list")
        }
        let ascending = try manifest.options.metrics().count == 1 && manifest.options.sampleTemperature == nil
            && manifest.options.metrics()[0].0.lowerIsBetter == (manifest.options.metrics()[0].1 > 0)
        var previous: Double?
        var ids = Set<Int64>()
        for shard in manifest.shards {
            let path = directory + "/" + shard.file
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  let size = (attributes[.size] as? NSNumber)?.int64Value else {
                report.problems.append("\(shard.file): missing")
                continue
            }
            report.bytes += size
            if size != shard.bytes { report.problems.append("\(shard.file): \(size) bytes, the manifest says \(shard.bytes)") }
            if try ShardFile.sha256(path: path) != shard.sha256 { report.problems.append("\(shard.file): SHA-256 differs from the manifest") }
            var documents = 0, jsonBytes: Int64 = 0
            var first: Double?, last: Double?
            do {
                try ZstdLines.forEach(path: path) { line in
                    documents += 1
                    jsonBytes += Int64(line.count) + 1
                    // `id` is the record's own id (any string) or curate's; `metadata.curate.id` is always curate's.
                    guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                          object["id"] is String, object["text"] is String,
                          let (id, curateScore) = ExportedDocuments.curateFields(object), let score = curateScore else {
                        if report.problems.count < 50 { report.problems.append("\(shard.file): line \(documents) is not a curate document") }
                        return
                    }
                    if !ids.insert(id).inserted, report.problems.count < 50 { report.problems.append("\(shard.file): document \(id) appears twice") }
                    if first == nil { first = score }
                    last = score
                    if manifest.options.order == .quality, let before = previous, ascending ? score < before : score > before,
                       manifest.options.sampleTemperature == nil, report.problems.count < 50 {
                        report.problems.append("\(shard.file): line \(documents) is ranked better than the line before it")
                    }
                    previous = score
                }
            } catch {
                report.problems.append("\(shard.file): \(error)")
            }
            report.documents += documents
            if documents != shard.documents { report.problems.append("\(shard.file): \(documents) documents, the manifest says \(shard.documents)") }
            if jsonBytes != shard.jsonBytes { report.problems.append("\(shard.file): \(jsonBytes) bytes of JSON lines, the manifest says \(shard.jsonBytes)") }
            if let first, !same(first, shard.firstScore) { report.problems.append("\(shard.file): first score \(first), the manifest says \(shard.firstScore)") }
            if let last, !same(last, shard.lastScore) { report.problems.append("\(shard.file): last score \(last), the manifest says \(shard.lastScore)") }
        }
        if report.documents != manifest.written {
            report.problems.append("the shards hold \(report.documents) documents, the manifest says \(manifest.written) were written")
        }
        return report
    }
}

/// The documents of an export, in its order (shard by shard, line by line), by curate id.
public enum ExportedDocuments {
    /// curate's id and score of an exported line (`metadata.curate`), nil when it has no curate id.
    static func curateFields(_ object: [String: Any]) -> (id: Int64, score: Double?)? {
        guard let metadata = object["metadata"] as? [String: Any], let curate = metadata["curate"] as? [String: Any],
              let idText = curate["id"] as? String, let id = Int64(idText) else { return nil }
        return (id, (curate["score"] as? NSNumber)?.doubleValue)
    }

    public static func curateIDs(directory: String) throws -> [Int64] {
        let manifest = try Manifest.read(from: directory)
        var ids: [Int64] = []
        for shard in manifest.shards {
            let path = directory + "/" + shard.file
            try ZstdLines.forEach(path: path) { line in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                      let (id, _) = curateFields(object) else {
                    throw ExportError("\(path): line \(ids.count + 1) is not a curate document")
                }
                ids.append(id)
            }
        }
        return ids
    }
}
