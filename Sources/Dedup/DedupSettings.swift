import Config
import Foundation

extension DedupOptions {
    /// The documented keys of a pipeline file's `dedup` section (pipelines/default.yaml), applied over
    /// these options. Other top-level sections belong to other stages and are left alone here.
    public mutating func apply(pipelineYAML yaml: String, source: String) throws {
        let reader = YAMLReader(source: source, hint: "see pipelines/default.yaml for every key and its default")
        let root = try reader.root(yaml)
        let top = try reader.keys(root, path: nil, allowed: PipelineSections.all)
        guard let section = top["dedup"] else { return }
        let dedup = try reader.keys(section.mapping, path: "dedup", allowed: ["exact", "minhash", "lines"])
        if let node = dedup["exact"] { exact = try reader.bool(node, "dedup.exact") }
        if let node = dedup["minhash"] {
            let keys = try reader.keys(node.mapping, path: "dedup.minhash",
                                       allowed: ["enabled", "shingle_words", "bands", "rows", "threshold", "verify", "seed", "bucket_window"])
            if let node = keys["enabled"] { minhash = try reader.bool(node, "dedup.minhash.enabled") }
            if let node = keys["shingle_words"] { parameters.shingleWords = try reader.integer(node, "dedup.minhash.shingle_words", range: 1...64) }
            if let node = keys["bands"] { parameters.bands = try reader.integer(node, "dedup.minhash.bands", range: 1...256) }
            if let node = keys["rows"] { parameters.rows = try reader.integer(node, "dedup.minhash.rows", range: 1...256) }
            if let node = keys["threshold"] {
                guard let value = try reader.number(node, "dedup.minhash.threshold", range: 0...1) else {
                    throw ConfigError(source: source, key: "dedup.minhash.threshold", message: "expected a number from 0 to 1", hint: reader.hint)
                }
                parameters.threshold = value
            }
            if let node = keys["verify"] {
                switch try reader.string(node, "dedup.minhash.verify") {
                case "exact": verifyExactly = true
                case "estimate": verifyExactly = false
                case let other: throw ConfigError(source: source, key: "dedup.minhash.verify", message: "expected exact or estimate, found '\(other)'", hint: reader.hint)
                }
            }
            if let node = keys["seed"] { parameters.seed = UInt64(try reader.integer(node, "dedup.minhash.seed", range: 0...Int.max)) }
            if let node = keys["bucket_window"] { bucketWindow = try reader.integer(node, "dedup.minhash.bucket_window", range: 1...100_000) }
        }
        if let node = dedup["lines"] {
            let keys = try reader.keys(node.mapping, path: "dedup.lines", allowed: ["enabled", "threshold"])
            if let node = keys["enabled"] { lines = try reader.bool(node, "dedup.lines.enabled") }
            if let node = keys["threshold"] { lineThreshold = try reader.integer(node, "dedup.lines.threshold", range: 1...Int(Int32.max)) }
        }
    }

    /// Reads a pipeline file and applies its `dedup` section.
    public mutating func apply(pipelineFile path: String) throws {
        guard let yaml = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError(source: path, key: nil, message: "cannot read the file")
        }
        try apply(pipelineYAML: yaml, source: path)
    }
}
