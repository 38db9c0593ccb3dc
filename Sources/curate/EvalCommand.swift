import ArgumentParser
import Core
import Foundation
import Overlap
import Train

/// `curate eval`
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Perplexity and bits per byte of a trained model on any text (masked-token accuracy and pseudo-perplexity, or span loss, for the other objectives); BLEU and ROUGE-L of its continuations.",
        discussion: """
            --data is an export directory, a JSON-lines file (.jsonl, .jsonl.zst), a .tsv file with a text column, \
            or a .txt file (one document). Perplexity is per token of the model's tokenizer; bits per byte \
            (nats / ln 2 / UTF-8 bytes) compares across tokenizers and with the n-gram reference. \
            --generate N continues the first N documents that are long enough from their first \
            --prompt-tokens tokens, greedily, for --continue-tokens tokens, and scores the continuations \
            against the true text with corpus BLEU (sacrebleu's zh tokenization: CJK characters one by \
            one, 13a for the rest) and ROUGE-L F1 (characters for CJK, words for the rest).

            A model trained with --objective masked is measured by masked-token accuracy (BERT's corruption \
            of each context window, a fixed seed) and pseudo-perplexity (each token masked in turn, Salazar et \
            al. 2020); one trained with --objective span by its span loss (nats per target token of T5's span \
            corruption, a fixed seed). Continuations need a causal model.

            Example: curate eval --model run/best.ckpt --data samples/task/test.tsv --generate 20
            """)

    @Option(name: .long, help: ArgumentHelp("A trained model: best.ckpt of curate train, or its run directory.", valueName: "path"))
    var model: String

    @Option(name: .long, help: ArgumentHelp("The text to evaluate on.", valueName: "path"))
    var data: String

    @Option(name: .long, help: ArgumentHelp("Continue this many held-out prompts and score them with BLEU and ROUGE-L.", valueName: "n"))
    var generate = 0

    @Option(name: .long, help: ArgumentHelp("Tokens of each document given as the prompt.", valueName: "n"))
    var promptTokens = 32

    @Option(name: .long, help: ArgumentHelp("Tokens to generate (and of true text to compare with).", valueName: "n"))
    var continueTokens = 32

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if generate < 0 { throw ValidationError("--generate must be 0 or more") }
        if promptTokens < 1 || continueTokens < 1 { throw ValidationError("--prompt-tokens and --continue-tokens must be at least 1") }
    }

    func run() throws {
        let file = try ModelFile.read(from: model)
        let documents = try EvalData.read(data)
        let console = global.makeConsole()
        if file.objective != .causal {
            guard generate == 0 else {
                throw TrainError("\(model): a \(file.objective.rawValue)-objective model does not continue text: --generate needs a causal model")
            }
            try runObjective(file: file, documents: documents, console: console)
            return
        }
        var meter = ProgressMeter(stage: "eval", total: Int64(documents.count), measure: .documents)
        let started = DispatchTime.now()
        let texts = documents.map { Array($0.text.utf8) }
        let losses = try Evaluator.measure(texts, file: file, threads: global.threadCount) { done in
            meter.update(done: Int64(done), documents: Int64(done), bytes: 0)
            if meter.due { console.progress(meter.line) }
        }
        console.clearProgress()
        var total = TextLoss()
        for loss in losses { total.add(loss) }
        var report = EvalReport(model: model, data: data, documents: documents.count, bytes: total.bytes, tokens: total.tokens,
                                perplexity: total.perplexity, bitsPerByte: total.bitsPerByte,
                                seconds: Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)
        if generate > 0 {
            report.generation = GenerationEval.run(file: file, documents: documents, count: generate, promptTokens: promptTokens,
                                                   continueTokens: continueTokens)
        }
        if global.json {
            try Output.json(report)
            return
        }
        guard !global.quiet else { return }
        Output.line("eval    \(Formatting.count(report.documents)) documents, \(Formatting.count(report.tokens)) tokens: perplexity "
                    + "\(Formatting.decimal(report.perplexity, places: 2)) per token, \(Formatting.decimal(report.bitsPerByte, places: 4)) bits per byte"
                    + " (\(Formatting.duration(report.seconds)))")
        if let generation = report.generation {
            Output.line("        \(generation.prompts) continuations of \(promptTokens)-token prompts: BLEU \(Formatting.decimal(generation.bleu, places: 2)), "
                        + "ROUGE-L F1 \(Formatting.decimal(generation.rougeL, places: 4))")
            if let example = generation.examples.first {
                Output.line("        e.g. prompt    \(example.prompt.debugDescription)")
                Output.line("             model     \(example.generated.debugDescription)")
                Output.line("             true text \(example.reference.debugDescription)")
            }
        }
    }
}

extension EvalCommand {
    /// A masked or span model: its objective's measures.
    func runObjective(file: ModelFile, documents: [LabelledExample], console: Console) throws {
        var meter: ProgressMeter?
        let started = DispatchTime.now()
        let measures = ObjectiveEvaluation.measure(documents.map { Array($0.text.utf8) }, file: file) { done, windows in
            if meter == nil { meter = ProgressMeter(stage: "eval", total: Int64(windows), measure: .documents) }
            meter!.update(done: Int64(done), documents: Int64(done), bytes: 0)
            if meter!.due { console.progress(meter!.line) }
        }
        console.clearProgress()
        let report = ObjectiveEvalReport(model: model, data: data, documents: documents.count, measures: measures,
                                         seconds: Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)
        if global.json {
            try Output.json(report)
            return
        }
        guard !global.quiet else { return }
        var line = "eval    \(Formatting.count(report.documents)) documents, \(Formatting.count(measures.windows)) windows (\(file.objective.rawValue)): "
        if let accuracy = measures.maskedAccuracy, let pseudo = measures.pseudoPerplexity {
            line += "masked-token accuracy \(Formatting.decimal(accuracy * 100, places: 1))% of \(Formatting.count(measures.maskedTokens ?? 0)), "
                + "pseudo-perplexity \(Formatting.decimal(pseudo, places: 2)) per token"
        }
        if let loss = measures.spanLoss {
            line += "span loss \(Formatting.decimal(loss, places: 4)) nats per target token over \(Formatting.count(measures.spanTokens ?? 0))"
        }
        Output.line(line + " (\(Formatting.duration(report.seconds)))")
    }
}

/// `curate eval --json` for a masked or span model.
struct ObjectiveEvalReport: Codable {
    var model: String
    var data: String
    var documents: Int
    var objective: String
    var windows: Int
    var maskedAccuracy: Double?
    var maskedTokens: Int?
    var pseudoPerplexity: Double?
    var spanLoss: Double?
    var spanTokens: Int?
    var seconds: Double

    init(model: String, data: String, documents: Int, measures: ObjectiveMeasures, seconds: Double) {
        self.model = model
        self.data = data
        self.documents = documents
        objective = measures.objective.rawValue
        windows = measures.windows
        maskedAccuracy = measures.maskedAccuracy
        maskedTokens = measures.maskedTokens
        pseudoPerplexity = measures.pseudoPerplexity
        spanLoss = measures.spanLoss
        spanTokens = measures.spanTokens
        self.seconds = seconds
    }
}

/// `curate eval --json`.
struct EvalReport: Codable {
    var model: String
    var data: String
    var documents: Int
    var bytes: Int
    var tokens: Int
    var perplexity: Double
    var bitsPerByte: Double
    var seconds: Double
    var generation: GenerationEval.Result?
}

/// Documents to evaluate on, from any of the formats curate reads.
enum EvalData {
    static func read(_ path: String) throws -> [LabelledExample] {
        if path.hasSuffix(".txt") {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw TrainError("\(path): cannot read as UTF-8 text") }
            return [LabelledExample(id: path, text: text, label: nil)]
        }
        return try LabelledData.read(path, labelField: "label", requireLabels: false)
    }
}

/// `curate eval --generate`: greedy continuations of held-out prompts against the true text.
enum GenerationEval {
    struct Example: Codable {
        var id: String
        var prompt: String
        var generated: String
        var reference: String
    }

    struct Result: Codable {
        var prompts: Int
        var bleu: Double
        var rougeL: Double
        var examples: [Example]
    }

    static func run(file: ModelFile, documents: [LabelledExample], count: Int, promptTokens: Int, continueTokens: Int) -> Result {
        let evaluator = Evaluator(file: file)
        var prompts: [[Int32]] = [], references: [[Int32]] = [], ids: [String] = []
        for document in documents where prompts.count < count {
            let tokens = Array(document.text.utf8).withUnsafeBytes { evaluator.tokens($0) }
            guard tokens.count >= 1 + promptTokens + continueTokens else { continue }
            prompts.append(Array(tokens[0..<(1 + promptTokens)]))
            references.append(Array(tokens[(1 + promptTokens)..<(1 + promptTokens + continueTokens)]))
            ids.append(document.id)
        }
        let generated = evaluator.generate(prompts, count: continueTokens)
        func text(_ tokens: some Sequence<Int32>) -> String {
            String(decoding: file.tokenizer.decode(tokens.filter { Int($0) < file.tokenizer.vocabularySize }), as: UTF8.self)
        }
        let hypotheses = generated.map { text($0) }, truths = references.map { text($0) }
        let bleu = BLEU(tokenizer: .zh).corpusScore(hypotheses: hypotheses, references: truths.map { [$0] }).score
        let rouge = ROUGE(tokenizer: .characters)
        let rougeL = zip(truths, hypotheses).map { rouge.rougeL(target: rouge.tokens($0), prediction: rouge.tokens($1)).fmeasure }
        let examples = (0..<min(3, prompts.count)).map { index in
            Example(id: ids[index], prompt: text(prompts[index].dropFirst()), generated: hypotheses[index], reference: truths[index])
        }
        return Result(prompts: prompts.count, bleu: bleu, rougeL: rougeL.isEmpty ? 0 : rougeL.reduce(0, +) / Double(rougeL.count),
                      examples: examples)
    }
}
