import Core
import Foundation
import Store

/// One document to learn from: its text, and its stable id when it came from the store (so that the
/// cross-fitting fold that will score it leaves it out).
public struct TrainingDocument: Sendable {
    public var text: [UInt8]
    public var documentID: Int64?

    public init(text: [UInt8], documentID: Int64? = nil) {
        self.text = text
        self.documentID = documentID
    }
}

/// What a quality model learns from: exemplars against negatives, labelled documents, or preferences.
public enum TrainingData: Sendable {
    /// Good documents against others (logistic regression, classes weighted to balance).
    case exemplars(positives: [TrainingDocument], negatives: [TrainingDocument])
    /// Documents with a label: 0/1 (logistic) or a grade (least squares) when `graded`.
    case labelled([(document: TrainingDocument, label: Double)], graded: Bool)
    /// Pairs "chosen is better than rejected" (Bradley–Terry).
    case preferences([(chosen: TrainingDocument, rejected: TrainingDocument)])
}

public struct QualityTrainingOptions: Sendable {
    public var features = FeatureSettings()
    /// Cross-fitting folds (1 = one model on everything).
    public var folds = 1
    public var foldSeed: UInt64 = 0x9A17_F01D
    /// λ; nil = 1 / (number of examples).
    public var l2: Double?
    /// SGD passes over the training data.
    public var epochs = 10
    public var threads = 1
    /// How many training texts are read again to name the strongest features.
    public var describeTexts = 2_000
    /// How many features of each sign `quality inspect` shows.
    public var strongestShown = 25

    public init() {}
}

/// Trains a quality model: features once for every document, then one linear model per fold.
public enum QualityTraining {
    /// The training data as examples: feature vectors once per document, then one example per document
    /// (exemplars, labels) or two per pair (preferences, both orientations).
    struct Prepared: Sendable {
        var examples: [TrainingExample] = []
        /// Per example: the stable ids that keep it out of a fold's training set.
        var exampleIDs: [[Int64]] = []
        /// Per example: the indices of the documents it is made of.
        var exampleDocuments: [[Int]] = []
        /// Per document (positives then negatives; labelled documents; chosen then rejected per pair).
        var vectors: [SparseVector] = []
        var texts: [[UInt8]] = []
        var loss = LinearLoss.logistic
        var counts: [String: Int] = [:]
        var gradeRange: [Double]?
    }

    static func prepare(_ data: TrainingData, options: QualityTrainingOptions) throws -> Prepared {
        let settings = options.features
        // The examples, each with the stable ids that keep it out of a fold's training set.
        var examples: [TrainingExample] = []
        var exampleIDs: [[Int64]] = []
        var exampleDocuments: [[Int]] = []
        var allVectors: [SparseVector] = []
        var texts: [[UInt8]] = [] // for naming features
        let loss: LinearLoss
        var counts: [String: Int] = [:]
        var gradeRange: [Double]?
        switch data {
        case .exemplars(let positives, let negatives):
            guard !positives.isEmpty else { throw QualityError("no positive exemplars to learn from", hint: "give good documents with --positive") }
            guard !negatives.isEmpty else { throw QualityError("no negative documents to learn against", hint: "give --negative files, or a store with documents") }
            loss = .logistic
            let vectors = FeatureBatch.vectors(positives.map(\.text) + negatives.map(\.text), settings: settings, threads: options.threads)
            // Classes weighted to count equally (n / (2 · n_class)), as scikit-learn's class_weight="balanced".
            let total = Double(positives.count + negatives.count)
            let positiveWeight = total / (2 * Double(positives.count)), negativeWeight = total / (2 * Double(negatives.count))
            for (k, vector) in vectors.enumerated() {
                let positive = k < positives.count
                let document = positive ? positives[k] : negatives[k - positives.count]
                examples.append(TrainingExample(features: vector, target: positive ? 1 : 0, weight: positive ? positiveWeight : negativeWeight))
                exampleIDs.append(document.documentID.map { [$0] } ?? [])
                exampleDocuments.append([k])
            }
            allVectors = vectors
            counts = ["positives": positives.count, "negatives": negatives.count]
            texts = Self.interleaved(positives.map(\.text), negatives.map(\.text), limit: options.describeTexts)
        case .labelled(let documents, let graded):
            guard !documents.isEmpty else { throw QualityError("no labelled documents to learn from") }
            loss = graded ? .squared : .logistic
            let vectors = FeatureBatch.vectors(documents.map(\.document.text), settings: settings, threads: options.threads)
            if graded {
                let labels = documents.map(\.label)
                gradeRange = [labels.min() ?? 0, labels.max() ?? 0]
                guard Set(labels).count > 1 else { throw QualityError("every labelled document has the same grade: nothing to learn") }
                for (k, vector) in vectors.enumerated() { examples.append(TrainingExample(features: vector, target: documents[k].label)) }
                counts = ["labelled": documents.count]
            } else {
                let good = documents.filter { $0.label == 1 }.count, bad = documents.count - good
                guard good > 0, bad > 0 else {
                    throw QualityError("the labels hold only one class (\(good) good, \(bad) bad): nothing to learn",
                                       hint: "give documents of both classes, or positives with --positive against --negatives-from-store")
                }
                let total = Double(documents.count)
                for (k, vector) in vectors.enumerated() {
                    let isGood = documents[k].label == 1
                    examples.append(TrainingExample(features: vector, target: isGood ? 1 : 0,
                                                    weight: total / (2 * Double(isGood ? good : bad))))
                }
                counts = ["good": good, "bad": bad]
            }
            exampleIDs = documents.map { $0.document.documentID.map { [$0] } ?? [] }
            exampleDocuments = documents.indices.map { [$0] }
            allVectors = vectors
            texts = Array(documents.prefix(options.describeTexts).map(\.document.text))
        case .preferences(let pairs):
            guard !pairs.isEmpty else { throw QualityError("no preference pairs to learn from") }
            loss = .bradleyTerry
            let vectors = FeatureBatch.vectors(pairs.flatMap { [$0.chosen.text, $0.rejected.text] }, settings: settings, threads: options.threads)
            for k in pairs.indices {
                // Both orientations, so that the fit is symmetric in the order of the pair's members.
                let difference = vectors[2 * k].subtracting(vectors[2 * k + 1])
                examples.append(TrainingExample(features: difference, target: 1))
                var reversed = difference
                for i in reversed.values.indices { reversed.values[i] = -reversed.values[i] }
                examples.append(TrainingExample(features: reversed, target: 0))
                let ids = [pairs[k].chosen.documentID, pairs[k].rejected.documentID].compactMap { $0 }
                exampleIDs.append(ids)
                exampleIDs.append(ids)
                exampleDocuments.append([2 * k, 2 * k + 1])
                exampleDocuments.append([2 * k, 2 * k + 1])
            }
            allVectors = vectors
            counts = ["pairs": pairs.count]
            texts = Array(pairs.prefix(options.describeTexts / 2).flatMap { [$0.chosen.text, $0.rejected.text] })
        }

        return Prepared(examples: examples, exampleIDs: exampleIDs, exampleDocuments: exampleDocuments, vectors: allVectors, texts: texts,
                        loss: loss, counts: counts, gradeRange: gradeRange)
    }

    public static func train(_ data: TrainingData, options: QualityTrainingOptions, trainedOn: String) throws -> QualityModel {
        try train(try prepare(data, options: options), options: options, trainedOn: trainedOn)
    }

    /// The model, and each training document's score under a fit that did not see it — for stacking
    /// the combined model on the classifier's out-of-fold logit. Documents (in `TrainingData` order:
    /// positives then negatives; labelled documents; chosen then rejected per pair) fall into `innerFolds`
    /// folds by a seeded hash of their position; each fold is scored by a fit on the examples that
    /// involve none of its documents.
    public static func trainWithOutOfFold(_ data: TrainingData, options: QualityTrainingOptions, trainedOn: String,
                                          innerFolds: Int = 5) throws -> (model: QualityModel, outOfFold: [Double]) {
        let prepared = try prepare(data, options: options)
        let model = try train(prepared, options: options, trainedOn: trainedOn)
        let folds = max(2, innerFolds), seed = options.foldSeed ^ 0x5354_4143 // "STAC"
        let documentFold = prepared.vectors.indices.map { Int(splitMix(seed, UInt64($0)) % UInt64(folds)) }
        let scores = SendableBuffer(UnsafeMutableBufferPointer<Double>.allocate(capacity: prepared.vectors.count))
        defer { scores.buffer.deallocate() }
        var base = LinearTrainer(loss: prepared.loss)
        base.epochs = options.epochs
        let template = base
        let workers = max(1, min(options.threads, folds))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for fold in stride(from: worker, to: folds, by: workers) {
                var selected: [TrainingExample] = []
                for (k, example) in prepared.examples.enumerated() where !prepared.exampleDocuments[k].contains(where: { documentFold[$0] == fold }) {
                    selected.append(example)
                }
                var trainer = template
                trainer.l2 = options.l2 ?? 1 / Double(max(1, selected.count))
                trainer.seed = seed &+ UInt64(fold)
                let (weights, _) = trainer.fit(selected, buckets: options.features.buckets)
                let dense = weights.dense(buckets: options.features.buckets)
                for d in prepared.vectors.indices where documentFold[d] == fold {
                    (scores.buffer.baseAddress! + d).initialize(to: weights.score(prepared.vectors[d], dense: dense))
                }
            }
        }
        return (model, Array(scores.buffer))
    }

    static func train(_ prepared: Prepared, options: QualityTrainingOptions, trainedOn: String) throws -> QualityModel {
        let settings = options.features
        let examples = prepared.examples, exampleIDs = prepared.exampleIDs, texts = prepared.texts, loss = prepared.loss
        let counts = prepared.counts, gradeRange = prepared.gradeRange
        var header = QualityModel.Header(loss: loss, features: settings)
        header.folds = max(1, options.folds)
        header.foldSeed = options.foldSeed
        header.counts = counts
        header.gradeRange = gradeRange
        header.trainedOn = trainedOn
        var trainer = LinearTrainer(loss: loss)
        trainer.epochs = options.epochs
        // Folds are fitted side by side, one per thread; each fit is sequential, so the weights do not
        // depend on the thread count.
        let foldCount = header.folds, foldSeed = header.foldSeed
        let results = SendableBuffer(UnsafeMutableBufferPointer<(LinearWeights, TrainingFigures, Double)>.allocate(capacity: foldCount))
        defer { results.buffer.deallocate() }
        let exampleList = examples, idList = exampleIDs, template = trainer, l2 = options.l2
        let workers = max(1, min(options.threads, foldCount))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for fold in stride(from: worker, to: foldCount, by: workers) {
                var selected: [TrainingExample] = []
                selected.reserveCapacity(exampleList.count)
                for (k, example) in exampleList.enumerated()
                where foldCount == 1 || !idList[k].contains(where: { QualityModel.fold(of: $0, folds: foldCount, seed: foldSeed) == fold }) {
                    selected.append(example)
                }
                var trainer = template
                trainer.l2 = l2 ?? 1 / Double(max(1, selected.count))
                trainer.seed = foldSeed &+ UInt64(fold)
                var (weights, figures) = trainer.fit(selected, buckets: settings.buckets)
                if loss != .squared { figures.trainingAUC = Self.trainingAUC(selected, weights: weights, buckets: settings.buckets) }
                (results.buffer.baseAddress! + fold).initialize(to: (weights, figures, trainer.l2 ?? 0))
            }
        }
        var folds: [LinearWeights] = []
        for fold in 0..<foldCount {
            let (weights, figures, l2) = (results.buffer.baseAddress! + fold).move()
            folds.append(weights)
            header.figures.append(figures)
            header.l2 = l2
        }
        header.strongest = Self.strongest(folds, texts: texts, settings: settings, shown: options.strongestShown)
        return QualityModel(header: header, folds: folds)
    }

    /// Up to `limit` texts, alternating between the two lists.
    static func interleaved(_ a: [[UInt8]], _ b: [[UInt8]], limit: Int) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var i = 0
        while result.count < limit && (i < a.count || i < b.count) {
            if i < a.count { result.append(a[i]) }
            if i < b.count && result.count < limit { result.append(b[i]) }
            i += 1
        }
        return result
    }

    /// ROC AUC of a model on examples with 0/1 targets.
    static func trainingAUC(_ examples: [TrainingExample], weights: LinearWeights, buckets: Int) -> Double? {
        let dense = weights.dense(buckets: buckets)
        let scored = examples.map { (weights.score($0.features, dense: dense), $0.target == 1) }
        return RankMetrics.auc(scored)
    }

    /// The buckets with the largest mean weights of each sign, named by the feature text that most often
    /// falls into them in `texts`.
    static func strongest(_ folds: [LinearWeights], texts: [[UInt8]], settings: FeatureSettings, shown: Int) -> [NamedFeature] {
        var mean: [UInt32: Double] = [:]
        for fold in folds {
            for (index, weight) in zip(fold.indices, fold.weights) { mean[index, default: 0] += Double(weight) / Double(folds.count) }
        }
        let ordered = mean.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
        let chosen = Array(ordered.prefix(shown).filter { $0.value > 0 }) + Array(ordered.suffix(shown).reversed().filter { $0.value < 0 })
        let wanted = Set(chosen.map(\.key))
        var names: [UInt32: [String: Int]] = [:]
        let extractor = FeatureExtractor(settings: settings)
        for text in texts {
            text.withUnsafeBytes { bytes in
                extractor.forEachFeature(bytes, describe: true) { hash, name in
                    let bucket = FeatureExtractor.bucket(hash, bits: settings.bits)
                    guard wanted.contains(bucket), let name else { return }
                    names[bucket, default: [:]][name, default: 0] += 1
                }
            }
        }
        return chosen.map { bucket, weight in
            let candidates = names[bucket] ?? [:]
            let best = candidates.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }?.key
            return NamedFeature(text: best ?? "#\(bucket)", weight: weight, bucket: bucket)
        }
    }
}

/// Feature vectors of many texts, on several threads, in input order.
public enum FeatureBatch {
    public static func vectors(_ texts: [[UInt8]], settings: FeatureSettings, threads: Int) -> [SparseVector] {
        let output = UnsafeMutableBufferPointer<SparseVector>.allocate(capacity: texts.count)
        output.initialize(repeating: SparseVector())
        defer {
            _ = output.deinitialize()
            output.deallocate()
        }
        let workers = max(1, min(threads, texts.count))
        let slots = SendableBuffer(output)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let extractor = FeatureExtractor(settings: settings)
            for k in stride(from: worker, to: texts.count, by: workers) {
                slots.buffer[k] = extractor.vector(texts[k])
            }
        }
        return Array(output)
    }
}
