import Core
import Foundation
import Store

/// The Moore–Lewis difference per language, for `score --metric perplexity --contrast`.
public struct MooreLewisSummary: Codable, Sendable, Equatable {
    public var referenceID: Int64
    public var contrastID: Int64
    public var documents = 0
    /// Per language: documents, and the 10th, 50th and 90th percentiles of the difference (bits per token).
    public var languages: [MooreLewisLanguage] = []
}

public struct MooreLewisLanguage: Codable, Sendable, Equatable {
    public var language: String
    public var documents: Int
    public var p10: Double
    public var median: Double
    public var p90: Double
}

/// Moore and Lewis's cross-entropy difference (2010; REFERENCE §7): a document's bits per token under a
/// contrast model trained on the corpus at large, minus its bits per token under the reference model.
/// Perplexity alone rewards whatever is predictable (boilerplate, lists, markup scored low on the
/// documentation corpus); the difference asks whether the document is predictable *because it is like
/// the reference text*, which the corpus's own junk is not.
public enum MooreLewis {
    /// The difference for one document scored by both models (the SQL of `write` computes the same).
    public static func difference(reference: DocumentPerplexity, contrast: DocumentPerplexity) -> Double {
        (reference.log10Probability - contrast.log10Probability) * log2(10.0) / Double(reference.tokens + reference.lines)
    }

    /// Fills `moore_lewis` from the two models' perplexity rows: every document scored by both (the
    /// same tokens, so the two log-probabilities share their events). Idempotent.
    public static func write(store: Store, reference: Int64, contrast: Int64) throws -> MooreLewisSummary {
        try store.connection.transaction {
            try store.connection.execute("DELETE FROM moore_lewis WHERE reference_id = \(reference) AND contrast_id = \(contrast)")
            try store.connection.execute("""
                INSERT INTO moore_lewis (reference_id, contrast_id, seq, document_id, language, difference)
                SELECT r.model_id, c.model_id, r.seq, r.document_id, r.language,
                       (r.log10_prob - c.log10_prob) * \(log2(10.0)) / (r.tokens + r.lines)
                FROM perplexity r JOIN perplexity c ON c.model_id = \(contrast) AND c.seq = r.seq
                WHERE r.model_id = \(reference) AND r.tokens + r.lines > 0
                """)
        }
        return try summary(store: store, reference: reference, contrast: contrast)
    }

    public static func summary(store: Store, reference: Int64, contrast: Int64) throws -> MooreLewisSummary {
        var result = MooreLewisSummary(referenceID: reference, contrastID: contrast)
        let statement = try store.connection.prepare("""
            SELECT language, difference FROM moore_lewis WHERE reference_id = ? AND contrast_id = ? ORDER BY language, difference
            """)
        try statement.bind([.integer(reference), .integer(contrast)])
        var byLanguage: [(String, [Double])] = []
        while try statement.step() {
            let language = statement.text(0) ?? "other"
            if byLanguage.last?.0 != language { byLanguage.append((language, [])) }
            byLanguage[byLanguage.count - 1].1.append(statement.double(1))
        }
        for (language, values) in byLanguage.sorted(by: { ($0.1.count, $1.0) > ($1.1.count, $0.0) }) {
            result.documents += values.count
            result.languages.append(MooreLewisLanguage(language: language, documents: values.count, p10: nearestRankPercentile(values, 0.1),
                                                       median: nearestRankPercentile(values, 0.5), p90: nearestRankPercentile(values, 0.9)))
        }
        return result
    }
}
