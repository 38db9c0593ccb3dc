/// How statistics are measured for one language. Changing these needs the documents to be re-scored.
public struct StatisticParameters: Sendable, Equatable {
    /// How C4 counts the words of a line.
    public enum LineWords: String, Sendable {
        /// Split on white space, as C4 did (right for languages written with spaces).
        case whitespace
        /// ICU's word segmenter (Chinese, Japanese, Thai).
        case segmenter
    }

    public var stopWords: [String] = []
    public var bullets: [String] = []
    public var c4TerminalPunctuation: [String] = []
    public var c4LineWords = LineWords.whitespace
    public var c4MinWordsPerLine = 3
    public var c4MaxWordLength = 1000
    public var finewebExtraTerminalPunctuation: [String] = []
    public var finewebShortLineLength = 30
}

/// Gopher quality thresholds (nil switches a rule off).
public struct GopherQualityThresholds: Sendable, Equatable {
    public var minWords: Double?
    public var maxWords: Double?
    public var minMeanWordLength: Double?
    public var maxMeanWordLength: Double?
    public var maxHashRatio: Double?
    public var maxEllipsisRatio: Double?
    public var maxBulletLinesRatio: Double?
    public var maxEllipsisLinesRatio: Double?
    public var minAlphaWordsRatio: Double?
    public var minStopWords: Double?
}

/// Gopher repetition thresholds: fractions of lines, paragraphs or characters.
public struct GopherRepetitionThresholds: Sendable, Equatable {
    public var maxDupLineFraction: Double?
    public var maxDupParagraphFraction: Double?
    public var maxDupLineCharFraction: Double?
    public var maxDupParagraphCharFraction: Double?
    /// Indexed by n - 2 for n = 2, 3, 4.
    public var maxTopNGramCharFraction: [Double?] = [nil, nil, nil]
    /// Indexed by n - 5 for n = 5 … 10.
    public var maxDupNGramCharFraction: [Double?] = [nil, nil, nil, nil, nil, nil]
}

/// C4 document thresholds.
public struct C4Thresholds: Sendable, Equatable {
    public var minSentences: Double?
    public var dropLoremIpsum = true
    public var dropCurlyBracket = true
}

/// FineWeb thresholds.
public struct FineWebThresholds: Sendable, Equatable {
    public var minLinePunctRatio: Double?
    public var maxShortLineRatio: Double?
    public var maxDupLineCharRatio: Double?
    public var maxNewlineWordRatio: Double?
}

/// A threshold profile: how statistics are measured and where each rule cuts, for some languages.
/// Profiles are YAML files (`pipelines/profiles/`); see `ProfileLoader`.
public struct FilterProfile: Sendable, Equatable {
    public var name: String
    /// ISO 639-1 codes this profile is for; "*" for any language.
    public var languages: [String]
    public var statistics = StatisticParameters()
    public var gopherQuality = GopherQualityThresholds()
    public var gopherRepetition = GopherRepetitionThresholds()
    public var c4 = C4Thresholds()
    public var fineweb = FineWebThresholds()

    public init(name: String, languages: [String]) {
        self.name = name
        self.languages = languages
    }

    /// The profiles compiled into curate, by name (en, zh, fallback).
    public static var builtInNames: [String] { embeddedProfiles.keys.sorted() }
}

/// Which profile scores and filters each document.
public struct ProfileSelection: Sendable {
    /// Profiles consulted in order; the first whose languages include the document's is used.
    public var profiles: [FilterProfile]
    /// When set, every document uses this profile whatever its language.
    public var forced: FilterProfile?

    public init(profiles: [FilterProfile], forced: FilterProfile? = nil) {
        self.profiles = profiles
        self.forced = forced
    }

    /// The built-in profiles: en for English, zh for Chinese, fallback for the rest.
    public static func builtIn() throws -> ProfileSelection {
        ProfileSelection(profiles: try ["en", "zh", "fallback"].map { try ProfileLoader.builtIn($0) })
    }

    public func profile(forLanguage language: String) -> FilterProfile {
        if let forced { return forced }
        return profiles.first { $0.languages.contains(language) }
            ?? profiles.first { $0.languages.contains("*") }
            ?? profiles[0]
    }

    public func profile(named name: String) -> FilterProfile? {
        if let forced, forced.name == name { return forced }
        return profiles.first { $0.name == name }
    }
}
