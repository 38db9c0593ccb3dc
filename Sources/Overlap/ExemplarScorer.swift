import Core
import Foundation
import Store
import Text

/// Which overlap metric to store.
public enum OverlapMetric: String, Sendable {
    /// ROUGE-L F1 (0…1).
    case rouge
    /// Sentence BLEU with effective order (0…100).
    case bleu
}

/// Exemplar documents with an inverted index of their word bigrams, so that a document is compared
/// only with the few exemplars it shares the most bigrams with, not with every one.
public final class ExemplarIndex: @unchecked Sendable {
    public let texts: [String]
    let chinese: [Bool]
    /// Each exemplar tokenized once for each kind of comparison.
    private let rougeStandard: [[UInt64]], rougeCharacters: [[UInt64]]
    private let bleu13a: [[String]], bleuZh: [[String]]
    private var postings: [UInt64: [Int32]] = [:]
    /// How many candidates get the exact (quadratic) comparison.
    public var candidates = 8

    public init(texts: [String]) {
        self.texts = texts
        let identifier = ScriptStopWordIdentifier()
        let analyzer = TextAnalyzer()
        chinese = texts.map { text in
            Array(text.utf8).withUnsafeBytes { identifier.identify($0, words: analyzer.words($0)).language } == "zh"
        }
        rougeStandard = texts.map { ROUGE(tokenizer: .standard).tokenIDs($0) }
        rougeCharacters = texts.map { ROUGE(tokenizer: .characters).tokenIDs($0) }
        bleu13a = texts.map { BLEU(tokenizer: .thirteenA).tokens($0) }
        bleuZh = texts.map { BLEU(tokenizer: .zh).tokens($0) }
        for (index, text) in texts.enumerated() {
            for gram in Set(Self.bigrams(Self.indexTokens(text))) { postings[gram, default: []].append(Int32(index)) }
        }
    }

    /// Tokens used only for finding candidates: lower-cased characters for non-ASCII, words for ASCII.
    static func indexTokens(_ text: String) -> [String] {
        ROUGE(tokenizer: .characters).tokens(text)
    }

    /// Hashes of the token bigrams (of the single token, for one-token texts).
    static func bigrams(_ tokens: [String]) -> [UInt64] {
        guard tokens.count >= 2 else { return tokens.map(stableHash) }
        return (0..<tokens.count - 1).map { stableHash(tokens[$0] + " " + tokens[$0 + 1]) }
    }

    static func stableHash(_ text: String) -> UInt64 {
        Array(text.utf8).withUnsafeBytes { WordHash.exact($0) }
    }

    /// The exemplars sharing the most bigrams with `text`, best first.
    func candidates(for text: String) -> [Int] {
        var shared: [Int32: Int] = [:]
        for gram in Set(Self.bigrams(Self.indexTokens(text))) {
            for exemplar in postings[gram] ?? [] { shared[exemplar, default: 0] += 1 }
        }
        return shared.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(candidates).map { Int($0.key) }
    }

    /// The best score of `text` against its candidate exemplars, and which exemplar gave it.
    public func best(_ metric: OverlapMetric, for text: String, chinese isChinese: Bool) -> (score: Double, exemplar: Int) {
        var best = (score: 0.0, exemplar: -1)
        let found = candidates(for: text)
        guard !found.isEmpty else { return best }
        // The document tokenized once per comparison kind, lazily.
        var rougeTokens: [Bool: [UInt64]] = [:]
        var bleuTokens: [Bool: [String]] = [:]
        for exemplar in found {
            let characters = isChinese || chinese[exemplar]
            let score: Double
            switch metric {
            case .rouge:
                let rouge = ROUGE(tokenizer: characters ? .characters : .standard)
                let prediction = rougeTokens[characters] ?? rouge.tokenIDs(text)
                rougeTokens[characters] = prediction
                score = rouge.rougeL(target: characters ? rougeCharacters[exemplar] : rougeStandard[exemplar], prediction: prediction).fmeasure
            case .bleu:
                let bleu = BLEU(tokenizer: characters ? .zh : .thirteenA)
                let hypothesis = bleuTokens[characters] ?? bleu.tokens(text)
                bleuTokens[characters] = hypothesis
                let statistics = bleu.statistics(hypothesisTokens: hypothesis, referenceTokens: [characters ? bleuZh[exemplar] : bleu13a[exemplar]])
                score = bleu.score(statistics, effectiveOrder: true).score
            }
            if score > best.score || best.exemplar < 0 { best = (score, exemplar) }
        }
        return best
    }
}

/// `curate score --metric rouge|bleu --reference exemplars`: each document's best overlap with the
/// exemplars, stored per exemplar set; documents already scored against the set are skipped.
public final class ExemplarScorer {
    private let store: Store
    private let index: ExemplarIndex
    private let metric: OverlapMetric
    private let referenceID: Int64
    private let threads: Int
    private let console: Console

    public init(store: Store, index: ExemplarIndex, metric: OverlapMetric, referenceID: Int64, threads: Int, console: Console) {
        self.store = store
        self.index = index
        self.metric = metric
        self.referenceID = referenceID
        self.threads = threads
        self.console = console
    }

    /// Records an exemplar set (identified by the exemplar texts themselves) and returns its id.
    public static func register(paths: [String], index: ExemplarIndex, store: Store) throws -> Int64 {
        var builder = Hash128Builder(seed: 0x6F76) // "ov"
        for text in index.texts { builder.update(text) }
        let id = StableID.from(builder.finish())
        let exemplars = index.texts.count
        let statement = try store.connection.prepare("""
            INSERT OR IGNORE INTO overlap_references (id, paths, exemplars, created_at) VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            """)
        statement.bind(1, id)
        statement.bind(2, paths.joined(separator: " "))
        statement.bind(3, exemplars)
        try statement.run()
        return id
    }

    public struct Summary: Codable, Sendable {
        public var documents = 0
        public var seconds = 0.0
        public var meanScore = 0.0
        public var withoutCandidates = 0
    }

    struct Pending: Sendable {
        var seq: Int64
        var id: Int64
        var codec: Int
        var stored: [UInt8]
        var hash: [UInt8]
        var language: String?
    }

    struct Scored: Sendable {
        var seq: Int64
        var id: Int64
        var score: Double
        var exemplar: Int
    }

    public func run(rescore: Bool = false) throws -> Summary {
        let started = DispatchTime.now()
        var summary = Summary()
        let metric = self.metric, referenceID = self.referenceID, index = self.index
        if rescore {
            try store.connection.execute("DELETE FROM overlap_scores WHERE metric = '\(metric.rawValue)' AND reference_id = \(referenceID)")
        }
        let condition = """
            d.duplicate_of IS NULL AND NOT EXISTS (SELECT 1 FROM overlap_scores o WHERE o.metric = '\(metric.rawValue)'
            AND o.reference_id = \(referenceID) AND o.seq = d.seq)
            """
        let total = try store.connection.scalarInt("SELECT count(*) FROM documents d WHERE \(condition)") ?? 0
        guard total > 0 else { return summary }
        let query = """
            SELECT d.seq, d.id, d.codec, d.text, l.language, d.content_hash FROM documents d LEFT JOIN document_language l ON l.seq = d.seq
            WHERE d.seq > ? AND \(condition) ORDER BY d.seq LIMIT 64
            """
        let insert = try store.connection.prepare("""
            INSERT OR REPLACE INTO overlap_scores (metric, reference_id, seq, document_id, score, exemplar) VALUES (?, ?, ?, ?, ?, ?)
            """)
        let path = store.path
        let transaction = GroupedTransaction(store: store)
        defer { transaction.rollback() }
        var progress = ProgressMeter(stage: "score", total: total, measure: .documents)
        var sum = 0.0
        try OrderedPipeline.run(
            workers: max(1, threads), capacity: max(1, threads) * 2 + 2,
            produce: { emit in
                try Store.readBatches(path: path, query: query, row: { statement in
                    Pending(seq: statement.int64(0), id: statement.int64(1), codec: statement.int(2),
                            stored: Array(statement.blobBytes(3)), hash: Array(statement.blobBytes(5)), language: statement.text(4))
                }, emit: emit)
            },
            makeWorker: {
                let decompressor = ZstdDecompressor()
                let identifier = ScriptStopWordIdentifier()
                let analyzer = TextAnalyzer()
                return { (batch: [Pending]) throws -> [Scored] in
                    try batch.map { pending in
                        let bytes = try StoredText.decode(pending.stored, codec: pending.codec, hash: pending.hash, document: pending.id, with: decompressor).get()
                        let text = String(decoding: bytes, as: UTF8.self)
                        let language = pending.language ?? bytes.withUnsafeBytes { identifier.identify($0, words: analyzer.words($0)).language }
                        let best = index.best(metric, for: text, chinese: language == "zh")
                        return Scored(seq: pending.seq, id: pending.id, score: best.score, exemplar: best.exemplar)
                    }
                }
            },
            consume: { batch in
                try transaction.write {
                    for scored in batch {
                        insert.bind(1, metric.rawValue)
                        insert.bind(2, referenceID)
                        insert.bind(3, scored.seq)
                        insert.bind(4, scored.id)
                        insert.bind(5, scored.score)
                        insert.bind(6, scored.exemplar)
                        try insert.run()
                        summary.documents += 1
                        sum += scored.score
                        if scored.exemplar < 0 { summary.withoutCandidates += 1 }
                    }
                }
                progress.update(done: Int64(summary.documents), documents: Int64(summary.documents), bytes: 0)
                if progress.due { console.progress(progress.line) }
            })
        try transaction.commit()
        console.clearProgress()
        summary.meanScore = summary.documents > 0 ? sum / Double(summary.documents) : 0
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return summary
    }
}
