import ArgumentParser
import Core
import Foundation
import Ingest
import LM
import Store

extension TokenizerOptions.Kind: ExpressibleByArgument {}

/// `curate lm`: the reference language model.
struct LMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lm",
        abstract: "Train, convert and query n-gram language models (Kneser-Ney, KenLM-compatible ARPA).",
        subcommands: [LMTrainCommand.self, LMQueryCommand.self, LMBuildBinaryCommand.self])
}

/// Tokenizer choices shared by `lm train` and `lm query`.
struct TokenizerArguments: ParsableArguments {
    @Option(name: .long, help: "icu: ICU words and punctuation over NFKC text (default); whitespace: split on spaces and tabs, as KenLM does.")
    var tokenize: TokenizerOptions.Kind?

    @Flag(inversion: .prefixedNo, help: "Lower-case tokens (default: yes for icu, no for whitespace).")
    var lowercase: Bool?

    @Flag(name: .customLong("fold-digits"), inversion: .prefixedNo, help: "Replace every digit by 0 (default: yes for icu, no for whitespace).")
    var foldDigits: Bool?

    var options: TokenizerOptions {
        let kind = tokenize ?? .icu
        let icu = kind == .icu
        return TokenizerOptions(kind: kind, lowercase: lowercase ?? icu, foldDigits: foldDigits ?? icu)
    }
}

/// `curate lm train`
struct LMTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Estimate an interpolated modified Kneser-Ney model, as KenLM's lmplz does.",
        discussion: """
            Each non-blank line of each document is a sentence. Input files are read like `curate ingest` reads \
            them (.jsonl, .warc.wet, compressed or not), except that .txt files are read a line at a time, as \
            lmplz reads them: any size, and a line with a NUL byte or invalid UTF-8 is skipped and reported \
            alone. --from-db reads the store's documents instead. \
            The output is ARPA when its name ends in .arpa, else curate's binary format (mapped at load time).

            Example: curate lm train --order 5 --from wiki/ --out ref.arpa
            """)

    @Option(name: .long, help: "N-gram order (1 to 6).")
    var order = 5

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Text to train on: files or directories.", valueName: "path"))
    var from: [String] = []

    @Flag(name: .customLong("from-db"), help: "Train on the documents of the store (with --where).")
    var fromDB = false

    @Option(name: .long, help: "With --from-db: all, or heuristics-pass (documents the heuristic filters keep).")
    var `where`: DocumentSelection = .heuristicsPass

    @Option(name: .long, help: ArgumentHelp("Where to write the model (.arpa: ARPA; otherwise binary).", valueName: "path"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("Memory for counting and sorting n-grams before sorted runs spill to scratch files in $TMPDIR (default: 1024, or a quarter of --max-memory); with an .arpa --out the whole estimation stays within it, as with lmplz -S.", valueName: "MB"))
    var memory: Int?

    @Flag(name: .long, help: "Drop n-grams of order 3 and up seen once (lmplz --prune 0 0 1).")
    var pruneSingletons = false

    @Flag(name: .long, help: "Fail, instead of using fallback discounts (0.5, 1, 1.5), when an order's closed-form discounts cannot be computed.")
    var strictDiscounts = false

    @OptionGroup var tokenizer: TokenizerArguments
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if !(1...6).contains(order) { throw ValidationError("--order must be 1 to 6") }
        if from.isEmpty && !fromDB { throw ValidationError("name text to train on with --from PATH… or --from-db") }
        if let memory, memory < 16 { throw ValidationError("--memory must be at least 16 MB") }
    }

    func run() throws {
        let console = global.makeConsole()
        var options = EstimatorOptions()
        options.order = order
        if let memory { options.memoryBudget = memory << 20 }
        options.pruneSingletons = pruneSingletons
        if strictDiscounts { options.discountFallback = nil }
        let started = DispatchTime.now()
        let trained = try ReferenceTraining.train(options: options, tokenizer: tokenizer.options, paths: from,
                                                  store: fromDB ? try Store(path: global.storePath, create: false) : nil,
                                                  selection: `where`, out: out, console: console)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        if global.json {
            try Output.json(LMTrainReport(out: out, order: order, sentences: trained.sentences, tokens: trained.tokens,
                                          ngrams: trained.ngrams, discounts: trained.discounts,
                                          spilledRuns: trained.spilledRuns, countingMemoryBytes: options.memoryBudget,
                                          skipped: trained.rejects, seconds: seconds))
        } else if !global.quiet {
            let counts = trained.ngrams.enumerated().map { "\($0.offset + 1)-grams \(Formatting.count($0.element))" }.joined(separator: " · ")
            Output.line("lm train  \(Formatting.count(trained.sentences)) sentences  \(Formatting.count(trained.tokens)) tokens in \(Formatting.duration(seconds))  → \(out)")
            Output.line("          \(counts)")
            if trained.spilledRuns > 0 { Output.line("          counting spilled \(trained.spilledRuns) sorted runs to disk (--memory \(options.memoryBudget >> 20))") }
        }
    }
}

/// `curate lm train --json`.
struct LMTrainReport: Codable {
    var out: String
    var order: Int
    var sentences: Int
    var tokens: Int
    var ngrams: [Int]
    var discounts: [[Double]]
    var spilledRuns: Int
    /// The memory counting could use before spilling (--memory, else a quarter of --max-memory, else 1 GiB).
    var countingMemoryBytes: Int
    /// Lines or records of the --from files skipped, by reason (invalid_utf8, nul_byte, too_large, …).
    var skipped: [String: Int]
    var seconds: Double
}

/// `curate lm build-binary`
struct LMBuildBinaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build-binary",
        abstract: "Convert an ARPA model (curate's or KenLM's) to curate's binary format.",
        discussion: "Example: curate lm build-binary ref.arpa ref.bin")

    @Argument(help: "The ARPA file.") var arpa: String
    @Argument(help: "The binary model to write.") var binary: String
    @Option(name: .long, help: "Tokenizer to record when the ARPA file has none (KenLM's files do not): whitespace or icu.")
    var tokenize: TokenizerOptions.Kind?

    func run() throws {
        var model = try ARPA.read(path: arpa)
        if let tokenize { model.options = TokenizerOptions(kind: tokenize, lowercase: tokenize == .icu, foldDigits: tokenize == .icu) }
        try BinaryModel.write(model, to: binary)
        Output.line("lm build-binary  \(arpa) → \(binary)  (\(model.orders.map { Formatting.count($0.count) }.joined(separator: " / ")) n-grams)")
    }
}

/// `curate lm query`
struct LMQueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Score sentences from stdin: total log10 probability, tokens and OOVs per line.",
        discussion: """
            Each input line is one sentence, scored with <s> before and </s> after, as KenLM's query and \
            Model.score do. Tokens are split as the model records (curate's models) unless --tokenize says \
            otherwise; KenLM's own ARPA files record nothing and are read with --tokenize whitespace.

            Example: echo "the cat sat on the mat" | curate lm query --model ref.arpa
            """)

    @Option(name: .long, help: ArgumentHelp("ARPA or binary model.", valueName: "path"))
    var model: String

    @OptionGroup var tokenizer: TokenizerArguments
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let loaded = try NGramModel.load(path: model)
        let options = tokenizer.tokenize == nil && tokenizer.lowercase == nil && tokenizer.foldDigits == nil
            ? loaded.options : tokenizer.options
        let scorer = SentenceScorer(model: loaded, options: options)
        var totals = (log10: 0.0, tokens: 0, oov: 0, lines: 0)
        while let line = readLine(strippingNewline: true) {
            let score = scorer.score(line: line)
            totals.log10 += score.log10Probability
            totals.tokens += score.tokens
            totals.oov += score.oov
            totals.lines += 1
            if global.json {
                try Output.jsonLine(QueryLine(log10: score.log10Probability, tokens: score.tokens, oov: score.oov))
            } else {
                Output.line("Total: \(score.log10Probability)\tTokens: \(score.tokens)\tOOV: \(score.oov)")
            }
        }
        if !global.json && !global.quiet && totals.lines > 0 {
            let perplexity = pow(10, -totals.log10 / Double(totals.tokens + totals.lines))
            FileHandle.standardError.write(Data("Perplexity including OOVs: \(perplexity)\tlines \(totals.lines)\ttokens \(totals.tokens)\tOOVs \(totals.oov)\n".utf8))
        }
    }

    struct QueryLine: Codable {
        var log10: Double
        var tokens: Int
        var oov: Int
    }
}
