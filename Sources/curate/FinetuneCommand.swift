import ArgumentParser
import Core
import Foundation
import Train

/// `curate finetune`
struct FinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Fine-tune a trained model to classify text: a head on the pooled final hidden state.",
        discussion: """
            AdamW with linear warmup over the first 10% of the steps and cosine decay, weight decay on the \
            matrices, dropout, gradient clipping; the validation set is scored after every epoch, and \
            training stops when its accuracy has not improved for --patience epochs. The best epoch's \
            model is kept as out/best.ckpt; out/log.csv has every epoch. Data: .jsonl (text under "text", \
            the label under --label-field) or .tsv with a header row.

            Example: curate finetune --model run/best.ckpt --train samples/task/train.tsv \
            --val samples/task/val.tsv --label-field label --out ft/
            """)

    @Option(name: .long, help: ArgumentHelp("The pretrained model: best.ckpt of curate train, or its run directory.", valueName: "path"))
    var model: String

    @Option(name: .long, help: ArgumentHelp("Labelled training examples (.jsonl or .tsv).", valueName: "path"))
    var train: String

    @Option(name: .long, help: ArgumentHelp("Labelled validation examples: early stopping and the best epoch.", valueName: "path"))
    var val: String

    @Option(name: .long, help: ArgumentHelp("Labelled test examples, scored once with the best epoch's model.", valueName: "path"))
    var test: String?

    @Option(name: .long, help: ArgumentHelp("The field (JSON) or column (TSV) holding the label.", valueName: "name"))
    var labelField = "label"

    @Option(name: .long, help: ArgumentHelp("The directory to write best.ckpt and log.csv to.", valueName: "dir"))
    var out: String

    @Option(name: .long, help: "Most epochs.") var epochs = FinetuneConfig().epochs
    @Option(name: .long, help: "Examples per step.") var batch = FinetuneConfig().batch
    @Option(name: .long, help: "Peak learning rate (REFERENCE: 2e-5…5e-4).") var lr = FinetuneConfig().learningRate
    @Option(name: .long, help: "Weight decay on the matrices.") var weightDecay = FinetuneConfig().weightDecay
    @Option(name: .long, help: "Dropout probability.") var dropout = FinetuneConfig().dropout
    @Option(name: .long, help: "Epochs without a better validation accuracy before stopping.") var patience = FinetuneConfig().patience
    @Option(name: .long, help: "Tokens read of each text.") var maxTokens = FinetuneConfig().maxTokens
    @Option(name: .long, help: "Random seed (head initialisation, data order, dropout).") var seed = FinetuneConfig().seed

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if epochs < 1 || batch < 1 || patience < 1 || maxTokens < 2 { throw ValidationError("--epochs, --batch, --patience must be at least 1, --max-tokens at least 2") }
        if !(lr > 0 && lr <= 1) { throw ValidationError("--lr must be in (0, 1]") }
        if !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must be in [0, 1)") }
        if weightDecay < 0 { throw ValidationError("--weight-decay must be 0 or more") }
    }

    var settings: FinetuneConfig {
        var config = FinetuneConfig()
        config.epochs = epochs
        config.batch = batch
        config.learningRate = lr
        config.weightDecay = weightDecay
        config.dropout = dropout
        config.patience = patience
        config.maxTokens = maxTokens
        config.seed = seed
        config.threads = global.threadCount
        return config
    }

    func run() throws {
        let summary = try Self.finetune(model: model, train: train, val: val, test: test, labelField: labelField, out: out, config: settings,
                                        global: global)
        if global.json { try Output.json(summary) }
    }

    /// Fine-tunes and prints the log and the result (also used by `curate experiment`).
    static func finetune(model: String, train: String, val: String, test: String?, labelField: String, out: String, config: FinetuneConfig,
                         global: GlobalOptions, indent: String = "") throws -> FinetuneSummary {
        let file = try ModelFile.read(from: model)
        let trainExamples = try LabelledData.read(train, labelField: labelField, requireLabels: true)
        let valExamples = try LabelledData.read(val, labelField: labelField, requireLabels: true)
        let testExamples = try test.map { try LabelledData.read($0, labelField: labelField, requireLabels: true) }
        let tuner = try FineTuner(model: file, train: trainExamples, validation: valExamples, config: config, directory: out)
        let talk = !global.quiet && !global.json
        if talk {
            Output.line(indent + "finetune  \(trainExamples.count) training, \(valExamples.count) validation examples; labels "
                        + tuner.labels.joined(separator: ", ") + "; \(Formatting.count(file.parameters.count)) parameters")
        }
        let summary = try tuner.run(test: testExamples) { epoch in
            guard talk else { return }
            Output.line(indent + "  epoch \(Output.leftPadded(String(epoch.epoch), 2))  step \(Output.leftPadded(String(epoch.step), 5))  "
                        + "train loss \(Formatting.decimal(epoch.trainLoss, places: 4))  val loss \(Formatting.decimal(epoch.validationLoss, places: 4))  "
                        + "val accuracy \(Formatting.decimal(100 * epoch.validation.accuracy, places: 1))%  "
                        + "macro-F1 \(Formatting.decimal(epoch.validation.macroF1, places: 3))" + (epoch.best ? "  (best: saved)" : ""))
        }
        guard talk else { return summary }
        if summary.stoppedEarly {
            Output.line(indent + "  stopped early after epoch \(summary.epochs): validation accuracy not better for \(config.patience) epochs; "
                        + "best epoch \(summary.bestEpoch)")
        } else {
            Output.line(indent + "  ran all \(summary.epochs) epochs; best epoch \(summary.bestEpoch)")
        }
        func show(_ name: String, _ report: ClassificationReport) {
            Output.line(indent + "\(name): accuracy \(Formatting.decimal(100 * report.accuracy, places: 1))% "
                        + "(majority-class baseline \(Formatting.decimal(100 * report.majorityBaseline, places: 1))%), "
                        + "macro-F1 \(Formatting.decimal(report.macroF1, places: 3)), \(report.examples) examples")
            for line in report.table { Output.line(indent + "    " + line) }
        }
        show("validation", summary.validation)
        if let test = summary.test { show("test", test) }
        Output.line(indent + "  \(Output.displayPath(out))/best.ckpt, log.csv (\(Formatting.duration(summary.seconds)))")
        return summary
    }
}

/// `curate predict`
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Label text with a fine-tuned model.",
        discussion: """
            Writes one JSON line per document (id, label, probability, and the probability of every label) to \
            stdout or --out. When the data has labels (--label-field), prints the accuracy on stderr.

            Example: curate predict --model ft/best.ckpt --data samples/task/test.tsv
            """)

    @Option(name: .long, help: ArgumentHelp("A fine-tuned model: best.ckpt of curate finetune.", valueName: "path"))
    var model: String

    @Option(name: .long, help: ArgumentHelp("Text to label (.jsonl, .jsonl.zst, export directory, .tsv, .txt).", valueName: "path"))
    var data: String

    @Option(name: .long, help: ArgumentHelp("Write the predictions here instead of stdout.", valueName: "path"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("The field or column with true labels, if any (for the accuracy).", valueName: "name"))
    var labelField = "label"

    @OptionGroup var global: GlobalOptions

    struct Prediction: Encodable {
        var id: String
        var label: String
        var probability: Double
        var probabilities: [String: Double]
    }

    func run() throws {
        let predictor = try Predictor(model: try ModelFile.read(from: model))
        setBLASThreads(global.threadCount)
        let examples = data.hasSuffix(".txt") ? try EvalData.read(data)
            : try LabelledData.read(data, labelField: labelField, requireLabels: false)
        let results = try predictor.classify(examples)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var output = Data()
        for (example, (label, probabilities)) in zip(examples, results) {
            let prediction = Prediction(id: example.id, label: predictor.labels[label], probability: Double(probabilities[label]),
                                        probabilities: Dictionary(uniqueKeysWithValues: zip(predictor.labels, probabilities.map { (Double($0) * 1e6).rounded() / 1e6 })))
            output.append(try encoder.encode(prediction))
            output.append(0x0A)
        }
        if let out {
            try output.write(to: URL(fileURLWithPath: out), options: .atomic)
        } else {
            FileHandle.standardOutput.write(output)
        }
        let labelled = zip(examples, results).filter { $0.0.label != nil }
        guard !labelled.isEmpty, !global.quiet else { return }
        let index = Dictionary(uniqueKeysWithValues: predictor.labels.enumerated().map { ($1, $0) })
        let known = labelled.filter { index[$0.0.label!] != nil }
        let report = ClassificationReport(labels: predictor.labels, truth: known.map { index[$0.0.label!]! }, predicted: known.map { $0.1.0 })
        let message = "predict  \(examples.count) documents; on the \(known.count) with known labels: accuracy "
            + "\(Formatting.decimal(100 * report.accuracy, places: 1))%, macro-F1 \(Formatting.decimal(report.macroF1, places: 3))\n"
        FileHandle.standardError.write(Data(message.utf8))
    }
}
