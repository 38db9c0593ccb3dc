/// Word ids while a model is estimated: <unk> = 0, <s> = 1, </s> = 2, then words in order of first
/// appearance (KenLM's lmplz numbers them the same way).
public struct Vocabulary {
    public static let unknown: UInt32 = 0
    public static let begin: UInt32 = 1
    public static let end: UInt32 = 2
    public static let specials = ["<unk>", "<s>", "</s>"]

    private var ids: [UInt64: UInt32] = [:]
    /// The bytes of each word, by id.
    public private(set) var words: [[UInt8]] = []

    public init() {
        for special in Self.specials { _ = id(for: Array(special.utf8)) }
    }

    public var count: Int { words.count }

    /// The id of `token`, adding it when new. The special symbols in the text are treated as words
    /// of their own only through this function's callers (see `KneserNeyEstimator.add`).
    public mutating func id(for token: UnsafeRawBufferPointer) -> UInt32 {
        let hash = TokenHash.of(token)
        if let id = ids[hash] { return id }
        let id = UInt32(words.count)
        ids[hash] = id
        words.append(Array(token))
        return id
    }

    mutating func id(for token: [UInt8]) -> UInt32 {
        token.withUnsafeBytes { id(for: $0) }
    }

    public func word(_ id: UInt32) -> String {
        String(decoding: words[Int(id)], as: UTF8.self)
    }
}
