import Core
import Text

/// How text becomes language-model tokens. Recorded in every model, so that a model is always queried
/// with the tokenization it was trained with.
public struct TokenizerOptions: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// ICU words plus punctuation and symbol tokens, over the NFKC text.
        case icu
        /// Split on space, tab, CR, LF and NUL, exactly as KenLM's lmplz and query do.
        case whitespace
    }

    public var kind = Kind.icu
    /// Lower-case letters (simple case mapping).
    public var lowercase = true
    /// Replace every decimal digit by 0 (as cc_net does before tokenizing).
    public var foldDigits = true

    public init(kind: Kind = .icu, lowercase: Bool = true, foldDigits: Bool = true) {
        self.kind = kind
        self.lowercase = lowercase
        self.foldDigits = foldDigits
    }

    /// The ARPA comment line that records the options (KenLM skips lines starting with '#').
    public var arpaComment: String {
        "# curate-lm tokenizer=\(kind.rawValue) lowercase=\(lowercase) fold_digits=\(foldDigits)"
    }

    /// Reads the options back from an ARPA comment line; nil when the line is not one.
    public static func parse(comment line: Substring) -> TokenizerOptions? {
        guard line.hasPrefix("# curate-lm ") else { return nil }
        var options = TokenizerOptions()
        for field in line.dropFirst("# curate-lm ".count).split(separator: " ") {
            let parts = field.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "tokenizer": options.kind = Kind(rawValue: String(parts[1])) ?? .icu
            case "lowercase": options.lowercase = parts[1] == "true"
            case "fold_digits": options.foldDigits = parts[1] == "true"
            default: break
            }
        }
        return options
    }
}

/// Turns documents into sentences of tokens: one sentence per non-blank line, each token handed over as
/// its folded UTF-8 bytes (valid only during the call). Not thread-safe: one per thread.
public final class LMTokenizer {
    public let options: TokenizerOptions
    private let analyzer = TextAnalyzer()
    private var folded: [UInt8] = []

    public init(options: TokenizerOptions) {
        self.options = options
        folded.reserveCapacity(256)
    }

    /// Calls `sentence` once per non-blank line of `text`, with a closure that yields the line's tokens.
    /// Returns the number of sentences.
    @discardableResult
    public func forEachSentence(in text: UnsafeRawBufferPointer,
                                _ sentence: (_ tokens: (_ token: (UnsafeRawBufferPointer) -> Void) -> Void) -> Void) -> Int {
        var count = 0
        switch options.kind {
        case .whitespace:
            // lmplz splits lines on '\n' only and words on "\0\t\r ".
            var start = 0
            for i in 0...text.count where i == text.count || text[i] == 0x0A {
                let line = UnsafeRawBufferPointer(rebasing: text[start..<i])
                start = i + 1
                guard Self.hasWhitespaceToken(line) else { continue }
                count += 1
                sentence { body in self.whitespaceTokens(line, body) }
            }
        case .icu:
            count = forEachSentence(in: DocumentAnalysis(text: Array(text), analyzer: analyzer, identifier: ScriptStopWordIdentifier()), sentence)
        }
        return count
    }

    /// The same, over a document's shared analysis (the scoring pass's): with the ICU tokenizer, each
    /// line of the NFKC form with its tokens, from the one segmentation of the whole text.
    @discardableResult
    public func forEachSentence(in analysis: DocumentAnalysis,
                                _ sentence: (_ tokens: (_ token: (UnsafeRawBufferPointer) -> Void) -> Void) -> Void) -> Int {
        guard options.kind == .icu else { return analysis.text.withUnsafeBytes { forEachSentence(in: $0, sentence) } }
        let lines = analysis.lineTokens()
        return analysis.withNormalized { bytes in
            var count = 0
            for (line, tokens) in lines where !tokens.isEmpty {
                let lineBytes = UnsafeRawBufferPointer(rebasing: bytes[line.start..<line.end])
                count += 1
                sentence { body in
                    for token in tokens {
                        fold(UnsafeRawBufferPointer(rebasing: lineBytes[Int(token.start)..<Int(token.end)]), token: token, body)
                    }
                }
            }
            return count
        }
    }

    /// `fold` for a token whose kind the segmentation told: ideographs have no case and no digits and
    /// pass as they are; short ASCII tokens fold byte by byte on the stack; the rest as `fold` does.
    @inline(__always)
    private func fold(_ bytes: UnsafeRawBufferPointer, token: Word, _ body: (UnsafeRawBufferPointer) -> Void) {
        guard options.lowercase || options.foldDigits else { return body(bytes) }
        if token.isIdeographic { return body(bytes) }
        guard token.isASCII && bytes.count <= 64 else { return fold(bytes, body) }
        let lowercase = options.lowercase, foldDigits = options.foldDigits
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = TokenFolding.foldASCII(byte, lowercase: lowercase, foldDigits: foldDigits) }
            body(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[..<bytes.count]))
        }
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x00 || byte == 0x0A
    }

    private static func hasWhitespaceToken(_ line: UnsafeRawBufferPointer) -> Bool {
        line.contains { !isDelimiter($0) }
    }

    private func whitespaceTokens(_ line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var start = -1
        for i in 0...line.count {
            let delimiter = i == line.count || Self.isDelimiter(line[i])
            if delimiter {
                if start >= 0 { fold(UnsafeRawBufferPointer(rebasing: line[start..<i]), body) }
                start = -1
            } else if start < 0 {
                start = i
            }
        }
    }

    private func fold(_ token: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        guard options.lowercase || options.foldDigits else { return body(token) }
        folded.removeAll(keepingCapacity: true)
        TokenFolding.fold(token, lowercase: options.lowercase, foldDigits: options.foldDigits, into: &folded)
        folded.withUnsafeBytes(body)
    }
}

/// The id of a token in a model's vocabulary is looked up by this 64-bit hash of its bytes.
public enum TokenHash {
    public static func of(_ token: UnsafeRawBufferPointer) -> UInt64 {
        WordHash.exact(token)
    }

    public static func of(_ token: String) -> UInt64 {
        Array(token.utf8).withUnsafeBytes { of($0) }
    }
}
