import Config
import Export
import Foundation
import Train

/// pipelines/experiment.yaml: what `curate experiment` trains and compares.
struct ExperimentConfig {
    /// The arms of the experiment, each a selection and an order of the ranked survivors.
    enum Arm: String, CaseIterable {
        /// (a) every surviving document, random order
        case allRandom = "all-random"
        /// (b) the top fraction, best first
        case topQuality = "top-quality"
        /// (c) the same documents, worst first
        case topReverse = "top-reverse"
        /// (d) the same documents, random order
        case topRandom = "top-random"
        /// (e) the middle band (cc_net's 30th to 60th percentile of the ranking), best first
        case middle

        var letter: String { ["a", "b", "c", "d", "e"][Self.allCases.firstIndex(of: self)!] }
        var summary: String {
            switch self {
            case .allRandom: "all surviving documents, random order"
            case .topQuality: "top fraction, quality order (best first)"
            case .topReverse: "top fraction, reverse order (worst first)"
            case .topRandom: "top fraction, random order"
            case .middle: "middle band (30th–60th percentile), quality order"
            }
        }
    }

    /// An arm to run: a selection and order, over the ranking by one score, trained with one objective
    /// (`kind[@score][/objective]`, e.g. `top-quality@combined/masked`; without `@`, the experiment's
    /// `score`; without `/`, the objective of the train settings).
    struct ArmSpec: Equatable {
        var kind: Arm
        var score: String?
        var objective: Objective?

        var name: String { kind.rawValue + (score.map { "@" + $0 } ?? "") + (objective.map { "/" + $0.rawValue } ?? "") }
        var summary: String {
            kind.summary + (score.map { ", ranked by \($0)" } ?? "") + (objective.map { ", \($0.rawValue) objective" } ?? "")
        }

        init(kind: Arm, score: String? = nil, objective: Objective? = nil) {
            self.kind = kind
            self.score = score
            self.objective = objective
        }

        init?(_ text: String) {
            let training = text.split(separator: "/", maxSplits: 1).map(String.init)
            var objective: Objective?
            if training.count == 2 {
                guard let named = Objective(rawValue: training[1]) else { return nil }
                objective = named
            }
            let parts = training[0].split(separator: "@", maxSplits: 1).map(String.init)
            guard let kind = Arm(rawValue: parts[0]) else { return nil }
            if parts.count == 2 {
                guard QualityMetric(rawValue: parts[1]) != nil else { return nil }
                self.init(kind: kind, score: parts[1], objective: objective)
            } else {
                self.init(kind: kind, objective: objective)
            }
        }
    }

    struct Finetune {
        var train: String
        var val: String
        var test: String?
        var labelField = "label"
        var settings = FinetuneConfig()
    }

    var store = "curate.db"
    var out = "out/experiment"
    var trainConfig: String?
    var steps: Int?
    var top = 0.3
    /// Rank within each language (export --per-language): the top fraction of every language.
    var perLanguage = true
    var arms: [ArmSpec] = Arm.allCases.map { ArmSpec(kind: $0) }
    /// The score arms rank by when they name none (nil: export's default).
    var score: String?
    var seed: UInt64 = 7
    /// Every arm runs once per seed (model initialisation, random orders, fine-tuning); with more than
    /// one, the report gives each arm's mean and spread.
    var seeds: [UInt64] { extraSeeds.isEmpty ? [seed] : extraSeeds }
    var extraSeeds: [UInt64] = []
    var validation: String?
    var validationLabel: String?
    var holdOutEvery = 20
    var targetLoss: Double?
    var finetune: Finetune?
    var report: String?
    var source = ""

    static let hint = "see pipelines/experiment.yaml for every key"

    static func load(_ path: String) throws -> ExperimentConfig {
        guard let yaml = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError(source: path, key: nil, message: "cannot read the file")
        }
        let reader = YAMLReader(source: path, hint: hint)
        let keys = try reader.keys(try reader.root(yaml), path: nil, allowed: [
            "store", "out", "train", "steps", "top", "per_language", "arms", "score", "seed", "seeds", "validation", "validation_label",
            "hold_out_every", "target_loss",
            "finetune", "report",
        ])
        var config = ExperimentConfig()
        config.source = yaml
        if let node = keys["store"] { config.store = try reader.string(node, "store") }
        if let node = keys["out"] { config.out = try reader.string(node, "out") }
        if let node = keys["train"] { config.trainConfig = try reader.string(node, "train") }
        if let node = keys["steps"] { config.steps = try reader.integer(node, "steps", range: 1...100_000_000) }
        if let node = keys["top"], let value = try reader.number(node, "top", range: 0.01...1) { config.top = value }
        if let node = keys["per_language"] { config.perLanguage = try reader.bool(node, "per_language") }
        if let node = keys["arms"] {
            config.arms = try reader.strings(node, "arms").map { name in
                guard let arm = ArmSpec(name) else {
                    throw reader.fail("arms", "unknown arm '\(name)' (known: \(Arm.allCases.map(\.rawValue).joined(separator: ", ")), "
                                      + "each optionally @score: \(QualityMetric.allCases.map(\.rawValue).joined(separator: ", ")), "
                                      + "and /objective: \(Objective.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                return arm
            }
            guard !config.arms.isEmpty else { throw reader.fail("arms", "name at least one arm") }
            guard Set(config.arms.map(\.name)).count == config.arms.count else { throw reader.fail("arms", "an arm is named twice") }
        }
        if let node = keys["score"], !reader.isNull(node) {
            let name = try reader.string(node, "score")
            guard QualityMetric(rawValue: name) != nil else {
                throw reader.fail("score", "unknown score '\(name)' (known: \(QualityMetric.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            config.score = name
        }
        if let node = keys["seed"] { config.seed = UInt64(try reader.integer(node, "seed", range: 0...Int.max)) }
        if let node = keys["seeds"] {
            let values = try reader.integers(node, "seeds", range: 0...Int.max)
            guard !values.isEmpty, Set(values).count == values.count else { throw reader.fail("seeds", "list one or more different seeds") }
            config.extraSeeds = values.map(UInt64.init)
        }
        if let node = keys["validation"], !reader.isNull(node) { config.validation = try reader.string(node, "validation") }
        if let node = keys["validation_label"], !reader.isNull(node) { config.validationLabel = try reader.string(node, "validation_label") }
        if let node = keys["hold_out_every"] { config.holdOutEvery = try reader.integer(node, "hold_out_every", range: 2...1_000_000) }
        if let node = keys["target_loss"] { config.targetLoss = try reader.number(node, "target_loss", range: 0...100) }
        if let node = keys["report"], !reader.isNull(node) { config.report = try reader.string(node, "report") }
        if let node = keys["finetune"], !reader.isNull(node) {
            let section = try reader.keys(node.mapping, path: "finetune", allowed: [
                "train", "val", "test", "label_field", "epochs", "batch", "learning_rate", "patience", "max_tokens", "dropout", "weight_decay",
            ])
            guard let train = section["train"], let val = section["val"] else { throw reader.fail("finetune", "needs train and val") }
            var finetune = Finetune(train: try reader.string(train, "finetune.train"), val: try reader.string(val, "finetune.val"))
            if let node = section["test"], !reader.isNull(node) { finetune.test = try reader.string(node, "finetune.test") }
            if let node = section["label_field"] { finetune.labelField = try reader.string(node, "finetune.label_field") }
            if let node = section["epochs"] { finetune.settings.epochs = try reader.integer(node, "finetune.epochs", range: 1...10_000) }
            if let node = section["batch"] { finetune.settings.batch = try reader.integer(node, "finetune.batch", range: 1...4096) }
            if let node = section["patience"] { finetune.settings.patience = try reader.integer(node, "finetune.patience", range: 1...10_000) }
            if let node = section["max_tokens"] { finetune.settings.maxTokens = try reader.integer(node, "finetune.max_tokens", range: 2...8192) }
            if let node = section["learning_rate"], let value = try reader.number(node, "finetune.learning_rate", range: 1e-7...1) {
                finetune.settings.learningRate = value
            }
            if let node = section["dropout"], let value = try reader.number(node, "finetune.dropout", range: 0...0.9) { finetune.settings.dropout = value }
            if let node = section["weight_decay"], let value = try reader.number(node, "finetune.weight_decay", range: 0...10) {
                finetune.settings.weightDecay = value
            }
            config.finetune = finetune
        }
        return config
    }
}
