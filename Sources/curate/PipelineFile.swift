import Config
import Foundation
import Yams

/// The parts of a pipeline file (pipelines/default.yaml) that `curate run` reads: what to read, where
/// the store is, which stages run, and how to split and schedule the work. The dedup and export stages
/// read their own sections of the same file.
struct PipelineFile {
    enum Stage: String, CaseIterable {
        case ingest, heuristics, dedup, perplexity, export, train
        /// Stages a partition runs on its own store (dedup only signs there).
        var inPartition: Bool { self == .ingest || self == .heuristics || self == .dedup }
        /// Stages that run on the merged store (dedup searches candidates and clusters there).
        var onMergedStore: Bool { self == .dedup || !inPartition }
    }

    struct Slurm {
        var time = "02:00:00"
        var memory = "8G"
        var cpusPerTask = 2
        var partition: String?
        var account: String?
    }

    var path: String
    var text: String
    var inputs: [String] = []
    var store = "curate.db"
    var stages: [Stage] = [.ingest, .heuristics, .dedup, .perplexity, .export]
    var ingestArguments: [String] = []
    var profile: String?
    var exportOut = "out/export"
    var trainConfig: String?
    var trainOut = "out/run"
    var partitions = 1
    var partitionDirectory: String?
    /// Tasks sharing hash space in a partitioned dedup, and writing the shards of a partitioned export
    /// (default: one per partition).
    var buckets: Int?
    var writers: Int?
    var slurm = Slurm()
    /// Each section's YAML as written, for the stages' fingerprints.
    var sections: [String: String] = [:]

    static let hint = "see pipelines/default.yaml for every key and its default"

    static func load(_ path: String) throws -> PipelineFile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError(source: path, key: nil, message: "cannot read the file")
        }
        let reader = YAMLReader(source: path, hint: hint)
        let keys = try reader.keys(try reader.root(text), path: nil, allowed: PipelineSections.all)
        var file = PipelineFile(path: path, text: text)
        for (name, node) in keys { file.sections[name] = (try? Yams.serialize(node: node)) ?? "" }
        if let node = keys["inputs"] {
            file.inputs = try reader.strings(node, "inputs", nonEmptyItems: true)
            guard !file.inputs.isEmpty else { throw reader.fail("inputs", "name at least one file or directory") }
        }
        if let node = keys["store"] { file.store = try reader.string(node, "store") }
        if let node = keys["stages"] {
            let names = try reader.strings(node, "stages")
            let stages = try names.map { name -> Stage in
                guard let stage = Stage(rawValue: name) else {
                    throw reader.fail("stages", "unknown stage '\(name)' (known, in order: \(Stage.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                return stage
            }
            // Stages always run in pipeline order, whatever order the list has.
            file.stages = Stage.allCases.filter(stages.contains)
        }
        if let node = keys["ingest"] {
            let section = try reader.keys(node.mapping, path: "ingest", allowed: ["glob", "format", "text_field", "id_field", "max_doc_bytes",
                                                                                 "compression_level", "txt_split"])
            for (key, option) in [("glob", "--glob"), ("format", "--format"), ("text_field", "--text-field"), ("id_field", "--id-field"),
                                  ("txt_split", "--txt-split")] {
                if let value = section[key], !reader.isNull(value) { file.ingestArguments += [option, try reader.string(value, "ingest.\(key)")] }
            }
            if let value = section["max_doc_bytes"] {
                file.ingestArguments += ["--max-doc-bytes", String(try reader.integer(value, "ingest.max_doc_bytes", range: 1...Int(Int32.max)))]
            }
            if let value = section["compression_level"] {
                file.ingestArguments += ["--compression-level", String(try reader.integer(value, "ingest.compression_level", range: 0...19))]
            }
        }
        if let node = keys["score"] {
            let section = try reader.keys(node.mapping, path: "score", allowed: ["profile"])
            if let value = section["profile"], !reader.isNull(value) { file.profile = try reader.string(value, "score.profile") }
        }
        if let node = keys["export"], let mapping = node.mapping, let out = mapping["out"] {
            file.exportOut = try reader.string(out, "export.out")
        }
        if let node = keys["train"] {
            let section = try reader.keys(node.mapping, path: "train", allowed: ["config", "out"])
            if let value = section["config"], !reader.isNull(value) { file.trainConfig = try reader.string(value, "train.config") }
            if let value = section["out"] { file.trainOut = try reader.string(value, "train.out") }
        }
        if let node = keys["partitions"] {
            let section = try reader.keys(node.mapping, path: "partitions", allowed: ["count", "directory", "buckets", "writers"])
            if let value = section["buckets"] { file.buckets = try reader.integer(value, "partitions.buckets", range: 1...100_000) }
            if let value = section["writers"] { file.writers = try reader.integer(value, "partitions.writers", range: 1...100_000) }
            if let value = section["count"] { file.partitions = try reader.integer(value, "partitions.count", range: 1...100_000) }
            if let value = section["directory"], !reader.isNull(value) { file.partitionDirectory = try reader.string(value, "partitions.directory") }
        }
        if let node = keys["slurm"] {
            let section = try reader.keys(node.mapping, path: "slurm", allowed: ["time", "mem", "cpus_per_task", "partition", "account"])
            if let value = section["time"] { file.slurm.time = try reader.string(value, "slurm.time") }
            if let value = section["mem"] { file.slurm.memory = try reader.string(value, "slurm.mem") }
            if let value = section["cpus_per_task"] { file.slurm.cpusPerTask = try reader.integer(value, "slurm.cpus_per_task", range: 1...1024) }
            if let value = section["partition"], !reader.isNull(value) { file.slurm.partition = try reader.string(value, "slurm.partition") }
            if let value = section["account"], !reader.isNull(value) { file.slurm.account = try reader.string(value, "slurm.account") }
        }
        if file.stages.contains(.ingest) && file.inputs.isEmpty {
            throw reader.fail("inputs", "the ingest stage needs inputs: a list of files or directories")
        }
        return file
    }

    /// Where partition k's store goes.
    func partitionStore(_ index: Int, store: String) -> String {
        (partitionDirectory ?? store + ".parts") + "/" + String(format: "part-%05d.db", index)
    }
}
