import Text
/// Scores text with a model: tokenizes it as the model's options say and looks the tokens up.
/// Not thread-safe: one per thread (it owns a tokenizer).
public final class SentenceScorer {
    public let model: NGramModel
    private let tokenizer: LMTokenizer
    private var ids: [UInt32] = []

    public init(model: NGramModel, options: TokenizerOptions? = nil) {
        self.model = model
        tokenizer = LMTokenizer(options: options ?? model.options)
    }

    /// One line as one sentence (a blank line is the empty sentence: just `</s>`).
    public func score(line: String) -> SentenceScore {
        var result = SentenceScore(log10Probability: 0, tokens: 0, oov: 0)
        let sentences = Array(line.utf8).withUnsafeBytes { bytes in
            tokenizer.forEachSentence(in: bytes) { tokens in
                ids.removeAll(keepingCapacity: true)
                tokens { token in ids.append(model.id(ofTokenHash: TokenHash.of(token))) }
                let score = model.score(ids)
                result.log10Probability += score.log10Probability
                result.tokens += score.tokens
                result.oov += score.oov
            }
        }
        return sentences == 0 ? model.score([]) : result
    }

    /// Every non-blank line of a document as a sentence; `body` gets each line's score.
    public func scoreLines(of text: UnsafeRawBufferPointer, _ body: (SentenceScore) -> Void) {
        tokenizer.forEachSentence(in: text) { tokens in
            ids.removeAll(keepingCapacity: true)
            tokens { token in ids.append(model.id(ofTokenHash: TokenHash.of(token))) }
            body(model.score(ids))
        }
    }

    /// The same, over a document's shared analysis.
    public func scoreLines(of analysis: DocumentAnalysis, _ body: (SentenceScore) -> Void) {
        tokenizer.forEachSentence(in: analysis) { tokens in
            ids.removeAll(keepingCapacity: true)
            tokens { token in ids.append(model.id(ofTokenHash: TokenHash.of(token))) }
            body(model.score(ids))
        }
    }
}
