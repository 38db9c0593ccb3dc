import ArgumentParser
import Core
import Distributed
import Foundation
import Train

/// `curate tokenizer`
struct TokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer",
        abstract: "Byte-level BPE tokenizers for the built-in trainer.",
        subcommands: [TokenizerTrain.self])
}

/// `curate tokenizer train`
struct TokenizerTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Learn a byte-level BPE tokenizer from exported shards (or a JSON-lines file).",
        discussion: "Example: curate tokenizer train --shards out/ --vocab 8192 --out tok.json")

    @Option(name: .long, help: ArgumentHelp("An export directory (shards in manifest order) or a JSON-lines file.", valueName: "path"))
    var shards: String

    @Option(name: .long, help: ArgumentHelp("Vocabulary size, the 256 bytes included.", valueName: "n"))
    var vocab = 8192

    @Option(name: .long, help: ArgumentHelp("Learn from at most this many MB of text (in export order).", valueName: "MB"))
    var sampleMB = 100

    @Option(name: .long, help: ArgumentHelp("The tokenizer file to write (JSON).", valueName: "path"))
    var out: String

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if vocab < 257 { throw ValidationError("--vocab must be more than 256") }
        if sampleMB < 1 { throw ValidationError("--sample-mb must be at least 1") }
    }

    func run() throws {
        let started = DispatchTime.now()
        let tokenizer = try BPETokenizer.train(shards: shards, vocabularySize: vocab, sampleBytes: Int64(sampleMB) << 20)
        try tokenizer.write(to: out)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        if global.json {
            try Output.json(["vocabulary": Double(tokenizer.vocabularySize), "seconds": seconds] as [String: Double])
        } else if !global.quiet {
            Output.line("tokenizer  \(Formatting.count(tokenizer.vocabularySize)) tokens learnt in \(Formatting.duration(seconds)) → \(Output.displayPath(out))")
        }
    }
}

/// `curate train`
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the built-in small GPT on exported shards, in their quality order (best first).",
        discussion: """
            Writes run/metrics.csv (step, tokens, train loss, validation loss, learning rate), run/loss.svg, \
            run/checkpoint.bin (weights, optimizer state, data position, random state: --resume continues \
            bit-identically), run/best.ckpt (the best validation weights with the tokenizer: the model eval, score --model and finetune read) and run/tokenizer.json.

            Data-parallel: `mpirun -n N curate train … --workers N` (or `srun -n N` in a Slurm job) runs N \
            processes, each on batch / N rows of every batch, their gradients summed before each update: \
            the same run as one process, rank 0 writing the files. Give each --threads cores / N.

            Example: curate train --shards out/ --config pipelines/train-tiny.yaml --out run/
            """)

    @Option(name: .long, help: ArgumentHelp("An export directory (shards in manifest order) or a JSON-lines file.", valueName: "path"))
    var shards: String

    @Option(name: .long, help: ArgumentHelp("Training settings (YAML). See pipelines/train-tiny.yaml.", valueName: "path"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The run directory to write.", valueName: "dir"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("A tokenizer from `curate tokenizer train` (default: learn one from the shards).", valueName: "path"))
    var tokenizer: String?

    @Option(name: .long, help: ArgumentHelp("Validation documents (export directory or JSON lines; default: every 20th document held out).", valueName: "path"))
    var val: String?

    @Option(name: .long, help: ArgumentHelp("Data order: as-exported (best first, default), random, reverse.", valueName: "order"))
    var order: DataOrder = .asExported

    @Option(name: .long, help: ArgumentHelp("Override the number of steps.", valueName: "n"))
    var steps: Int?

    @Option(name: .long, help: ArgumentHelp("What the model learns: causal (next token, default), masked (BERT) or span (T5's span corruption).",
                                            valueName: "objective"))
    var objective: Objective?

    @Flag(name: .long, help: "Continue the run in --out from its checkpoint.")
    var resume = false

    @Option(name: .long, help: ArgumentHelp("Data-parallel processes, started by mpirun -n N or srun -n N (default 1).", valueName: "n"))
    var workers = 1

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
        if workers > 1 && !MPICollective.launched {
            throw ValidationError("--workers \(workers) needs an MPI launcher: mpirun -n \(workers) curate train … (or srun -n \(workers) in a Slurm job)")
        }
    }

    func run() throws {
        guard workers > 1 else { return try train(collective: SingleProcess()) }
        let mpi = try MPICollective()
        do {
            guard mpi.size == workers else {
                throw TrainError("--workers \(workers), but the launcher started \(mpi.size) process(es): give mpirun -n \(workers)")
            }
            try train(collective: mpi)
        } catch {
            // One worker's error would leave the others waiting in the next sum: end them all.
            Console(quiet: false).error("worker \(mpi.rank): \(error)")
            mpi.abort(code: 1)
        }
        mpi.finish()
    }

    func train(collective: Collective) throws {
        var global = self.global
        if collective.rank != 0 { global.quiet = true } // rank 0 speaks for the run
        var settings = TrainConfig()
        if let config { try settings.apply(file: config) }
        if let steps {
            settings.steps = steps
            if settings.warmup >= steps { settings.warmup = steps / 10 } // a short run keeps a tenth for warmup
        }
        if let threads = global.threads { settings.threads = threads }
        if let objective { settings.objective = objective }
        try settings.check()
        let console = global.makeConsole()
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let tokenizerPath = out + "/tokenizer.json"
        let bpe: BPETokenizer
        if let tokenizer {
            bpe = try BPETokenizer.read(from: tokenizer)
        } else if resume {
            bpe = try BPETokenizer.read(from: tokenizerPath)
        } else {
            if !global.quiet { console.write("curate: learning a \(settings.vocabulary)-token BPE tokenizer from the shards\n") }
            bpe = try BPETokenizer.train(shards: shards, vocabularySize: settings.vocabulary, sampleBytes: 100 << 20)
        }
        if collective.rank == 0 { try bpe.write(to: tokenizerPath) }
        let corpus = try TokenCorpus.load(shards: shards, validation: val, tokenizer: bpe, holdOutEvery: settings.holdOutEvery,
                                          order: order, seed: settings.seed)
        if collective.rank == 0 {
            try (corpus.heldOut.joined(separator: "\n") + "\n").write(toFile: out + "/validation-documents.txt", atomically: true, encoding: .utf8)
        }
        let trainer = try Trainer(config: settings, corpus: corpus, tokenizer: bpe, directory: out, console: console,
                                  resume: resume, collective: collective)
        if !global.quiet && !global.json {
            Output.line("train   \(Formatting.count(corpus.trainDocuments)) documents, \(Formatting.count(corpus.train.count)) tokens "
                        + "(\(order.rawValue)); validation \(Formatting.count(corpus.validationDocuments)) documents, "
                        + "\(Formatting.count(corpus.validation.count)) tokens; \(Formatting.count(trainer.model.layout.count)) parameters"
                        + (settings.objective == .causal ? "" : "; \(settings.objective.rawValue) objective")
                        + (collective.size > 1 ? "; \(collective.size) workers of \(settings.batch / collective.size) rows" : ""))
        }
        let summary = try trainer.run()
        if global.json {
            guard collective.rank == 0 else { return }
            try Output.json(summary)
            return
        }
        guard !global.quiet else { return }
        let first = summary.firstValidationLoss.map { String(format: "%.3f", $0) } ?? "-"
        let best = summary.bestValidationLoss.map { String(format: "%.3f", $0) } ?? "-"
        Output.line("        \(summary.steps) steps, \(Formatting.count(Int(summary.tokens))) tokens in \(Formatting.duration(summary.seconds)) "
                    + "(\(Formatting.count(Int(summary.tokensPerSecond))) tokens/s); validation loss \(first) → \(best)"
                    + (summary.stoppedEarly ? " (stopped early: no better for \(settings.patience) validations)" : ""))
        Output.line("        \(Output.displayPath(out))/metrics.csv, loss.svg, best.ckpt, checkpoint.bin")
    }
}

extension DataOrder: ExpressibleByArgument {}
extension Objective: ExpressibleByArgument {}
