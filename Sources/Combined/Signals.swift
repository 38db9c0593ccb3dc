import CXXHash
import Core
import Dispatch
import Filters
import Foundation
import LM
import Quality
import Store
import Text

/// Which stored signals a combined model uses, found in the store when it is trained: the quality logit
/// always; reference perplexity and bits per byte when an n-gram reference has scored the store; the Moore–Lewis
/// difference when its contrast has; every heuristic statistic whose table has rows; indicators of the
/// languages the training examples are written in, and of each signal group's absence.
public struct SignalLayout: Sendable {
    public var reference: Int64?
    public var contrast: Int64?
    /// (filter, its statistic columns) whose tables have rows.
    public var statistics: [(filter: String, columns: [String])] = []
    public var languages: [String] = []

    public static let quality = "quality"

    public var names: [String] {
        var names = [Self.quality]
        if reference != nil { names += ["perplexity", "bits_per_byte"] }
        if contrast != nil { names.append("moore_lewis") }
        for (filter, columns) in statistics { names += columns.map { "\(filter).\($0)" } }
        if reference != nil { names.append("perplexity missing") }
        if contrast != nil { names.append("moore_lewis missing") }
        if !statistics.isEmpty { names.append("statistics missing") }
        return names + languages.map { "language=\($0)" }
    }

    /// The layout of a store's signals (languages are chosen later, from the training examples).
    public static func discover(store: Store) throws -> SignalLayout {
        var layout = SignalLayout()
        // An n-gram reference only: the training texts are measured with it, and a GPT reference
        // (`score --metric perplexity --model RUN`) is not loaded here.
        if let reference = try store.latestReferenceModelID(scored: true),
           try store.connection.scalarText("SELECT kind FROM lm_models WHERE id = ?", [.integer(reference)]) == "ngram" {
            layout.reference = reference
            layout.contrast = try store.latestContrastModelID(for: reference)
        }
        for filter in heuristicFilters where try store.connection.scalarInt("SELECT EXISTS (SELECT 1 FROM stats_\(filter.name))") == 1 {
            layout.statistics.append((filter.name, filter.columns.map(\.name)))
        }
        return layout
    }

    /// The layout a stacked model was trained with (its feature names), to read the same signals back.
    public init(model: StackedModel) {
        reference = model.reference
        contrast = model.contrast
        var statistics: [(String, [String])] = []
        for name in model.names where name.contains(".") && !name.contains("=") {
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            if statistics.last?.0 == parts[0] { statistics[statistics.count - 1].1.append(parts[1]) } else { statistics.append((parts[0], [parts[1]])) }
        }
        self.statistics = statistics
        languages = model.names.filter { $0.hasPrefix("language=") }.map { String($0.dropFirst("language=".count)) }
    }

    public init() {}

    /// The language indicators (last in `names`) of a document in `language`.
    public func languageIndicators(_ language: String) -> [Double?] { languages.map { $0 == language ? 1 : 0 } }

    /// Raw values in `names` order from the signals' parts (nil = missing).
    func assemble(quality: Double, perplexity: (Double, Double)?, mooreLewis: Double?, statistics values: [Double]?, language: String) -> [Double?] {
        var raw: [Double?] = [quality]
        if reference != nil { raw += [perplexity?.0, perplexity?.1] }
        if contrast != nil { raw.append(mooreLewis) }
        let statisticCount = statistics.reduce(0) { $0 + $1.columns.count }
        if statisticCount > 0 { raw += values.map { $0.map(Optional.some) } ?? Array(repeating: nil, count: statisticCount) }
        if reference != nil { raw.append(perplexity == nil ? 1 : 0) }
        if contrast != nil { raw.append(mooreLewis == nil ? 1 : 0) }
        if statisticCount > 0 { raw.append(values == nil ? 1 : 0) }
        return raw + languageIndicators(language)
    }
}

/// Measures the signals of texts that are not (or not yet) scored in the store — the combined model's
/// training examples — with the store's own reference and contrast models and the built-in filter
/// profiles, exactly as the scoring stages measure stored documents. Cross-fitted pairs: a store
/// document is scored by the half that did not train on it; any other text by a half chosen by a hash
/// of its bytes (neither half saw it).
public final class SignalMeasurer: @unchecked Sendable {
    let layout: SignalLayout
    let references: ReferenceModels?
    let contrasts: ReferenceModels?
    let selection: ProfileSelection

    public init(layout: SignalLayout, store: Store) throws {
        self.layout = layout
        func models(_ id: Int64?) throws -> ReferenceModels? {
            guard let id, let paths = try store.languageModelPaths(id: id) else { return nil }
            return ReferenceModels(try paths.map { try NGramModel.load(path: $0) })
        }
        references = try models(layout.reference)
        contrasts = try models(layout.contrast)
        selection = try ProfileSelection.builtIn()
    }

    /// Raw signal values (in `layout.names` order, `quality` given) and detected language of each text.
    public func measure(_ texts: [(text: [UInt8], documentID: Int64?, quality: Double)], threads: Int) -> [(values: [Double?], language: String)] {
        let results = UnsafeMutableBufferPointer<(values: [Double?], language: String)>.allocate(capacity: texts.count)
        defer { results.deallocate() }
        let output = SendableBuffer(results)
        let workers = max(1, min(threads, texts.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let analyzer = TextAnalyzer(), identifier = ScriptStopWordIdentifier()
            let referenceScorers = references?.models.map { SentenceScorer(model: $0) }
            let contrastScorers = contrasts?.models.map { SentenceScorer(model: $0) }
            for k in stride(from: worker, to: texts.count, by: workers) {
                let item = texts[k]
                let (language, statistics) = HeuristicScorer.measure(item.text, selection: selection, analyzer: analyzer, identifier: identifier)
                // The half that scores it: a store document's own rule; else a hash bit of its text.
                let fold = item.documentID ?? Int64(item.text.withUnsafeBytes { XXH3_64bits($0.baseAddress, $0.count) } & 1)
                var perplexity: (Double, Double)?, reference: DocumentPerplexity?
                if let references, let referenceScorers {
                    let measured = item.text.withUnsafeBytes { DocumentPerplexity.measure($0, scorer: referenceScorers[references.index(for: fold)]) }
                    perplexity = (measured.perplexity, measured.bitsPerByte)
                    reference = measured
                }
                var mooreLewis: Double?
                if let contrasts, let contrastScorers, let reference, reference.tokens + reference.lines > 0 {
                    let measured = item.text.withUnsafeBytes { DocumentPerplexity.measure($0, scorer: contrastScorers[contrasts.index(for: fold)]) }
                    mooreLewis = MooreLewis.difference(reference: reference, contrast: measured)
                }
                let values = layout.statistics.flatMap { statistics[$0.filter] ?? [] }
                let raw = layout.assemble(quality: item.quality, perplexity: perplexity, mooreLewis: mooreLewis,
                                          statistics: layout.statistics.isEmpty ? nil : values, language: language.language)
                (output.buffer.baseAddress! + k).initialize(to: (raw, language.language))
            }
        }
        return Array(results)
    }
}
