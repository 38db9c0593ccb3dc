import Foundation
import Testing
@testable import Quality

/// Features, the linear fits, the model file and the label files, without a store.
struct QualityModelTests {
    static func text(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// Documents built from two vocabularies: `good` words make a document better, `bad` words worse.
    static let goodWords = ["river", "valley", "harvest", "lantern", "orchard", "meadow", "granite", "harbour", "willow", "saddle"]
    static let badWords = ["click", "login", "cookie", "subscribe", "banner", "promo", "cart", "checkout", "popup", "unsubscribe"]
    static let neutral = ["the", "a", "of", "and", "to", "in", "is", "was", "it", "on"]

    /// A document with `goodShare` of its content words from the good list, deterministic in `seed`.
    static func document(goodShare: Double, seed: UInt64, words: Int = 60) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        var parts: [String] = []
        for _ in 0..<words {
            let roll = Double(next() % 10_000) / 10_000
            if next() % 2 == 0 { parts.append(neutral[Int(next() % 10)]) }
            parts.append(roll < goodShare ? goodWords[Int(next() % 10)] : badWords[Int(next() % 10)])
        }
        return text(parts.joined(separator: " ") + ".")
    }

    @Test func featuresAreNormalisedSignedAndSeeHanBigrams() {
        let extractor = FeatureExtractor(settings: FeatureSettings())
        let vector = extractor.vector(Self.text("The river and the river valley.\n* one\n* two"))
        var norm = 0.0
        for value in vector.values { norm += Double(value) * Double(value) }
        #expect(abs(norm - 1) < 1e-5)
        #expect(Set(vector.indices).count == vector.count && vector.sorted().indices == vector.indices.sorted())
        #expect(vector.values.contains { $0 < 0 } && vector.values.contains { $0 > 0 })
        // Case and digits fold: "River 1999" and "river 2024" are the same features.
        #expect(extractor.vector(Self.text("River 1999")) == extractor.vector(Self.text("river 2024")))
        // Chinese: ICU words plus character bigrams, named readably.
        var names: [String] = []
        Self.text("我们今天在北京").withUnsafeBytes { bytes in
            extractor.forEachFeature(bytes, describe: true) { _, name in names.append(name ?? "") }
        }
        #expect(names.contains("北京") && names.contains("北·京") && names.contains("今·天"))
        // Line breaks are tokens: a list differs from the same words on one line.
        #expect(extractor.vector(Self.text("* one\n* two")) != extractor.vector(Self.text("* one * two")))
    }

    @Test func logisticFitSeparatesAndIsDeterministic() throws {
        let extractor = FeatureExtractor(settings: FeatureSettings())
        var examples: [TrainingExample] = []
        for k in 0..<200 {
            let good = k % 2 == 0
            examples.append(TrainingExample(features: extractor.vector(Self.document(goodShare: good ? 0.8 : 0.2, seed: UInt64(k))), target: good ? 1 : 0))
        }
        let trainer = LinearTrainer(loss: .logistic)
        let (one, figures) = trainer.fit(examples, buckets: 1 << 20)
        let (two, _) = trainer.fit(examples, buckets: 1 << 20)
        #expect(one == two)
        // Small data: at least 50,000 steps; the fit is close to separating the training set.
        #expect(figures.steps >= 50_000 && figures.meanLoss < 0.3 && (figures.trainingAUC ?? 1) > 0.99 || figures.trainingAUC == nil)
        // The classes are drawn balanced: the bias stays near 0 for balanced data, and moves with the classes.
        #expect(abs(one.bias) < 1)
        // Held-out documents are ordered by their good share.
        let scorer = QualityScorer(model: QualityModel(header: .init(loss: .logistic, features: FeatureSettings()), folds: [one]))
        let scored = (0..<100).map { k -> (score: Double, good: Bool) in
            let good = k % 2 == 0
            return (scorer.score(extractor.vector(Self.document(goodShare: good ? 0.7 : 0.3, seed: 10_000 + UInt64(k))), fold: 0), good)
        }
        #expect(try #require(RankMetrics.auc(scored)) > 0.95)
    }

    @Test func bradleyTerryRecoversAKnownRanking() throws {
        // 40 documents with a known quality (their good share); 400 pairs judged by a Bradley–Terry
        // oracle with strength 8 × share, drawn deterministically.
        let shares = (0..<40).map { Double($0) / 39 }
        let documents = shares.enumerated().map { TrainingDocument(text: Self.document(goodShare: $0.element, seed: 500 + UInt64($0.offset), words: 120)) }
        var state: UInt64 = 42
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var pairs: [(chosen: TrainingDocument, rejected: TrainingDocument)] = []
        while pairs.count < 400 {
            let a = Int(uniform() * 40), b = Int(uniform() * 40)
            guard a != b else { continue }
            let pA = 1 / (1 + exp(-8 * (shares[a] - shares[b])))
            pairs.append(uniform() < pA ? (documents[a], documents[b]) : (documents[b], documents[a]))
        }
        let model = try QualityTraining.train(.preferences(pairs), options: QualityTrainingOptions(), trainedOn: "test")
        #expect(model.header.loss == .bradleyTerry && model.folds[0].bias == 0)
        // Fresh documents of known share: the learned strengths order them (Kendall's τ-like pair agreement).
        let scorer = QualityScorer(model: model)
        let extractor = FeatureExtractor(settings: model.header.features)
        let fresh = (0..<30).map { k in (share: Double(k) / 29, score: scorer.score(extractor.vector(Self.document(goodShare: Double(k) / 29, seed: 9_000 + UInt64(k), words: 120)), fold: 0)) }
        var agree = 0, total = 0
        for i in fresh.indices { for j in fresh.indices where fresh[i].share > fresh[j].share { total += 1; if fresh[i].score > fresh[j].score { agree += 1 } } }
        #expect(Double(agree) / Double(total) > 0.85, "pairs ordered right: \(agree) of \(total)")
    }

    @Test func gradedLabelsFitARegression() throws {
        let labelled = (0..<120).map { k -> (document: TrainingDocument, label: Double) in
            let grade = Double(k % 6)
            return (TrainingDocument(text: Self.document(goodShare: grade / 5, seed: 77 + UInt64(k))), grade)
        }
        let model = try QualityTraining.train(.labelled(labelled, graded: true), options: QualityTrainingOptions(), trainedOn: "test")
        #expect(model.header.loss == .squared && model.header.gradeRange == [0, 5])
        let scorer = QualityScorer(model: model)
        let extractor = FeatureExtractor(settings: model.header.features)
        let scored = (0..<60).map { k in (score: scorer.score(extractor.vector(Self.document(goodShare: Double(k % 6) / 5, seed: 5_000 + UInt64(k))), fold: 0), grade: Double(k % 6)) }
        #expect(try #require(RankMetrics.concordance(scored)) > 0.85)
    }

    @Test func crossFittingLeavesEachStoreDocumentOutOfItsFoldsModel() throws {
        // One store negative carries a word nothing else has: only the folds that trained on it know it.
        let positives = (0..<30).map { TrainingDocument(text: Self.document(goodShare: 0.8, seed: UInt64($0))) }
        var negatives = (0..<60).map { TrainingDocument(text: Self.document(goodShare: 0.2, seed: 100 + UInt64($0)), documentID: 1_000 + Int64($0)) }
        negatives[7].text += Self.text(" zyzzyvaunique")
        var options = QualityTrainingOptions()
        options.folds = 3
        let model = try QualityTraining.train(.exemplars(positives: positives, negatives: negatives), options: options, trainedOn: "test")
        let held = model.fold(of: 1_007)
        var hash: UInt64 = 0
        Self.text("zyzzyvaunique").withUnsafeBytes { bytes in
            FeatureExtractor(settings: model.header.features).forEachFeature(bytes, describe: true) { h, name in if name == "zyzzyvaunique" { hash = h } }
        }
        let bucket = FeatureExtractor.bucket(hash, bits: model.header.features.bits)
        for (fold, weights) in model.folds.enumerated() {
            #expect(weights.indices.contains(bucket) == (fold != held), "fold \(fold) (document in fold \(held))")
        }
    }

    @Test func modelFileRoundTripsAndRefusesDamage() throws {
        let positives = (0..<20).map { TrainingDocument(text: Self.document(goodShare: 0.8, seed: UInt64($0))) }
        let negatives = (0..<20).map { TrainingDocument(text: Self.document(goodShare: 0.2, seed: 50 + UInt64($0))) }
        let data = TrainingData.exemplars(positives: positives, negatives: negatives)
        let model = try QualityTraining.train(data, options: QualityTrainingOptions(), trainedOn: "test")
        let bytes = try model.encoded()
        // The same data give the same bytes.
        #expect(try QualityTraining.train(data, options: QualityTrainingOptions(), trainedOn: "test").encoded() == bytes)
        let decoded = try QualityModel.decode(bytes, path: "m")
        #expect(decoded.header == model.header && decoded.folds == model.folds)
        #expect(model.header.strongest.contains { $0.weight > 0 && Self.goodWords.contains($0.text) })
        #expect(model.header.strongest.contains { $0.weight < 0 && Self.badWords.contains($0.text) })

        func failure(_ bytes: [UInt8]) -> String {
            do { _ = try QualityModel.decode(bytes, path: "m.model"); return "" } catch { return String(describing: error) }
        }
        #expect(failure(Array(bytes.prefix(bytes.count - 100))).contains("checksum"))
        #expect(failure(Array(bytes.prefix(10))).contains("m.model"))
        var other = bytes
        other[8] = 9 // version 9
        #expect(failure(other).contains("format version 9"))
        #expect(failure(Array("not a model at all".utf8)).contains("CURATEQM"))
    }

    @Test func labelFilesNameTheLineOfEachProblem() throws {
        let directory = NSTemporaryDirectory() + "/curate-labels-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func write(_ name: String, _ text: String) -> String {
            let path = directory + "/" + name
            FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            return path
        }
        func failure(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return String(describing: error) }
        }
        let good = write("good.jsonl", "{\"id\": \"a\", \"label\": \"good\"}\n{\"text\": \"t\", \"label\": 0}\n{\"id\": 7, \"label\": true}\n\n{\"id\": \"b\", \"label\": 4.5}\n")
        let records = try LabelFiles.readLabels(path: good, labelField: "label")
        #expect(records.map(\.label) == [1, 0, 1, 4.5] && records.map(\.line) == [1, 2, 3, 5])
        #expect(records[1].document == .text(Self.text("t")) && records[2].document == .id("7"))
        #expect(LabelFiles.isGraded(records))
        let word = write("word.jsonl", "{\"id\": \"a\", \"label\": 1}\n{\"id\": \"b\", \"label\": \"excellent\"}\n")
        #expect(failure { _ = try LabelFiles.readLabels(path: word, labelField: "label") }.contains("word.jsonl:2: label 'excellent' is not a number or a known class"))
        let broken = write("broken.jsonl", "{\"id\": \"a\", \"label\": 1}\n{\"id\": \"b\", \"label\": \n")
        #expect(failure { _ = try LabelFiles.readLabels(path: broken, labelField: "label") }.contains("broken.jsonl:2: not a JSON object"))
        #expect(failure { _ = try LabelFiles.readLabels(path: good, labelField: "grade") }.contains("good.jsonl:1: no 'grade' field"))
        let tsv = write("labels.tsv", "id\tgrade\nx\t3\ny\tbad\nz\n")
        #expect(failure { _ = try LabelFiles.readLabels(path: tsv, labelField: "grade") }.contains("labels.tsv:4: 1 fields where the header has 2"))
        let pairs = write("pairs.jsonl", "{\"chosen\": \"a good text\", \"rejected\": {\"id\": \"r1\"}}\n{\"chosen_id\": \"c\", \"rejected_id\": 5}\n{\"chosen\": \"x\"}\n")
        #expect(failure { _ = try LabelFiles.readPreferences(path: pairs) }.contains("pairs.jsonl:3: no 'rejected' field"))
    }
}
