import ArgumentParser
import Combined
import Core
import Foundation
import Ingest
import Quality
import Store

/// `curate quality`: the learned quality model.
struct QualityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Train and inspect learned quality models (from exemplars, labels or pairwise preferences).",
        subcommands: [QualityTrainCommand.self, QualityInspectCommand.self])
}

/// What a quality model learns from and how: shared by `quality train` and `score --metric quality`.
struct QualityTrainingArguments: ParsableArguments {
    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Good documents (exemplars): files or directories in any format ingest reads.", valueName: "path"))
    var positive: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Bad or ordinary documents to learn against (default: documents drawn from the store).", valueName: "path"))
    var negative: [String] = []

    @Option(name: .customLong("negatives-from-store"), help: ArgumentHelp("Draw this many negatives uniformly from the store (duplicates excluded; default max(3 × positives, 10000) when no --negative is given).", valueName: "n"))
    var negativesFromStore: Int?

    @Option(name: .long, help: ArgumentHelp("Labelled documents: JSON lines (or .tsv with a header) with an id or text and a label (0/1, good/bad, or a grade).", valueName: "file"))
    var labels: String?

    @Option(name: .customLong("label-field"), help: "The label's field (or column) in --labels.")
    var labelField = "label"

    @Option(name: .long, help: ArgumentHelp("Pairwise preferences: JSON lines with chosen and rejected (texts, or {\"id\": …} of stored documents); fits a Bradley–Terry model.", valueName: "file"))
    var preferences: String?

    @Option(name: .long, help: ArgumentHelp("Cross-fitting folds (default 5 when training documents come from the store, else 1).", valueName: "k"))
    var folds: Int?

    @Option(name: .long, help: ArgumentHelp("L2 penalty λ (default 1/n, scikit-learn's C = 1).", valueName: "λ"))
    var l2: Double?

    @Option(name: .long, help: ArgumentHelp("SGD passes over the training data (more for small sets: at least 50,000 steps).", valueName: "n"))
    var epochs = 10

    @Option(name: .customLong("feature-bits"), help: ArgumentHelp("log2 of the number of hash buckets.", valueName: "bits"))
    var featureBits = 20

    @Option(name: .customLong("char-ngrams"), help: ArgumentHelp("Also hash character n-grams of each word of this length (0 = none).", valueName: "n"))
    var charNgrams = 0

    @Flag(name: .long, help: "Also fit the combined ranking: a stacked model over the classifier's out-of-fold logit and every signal the store holds (reference perplexity and bits per byte, the Moore–Lewis difference, each heuristic statistic, the language), on the same examples; `score --metric quality` then also stores the combined score.")
    var combine = false

    @Option(name: .long, help: ArgumentHelp("Seed of the store sample and of the folds.", valueName: "n"))
    var seed: UInt64 = 20_261_206

    var given: Bool { !positive.isEmpty || !negative.isEmpty || labels != nil || preferences != nil }

    func validate() throws {
        let sources = [!positive.isEmpty, labels != nil, preferences != nil].filter { $0 }.count
        if sources > 1 { throw ValidationError("learn from one of --positive, --labels or --preferences at a time") }
        if !negative.isEmpty && positive.isEmpty { throw ValidationError("--negative needs --positive") }
        if negativesFromStore != nil && positive.isEmpty { throw ValidationError("--negatives-from-store needs --positive") }
        if let negativesFromStore, negativesFromStore < 1 { throw ValidationError("--negatives-from-store must be at least 1") }
        if let folds, !(1...64).contains(folds) { throw ValidationError("--folds must be 1 to 64") }
        if let l2, !(l2 > 0 && l2.isFinite) { throw ValidationError("--l2 must be a positive number") }
        if !(12...26).contains(featureBits) { throw ValidationError("--feature-bits must be 12 to 26") }
        if !(0...8).contains(charNgrams) { throw ValidationError("--char-ngrams must be 0 to 8") }
        if !(1...1000).contains(epochs) { throw ValidationError("--epochs must be 1 to 1000") }
    }

    /// Whether training needs the store (negatives drawn from it).
    var needsStore: Bool { (!positive.isEmpty && negative.isEmpty) || negativesFromStore != nil }

    /// The store to train with: required for store negatives; for labels or preferences, used when it
    /// exists (a record that names a stored document by id without its text needs it).
    func openStore(path: String) throws -> Store? {
        if needsStore { return try Store(path: path, create: false) }
        return FileManager.default.fileExists(atPath: path) ? try Store(path: path, create: false) : nil
    }

    /// Reads what to learn from and trains the model.
    func train(store: Store?, threads: Int, console: Console, quiet: Bool) throws -> QualityModel {
        var options = QualityTrainingOptions()
        options.features.bits = featureBits
        options.features.characterNgrams = charNgrams
        options.l2 = l2
        options.epochs = epochs
        options.threads = threads
        options.foldSeed = splitMix(seed, 0xF01D)
        // Every document's ids and content hashes: to find the documents a labels or preferences file names,
        // and the stored copies of training texts, which the cross-fitting must keep out of their own fold.
        let lookup = try store.map { try DocumentLookup(store: $0) }
        let data: TrainingData
        var description: String
        var fromStore = false
        if !positive.isEmpty {
            let positives = try Self.read(positive, role: "--positive", console: console).map { Self.document(text: $0, lookup: lookup) }
            guard !positives.isEmpty else {
                throw QualityError("the --positive paths hold no documents (\(positive.joined(separator: ", ")))", hint: "give files or directories of good text")
            }
            var negatives = try Self.read(negative, role: "--negative", console: console).map { Self.document(text: $0, lookup: lookup) }
            var sampled = 0
            if negative.isEmpty || negativesFromStore != nil {
                guard let store else { throw QualityError("negatives from the store need a store", hint: "ingest documents first, or give --negative files") }
                let wanted = negativesFromStore ?? max(3 * positives.count, 10_000)
                // An exemplar that is also in the store is not drawn as a negative.
                let excluded = Set(positives.map { Hash128(of: $0.text) })
                let drawn = try StoreNegatives.sample(store: store, count: wanted, seed: seed, excluding: excluded)
                guard !drawn.isEmpty else {
                    throw QualityError("the store \(store.path) has no documents to draw negatives from", hint: "ingest documents first, or give --negative files")
                }
                sampled = drawn.count
                negatives += drawn
                fromStore = true
            }
            fromStore = fromStore || (positives + negatives).contains { $0.documentID != nil }
            data = .exemplars(positives: positives, negatives: negatives)
            description = "\(Formatting.count(positives.count)) exemplars against "
                + [negative.isEmpty ? nil : "\(Formatting.count(negatives.count - sampled)) given negatives",
                   sampled > 0 ? "\(Formatting.count(sampled)) store documents" : nil].compactMap { $0 }.joined(separator: " and ")
        } else if let labels {
            let records = try LabelFiles.readLabels(path: labels, labelField: labelField)
            let graded = LabelFiles.isGraded(records)
            var documents: [(document: TrainingDocument, label: Double)] = []
            for record in records {
                let document = try Self.resolve(record.document, lookup: lookup, store: store, path: labels, line: record.line)
                fromStore = fromStore || document.documentID != nil
                documents.append((document, record.label))
            }
            data = .labelled(documents, graded: graded)
            description = "\(Formatting.count(records.count)) labelled documents of \(Output.displayPath(labels))" + (graded ? " (graded)" : "")
        } else if let preferences {
            let records = try LabelFiles.readPreferences(path: preferences)
            var pairs: [(chosen: TrainingDocument, rejected: TrainingDocument)] = []
            for record in records {
                let chosen = try Self.resolve(record.chosen, lookup: lookup, store: store, path: preferences, line: record.line)
                let rejected = try Self.resolve(record.rejected, lookup: lookup, store: store, path: preferences, line: record.line)
                fromStore = fromStore || chosen.documentID != nil || rejected.documentID != nil
                pairs.append((chosen, rejected))
            }
            data = .preferences(pairs)
            description = "\(Formatting.count(records.count)) preference pairs of \(Output.displayPath(preferences))"
        } else {
            throw ValidationError("say what to learn from: --positive GOOD…, --labels FILE or --preferences FILE")
        }
        options.folds = folds ?? (fromStore ? 5 : 1)
        if options.folds > 1 { description += ", \(options.folds) folds" }
        var model: QualityModel
        if combine {
            guard let store else { throw QualityError("--combine needs a store whose signals to combine", hint: "ingest and score documents first") }
            let (trained, outOfFold) = try QualityTraining.trainWithOutOfFold(data, options: options, trainedOn: description)
            model = trained
            model.header.stacked = try Self.stack(data, outOfFold: outOfFold, loss: model.header.loss, folds: options.folds,
                                                  foldSeed: options.foldSeed, store: store, threads: threads)
        } else {
            model = try QualityTraining.train(data, options: options, trainedOn: description)
        }
        if !quiet && fromStore && options.folds > 1 {
            console.write("curate: store documents are among the training data: \(options.folds) cross-fitted models, each document scored by one that did not train on it\n")
        }
        return model
    }

    /// The texts of the documents in `paths` (any format ingest reads; a .txt file is one document).
    /// The combined model: each training document's signals (measured as the scoring stages would store
    /// them) beside its out-of-fold classifier logit, fitted per fold; store documents stay out of the fits
    /// of their own fold, as in the classifier.
    static func stack(_ data: TrainingData, outOfFold: [Double], loss: LinearLoss, folds: Int, foldSeed: UInt64, store: Store,
                      threads: Int) throws -> StackedModel {
        var documents: [(document: TrainingDocument, target: Double, weight: Double)] = []
        switch data {
        case .exemplars(let positives, let negatives):
            let total = Double(positives.count + negatives.count)
            documents = positives.map { ($0, 1, total / (2 * Double(positives.count))) } + negatives.map { ($0, 0, total / (2 * Double(negatives.count))) }
        case .labelled(let labelled, let graded):
            let good = labelled.filter { $0.label == 1 }.count, total = Double(labelled.count)
            documents = labelled.map { item in
                (item.document, item.label, graded ? 1 : total / (2 * Double(max(1, item.label == 1 ? good : labelled.count - good))))
            }
        case .preferences(let pairs):
            documents = pairs.flatMap { [($0.chosen, 1, 1), ($0.rejected, 0, 1)] }
        }
        var layout = try SignalLayout.discover(store: store)
        let measured = try SignalMeasurer(layout: layout, store: store)
            .measure(documents.indices.map { (documents[$0].document.text, documents[$0].document.documentID, outOfFold[$0]) }, threads: threads)
        // Languages with at least 1% of the examples (and 10) get an indicator of their own (last in the layout).
        let counts = Dictionary(grouping: measured.map(\.language), by: { $0 }).mapValues(\.count)
        layout.languages = counts.filter { $0.value >= max(10, documents.count / 100) }.keys.sorted()
        var rows: [StackerFit.Row] = []
        for (k, item) in documents.enumerated() {
            let fold = item.document.documentID.map { QualityModel.fold(of: $0, folds: folds, seed: foldSeed) }
            let pairOf = loss == .bradleyTerry && k % 2 == 0 ? k + 1 : nil
            rows.append(StackerFit.Row(values: measured[k].values + layout.languageIndicators(measured[k].language), target: item.target,
                                       weight: item.weight, pairOf: pairOf, excludedFold: fold))
        }
        var model = StackerFit.fit(names: layout.names, rows: rows, loss: loss, folds: folds)
        model.reference = layout.reference
        model.contrast = layout.contrast
        return model
    }

    static func read(_ paths: [String], role: String, console: Console) throws -> [[UInt8]] {
        guard !paths.isEmpty else { return [] }
        var texts: [[UInt8]] = []
        let summary = try TextFiles(paths: paths).forEach { texts.append(Array($0)) }
        if let problem = summary.problems.first { throw QualityError("\(role): \(problem)") }
        for reject in summary.firstRejects { console.warning("\(role): \(reject) (skipped)", kind: "quality_input") }
        return texts
    }

    /// A document of a labels or preferences file: its text, or the stored document its id names.
    /// A training text, with the stable id of its stored copy if the store has one: that copy is then
    /// scored (and its combined score fitted) only by folds that did not train on the text.
    static func document(text: [UInt8], lookup: DocumentLookup?) -> TrainingDocument {
        TrainingDocument(text: text, documentID: lookup?.find(text: text)?.id)
    }

    static func resolve(_ reference: DocumentReference, lookup: DocumentLookup?, store: Store?, path: String, line: Int) throws -> TrainingDocument {
        switch reference {
        case .text(let text):
            guard !text.isEmpty else { throw QualityError("\(path):\(line): the text is empty") }
            return document(text: text, lookup: lookup)
        case .id(let id):
            guard let lookup, let store else {
                throw QualityError("\(path):\(line): names the stored document '\(id)', but there is no store", hint: "give --db, or the documents' texts")
            }
            guard let match = lookup.find(id: id), let document = try store.document(seq: match.seq) else {
                throw QualityError("\(path):\(line): no document with id '\(id)' in \(store.path)",
                                   hint: "ids are the records' own ids (their id field at ingest) or curate's ids")
            }
            return TrainingDocument(text: document.text, documentID: document.id)
        }
    }
}

/// `curate quality train`
struct QualityTrainCommand: ParsableCommand, WithoutBLAS {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Learn a quality model from exemplars, labelled documents or pairwise preferences.",
        discussion: """
            Features are hashed ICU words and word bigrams (Han character bigrams for Chinese) of the NFKC, \
            lower-cased text, log(1 + tf) and L2-normalised; the model is L2-regularised logistic regression \
            (exemplars, 0/1 labels), least squares (graded labels) or Bradley–Terry (preferences), fitted \
            deterministically: the same data give a byte-identical model. With store documents among the \
            training data the model holds one fit per cross-fitting fold, and each stored document is later \
            scored by a fit that did not see it. The store is only read.

            Examples: curate quality train --positive good/ --out q.model
                      curate quality train --labels labels.jsonl --out q.model
                      curate quality train --preferences pairs.jsonl --out q.model
                      curate quality train --positive good/ --combine --out q.model   (after scoring perplexity, heuristics)
            """)

    @OptionGroup var training: QualityTrainingArguments

    @Option(name: .long, help: ArgumentHelp("Where to write the model.", valueName: "path"))
    var out: String

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let console = global.makeConsole()
        let started = DispatchTime.now()
        let store = try training.openStore(path: global.storePath)
        let model = try training.train(store: store, threads: global.threadCount, console: console, quiet: global.quiet)
        try model.write(to: out)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        if global.json {
            try Output.json(QualityTrainReport(model: out, header: model.header, weights: model.folds.map(\.indices.count), seconds: seconds))
            return
        }
        guard !global.quiet else { return }
        Output.line("quality trained \(model.header.loss.rawValue) model on \(model.header.trainedOn) in \(Formatting.duration(seconds)) → \(Output.displayPath(out))")
        QualityInspectCommand.printFigures(model, indent: "        ")
        if let stacked = model.header.stacked {
            Output.line("        combined ranking over \(stacked.names.count) signals (`curate quality inspect` shows its weights)")
        }
    }
}

/// `curate quality train --json`.
struct QualityTrainReport: Codable {
    var model: String
    var header: QualityModel.Header
    var weights: [Int]
    var seconds: Double
}

/// `curate quality inspect`
struct QualityInspectCommand: ParsableCommand, WithoutBLAS {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a quality model learned: its strongest features of each sign, and its training figures.")

    @Argument(help: ArgumentHelp("The model file.", valueName: "model"))
    var model: String

    @Option(name: .long, help: "Features of each sign to show.")
    var top = 20

    @Flag(name: .long, help: "Print one JSON object instead of the text summary.")
    var json = false

    func run() throws {
        let file = try QualityModel.read(from: model)
        if json {
            try Output.json(QualityTrainReport(model: model, header: file.header, weights: file.folds.map(\.indices.count), seconds: 0))
            return
        }
        Output.line("model   \(Output.displayPath(model)): \(file.header.loss.rawValue), format \(QualityModel.version), trained on \(file.header.trainedOn)")
        Self.printFigures(file, indent: "        ")
        let positive = file.header.strongest.filter { $0.weight > 0 }.prefix(top)
        let negative = file.header.strongest.filter { $0.weight < 0 }.prefix(top)
        Output.line("")
        Output.line("  weight   toward good                          weight   toward bad")
        for row in 0..<max(positive.count, negative.count) {
            func cell(_ features: ArraySlice<NamedFeature>) -> String {
                guard row < features.count else { return Output.paddedColumns("", 37) }
                let feature = features[features.startIndex + row]
                let text = Output.wrap(feature.text.replacingOccurrences(of: "\n", with: "⏎"), 27).first ?? ""
                return Output.leftPadded(Formatting.decimal(feature.weight, places: 2), 8) + "   " + Output.paddedColumns(text, 28)
            }
            Output.line(cell(positive) + cell(negative))
        }
        if let stacked = file.header.stacked { Self.printStacked(stacked) }
    }

    /// The combined model's weights (mean over its folds; per standard deviation of each compressed
    /// signal, so they compare), largest first.
    static func printStacked(_ stacked: StackedModel) {
        Output.line("")
        Output.line("combined ranking over \(stacked.names.count) signals (\(stacked.folds.count) fold\(stacked.folds.count == 1 ? "" : "s"), λ \(String(format: "%.3g", stacked.l2))); weight per standard deviation:")
        let mean = stacked.names.indices.map { k in stacked.folds.map { $0.weights[k] }.reduce(0, +) / Double(max(1, stacked.folds.count)) }
        for k in stacked.names.indices.sorted(by: { (abs(mean[$0]), $1) > (abs(mean[$1]), $0) }) {
            Output.line("  " + Output.leftPadded(Formatting.decimal(mean[k], places: 3), 8) + "   " + stacked.names[k])
        }
    }

    static func printFigures(_ model: QualityModel, indent: String) {
        let header = model.header
        let weights = model.folds.map(\.indices.count).reduce(0, +) / max(1, model.folds.count)
        var line = indent + "2^\(header.features.bits) buckets · \(Formatting.count(weights)) weights per fold · λ \(String(format: "%.3g", header.l2))"
        if header.folds > 1 { line += " · \(header.folds) cross-fitted folds" }
        Output.line(line)
        let aucs = header.figures.compactMap(\.trainingAUC)
        var fit = indent + "SGD \(header.figures.first?.epochs ?? 0) epochs"
        fit += " · mean loss " + header.figures.map { Formatting.decimal($0.meanLoss, places: 4) }.joined(separator: ", ")
        if !aucs.isEmpty { fit += " · training AUC " + aucs.map { Formatting.decimal($0, places: 3) }.joined(separator: ", ") }
        Output.line(fit)
    }
}

/// `curate score --metric quality`: scores with a given model, or trains one first.
struct QualityScoreRun {
    let model: String?
    let modelOut: String?
    let training: QualityTrainingArguments
    let global: GlobalOptions
    var rescore = false
    /// `score --metric combined`: the model must hold a combined ranking.
    var requireCombined = false

    func run() throws {
        let console = global.makeConsole()
        let store = try Store(path: global.storePath, create: false)
        // The model first: bad training input or a bad model file leaves the store as it was.
        let path: String
        if let model {
            path = model
        } else if training.given {
            path = modelOut ?? store.path + ".quality.model"
            let trained = try training.train(store: store, threads: global.threadCount, console: console, quiet: global.quiet)
            try trained.write(to: path)
            if !global.quiet { console.write("curate: quality model trained on \(trained.header.trainedOn) → \(Output.displayPath(path))\n") }
        } else {
            throw QualityError("no quality model to score with",
                               hint: "give --model q.model (from `curate quality train`), or learn one now with --positive GOOD…, --labels FILE or --preferences FILE")
        }
        let file = try QualityModel.read(from: path)
        if requireCombined && file.header.stacked == nil {
            throw QualityError("\(Output.displayPath(path)) has no combined ranking", hint: "train one with `curate quality train … --combine`")
        }
        let runID = try store.beginRun(command: "score", arguments: Invocation.arguments)
        do {
            let modelID = try QualityStoreScorer.register(model: file, path: path, runID: runID, store: store)
            if rescore { try store.connection.execute("DELETE FROM quality_scores WHERE model_id = \(modelID)") }
            let summary = try QualityStoreScorer(store: store, model: file, modelID: modelID, threads: global.threadCount, console: console).run()
            let combined = try file.header.stacked.map { try CombinedScorer.run(store: store, modelID: modelID, model: $0) }
            try store.finishRun(id: runID, status: .done, counts: ["documents": Int64(summary.documents), "combined": Int64(combined?.documents ?? 0)],
                                notes: ["model": path, "trained_on": file.header.trainedOn])
            if global.json {
                try Output.json(QualityScoreReport(model: path, loss: file.header.loss.rawValue, trainedOn: file.header.trainedOn, scored: summary,
                                                   combined: combined))
                return
            }
            guard !global.quiet else { return }
            let rate = Formatting.megabytesPerSecond(bytes: summary.bytes, seconds: summary.seconds)
            var line = summary.documents == 0
                ? "score   quality  nothing new to score (use --rescore to score again)"
                : "score   quality  \(Formatting.count(summary.documents)) docs in \(Formatting.duration(summary.seconds)) (\(rate))"
            line += "  model \(Output.displayPath(path)) (\(file.header.loss.rawValue)" + (file.header.folds > 1 ? ", \(file.header.folds) cross-fitted folds)" : ")")
            Output.line(line)
            QualityTable.print(summary.languages)
            if let combined {
                let missing = combined.missing.sorted { $0.key < $1.key }.map { "\($0.key) \(Formatting.count($0.value))" }
                Output.line("        combined ranking: \(Formatting.count(combined.documents)) docs over \(combined.signals.count) signals"
                            + (missing.isEmpty ? "" : " (without " + missing.joined(separator: ", ") + ")"))
            }
        } catch {
            console.clearProgress()
            try? store.finishRun(id: runID, status: .failed, counts: [:])
            throw error
        }
    }
}

/// `curate score --metric quality --json`.
struct QualityScoreReport: Codable {
    var model: String
    var loss: String
    var trainedOn: String
    var scored: QualityScoreSummary
    var combined: CombinedScoreSummary?
}

/// The per-language quality table of `score` and `stats`.
enum QualityTable {
    static func print(_ languages: [QualityLanguageSummary], indent: String = "") {
        guard !languages.isEmpty else { return }
        Output.line(indent + "language       docs        p10     median        p90")
        for row in languages {
            Output.line(indent + Output.padded(row.language, 10) + Output.leftPadded(Formatting.count(row.documents), 9)
                        + Output.leftPadded(Formatting.decimal(row.p10, places: 3), 11) + Output.leftPadded(Formatting.decimal(row.median, places: 3), 11)
                        + Output.leftPadded(Formatting.decimal(row.p90, places: 3), 11))
        }
    }
}
