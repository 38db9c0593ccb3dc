import Core
import Config
import Foundation

/// A stored per-document metric that can rank documents.
public enum QualityMetric: String, Sendable, CaseIterable, Codable {
    case perplexity
    case bitsPerByte = "bits_per_byte"
    /// The learned quality model's score (`curate score --metric quality`; the newest model's).
    case quality
    /// The combined ranking of the newest quality model with a stacked model (`quality train --combine`).
    case combined
    /// The Moore–Lewis difference under the newest reference and its contrast (`score --metric perplexity --contrast`).
    case mooreLewis = "moore_lewis"
    case rouge
    case bleu

    /// Perplexity and bits per byte: lower is better. Overlap with exemplars: higher is better.
    public var lowerIsBetter: Bool { self == .perplexity || self == .bitsPerByte }

    /// The SQL that reads the metric for the document `x.seq` (`?1` is the newest reference model).
    var sql: String {
        switch self {
        // coalesce evaluates its second argument only when the scan's own row lacks the value.
        case .perplexity: "coalesce(x.pp, (SELECT p.perplexity FROM perplexity p WHERE p.model_id = ?1 AND p.seq = x.seq))"
        case .bitsPerByte: "coalesce(x.bpb, (SELECT p.bits_per_byte FROM perplexity p WHERE p.model_id = ?1 AND p.seq = x.seq))"
        case .quality: "coalesce(x.quality, (SELECT q.score FROM quality_scores q WHERE q.model_id = \(Self.newestQualityModel) AND q.seq = x.seq))"
        case .combined: "coalesce(x.cs, (SELECT c.score FROM combined_scores c WHERE c.model_id = \(Self.newestCombinedModel) AND c.seq = x.seq))"
        case .mooreLewis: "coalesce(x.ml, (SELECT l.difference FROM moore_lewis l WHERE l.reference_id = ?1 AND l.contrast_id = \(Self.newestContrastModel) AND l.seq = x.seq))"
        case .rouge, .bleu: "(SELECT max(o.score) FROM overlap_scores o WHERE o.metric = '\(rawValue)' AND o.seq = x.seq)"
        }
    }

    /// The quality model most recently used to score the store.
    static let newestQualityModel = "(SELECT id FROM quality_models ORDER BY created_at DESC, id DESC LIMIT 1)"

    /// The newest quality model with combined scores.
    static let newestCombinedModel = "(SELECT m.id FROM quality_models m WHERE EXISTS (SELECT 1 FROM combined_scores c WHERE c.model_id = m.id) ORDER BY m.created_at DESC, m.id DESC LIMIT 1)"

    /// The newest contrast model of the reference `?1`.
    static let newestContrastModel = "(SELECT id FROM lm_models WHERE contrast_for = ?1 ORDER BY created_at DESC, id DESC LIMIT 1)"


    /// The rows of the documents that have this metric: the table a ranking scan starts from. Scores
    /// are stored for first copies only, so ingest's byte-identical duplicates never appear here.
    var documents: String {
        switch self {
        case .perplexity, .bitsPerByte:
            "SELECT seq, document_id, language, perplexity AS pp, bits_per_byte AS bpb, NULL AS quality, NULL AS ml, NULL AS cs FROM perplexity WHERE model_id = ?1"
        case .quality:
            "SELECT seq, document_id, language, NULL AS pp, NULL AS bpb, score AS quality, NULL AS ml, NULL AS cs FROM quality_scores WHERE model_id = \(Self.newestQualityModel)"
        case .combined:
            "SELECT seq, document_id, language, NULL AS pp, NULL AS bpb, NULL AS quality, NULL AS ml, score AS cs FROM combined_scores WHERE model_id = \(Self.newestCombinedModel)"
        case .mooreLewis:
            "SELECT seq, document_id, language, NULL AS pp, NULL AS bpb, NULL AS quality, difference AS ml, NULL AS cs FROM moore_lewis WHERE reference_id = ?1 AND contrast_id = \(Self.newestContrastModel)"
        case .rouge, .bleu:
            "SELECT DISTINCT o.seq AS seq, o.document_id AS document_id, NULL AS language, NULL AS pp, NULL AS bpb, NULL AS quality, NULL AS ml, NULL AS cs FROM overlap_scores o WHERE o.metric = '\(rawValue)'"
        }
    }

    /// Perplexity is compared on a log scale when metrics are combined (it spans orders of magnitude).
    func transformed(_ value: Double) -> Double { self == .perplexity ? log(max(value, 1e-9)) : value }
}

/// Which part of the ranked documents to keep.
public enum Band: String, Sendable, Codable, CaseIterable {
    /// The documents with the lowest / middle / highest metric values (for perplexity, low is what
    /// cc_net keeps; Ankner et al. 2024 found the high or middle band better on some corpora).
    case low, middle, high
}

public enum ExportOrder: String, Sendable, Codable, CaseIterable {
    case quality, random, reverse
}

/// What `curate export` does.
public struct ExportOptions: Sendable, Equatable, Codable {
    /// The quality score: one metric with weight 1, or a weighted sum of z-scored metrics (a positive
    /// weight always means "better by this metric is better").
    public var score: [String: Double] = ["perplexity": 1]
    /// Keep this fraction of the ranked documents (1 = all).
    public var fraction = 1.0
    /// Keep a band of the metric's values instead of the best `fraction`.
    public var band: Band?
    /// Sample `fraction` of the documents with probability ∝ exp(quality / T) instead of cutting.
    public var sampleTemperature: Double?
    public var seed: UInt64 = 20_261_123
    public var order: ExportOrder = .quality
    public var maxTokens: Int64?
    public var maxBytes: Int64?
    /// Uncompressed bytes of JSON lines per shard.
    public var shardSize: Int64 = 256 << 20
    public var compressionLevel: Int32 = 3
    /// Drop lines that dedup found in more than its threshold of documents, keeping the first
    /// occurrence in export order (cc_net).
    public var dropRepeatedLines = false
    /// Keep documents the filters drop and duplicates (for inspection).
    public var includeFailed = false
    /// Filters as evidence, not cuts: documents the heuristic filters drop stay in the ranking (dedup's
    /// duplicates still do not), and the score decides. nil: soft when the score is the combined ranking
    /// alone (it weighs every statistic), hard otherwise — what measured best on the dev corpus
    /// (docs/filters.md, "Hard or soft").
    public var softFilters: Bool?

    /// Whether the filters' drops stay in the ranking under these options.
    public var filtersAreSoft: Bool { softFilters ?? (score.count == 1 && score[QualityMetric.combined.rawValue] != nil) }
    /// Rank each document by its percentile among the documents of its language (cc_net draws its
    /// head/middle/tail cut-offs per language, REFERENCE §2), so that a cut keeps the same fraction of
    /// every language: perplexities of different languages (and tokenizations) are not comparable.
    public var perLanguage = false
    public var threads = ProcessInfo.processInfo.activeProcessorCount

    public init() {}

    /// Everything but `threads`, which does not change the output (the manifest records the options).
    enum CodingKeys: String, CodingKey {
        case score, fraction, band, sampleTemperature, seed, order, maxTokens, maxBytes, shardSize, compressionLevel
        case dropRepeatedLines, includeFailed, softFilters, perLanguage
    }

    /// Whether the score is made of z-scores, which need every eligible document's mean and deviation: a
    /// combined (several metrics) or a sampled score.
    public var usesZScores: Bool { score.count > 1 || sampleTemperature != nil }

    /// Whether documents are ranked by their percentile within their language: `per_language`, unless the
    /// score is sampled (a sample is drawn from the whole corpus).
    public var ranksWithinLanguages: Bool { perLanguage && sampleTemperature == nil }

    /// The metrics of `score`, checked.
    public func metrics() throws -> [(QualityMetric, Double)] {
        guard !score.isEmpty else { throw ExportError("the score names no metric") }
        return try score.keys.sorted().map { name in
            guard let metric = QualityMetric(rawValue: name) else {
                throw ExportError("unknown score metric '\(name)' (known: \(QualityMetric.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let weight = score[name], weight.isFinite, weight != 0 else { throw ExportError("the weight of '\(name)' must be a non-zero number") }
            return (metric, weight)
        }
    }
}

/// An export that cannot be done, with what to do about it.
public struct ExportError: HintedError, Sendable {
    public let description: String
    public let hint: String?
    public init(_ description: String, hint: String? = nil) {
        self.description = description
        self.hint = hint
    }

    /// A failed write (a full disk above all), with the file and the system's reason.
    static func cannotWrite(_ path: String, _ error: any Error) -> ExportError {
        let underlying = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError) ?? (error as NSError)
        let reason = underlying.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32(underlying.code))) : error.localizedDescription
        return ExportError("cannot write \(path): \(reason)",
                           hint: "free space there (or export to another --out) and export again; unfinished shards are removed")
    }
}

extension ExportOptions {
    /// The `export` section of a pipeline file (pipelines/default.yaml documents every key).
    public mutating func apply(pipelineYAML yaml: String, source: String) throws {
        let reader = YAMLReader(source: source, hint: "see pipelines/default.yaml for every key and its default")
        let top = try reader.keys(try reader.root(yaml), path: nil, allowed: PipelineSections.all)
        guard let section = top["export"] else { return }
        let keys = try reader.keys(section.mapping, path: "export", allowed: [
            "score", "top", "select", "sample_temperature", "seed", "order", "max_tokens", "max_bytes", "shard_size",
            "compression_level", "drop_repeated_lines", "include_failed", "soft_filters", "per_language", "out",
        ])
        if let node = keys["score"] {
            let weights = try reader.keys(node.mapping, path: "export.score", allowed: Set(QualityMetric.allCases.map(\.rawValue)))
            score = [:]
            for (name, value) in weights {
                guard let weight = try reader.number(value, "export.score.\(name)", range: -1000...1000), weight != 0 else {
                    throw ConfigError(source: source, key: "export.score.\(name)", message: "expected a non-zero weight", hint: reader.hint)
                }
                score[name] = weight
            }
        }
        if let node = keys["top"] { fraction = try reader.number(node, "export.top", range: 0...1) ?? 1 }
        if let node = keys["select"] {
            let text = try reader.string(node, "export.select")
            guard let value = Band(rawValue: text) else {
                throw ConfigError(source: source, key: "export.select", message: "expected low, middle or high, found '\(text)'", hint: reader.hint)
            }
            band = value
        }
        if let node = keys["sample_temperature"] { sampleTemperature = try reader.number(node, "export.sample_temperature", range: 0.001...1000) }
        if let node = keys["seed"] { seed = UInt64(try reader.integer(node, "export.seed", range: 0...Int.max)) }
        if let node = keys["order"] {
            let text = try reader.string(node, "export.order")
            guard let value = ExportOrder(rawValue: text) else {
                throw ConfigError(source: source, key: "export.order", message: "expected quality, random or reverse, found '\(text)'", hint: reader.hint)
            }
            order = value
        }
        if let node = keys["max_tokens"] { maxTokens = (try reader.number(node, "export.max_tokens", range: 1...1e15)).map { Int64($0) } }
        if let node = keys["max_bytes"] { maxBytes = (try reader.number(node, "export.max_bytes", range: 1...1e15)).map { Int64($0) } }
        if let node = keys["shard_size"] { shardSize = Int64(try reader.integer(node, "export.shard_size", range: 1 << 10...Int(Int32.max) * 8)) }
        if let node = keys["compression_level"] { compressionLevel = Int32(try reader.integer(node, "export.compression_level", range: 1...19)) }
        if let node = keys["drop_repeated_lines"] { dropRepeatedLines = try reader.bool(node, "export.drop_repeated_lines") }
        if let node = keys["include_failed"] { includeFailed = try reader.bool(node, "export.include_failed") }
        if let node = keys["soft_filters"] { softFilters = try reader.bool(node, "export.soft_filters") }
        if let node = keys["per_language"] { perLanguage = try reader.bool(node, "export.per_language") }
    }

    public mutating func apply(pipelineFile path: String) throws {
        guard let yaml = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError(source: path, key: nil, message: "cannot read the file")
        }
        try apply(pipelineYAML: yaml, source: path)
    }
}
